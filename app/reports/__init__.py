"""Reports for auditors: one query per section, rendered as JSON, CSV or XLSX."""
