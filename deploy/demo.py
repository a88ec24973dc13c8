"""Demo data for a running system: seeded bodies and agencies, and a token per caseworker."""

import asyncio
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml

from shared.auth import AUDIENCES, issue_token

CITY_COMMISSION = "江州市纪委监委"
CASE_MANAGEMENT_OFFICE = "case_management_office"
ROUTING_ADMIN = "routing_admin"
DEMO_REFERRALS = Path(__file__).with_name("demo_referrals.yaml")


@dataclass(frozen=True)
class Expected:
    """What routing decides about a demo referral under the demo registry and default rules."""

    outcome: str
    lead: str | None
    co: tuple[str, ...]
    rules: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class DemoReferral:
    title: str
    agency: str
    agency_kind: str
    expect: Expected
    body: dict[str, Any]  # as an agency posts it to intake
    postable: bool = True  # False: intake refuses it itself; routing's guard is tested alone


@cache
def demo_referrals() -> tuple[tuple[DemoReferral, ...], datetime]:
    """The referrals of deploy/demo_referrals.yaml, and the day their expectations hold on."""
    document = yaml.safe_load(DEMO_REFERRALS.read_text(encoding="utf-8"))
    found = tuple(
        DemoReferral(
            title=entry["title"],
            agency=entry["agency"]["name"],
            agency_kind=entry["agency"]["kind"],
            expect=Expected(**{**entry["expect"], "co": tuple(entry["expect"]["co"]),
                               "rules": tuple(entry["expect"]["rules"])}),
            body=entry["referral"],
            postable=entry.get("postable", True),
        )
        for entry in document["referrals"]
    )  # fmt: skip
    return found, datetime.fromisoformat(document["received_at"])


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    code: str
    api_key: str


@dataclass(frozen=True)
class Person:
    """A caseworker of one body, a case-management officer or the routing admin, with a token."""

    user_id: str
    name: str
    roles: tuple[str, ...]
    body_id: str
    body_name: str
    body_code: str
    body_kind: str
    body_level: str
    body_region: str
    token: str


@dataclass(frozen=True)
class Credentials:
    agencies: list[Agency]
    caseworkers: list[Person]
    case_management_office: Person  # the city commission's 案管室, scoped to its tree
    routing_admin: Person  # keeps the registry and the rule sets
    # Casework: a supervisor and an auditor per body, and the city's case-management office,
    # whose token names the bodies under it (casework's statistics reach that far).
    casework_staff: tuple[Person, ...] = ()
    casework_office: Person | None = None

    def caseworker(self, body_name: str) -> Person:
        for person in self.caseworkers:
            if person.body_name == body_name:
                return person
        raise KeyError(body_name)

    def to_json(self) -> dict[str, Any]:
        return {
            "agencies": [asdict(a) for a in self.agencies],
            "caseworkers": [asdict(c) for c in self.caseworkers],
            "case_management_office": asdict(self.case_management_office),
            "routing_admin": asdict(self.routing_admin),
            "casework_staff": [asdict(p) for p in self.casework_staff],
            "casework_office": asdict(self.casework_office) if self.casework_office else None,
        }


async def seed(database_urls: Mapping[str, str], jwt_secrets: Mapping[str, str]) -> Credentials:
    """Demo data, and tokens minted anew each time (they live hours): caseworkers' for casework
    under its secret (one per body of the demo registry), the case-management office's and the
    routing administrator's for routing under routing's."""
    # Imported here: deploy is the one place that composes the services, and only at run time.
    from services.intake.agencies.demo import seed_demo as seed_agencies
    from services.intake.settings import Settings as IntakeSettings
    from services.routing.demo import DEMO_BODIES
    from services.routing.demo import seed_demo as seed_bodies
    from services.routing.settings import Settings as RoutingSettings

    await seed_bodies(RoutingSettings(database_url=database_urls["routing"]))
    agencies = await seed_agencies(IntakeSettings(database_url=database_urls["intake"]))
    caseworkers = [
        _person(jwt_secrets, "casework", body, ("caseworker",), f"demo-caseworker-{body.code}")
        for body in DEMO_BODIES
    ]
    city = next(b for b in DEMO_BODIES if str(b.name) == CITY_COMMISSION)
    return Credentials(
        agencies=[Agency(str(a.id), a.name, a.code, a.api_key) for a in agencies],
        caseworkers=caseworkers,
        case_management_office=_person(
            jwt_secrets, "routing", city, (CASE_MANAGEMENT_OFFICE,), "demo-case-management"
        ),
        routing_admin=_person(jwt_secrets, "routing", city, (ROUTING_ADMIN,), "demo-routing-admin"),
        casework_staff=tuple(
            _person(jwt_secrets, "casework", body, (role,), f"demo-{role}-{body.code}")
            for body in DEMO_BODIES
            for role in ("supervisor", "auditor")
        ),
        casework_office=_person(
            jwt_secrets,
            "casework",
            city,
            (CASE_MANAGEMENT_OFFICE,),
            "demo-casework-office",
            bodies=_under(city, DEMO_BODIES),
        ),
    )


def _under(root: Any, bodies: Sequence[Any]) -> tuple[UUID, ...]:
    """Every body whose chain of parents reaches `root`."""
    found: list[UUID] = []
    pending = [root.id]
    while pending:
        parent = pending.pop()
        children = [b.id for b in bodies if b.parent_id == parent and b.id not in found]
        found.extend(children)
        pending.extend(children)
    return tuple(found)


def post_demo_referrals(intake_url: str, credentials: Credentials) -> list[tuple[str, int]]:
    """Each postable demo referral sent by its agency (`make run`), so every default rule has a
    clue to show; the idempotency key is the title, so a restart sends nothing twice."""
    import httpx

    keys = {a.name: a.api_key for a in credentials.agencies}
    sent: list[tuple[str, int]] = []
    referrals, _ = demo_referrals()
    with httpx.Client(base_url=intake_url, timeout=30.0, trust_env=False) as client:
        for number, item in enumerate(r for r in referrals if r.postable):
            headers = {
                "Authorization": f"Bearer {keys[item.agency]}",
                "Idempotency-Key": f"demo-referral-{number}",
            }
            response = client.post("/v1/referrals", json=item.body, headers=headers)
            sent.append((item.title, response.status_code))
    return sent


def seed_blocking(database_urls: Mapping[str, str], jwt_secrets: Mapping[str, str]) -> Credentials:
    """Runs `seed` on a thread of its own, so callers inside an event loop can use it too."""
    result: list[Credentials] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(asyncio.run(seed(database_urls, jwt_secrets)))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, name="seed-demo")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


ROLE_NAMES = {
    CASE_MANAGEMENT_OFFICE: "案管人员",
    ROUTING_ADMIN: "分办规则管理员",
    "supervisor": "审批领导",
    "auditor": "审计监督人员",
}


def _person(
    secrets: Mapping[str, str],
    service: str,
    body: Any,
    roles: tuple[str, ...],
    user_id: str,
    *,
    bodies: Sequence[UUID] = (),
) -> Person:
    role_name = ROLE_NAMES.get(roles[0], "办案人员")
    name = f"{body.name}{role_name}"
    body_id: UUID = body.id
    return Person(
        user_id=user_id,
        name=name,
        roles=roles,
        body_id=str(body_id),
        body_name=str(body.name),
        body_code=str(body.code),
        body_kind=str(body.kind),
        body_level=str(body.level),
        body_region=str(body.region),
        token=issue_token(
            secrets[service],
            audience=AUDIENCES[service],
            user_id=user_id,
            body_id=body_id,
            roles=roles,
            name=name,
            bodies=bodies,
        ),
    )


def referral(
    *, subject_name: str = "张某", sequence: int = 2, region: str = "365000"
) -> dict[str, Any]:
    """A referral about a city-managed official in 江州 (region 365000), as an agency posts it:
    of a unit with no dispatched group, no funds topic and an amount under the audit threshold,
    so the city commission alone handles it (the system tests and the bench count on that)."""
    return {
        "subjects": [
            {
                "name": subject_name,
                "id_number": id_number("110105", "19680412", sequence),
                "unit": "江州市发展和改革委员会",
                "position": "副局长",
                "rank": "county_division",
                "managing_level": "city",
                "party_member": True,
            }
        ],
        "category": "integrity",
        "topics": [],
        "channel": "audit",
        "summary": "被反映人涉嫌收受管理服务对象好处",
        "facts": "审计发现某企业曾向被反映人支付所谓咨询费，涉嫌收受好处。",
        "amount": "300000.00",
        "region": region,
    }


def id_number(region: str, birth_date: str, sequence: int) -> str:
    """An 18-character resident ID (GB 11643) with its check character."""
    body = f"{region}{birth_date}{sequence % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check
