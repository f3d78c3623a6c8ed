"""Summaries and reports of what the office received: counts (``counts``), periods
(``periods``), the XLSX workbook (``workbook``), the PDF 通报 (``bulletin``) and the
``beian-office report`` command (``command``)."""
