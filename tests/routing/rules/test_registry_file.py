"""Registry files: the demo slice, refusals with their line, and what a load would change."""

from textwrap import dedent

import pytest

from services.routing.demo import DEMO_BODIES
from services.routing.errors import DocumentInvalid, Problem
from services.routing.registry import (
    EMPTY,
    Action,
    ProjectStatus,
    RegistrySnapshot,
    body_id,
    plan_registry_load,
)
from services.routing.registry.demo import DEMO_REGISTRY_FILE, demo_registry
from shared.codes import BodyKind, Level

DEMO_TEXT = DEMO_REGISTRY_FILE.read_text(encoding="utf-8")

SMALL = """\
bodies:
  - {code: jz-cdi, name: 江州市纪委监委, kind: discipline_commission, level: city, region: "365000"}
  - code: jz-group-water
    name: 驻市水利局纪检监察组
    kind: dispatched_group
    level: city
    region: 365000
    parent: jz-cdi
units:
  - credit_code: 11365000MB00010016
    name: 江州市水利局
    region: "365000"
    leaders_level: city
    dispatched_group: jz-group-water
"""


def refused(text: str, current: RegistrySnapshot = EMPTY) -> tuple[Problem, ...]:
    with pytest.raises(DocumentInvalid) as err:
        plan_registry_load(text, current)
    return err.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


class TestDemoRegistry:
    def test_the_demo_bodies_of_today_keep_their_ids_and_values(self) -> None:
        registry = demo_registry()
        for body in DEMO_BODIES:
            loaded = registry.body(body.id)
            assert loaded is not None and loaded.id == body_id(body.code)
            assert (loaded.code, loaded.name, loaded.kind, loaded.level, loaded.region) == (
                body.code, body.name, body.kind, body.level, body.region,
            )  # fmt: skip
            assert loaded.parent_id == body.parent_id

    def test_the_slice_has_what_issue_9_asks_for(self) -> None:
        registry = demo_registry()
        kinds = [b.kind for b in registry.bodies.values() if b.active]
        assert kinds.count(BodyKind.DISPATCHED_GROUP) == 2
        for kind in (
            BodyKind.INSPECTION_OFFICE,
            BodyKind.AUDIT_BUREAU,
            BodyKind.FINANCE_SUPERVISION,
        ):
            assert kind in kinds
        counties = {
            b.region
            for b in registry.bodies.values()
            if b.kind == BodyKind.DISCIPLINE_COMMISSION and b.level == Level.COUNTY
        }
        assert counties == {"365002", "365021", "365022"}
        zone = registry.zones["qh-east"]
        townships = [b for b in registry.bodies.values() if b.zone == zone.code]
        assert len(townships) == 2 and all(b.level == Level.TOWNSHIP for b in townships)
        assert len(registry.projects) == 2

    def test_loading_it_twice_changes_nothing_the_second_time(self) -> None:
        first = plan_registry_load(DEMO_TEXT)
        assert {c.action for c in first.changes} == {Action.ADDED}
        assert plan_registry_load(DEMO_TEXT, first.snapshot).changes == ()


class TestChanges:
    def test_a_renamed_body_is_reported_with_its_old_and_new_name(self) -> None:
        before = plan_registry_load(SMALL).snapshot
        plan = plan_registry_load(SMALL.replace("驻市水利局纪检监察组", "驻水利局组"), before)
        (change,) = plan.changes
        assert (change.entity, change.key, change.action) == (
            "body",
            "jz-group-water",
            Action.CHANGED,
        )
        assert [(f.name, f.old, f.new) for f in change.fields] == [
            ("name", "驻市水利局纪检监察组", "驻水利局组")
        ]

    def test_what_a_section_leaves_out_is_deactivated_not_deleted(self) -> None:
        before = demo_registry()
        text = SMALL.replace("units:", "projects: []\nunits:")
        plan = plan_registry_load(text, before)
        off = {(c.entity, c.key) for c in plan.changes if c.action is Action.DEACTIVATED}
        assert ("body", "qh-cdi") in off and ("unit", "11365021MB0002001T") in off
        assert ("project", "jz-audit-2026-water") in off
        qh = plan.snapshot.body_by_code("qh-cdi")
        assert qh is not None and not qh.active
        assert plan.snapshot.projects["jz-audit-2026-water"].status is ProjectStatus.CLOSED
        assert plan_registry_load(text, plan.snapshot).changes == ()

    def test_a_section_the_file_leaves_out_is_untouched(self) -> None:
        before = demo_registry()
        only_zones = (
            "zones:\n  - {code: qh-east, name: 清河县东片联动协作区, region: '365021',"
            " coordinator: qh-cdi}\n"
        )
        assert plan_registry_load(only_zones, before).changes == ()

    def test_a_unit_file_alone_refers_to_the_bodies_already_registered(self) -> None:
        units = SMALL[SMALL.index("units:") :].replace("jz-group-water", "jz-group-housing")
        plan = plan_registry_load(units, demo_registry())
        changed = [c for c in plan.changes if c.action is Action.CHANGED]
        assert [c.key for c in changed] == ["11365000MB00010016"]


class TestRefusals:
    @pytest.mark.parametrize(
        ("old", "new", "needle", "message"),
        [
            ("11365000MB00010016", "11365000MB00010017", "credit_code", "check character"),
            ("parent: jz-cdi", "parent: jz-nowhere", "parent:", "no body 'jz-nowhere'"),
            ("dispatched_group: jz-group-water", "dispatched_group: jz-cdi", "dispatched_group:",
             "not a dispatched_group"),
            ("region: 365000\n", "region: 36500\n", "region: 36500", "should match pattern"),
            ("leaders_level: city", "leaders_level: mayor", "leaders_level", "Input should be"),
            ("leaders_level: city", "leaders_level: city\n    colour: red", "colour",
             "unknown field 'colour'"),
            ('region: "365000"}', 'region: "365021"}', "jz-cdi,", "not a city division code"),
        ],
    )  # fmt: skip
    def test_a_wrong_value_is_refused_with_its_line(
        self, old: str, new: str, needle: str, message: str
    ) -> None:
        text = SMALL.replace(old, new, 1)
        found = refused(text)
        line = line_of(text, needle)
        assert [p for p in found if p.line == line and message in p.message], found

    def test_an_unknown_section(self) -> None:
        text = SMALL + "agencies: []\n"
        (problem,) = refused(text)
        assert problem.line == line_of(text, "agencies") and "unknown field" in problem.message

    def test_a_code_given_twice(self) -> None:
        twice = SMALL.replace(
            "  - code: jz-group-water",
            "  - {code: jz-cdi, name: x, kind: "
            "audit_bureau, level: city, region: '365000'}\n  - code: jz-group-water",
        )
        (problem,) = refused(twice)
        assert problem.line == 3 and "duplicate body code 'jz-cdi'" in problem.message

    def test_a_project_on_an_unknown_unit_and_a_reversed_period(self) -> None:
        text = SMALL + dedent("""\
            projects:
              - code: p1
                name: 专项监督
                body: jz-cdi
                units: [11365021MB0002001T]
                period: {from: 2026-05-01, to: 2026-04-01}
            """)
        found = refused(text)
        assert any("the period ends before it starts" in p.message for p in found)
        text = text.replace("to: 2026-04-01", "to: 2026-06-01")
        (problem,) = refused(text)
        assert problem.line == line_of(text, "units: [11365021") and "no unit" in problem.message

    def test_a_dispatched_group_reports_to_a_commission_of_its_own_level(self) -> None:
        text = SMALL.replace("level: city\n    region: 365000", "level: county\n    region: 365021")
        (problem,) = refused(text)
        assert problem.line == line_of(text, "parent: jz-cdi")


class TestUnitLookup:
    def test_by_normalised_name_alias_or_credit_code(self) -> None:
        registry = demo_registry()
        by_name = registry.unit_for(credit_code=None, name="江州市 住房和城乡建设局")
        by_alias = registry.unit_for(credit_code=None, name="市住建局")
        by_code = registry.unit_for(credit_code="11365000MB0001003C", name="住建")
        assert by_name is not None and by_name == by_alias == by_code
        assert registry.unit_for(credit_code="11365000MB0001003D", name="江州市住建局") is None
