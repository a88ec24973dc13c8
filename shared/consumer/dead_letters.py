"""The headers a dead letter carries beside the original ones, and reading them back."""

from datetime import datetime

from aiokafka import ConsumerRecord

from shared.clock import utcnow
from shared.events.envelope import Headers

REASON = "dlq_reason"
CONSUMER = "dlq_consumer"
SOURCE_TOPIC = "dlq_source_topic"
SOURCE_PARTITION = "dlq_source_partition"
SOURCE_OFFSET = "dlq_source_offset"
ATTEMPTS = "dlq_attempts"
FAILED_AT = "dlq_failed_at"
PREFIX = "dlq_"


def dead_letter_headers(
    record: ConsumerRecord[bytes, bytes],
    *,
    reason: str,
    consumer: str,
    attempts: int,
    at: datetime | None = None,
) -> Headers:
    original = [(n, v) for n, v in record.headers or () if not n.startswith(PREFIX)]
    return [
        *original,
        (REASON, reason[:1000].encode()),
        (CONSUMER, consumer.encode()),
        (SOURCE_TOPIC, record.topic.encode()),
        (SOURCE_PARTITION, str(record.partition).encode()),
        (SOURCE_OFFSET, str(record.offset).encode()),
        (ATTEMPTS, str(attempts).encode()),
        (FAILED_AT, (at or utcnow()).isoformat().encode()),
    ]


def original_headers(headers: Headers) -> Headers:
    """What to send back to the source topic on replay: exactly what the producer signed."""
    return [(n, v) for n, v in headers if not n.startswith(PREFIX)]
