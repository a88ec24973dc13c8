"""Statistics of one body, or of the bodies under a case-management office."""
