"""Every default rule against the demo registry, with the reason it gives (one row per case)."""

from dataclasses import dataclass, replace
from datetime import date

import pytest

from services.routing.registry import RegistrySnapshot, body_id
from services.routing.registry.demo import demo_registry
from services.routing.rules import ClueContext, Effect, Outcome, RoutingResult
from services.routing.rules.compile import default_rule_set
from services.routing.rules.context import AgencyKind
from shared.codes import Category, Channel, Level, Topic
from tests.routing.rules.builders import a_clue, decide, outsider, someone

CITY_WATER = "11365000MB00010016"
CITY_TRANSPORT = "11365000MB0001004F"


@dataclass(frozen=True)
class Row:
    name: str
    clue: ClueContext
    outcome: Outcome
    lead: str | None
    co: tuple[str, ...]
    reason: str
    rules: tuple[str, ...]  # rules that must have applied (or ended the evaluation)


ROWS = [
    Row(
        "a county cadre goes to the county commission",
        a_clue(),
        Outcome.ROUTE, "qh-cdi", (),
        "第一被反映人系县级管理干部，属地365021：由清河县纪委监委主办",
        ("jurisdiction",),
    ),
    Row(
        "a city cadre goes to the city commission whatever county the clue is from",
        a_clue(someone("清河县水利局", Level.CITY)),
        Outcome.ROUTE, "jz-cdi", (), "第一被反映人系市级管理干部", ("jurisdiction",),
    ),
    Row(
        "a township cadre of an unregistered unit goes to the county commission",
        a_clue(someone("清河县某村民委员会", Level.TOWNSHIP), region="365022"),
        Outcome.ROUTE, "yx-cdi", (), "乡镇级管理干部，属地365022：由云溪县纪委监委主办",
        ("jurisdiction",),
    ),
    Row(
        "no commission seated in the region sends the clue to review",
        a_clue(someone("某局"), region="369921"),
        Outcome.REVIEW, None, (), "未登记369921的县级纪委监委", ("jurisdiction",),
    ),
    Row(
        "a cadre of a unit with a dispatched group goes to the group",
        a_clue(someone("江州市水利局", Level.CITY), region="365000"),
        Outcome.ROUTE, "jz-group-water", (),
        "被反映人系江州市水利局干部，在派驻机构监督权限内：由江州市纪委监委驻市水利局纪检监察组主办",
        ("dispatched_group",),
    ),
    Row(
        "the unit is found by an alias, spaces and full-width forms aside",
        a_clue(someone("市 住建局", Level.COUNTY), region="365000"),
        Outcome.ROUTE, "jz-group-housing", (), "派驻监督", ("dispatched_group",),
    ),
    Row(
        "the unit is found by its credit code whatever name the sender wrote",
        a_clue(someone("交通局", Level.CITY, credit_code=CITY_TRANSPORT), region="365000"),
        Outcome.ROUTE, "jz-group-housing", (), "江州市交通运输局干部", ("dispatched_group",),
    ),
    Row(
        "a province-managed cadre is beyond a city group's authority",
        a_clue(someone("江州市水利局", Level.PROVINCE), region="365000"),
        Outcome.ROUTE, "prov-cdi", (),
        "但被反映人系省级管理干部，超出江州市纪委监委驻市水利局纪检监察组的监督权限",
        ("jurisdiction",),
    ),
    Row(
        "a duty crime in a unit with a city group goes to the sending commission",
        a_clue(someone("江州市水利局", Level.CITY), region="365000", category=Category.DUTY_CRIME),
        Outcome.ROUTE, "jz-cdi", ("jz-group-water",),
        "市县派驻纪检监察组不承担职务犯罪调查职责，职务犯罪问题线索由派出机关办理：由江州市纪委监委主办",
        ("duty_crime_to_commission",),
    ),
    Row(
        "a leader of a same-level committee is also reported one level up",
        a_clue(someone(leader=True)),
        Outcome.ROUTE, "qh-cdi", ("jz-cdi",),
        "依《监督执纪工作规则》第二十二条须同时报上一级纪委监委，江州市纪委监委协办",
        ("jurisdiction", "same_level_leader"),
    ),
    Row(
        "a provincial leader's level above is not in the registry: review",
        a_clue(someone("某厅", Level.PROVINCE, leader=True), region="360000"),
        Outcome.REVIEW, None, (), "须同时报上一级纪委监委，但上一级机关不在本系统登记范围",
        ("same_level_leader",),
    ),
    Row(
        "a township organisation's cadre goes to its township commission, in its zone",
        a_clue(someone("清河县青石镇农业服务中心", Level.TOWNSHIP)),
        Outcome.ROUTE, "qh-qs-cdi", ("qh-cdi",),
        "由清河县青石镇纪委主办；清河县青石镇纪委属清河县东片联动协作区，由清河县纪委监委统筹片区协作",
        ("township_commission", "zone_collaboration"),
    ),
    Row(
        "funds bring in the audit bureau, the nearest active one up when the county's is off",
        a_clue(someone("江州区教育局"), region="365002", topics=(Topic.FUNDS,)),
        Outcome.ROUTE, "jzq-cdi", ("jz-audit",),
        "江州市审计局协同（财审先行）（未登记365002的县级审计局，由上级机关协同）",
        ("audit_first",),
    ),
    Row(
        "a large amount brings in the county audit bureau",
        a_clue(someone("清河县柳河镇人民政府"), amount=800_000),
        Outcome.ROUTE, "qh-cdi", ("qh-audit",), "清河县审计局协同（财审先行）",
        ("jurisdiction", "audit_first"),
    ),
    Row(
        "an inactive audit bureau is passed over for the one above",
        a_clue(someone("云溪县财政局"), region="365022", topics=(Topic.TENDERING,)),
        Outcome.ROUTE, "yx-cdi", ("jz-audit",), "云溪县审计局）已停用，由上级机关协同",
        ("audit_first",),
    ),
    Row(
        "accounting irregularities bring in finance supervision",
        a_clue(someone("云溪县财政局"), region="365022", topics=(Topic.ACCOUNTING,)),
        Outcome.ROUTE, "yx-cdi", ("jz-finance",), "涉及财会问题，江州市财政局开展财会监督",
        ("finance_supervision",),
    ),
    Row(
        "a clue found by finance supervision brings it in too",
        a_clue(someone("江州市交通运输局", Level.CITY), region="365000",
               channel=Channel.FINANCE_SUPERVISION),
        Outcome.ROUTE, "jz-group-housing", ("jz-finance",), "开展财会监督",
        ("dispatched_group", "finance_supervision"),
    ),
    Row(
        "leadership responsibility in a city unit brings in the inspection office",
        a_clue(someone("江州市交通运输局", Level.CITY), region="365000",
               category=Category.POLITICAL),
        Outcome.ROUTE, "jz-group-housing", ("jz-inspection",),
        "涉及江州市交通运输局领导班子履行全面从严治党主体责任问题，江州市委巡察办巡察跟进",
        ("inspection_follow_up",),
    ),
    Row(
        "a registered project on the unit and topic makes its body a co-body",
        a_clue(someone("江州市农业农村局", Level.CITY), region="365000", category=Category.WORK,
               topics=(Topic.AGRICULTURAL_SUBSIDY,)),
        Outcome.ROUTE, "jz-group-water", ("jz-audit", "jz-inspection"),
        "江州市委巡察办已报备在办监督项目（市委2026年第二轮巡察（市农业农村局）），涉及被反映人所在单位，"
        "列为协办，避免重复监督",
        ("audit_first", "registered_project"),
    ),
    Row(
        "audit, and the audit project on the same unit, both join",
        a_clue(topics=(Topic.FUNDS,)),
        Outcome.ROUTE, "qh-cdi", ("qh-audit", "jz-audit"),
        "江州市审计局已报备在办监督项目（2026年度水利建设资金专项审计）",
        ("audit_first", "registered_project"),
    ),
    Row(
        "no subject is a 监察对象: returned to the sender",
        a_clue(outsider(), outsider("某个体经营户")),
        Outcome.RETURN, None, (), "第一百七十一条第四项，退回移送机关", ("no_jurisdiction",),
    ),
    Row(
        "partly ours: the outsider's part goes back, the rest is routed",
        a_clue(outsider(), someone("清河县水利局", Level.CITY)),
        Outcome.SPLIT, "jz-cdi", (),
        "线索涉及1名非监察对象，依《监察法实施条例》第一百七十一条第三项，该部分退回移送机关",
        ("partly_ours", "jurisdiction"),
    ),
    Row(
        "no subject: review",
        replace(a_clue(), subjects=()),
        Outcome.REVIEW, None, (), "线索未列被反映人", ("no_subject",),
    ),
    Row(
        "a region that is no division code: review",
        a_clue(region="36502"),
        Outcome.REVIEW, None, (), "属地代码“36502”不是6位行政区划代码",
        ("region_not_division_code",),
    ),
]  # fmt: skip


def _codes(result: RoutingResult) -> tuple[str | None, tuple[str, ...]]:
    return (
        result.lead.code if result.lead else None,
        tuple(b.code for b in result.co_bodies),
    )


class TestDefaultRules:
    @pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
    def test_the_clue_gets_its_outcome_bodies_and_reason(self, row: Row) -> None:
        result = decide(row.clue)
        assert result.outcome is row.outcome, result.reason
        assert _codes(result) == (row.lead, row.co)
        assert row.reason in result.reason
        deciding = {h.rule for h in result.hits if h.effect is not Effect.SKIPPED}
        assert set(row.rules) <= deciding, result.hits
        assert result.rule_set_version == default_rule_set().version

    def test_every_default_rule_applies_in_some_row(self) -> None:
        applied = {
            h.rule
            for row in ROWS
            for h in decide(row.clue).hits
            if h.effect not in (Effect.SKIPPED, Effect.REDUNDANT)
        }
        every = {r.id for g in default_rule_set().document.groups.values() for r in g.rules}
        assert every - applied == set()

    @pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
    def test_the_sender_never_reads_a_rule_id_or_body_code(self, row: Row) -> None:
        result = decide(row.clue)
        rule_ids = {r.id for g in default_rule_set().document.groups.values() for r in g.rules}
        codes = {b.code for b in demo_registry().bodies.values()}
        assert result.sender_reason
        assert not [w for w in rule_ids | codes if w in result.sender_reason]


class TestRegistryStates:
    def test_an_inactive_dispatched_group_leaves_the_clue_to_the_commission(self) -> None:
        registry = _switched_off(demo_registry(), "jz-group-water")
        result = decide(a_clue(someone("江州市水利局", Level.CITY), region="365000"), registry)
        assert _codes(result) == ("jz-cdi", ())
        assert "江州市纪委监委驻市水利局纪检监察组已停用" in result.reason

    def test_an_audit_bureau_that_sent_the_clue_is_not_its_co_body(self) -> None:
        clue = a_clue(someone("江州区教育局"), region="365002", topics=(Topic.FUNDS,),
                      agency=AgencyKind.AUDIT_BUREAU)  # fmt: skip
        assert _codes(decide(clue)) == ("jzq-cdi", ())

    def test_a_project_outside_its_period_adds_nobody(self) -> None:
        clue = a_clue(someone("江州市农业农村局", Level.CITY), region="365000",
                      category=Category.WORK, topics=(Topic.AGRICULTURAL_SUBSIDY,),
                      on=date(2026, 8, 31))  # fmt: skip
        assert _codes(decide(clue)) == ("jz-group-water", ("jz-audit",))

    def test_the_split_names_the_subjects_sent_back(self) -> None:
        result = decide(a_clue(someone(), outsider(), someone("江州区教育局")))
        assert result.split is not None
        assert (result.split.kept, result.split.returned) == ((0, 2), (1,))
        assert "其余部分已受理，分办至清河县纪委监委" in result.sender_reason

    def test_a_township_leader_is_not_reported_past_the_county(self) -> None:
        clue = a_clue(someone("清河县青石镇农业服务中心", Level.TOWNSHIP, leader=True))
        assert _codes(decide(clue)) == ("qh-qs-cdi", ("qh-cdi",))


def _switched_off(registry: RegistrySnapshot, code: str) -> RegistrySnapshot:
    bodies = dict(registry.bodies)
    bodies[body_id(code)] = replace(bodies[body_id(code)], active=False)
    return RegistrySnapshot(bodies, registry.units, registry.zones, registry.projects)
