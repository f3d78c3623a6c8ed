"""forms.normalize's reading of spreadsheet cells (the desk's imports and the office's
reference lists both go through it)."""

from __future__ import annotations

from datetime import date, datetime

from forms import normalize


def test_a_spreadsheet_cell_reads_as_its_reader_saw_it():
    assert normalize.cell_text(None) == ""
    assert normalize.cell_text(13807321234.0) == "13807321234"  # a phone typed as a number
    assert normalize.cell_text(2.5) == "2.5"
    assert normalize.cell_text(True) == "是"
    assert normalize.cell_text(datetime(2026, 12, 1, 9, 30)) == "2026-12-01"
    assert normalize.cell_text(date(2027, 1, 1)) == "2027-01-01"
    assert normalize.cell_text(" 湘潭 ") == " 湘潭 "  # text as typed; callers strip
