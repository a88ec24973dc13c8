"""Scheduled handoff reconciliation (定期汇总核对, Rules Art 23): the three ledgers compared by
range digests, every difference classified, what can be repaired without guessing re-published
by its owner, the next run verifying it, every run stored as the ledger (台账) of the office."""
