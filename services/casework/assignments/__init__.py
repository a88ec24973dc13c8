"""Assignments: the inbox, one assignment with its timeline and clocks, the lifecycle actions."""
