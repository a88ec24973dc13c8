"""Over generated registries and clues: one outcome per clue, and never an inactive body."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from services.routing.registry import (
    Project,
    ProjectStatus,
    RegistrySnapshot,
    Unit,
    Zone,
    body_id,
)
from services.routing.registry.bodies import Body
from services.routing.registry.demo import demo_registry
from services.routing.rules import ClueContext, Outcome, RoutingResult, SubjectContext, evaluate
from services.routing.rules.compile import default_rule_set
from services.routing.rules.context import AgencyKind
from shared.codes import BodyKind, Category, Channel, Level, Rank, Topic
from shared.credit_code import credit_code_with_check

SEATS = {
    Level.PROVINCE: ["360000"],
    Level.CITY: ["365000", "369900"],
    Level.COUNTY: ["365002", "365021", "365022", "369921"],
    Level.TOWNSHIP: ["365021", "365022"],
}
REGIONS = [*{r for rs in SEATS.values() for r in rs}, "36502", "365099"]
UNIT_NAMES = ["江州市水利局", "清河县水利局", "云溪县财政局", "某公司", "某村委会", "市住建局"]
DAY = date(2026, 12, 1)


@st.composite
def bodies(draw: st.DrawFn) -> list[Body]:
    made: list[Body] = []
    for i in range(draw(st.integers(0, 14))):
        level = draw(st.sampled_from(list(Level)))
        parent = draw(st.none() | st.sampled_from(made)) if made else None
        made.append(
            Body(
                id=body_id(f"body-{i}"),
                code=f"body-{i}",
                name=f"机关{i}",
                kind=draw(st.sampled_from(list(BodyKind))),
                level=level,
                region=draw(st.sampled_from(SEATS[level])),
                parent_id=parent.id if parent else None,
                active=draw(st.booleans()),
                zone=draw(st.sampled_from([None, "zone-a", "zone-b"])),
            )
        )
    return made


@st.composite
def registries(draw: st.DrawFn) -> RegistrySnapshot:
    made = draw(bodies())
    ids: list[UUID | None] = [None, *(b.id for b in made)]
    zones = [
        Zone(code, f"协作区{code}", "365021", draw(st.sampled_from(ids)), draw(st.booleans()))
        for code in ("zone-a", "zone-b")
    ]
    units = [
        Unit(
            credit_code=credit_code_with_check(f"11365000MB{i:07d}"),
            name=name,
            region=draw(st.sampled_from(REGIONS[:7])),
            leaders_level=draw(st.sampled_from(list(Level))),
            dispatched_group_id=draw(st.sampled_from(ids)),
            township_commission_id=draw(st.sampled_from(ids)),
            active=draw(st.booleans()),
        )
        for i, name in enumerate(draw(st.lists(st.sampled_from(UNIT_NAMES), unique=True)))
    ]
    codes = [u.credit_code for u in units]
    projects = [
        Project(
            code=f"p{i}",
            name=f"项目{i}",
            body_id=draw(st.sampled_from(ids[1:])),
            unit_codes=tuple(draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3))),
            topics=frozenset(draw(st.sets(st.sampled_from(list(Topic))))),
            starts_on=DAY - timedelta(days=draw(st.integers(-30, 300))),
            ends_on=draw(st.none() | st.just(DAY + timedelta(days=30))),
            status=draw(st.sampled_from(list(ProjectStatus))),
        )
        for i in range(draw(st.integers(0, 3)) if codes and made else 0)
    ]
    return RegistrySnapshot.of(made, units, zones, projects)


subjects = st.builds(
    SubjectContext,
    unit=st.sampled_from(UNIT_NAMES),
    rank=st.sampled_from(list(Rank)),
    managing_level=st.sampled_from(list(Level)),
    party_member=st.booleans(),
    same_level_committee_leader=st.booleans(),
    unit_credit_code=st.none() | st.just(credit_code_with_check("11365000MB0000000")),
)

clues = st.builds(
    ClueContext,
    clue_id=st.uuids(),
    received_on=st.just(DAY),
    region=st.sampled_from(REGIONS),
    category=st.sampled_from(list(Category)),
    channel=st.sampled_from(list(Channel)),
    subjects=st.lists(subjects, max_size=4).map(tuple),
    topics=st.sets(st.sampled_from(list(Topic))).map(frozenset),
    amount=st.none() | st.integers(0, 5_000_000).map(Decimal),
    agency_kind=st.none() | st.sampled_from(list(AgencyKind)),
)


def assert_one_consistent_outcome(
    result: RoutingResult, registry: RegistrySnapshot, excluded: frozenset[UUID] = frozenset()
) -> None:
    assert result.outcome in set(Outcome)
    assert result.reason and result.sender_reason
    if result.outcome in (Outcome.ROUTE, Outcome.SPLIT):
        assert result.lead is not None
        chosen = [result.lead, *result.co_bodies]
        assert all(b.active and registry.body(b.id) == b for b in chosen)
        assert not {b.id for b in chosen} & excluded
        assert len({b.id for b in chosen}) == len(chosen)
    else:
        assert result.lead is None and result.co_bodies == ()
    if result.outcome is Outcome.SPLIT:
        assert result.split is not None and result.split.kept and result.split.returned
        assert not set(result.split.kept) & set(result.split.returned)
    internal = {r.id for g in default_rule_set().document.groups.values() for r in g.rules}
    internal |= {b.code for b in registry.bodies.values()}
    assert not [w for w in internal if w in result.sender_reason]


@settings(max_examples=300, deadline=None)
@given(registry=registries(), clue=clues)
def test_every_clue_ends_with_one_outcome_and_no_inactive_body(
    registry: RegistrySnapshot, clue: ClueContext
) -> None:
    result = evaluate(default_rule_set(), clue, registry)
    assert_one_consistent_outcome(result, registry)
    assert evaluate(default_rule_set(), clue, registry) == result


@settings(max_examples=300, deadline=None)
@given(clue=clues, returned_by=st.sets(st.sampled_from(sorted(demo_registry().bodies))))
def test_the_same_holds_on_the_demo_registry_and_a_body_that_returned_it_never_gets_it(
    clue: ClueContext, returned_by: set[UUID]
) -> None:
    clue = replace(clue, excluded_body_ids=frozenset(returned_by))
    result = evaluate(default_rule_set(), clue, demo_registry())
    assert_one_consistent_outcome(result, demo_registry(), clue.excluded_body_ids)
