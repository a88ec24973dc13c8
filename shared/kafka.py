"""aiokafka plumbing. Nothing here knows whether the cluster is Apache Kafka or the embedded one."""

import asyncio
import contextlib
import logging
import struct
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context

from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

Record = tuple[str, str, bytes, list[tuple[str, bytes]]]
# aiokafka keyword arguments that authenticate and encrypt a client (client_options).
Security = Mapping[str, Any]


def client_options(settings: ServiceSettings) -> dict[str, Any]:
    """The security arguments of every aiokafka client a service builds: producer, consumers,
    admin client and the readiness probe all reach the cluster the same way."""
    protocol = settings.kafka_security_protocol
    options: dict[str, Any] = {"security_protocol": protocol}
    if protocol.startswith("SASL_"):
        password = settings.kafka_sasl_password
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = password.get_secret_value() if password else None
    if protocol.endswith("SSL"):
        options["ssl_context"] = create_ssl_context(
            cafile=settings.kafka_ssl_cafile,
            certfile=settings.kafka_ssl_certfile,
            keyfile=settings.kafka_ssl_keyfile,
        )
    return options


class KafkaPublisher:
    """Sends batches with acks=all and waits for every acknowledgement before returning."""

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        max_request_size: int = 1024 * 1024,
        security: Security | None = None,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._security = dict(security or {})
        self._client_id = client_id
        self._max_request_size = max_request_size
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        # The embedded broker rejects the idempotent producer; the inbox makes duplicates harmless.
        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=False,
            linger_ms=2,
            max_request_size=self._max_request_size,
            **self._security,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def enqueue(self, record: Record) -> "asyncio.Future[Any]":
        """Hands one record to the producer; the future resolves when the broker has it.
        Records given in order reach their partition in that order."""
        if self._producer is None:
            await self.start()
        assert self._producer is not None
        topic, key, value, headers = record
        future: asyncio.Future[Any] = await self._producer.send(
            topic, value=value, key=key.encode(), headers=headers
        )
        return future

    async def send_batch(self, records: Sequence[Record]) -> None:
        futures = [await self.enqueue(record) for record in records]
        await asyncio.gather(*futures)

    async def send(self, record: Record) -> None:
        await self.send_batch([record])


async def ensure_topics(
    bootstrap_servers: str,
    names: Iterable[str],
    *,
    partitions: int = 3,
    security: Security | None = None,
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **(security or {}))
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


# ApiVersions v0 (api key 18): the smallest request every Kafka-compatible broker answers.
_API_VERSIONS = struct.pack(">hhih", 18, 0, 0x6774, 9) + b"readiness"


async def broker_reachable(
    bootstrap_servers: str, wait_seconds: float = 1.0, *, security: Security | None = None
) -> bool:
    """True when a bootstrap broker answers a real Kafka request in time. A TCP connect alone
    says nothing: a frozen (SIGSTOPped) broker's kernel still accepts connections. Brokers answer
    ApiVersions before SASL authentication, so only TLS needs configuring here."""
    ssl_context = (security or {}).get("ssl_context")
    for server in bootstrap_servers.split(","):
        with contextlib.suppress(OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            probe = _ask_api_versions(server.strip(), ssl_context)
            if await asyncio.wait_for(probe, wait_seconds):
                return True
    return False


async def _ask_api_versions(server: str, ssl_context: Any = None) -> bool:
    host, _, port = server.rpartition(":")
    reader, writer = await asyncio.open_connection(host, int(port), ssl=ssl_context)
    try:
        writer.write(struct.pack(">i", len(_API_VERSIONS)) + _API_VERSIONS)
        await writer.drain()
        (size,) = struct.unpack(">i", await reader.readexactly(4))
        (correlation,) = struct.unpack(">i", await reader.readexactly(4))
        return bool(size >= 4 and correlation == 0x6774)
    finally:
        writer.close()
