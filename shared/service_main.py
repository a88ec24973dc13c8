"""`python -m services.<svc> [serve|worker|migrate|token|dlq|outbox|<its own>...]`: the commands
every service has, in one place; a service's __main__.py describes itself and calls `run`.

Modules are named by import path and loaded only for the command that needs them, so a
one-off command (the agency CLI, say) starts without the server or the broker client.
"""

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from shared import dlq
from shared.http_server import serve_api
from shared.migrate import upgrade
from shared.settings import ServiceSettings

Command = Callable[[ServiceSettings, list[str]], int]


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True, kw_only=True)
class ServiceMain:
    name: str
    settings: Callable[[], ServiceSettings]
    app: str  # "services.<svc>.app:create_app", a factory each uvicorn worker calls
    worker: str  # "services.<svc>.worker:build_worker"
    outbox: Table
    revoked_tokens: Table
    consumes: Sequence[str]  # the topics whose dead letters `dlq` lists
    commands: Mapping[str, Command] = field(default_factory=dict)  # its own, or overriding ours
    after_migrate: Command | None = None  # data the schema needs (shipped calendar years, say)
    server_options: Mapping[str, Any] = field(default_factory=dict)

    def usage(self) -> str:
        names = ["serve", "api", "worker", "migrate", *self.commands, "token", "dlq", "outbox"]
        return f"usage: python -m services.{self.name} [{'|'.join(names)}]"

    def run(self, argv: list[str]) -> int:
        command = argv[0] if argv else "serve"
        settings = self.settings()
        if command in self.commands:
            return self.commands[command](settings, argv[1:])
        if command == "migrate":
            upgrade(self.name, settings.database_url)
            if self.after_migrate is not None:
                return self.after_migrate(settings, argv[1:])
        elif command == "worker":
            from shared.worker import serve

            serve(_load(self.worker)(settings))
        elif command in ("dlq", "outbox"):
            topics = list(self.consumes)
            return dlq.main(
                argv, service=self.name, settings=settings, topics=topics, outbox=self.outbox
            )
        elif command == "token":
            from shared.token_cli import main as token_main

            return token_main(self.name, settings.database_url, self.revoked_tokens, argv[1:])
        elif command in ("serve", "api"):
            self._serve(settings)
        else:
            print(f"unknown command {command!r}; {self.usage()}", file=sys.stderr)
            return 2
        return 0

    def _serve(self, settings: ServiceSettings) -> None:
        serve_api(self.name, self.app, settings, **self.server_options)
