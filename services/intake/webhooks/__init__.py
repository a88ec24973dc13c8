"""Signed status callbacks to agencies: registration, the delivery log and the delivery worker."""
