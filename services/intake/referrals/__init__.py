"""Referrals: accepting a clue idempotently, its status and timeline, conclusions fed back."""
