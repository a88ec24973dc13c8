"""Intake's ledger (台账) for reconciliation: every referral it accepted, with the status and
stage its sender sees; served to routing's reconciler under the service credential."""
