"""Transactional outbox: events are rows written in the state change's own transaction.

The relay publishes them with acks=all and marks them published; rows stay for a retention
window so that reconciliation can re-publish after a broker loses its data.
"""

from shared.outbox.relay import OutboxRelay, RelayConfig
from shared.outbox.table import OUTBOX_CHANNEL, outbox_rows, outbox_table, stage

__all__ = ["OUTBOX_CHANNEL", "OutboxRelay", "RelayConfig", "outbox_rows", "outbox_table", "stage"]
