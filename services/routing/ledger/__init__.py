"""Routing's ledger (台账) for reconciliation: each clue, the stage its sender was last told
of, and its latest decision with a lead body; the reconciler reads it in-process, and the same
is served under the service credential."""
