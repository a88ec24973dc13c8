"""Routing a clue: decisions in stages, the review queue, overrides, re-routes and handoffs."""
