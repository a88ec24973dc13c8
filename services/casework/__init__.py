"""Casework: one assignment per (clue, body), its state machine, deadlines and feedback."""
