"""`make run`: the broker, the three services and demo data on this machine, until Ctrl-C.

Configuration comes from the same environment the services read (INTAKE_PORT,
ROUTING_DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, CASEWORK_JWT_SECRET, ...); without
KAFKA_BOOTSTRAP_SERVERS an embedded broker is started and stopped with the rest. Secrets not
set are generated once per installation under var/secrets (GUANTONG_ENV=local only).
"""

import contextlib
import json
import os
import shlex
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from deploy.demo import CITY_COMMISSION, Credentials, post_demo_referrals, referral
from deploy.system import REPO_ROOT, SERVICES, ServiceConfig, ServiceFailed, System
from shared.observability.logs import FORMAT_VARIABLE as LOG_FORMAT

VAR = REPO_ROOT / "var"
CREDENTIALS = VAR / "demo-credentials.json"


def main() -> int:
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            return
        stop.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    private_var()
    # Readable lines in the terminal; the services default to JSON lines (production).
    os.environ.setdefault(LOG_FORMAT, "console")
    services = configured_services()
    system = System(
        services=services,
        log_dir=VAR,
        jwt_secrets=jwt_secrets(),
        kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None,
        echo=True,
    )
    try:
        _say("starting the broker, migrating, seeding demo data, starting the services ...")
        system.start()
        assert system.credentials is not None
        write_credentials(system, system.credentials)
        _post_demo_referrals(system, system.credentials)
        print(banner(system, system.credentials), flush=True)
        while not stop.wait(1.0):
            if exited := system.exited():
                _say(f"stopping: a service exited on its own {exited}; see var/<process>.log")
                return 1
        return 0
    except KeyboardInterrupt:
        return 0
    except ServiceFailed as exc:
        _say(f"could not start: {exc}")
        return 1
    finally:
        # A second Ctrl-C must not cut the shutdown short and leave children behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _say("stopping ...")
        system.stop()
        _say("stopped.")


def _post_demo_referrals(system: System, credentials: Credentials) -> None:
    sent = post_demo_referrals(system.url("intake"), credentials)
    refused = [f"{title} ({status})" for title, status in sent if status >= 300]
    _say(f"posted {len(sent)} demo referrals (deploy/demo_referrals.yaml), one per routing rule")
    if refused:
        _say("not accepted: " + "; ".join(refused))


def configured_services() -> dict[str, ServiceConfig]:
    from services.casework.settings import Settings as CaseworkSettings
    from services.intake.settings import Settings as IntakeSettings
    from services.routing.settings import Settings as RoutingSettings

    configs = {}
    for name, settings_class in zip(
        SERVICES, (IntakeSettings, RoutingSettings, CaseworkSettings), strict=True
    ):
        settings: Any = settings_class()
        url = _anchored(str(settings.database_url))
        configs[name] = ServiceConfig(
            name,
            int(settings.port),
            url,
            int(settings.workers),
            str(settings.host),
            metrics_port=int(settings.metrics_port),
            worker_metrics_port=int(settings.worker_metrics_port),
        )
    return configs


def _anchored(url: str) -> str:
    """A relative SQLite path made absolute, so this process and the children mean one file."""
    scheme, sep, path = url.partition(":///")
    if scheme.startswith("sqlite") and sep and not path.startswith("/"):
        return f"{scheme}:///{REPO_ROOT / path}"
    return url


def private_var(folder: Path = VAR) -> None:
    """var/ holds databases, logs and secrets: the folder 0700, whatever is created in it 0600
    (the umask reaches the services too, and SQLite's WAL and shared-memory files)."""
    os.umask(0o077)
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)


def jwt_secrets() -> dict[str, str]:
    """Each service's token secret as the service itself resolves it, to mint the demo tokens."""
    from services.casework.settings import Settings as CaseworkSettings
    from services.intake.settings import Settings as IntakeSettings
    from services.routing.settings import Settings as RoutingSettings

    classes = (IntakeSettings, RoutingSettings, CaseworkSettings)
    return {
        name: settings_class().hs256_secret()
        for name, settings_class in zip(SERVICES, classes, strict=True)
    }


def write_credentials(system: System, credentials: Credentials) -> None:
    VAR.mkdir(exist_ok=True)
    document = {
        "generated_at": datetime.now(UTC).isoformat(),
        "urls": {name: system.url(name) for name in SERVICES},
        "kafka_bootstrap_servers": system.bootstrap_servers,
        **credentials.to_json(),
    }
    CREDENTIALS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    CREDENTIALS.chmod(0o600)


def banner(system: System, credentials: Credentials) -> str:
    intake, casework = system.url("intake"), system.url("casework")
    key = credentials.agencies[0].api_key
    inbox = credentials.caseworker(CITY_COMMISSION)
    routing, office = system.url("routing"), credentials.case_management_office
    body = json.dumps(referral(), ensure_ascii=False)
    extract_id = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"id\"])'"
    lines = [
        "",
        "Guantong is running.",
        *(f"  {name:<9} {system.url(name)}  (docs: {system.url(name)}/docs)" for name in SERVICES),
        "  metrics   " + "  ".join(system.metrics_url(p) for p in system.processes),
        f"  broker    {system.bootstrap_servers}",
        f"  credentials: {_relative(CREDENTIALS)}   logs: {_relative(VAR)}/<service>[-worker].log",
        "",
        f"Refer a clue as {credentials.agencies[0].name}, then read it back:",
        "",
        f"ID=$(curl -sS -X POST {intake}/v1/referrals \\",
        f"  -H {shlex.quote('Authorization: Bearer ' + key)} \\",
        '  -H "Idempotency-Key: demo-$(date +%s%N)" \\',
        "  -H 'Content-Type: application/json' \\",
        f"  -d {shlex.quote(body)} | {extract_id}); echo $ID",
        "",
        f"curl -sS {intake}/v1/referrals/$ID -H {shlex.quote('Authorization: Bearer ' + key)}",
        "",
        f"{inbox.body_name} caseworker's inbox:",
        "",
        f"curl -sS {casework}/v1/assignments \\",
        f"  -H {shlex.quote('Authorization: Bearer ' + inbox.token)}",
        "",
        f"{office.body_name} case-management office: the review queue, a clue's decisions:",
        "",
        f"curl -sS {routing}/v1/review-queue \\",
        f"  -H {shlex.quote('Authorization: Bearer ' + office.token)}",
        f"curl -sS {routing}/v1/clues/$ID/decisions \\",
        f"  -H {shlex.quote('Authorization: Bearer ' + office.token)}",
        "",
        f"Routing admin (rule sets, registry, audit): {routing}/v1/rule-sets with the",
        f"routing_admin token in {_relative(CREDENTIALS)}.",
        "",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _say(message: str) -> None:
    # Ctrl-C also ends a pipe reading our output (`make run | tee`); stopping must go on.
    with contextlib.suppress(OSError):
        print(f"guantong | {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
