"""Demo data for a running system: seeded bodies and agencies, and a token per caseworker."""

import asyncio
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from shared.auth import AUDIENCES, issue_token

CITY_COMMISSION = "江州市纪委监委"


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    code: str
    api_key: str


@dataclass(frozen=True)
class Person:
    """A caseworker of one body, or the case-management staff member, with a bearer token."""

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
    case_management: Person
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
            "case_management": asdict(self.case_management),
            "casework_staff": [asdict(p) for p in self.casework_staff],
            "casework_office": asdict(self.casework_office) if self.casework_office else None,
        }


async def seed(database_urls: Mapping[str, str], jwt_secrets: Mapping[str, str]) -> Credentials:
    """Demo data, and tokens minted anew each time (they live hours): caseworkers' for casework
    under its secret, case management's for routing under routing's."""
    # Imported here: deploy is the one place that composes the services, and only at run time.
    from services.intake.demo import seed_demo as seed_agencies
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
        case_management=_person(
            jwt_secrets, "routing", city, ("case_management",), "demo-case-management"
        ),
        casework_staff=tuple(
            _person(jwt_secrets, "casework", body, (role,), f"demo-{role}-{body.code}")
            for body in DEMO_BODIES
            for role in ("supervisor", "auditor")
        ),
        casework_office=_person(
            jwt_secrets,
            "casework",
            city,
            ("case_management_office",),
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
    "case_management": "案管人员",
    "case_management_office": "案管人员",
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
    """A referral about a city-managed official in 江州 (region 365000), as an agency posts it."""
    return {
        "subjects": [
            {
                "name": subject_name,
                "id_number": id_number("110105", "19680412", sequence),
                "unit": "江州市住房和城乡建设局",
                "position": "副局长",
                "rank": "county_division",
                "managing_level": "city",
                "party_member": True,
            }
        ],
        "category": "integrity",
        "topics": ["tendering"],
        "channel": "audit",
        "summary": "某项目招投标中涉嫌收受好处",
        "facts": "审计发现该项目招投标过程中，中标单位曾向被反映人支付咨询费，涉嫌收受好处。",
        "amount": "1200000.00",
        "region": region,
    }


def id_number(region: str, birth_date: str, sequence: int) -> str:
    """An 18-character resident ID (GB 11643) with its check character."""
    body = f"{region}{birth_date}{sequence % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check
