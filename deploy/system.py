"""The whole system as child processes: broker, migrations, demo data, the three services.

One place knows how to start and stop them, so `make run`, the system tests and the bench all
run the same thing. Each service runs as two processes (DESIGN.md, Processes), named after it:
the API (`intake`, uvicorn serving HTTP) and the worker (`intake-worker`: relay, consumers,
background jobs). Each process runs in its own session (process group): a signal from the
terminal reaches only the orchestrator, which stops the services first and the broker last, and
killing a group also takes uvicorn's worker processes with it.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from deploy.demo import Credentials, seed_blocking
from deploy.process import ServiceProcess, port_taken
from shared.broker import EmbeddedBroker, free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "routing", "casework")
DEFAULT_PORTS = {"intake": 8001, "routing": 8002, "casework": 8003}
WORKER_SUFFIX = "-worker"


def worker_of(service: str) -> str:
    return service + WORKER_SUFFIX


def processes_of(service: str) -> tuple[str, str]:
    """The process names of one service: its API, then its worker."""
    return service, worker_of(service)


def service_of(process: str) -> str:
    return process.removesuffix(WORKER_SUFFIX)


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    port: int
    database_url: str
    workers: int = 1
    host: str = "127.0.0.1"
    # Where the API's and the worker's /metrics are served (0: not served).
    metrics_port: int = 0
    worker_metrics_port: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def metrics_url(self, process: str) -> str:
        """`intake` (the API) or `intake-worker`: where that process serves /metrics."""
        port = self.worker_metrics_port if process.endswith(WORKER_SUFFIX) else self.metrics_port
        return f"http://{self.host}:{port}/metrics"

    def env(self) -> dict[str, str]:
        prefix = self.name.upper()
        return {
            f"{prefix}_HOST": self.host,
            f"{prefix}_PORT": str(self.port),
            f"{prefix}_WORKERS": str(self.workers),
            f"{prefix}_DATABASE_URL": self.database_url,
            f"{prefix}_METRICS_PORT": str(self.metrics_port),
            f"{prefix}_WORKER_METRICS_PORT": str(self.worker_metrics_port),
        }


class ServiceFailed(RuntimeError):
    pass


@dataclass
class System:
    services: Mapping[str, ServiceConfig]
    log_dir: Path
    # Each service's own token secret (service name -> secret), passed as <SVC>_JWT_SECRET.
    jwt_secrets: Mapping[str, str]
    kafka_bootstrap_servers: str | None = None
    echo: bool = False
    ready_timeout: float = 90.0
    stop_timeout: float = 15.0
    extra_env: Mapping[str, str] = field(default_factory=dict)
    credentials: Credentials | None = field(default=None, init=False)
    _broker: EmbeddedBroker | None = field(default=None, init=False, repr=False)
    _children: dict[str, ServiceProcess] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def on_free_ports(
        cls,
        database_urls: Mapping[str, str],
        *,
        log_dir: Path,
        jwt_secrets: Mapping[str, str],
        workers: Mapping[str, int] | None = None,
        kafka_bootstrap_servers: str | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> "System":
        workers = workers or {}
        services = {
            name: ServiceConfig(
                name,
                free_port(),
                database_urls[name],
                workers.get(name, 1),
                metrics_port=free_port(),
                worker_metrics_port=free_port(),
            )
            for name in SERVICES
        }
        return cls(
            services=services,
            log_dir=log_dir,
            jwt_secrets=jwt_secrets,
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            extra_env=extra_env or {},
        )

    @property
    def bootstrap_servers(self) -> str:
        if self.kafka_bootstrap_servers:
            return self.kafka_bootstrap_servers
        if self._broker is None:
            raise RuntimeError("the broker is not started")
        return self._broker.bootstrap_servers

    def url(self, name: str) -> str:
        return self.services[service_of(name)].url

    def metrics_url(self, name: str) -> str:
        return self.services[service_of(name)].metrics_url(name)

    @property
    def processes(self) -> tuple[str, ...]:
        return tuple(p for svc in self.services for p in processes_of(svc))

    @property
    def secrets_dir(self) -> Path:
        """This system's own generated secrets (event signing keys, ...), never another's."""
        return self.log_dir / "secrets"

    def start(self) -> Self:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in (*self.processes, "broker"):
            (self.log_dir / f"{name}.log").unlink(missing_ok=True)
        try:
            self.start_broker()
            self.migrate()
            self.credentials = seed_blocking(
                {n: c.database_url for n, c in self.services.items()}, self.jwt_secrets
            )
            for name in self.processes:
                self.start_service(name, wait=False)
            for name in self.processes:
                self.wait_ready(name)
        except BaseException:
            self.stop()
            raise
        return self

    def start_broker(self) -> None:
        if self.kafka_bootstrap_servers or self._broker is not None:
            return
        self._broker = EmbeddedBroker(log_path=self.log_dir / "broker.log").start()

    def migrate(self) -> None:
        """Runs `python -m services.<svc> migrate` for all three at once, as an operator would."""
        running = {
            name: subprocess.Popen(
                [sys.executable, "-m", f"services.{name}", "migrate"],
                cwd=REPO_ROOT,
                env=self._env(config),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for name, config in self.services.items()
        }
        failed = []
        for name, process in running.items():
            output, _ = process.communicate(timeout=300)
            if process.returncode != 0:
                text = output.decode(errors="replace")
                failed.append(f"{name} (exit {process.returncode}):\n{text}")
        if failed:
            raise ServiceFailed("migration failed: " + "\n".join(failed))

    def restart_broker(self) -> None:
        """Stops the embedded broker and starts an empty one on the same port: a replaced
        cluster, with every topic, record and committed offset gone."""
        if self._broker is None:
            raise RuntimeError("no embedded broker to restart")
        port, log = self._broker.port, self.log_dir / "broker.log"
        self._broker.stop()
        self._broker = EmbeddedBroker(port, log_path=log).start()

    def signal_broker(self, sig: int) -> None:
        """SIGSTOP freezes the embedded broker (connections hang, nothing answers); SIGCONT."""
        if self._broker is None:
            raise RuntimeError("no embedded broker to signal")
        self._broker.signal(sig)

    def start_service(self, name: str, *, wait: bool = True) -> None:
        """Starts one process: a service's API (`routing`) or its worker (`routing-worker`)."""
        if name in self._children:
            raise RuntimeError(f"{name} is already running")
        service = service_of(name)
        config = self.services[service]
        worker = name != service
        # Otherwise a leftover process on the port would answer /readyz in the new one's place.
        if not worker and (reason := port_taken(config.host, config.port)):
            raise ServiceFailed(
                f"{name}: {config.host}:{config.port} is taken ({reason}); is another Guantong "
                f"running? Set {name.upper()}_PORT to move it."
            )
        self._children[name] = ServiceProcess(
            name,
            [sys.executable, "-m", f"services.{service}", *(["worker"] if worker else [])],
            cwd=REPO_ROOT,
            env=self._env(config),
            log_path=self.log_dir / f"{name}.log",
            echo=self.echo,
        )
        if wait:
            self.wait_ready(name)

    def wait_ready(self, name: str) -> None:
        """An API: until its /readyz answers 200. A worker (which serves no HTTP): until its
        API's /readyz shows this very process with its consumer group joined and its relay
        lease held by someone, so that events flow from the moment this returns."""
        child, url = self._children[name], self.url(name)
        deadline = time.monotonic() + self.ready_timeout
        with httpx.Client(timeout=5.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if (code := child.exit_code()) is not None:
                    raise ServiceFailed(f"{name} exited with code {code}\n{self.log_tail(name)}")
                with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):
                    answer = client.get(f"{url}/readyz")
                    if answer.status_code == 200 and (
                        name == service_of(name) or _worker_ready(answer.json(), child.pid)
                    ):
                        return
                time.sleep(0.1)
        raise ServiceFailed(
            f"{name} was not ready within {self.ready_timeout}s\n{self.log_tail(name)}"
        )

    def exited(self) -> dict[str, int]:
        """Services that stopped without being asked to, with their exit codes."""
        return {
            name: code
            for name, child in self._children.items()
            if (code := child.exit_code()) is not None
        }

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Sends `sig` to the service's whole process group; after SIGKILL it is gone."""
        if sig == signal.SIGKILL:
            self._children.pop(name).kill(self.stop_timeout)
        else:
            self._children[name].signal_group(sig)

    def stop_service(self, name: str) -> None:
        child = self._children.pop(name, None)
        if child is not None:
            child.stop(self.stop_timeout)

    def restart(self, name: str) -> None:
        self.stop_service(name)
        self.start_service(name)

    def pid(self, name: str) -> int:
        return self._children[name].pid

    def stop(self) -> None:
        for name in reversed(list(self._children)):
            with contextlib.suppress(Exception):
                self.stop_service(name)
        broker, self._broker = self._broker, None
        if broker is not None:
            broker.stop()

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return f"({path} is empty)"
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        return f"--- last lines of {path} ---\n" + "\n".join(tail)

    def environment(self, service: str) -> dict[str, str]:
        """The environment of a one-off command of `service` (`routing reconcile`)."""
        return self._env(self.services[service])

    def _env(self, config: ServiceConfig) -> dict[str, str]:
        env = {**os.environ, **self.extra_env, **config.env()}
        env["KAFKA_BOOTSTRAP_SERVERS"] = self.bootstrap_servers
        env[f"{config.name.upper()}_JWT_SECRET"] = self.jwt_secrets[config.name]
        env["GUANTONG_SECRETS_DIR"] = str(self.secrets_dir)
        if config.name == "routing":  # the reconciler reads the other two ledgers
            env["ROUTING_INTAKE_URL"] = self.services["intake"].url
            env["ROUTING_CASEWORK_URL"] = self.services["casework"].url
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _worker_ready(readiness: dict[str, Any], pid: int) -> bool:
    mine = {
        w["component"].partition(":")[0]: w["state"]
        for w in readiness["workers"]
        if w["instance"].endswith(f":{pid}")
    }
    joined = readiness["consumers"] == "none" or mine.get("consumer") == "joined"
    return joined and "relay" in mine and readiness["relay"] == "active"
