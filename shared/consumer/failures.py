"""Why a record failed, and whether trying again can help (DESIGN.md, Failure semantics).

Transient: the database, the broker or the network is away; retried without limit, nothing
committed, nothing dead-lettered. Poison: the record itself is wrong (undecodable, refused by its
contract, unauthenticated, from a service that does not own the topic, refused by the domain);
it goes to the dead letters after bounded tries. Reasons carry no payload text: only codes,
field names and exception class names.
"""

import asyncio
from collections.abc import Iterator

from aiokafka.errors import KafkaError
from sqlalchemy import exc as sa

# PostgreSQL SQLSTATE classes and codes meaning "the server or the connection is not there now".
_TRANSIENT_SQLSTATE_PREFIXES = ("08", "53", "57P", "58", "40001", "40P01", "55000", "55P03")


class EventRefused(Exception):
    """A handler's domain refusal no retry can change (e.g. a status for an unknown referral).
    The message is kept as the dead letter's reason: put ids in it, never subject data."""


class Poison(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail

    @property
    def reason(self) -> str:
        return f"{self.code}: {self.detail}"


def is_transient(exc: BaseException) -> bool:
    return any(_transient_one(e) for e in _chain(exc))


def _transient_one(exc: BaseException) -> bool:
    if isinstance(exc, sa.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(
        exc, sa.OperationalError | sa.InterfaceError | sa.TimeoutError | sa.DisconnectionError
    ):
        return True
    if isinstance(
        exc, OSError | TimeoutError | asyncio.TimeoutError | ConnectionError | KafkaError
    ):
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_TRANSIENT_SQLSTATE_PREFIXES):
        return True
    return type(exc).__module__.startswith("asyncpg") and type(exc).__name__ == "InterfaceError"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]


def handler_reason(exc: BaseException) -> str:
    """A handler's failure as a dead letter reason: a refusal's own words, else the class."""
    if isinstance(exc, EventRefused):
        return f"refused: {exc}"
    return f"handler-error: {type(exc).__name__}"
