"""Casework's ledger (台账) for reconciliation: each clue's assignments at its latest routing
stage, and the status of its lead; per body, what was assigned, signed for, disposed,
concluded and overdue. Served to routing's reconciler under the service credential."""
