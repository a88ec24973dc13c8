"""Demo data for a running system: seeded bodies and agencies, and a token per caseworker."""

import asyncio
import threading
from collections.abc import Mapping
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
    )


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


def _person(
    secrets: Mapping[str, str], service: str, body: Any, roles: tuple[str, ...], user_id: str
) -> Person:
    role_name = "案管人员" if "case_management" in roles else "办案人员"
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
