"""Reports: results folders, tables, figures, maps and the workbook (and reading it back)."""
