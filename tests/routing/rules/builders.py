"""Clue contexts for rule tests: a county cadre of a registered unit unless told otherwise."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

from services.routing.registry import RegistrySnapshot
from services.routing.registry.demo import demo_registry
from services.routing.rules import ClueContext, RoutingResult, SubjectContext, evaluate
from services.routing.rules.compile import default_rule_set
from services.routing.rules.context import AgencyKind
from shared.codes import Category, Channel, Level, Rank, Topic

DAY = date(2026, 12, 1)


def someone(
    unit: str = "清河县水利局",
    level: Level = Level.COUNTY,
    *,
    rank: Rank = Rank.TOWNSHIP_SECTION,
    party: bool = True,
    leader: bool = False,
    credit_code: str | None = None,
) -> SubjectContext:
    return SubjectContext(
        unit=unit,
        rank=rank,
        managing_level=level,
        party_member=party,
        same_level_committee_leader=leader,
        unit_credit_code=credit_code,
    )


def outsider(unit: str = "江州某建材有限公司") -> SubjectContext:
    """Not a party member, no rank, unit not registered: not a 监察对象 as far as we know."""
    return someone(unit, Level.COUNTY, rank=Rank.OTHER, party=False)


def a_clue(
    *subjects: SubjectContext,
    region: str = "365021",
    category: Category = Category.INTEGRITY,
    channel: Channel = Channel.REPORT,
    topics: tuple[Topic, ...] = (),
    amount: int | None = None,
    agency: AgencyKind | None = AgencyKind.PETITION_OFFICE,
    on: date = DAY,
) -> ClueContext:
    return ClueContext(
        clue_id=uuid4(),
        received_on=on,
        region=region,
        category=category,
        channel=channel,
        subjects=subjects if subjects else (someone(),),
        topics=frozenset(topics),
        amount=None if amount is None else Decimal(amount),
        agency_kind=agency,
    )


def decide(clue: ClueContext, registry: RegistrySnapshot | None = None) -> RoutingResult:
    return evaluate(default_rule_set(), clue, registry or demo_registry())
