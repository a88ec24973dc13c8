"""A run as the office keeps it: JSON, CSV, an XLSX ledger per body, an HTML summary."""
