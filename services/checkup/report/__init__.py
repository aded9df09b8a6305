"""The check-up as it leaves the centre: the report's assembly (report.py), its SVG charts, PDF and workbook."""
