"""The operator's tool for what did not flow (`python -m services.<svc> dlq|outbox ...`).

    dlq list                      dead letters of the topics this service consumes, and why
    dlq show ID... [--payload]    one record's headers (and, on request, its payload)
    dlq replay ID...|--all        back to the source topic, original key, value and headers
    outbox list                   outbox rows set aside after bounded tries
    outbox release ID...|--all    put set-aside rows back in the flow

A dead letter's ID is `<source topic>:<partition>:<offset>` in `<source topic>.dlq`. A replay
sends exactly the bytes the producer signed, so the signature still verifies; the inbox makes a
replay of something already applied harmless.
"""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from sqlalchemy import Table

from shared.consumer import dead_letters as dl
from shared.db import make_engine
from shared.events.topics import dead_letter
from shared.kafka import KafkaPublisher, Security, client_options
from shared.outbox import admin
from shared.settings import ServiceSettings

QUIET_POLLS = 3


@dataclass(frozen=True)
class DeadLetter:
    source_topic: str
    record: ConsumerRecord[bytes, bytes]

    @property
    def id(self) -> str:
        return f"{self.source_topic}:{self.record.partition}:{self.record.offset}"

    def header(self, name: str) -> str:
        value: bytes = dict(self.record.headers or ()).get(name, b"")
        return value.decode("utf-8", "replace")


async def read_dead_letters(
    bootstrap: str, topics: Sequence[str], *, security: Security | None = None
) -> list[DeadLetter]:
    """Every record of the topics' dead-letter topics, read from the start until quiet (end
    offsets are not trusted: the embedded broker reports them wrong)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **(security or {})
    )
    await consumer.start()
    found: list[DeadLetter] = []
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(dead_letter(t), p)
            for t in topics
            for p in consumer.partitions_for_topic(dead_letter(t)) or ()
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        quiet = 0
        while quiet < QUIET_POLLS:
            batches = await consumer.getmany(timeout_ms=300)
            quiet = 0 if batches else quiet + 1
            for tp, records in batches.items():
                found += [DeadLetter(tp.topic.removesuffix(".dlq"), r) for r in records]
    finally:
        await consumer.stop()
    return sorted(found, key=lambda d: (d.source_topic, d.record.partition, d.record.offset))


async def replay(
    bootstrap: str,
    letters: Sequence[DeadLetter],
    *,
    client_id: str,
    security: Security | None = None,
) -> int:
    publisher = KafkaPublisher(bootstrap, client_id=client_id, security=security)
    try:
        await publisher.send_batch(
            [
                (
                    letter.header(dl.SOURCE_TOPIC) or letter.source_topic,
                    (letter.record.key or b"").decode(),
                    letter.record.value or b"",
                    dl.original_headers(list(letter.record.headers or ())),
                )
                for letter in letters
            ]
        )
    finally:
        await publisher.stop()
    return len(letters)


def _line(letter: DeadLetter) -> str:
    h = letter.header
    return (
        f"{letter.id}  event={h('ce_id')}  type={h('ce_type')}  source={h('ce_source')}  "
        f"from={h(dl.SOURCE_TOPIC)}:{h(dl.SOURCE_PARTITION)}@{h(dl.SOURCE_OFFSET)}  "
        f"consumer={h(dl.CONSUMER)}  at={h(dl.FAILED_AT)}  reason={h(dl.REASON)}"
    )


def _parser(service: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m services.{service}")
    tools = parser.add_subparsers(dest="tool", required=True)
    dlq = tools.add_parser("dlq", help="dead letters").add_subparsers(dest="command", required=True)
    dlq.add_parser("list")
    show = dlq.add_parser("show")
    show.add_argument("ids", nargs="+")
    show.add_argument("--payload", action="store_true", help="print the value too")
    again = dlq.add_parser("replay")
    again.add_argument("ids", nargs="*")
    again.add_argument("--all", action="store_true")
    outbox = tools.add_parser("outbox", help="set-aside outbox rows")
    rows = outbox.add_subparsers(dest="command", required=True)
    rows.add_parser("list")
    release = rows.add_parser("release")
    release.add_argument("ids", nargs="*", type=int)
    release.add_argument("--all", action="store_true")
    return parser


def main(
    argv: Sequence[str],
    *,
    service: str,
    settings: ServiceSettings,
    topics: Sequence[str],
    outbox: Table,
    out: TextIO = sys.stdout,
) -> int:
    args = _parser(service).parse_args(list(argv))
    if args.tool == "outbox":
        return asyncio.run(_outbox(args, settings, outbox, out))
    return asyncio.run(_dlq(args, service, settings, topics, out))


async def _dlq(
    args: argparse.Namespace,
    service: str,
    settings: ServiceSettings,
    topics: Sequence[str],
    out: TextIO,
) -> int:
    letters = await read_dead_letters(
        settings.kafka_bootstrap_servers, topics, security=client_options(settings)
    )
    if args.command == "list":
        for letter in letters:
            print(_line(letter), file=out)
        print(f"{len(letters)} dead letters", file=out)
        return 0
    chosen = letters if args.command == "replay" and args.all else _chosen(letters, args.ids)
    if chosen is None:
        print("unknown id; see `dlq list`", file=out)
        return 1
    if args.command == "show":
        for letter in chosen:
            print(_line(letter), file=out)
            for name, value in letter.record.headers or ():
                print(f"    {name}: {value.decode('utf-8', 'replace')}", file=out)
            if args.payload:
                print(
                    f"    value: {(letter.record.value or b'').decode('utf-8', 'replace')}",
                    file=out,
                )
        return 0
    count = await replay(
        settings.kafka_bootstrap_servers,
        chosen,
        client_id=f"{service}-dlq",
        security=client_options(settings),
    )
    print(f"replayed {count}", file=out)
    return 0


def _chosen(letters: Sequence[DeadLetter], ids: Sequence[str]) -> list[DeadLetter] | None:
    by_id = {letter.id: letter for letter in letters}
    if not ids or any(i not in by_id for i in ids):
        return None
    return [by_id[i] for i in ids]


async def _outbox(
    args: argparse.Namespace, settings: ServiceSettings, table: Table, out: TextIO
) -> int:
    engine = make_engine(settings.database_url)
    try:
        rows = await admin.set_aside(engine, table)
        if args.command == "list":
            for r in rows:
                print(
                    f"{r.id}  event={r.event_id}  topic={r.topic}  key={r.message_key}  "
                    f"attempts={r.attempts}  set_aside_at={r.set_aside_at.isoformat()}  "
                    f"error={r.last_error}",
                    file=out,
                )
            print(f"{len(rows)} set aside", file=out)
            return 0
        ids = [r.id for r in rows] if args.all else list(args.ids)
        released = await admin.release(engine, table, ids)
        print(f"released {released}", file=out)
        return 0 if released == len(ids) else 1
    finally:
        await engine.dispose()
