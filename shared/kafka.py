"""aiokafka plumbing. Nothing here knows whether the cluster is Apache Kafka or the embedded one."""

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)

Record = tuple[str, str, bytes, list[tuple[str, bytes]]]


class KafkaPublisher:
    """Sends batches with acks=all and waits for every acknowledgement before returning."""

    def __init__(self, bootstrap_servers: str, *, client_id: str) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        # The embedded broker rejects the idempotent producer; the inbox makes duplicates harmless.
        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=False,
            linger_ms=2,
        )
        await producer.start()
        self._producer = producer

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def send_batch(self, records: Sequence[Record]) -> None:
        if self._producer is None:
            await self.start()
        assert self._producer is not None
        futures = [
            await self._producer.send(topic, value=value, key=key.encode(), headers=headers)
            for topic, key, value, headers in records
        ]
        await asyncio.gather(*futures)

    async def send(self, record: Record) -> None:
        await self.send_batch([record])


async def ensure_topics(
    bootstrap_servers: str, names: Iterable[str], *, partitions: int = 3
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            # Another service may create one between our look and our create.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in missing]
                )
    finally:
        await admin.close()


async def broker_reachable(bootstrap_servers: str, wait_seconds: float = 2.0) -> bool:
    host, _, port = bootstrap_servers.split(",")[0].rpartition(":")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), wait_seconds)
    except (OSError, TimeoutError, ValueError):
        return False
    writer.close()
    return True
