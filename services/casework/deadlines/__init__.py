"""Deadlines: the working-day calendar in use, the scheduled overdue check, recomputation."""
