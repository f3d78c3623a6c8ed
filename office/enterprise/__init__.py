"""The enterprise's page: visits (扫码留痕), evaluations and complaints on the QR page.

What an enterprise says here is for the office only; the inspecting unit never reads
these tables (docs/office-api.md, "The enterprise's page")."""
