"""Checks a schema cannot express: rule shapes, group references, cycles, unreachable rules, and
the placeholders of reason templates. Each problem carries the line of what is wrong."""

from collections.abc import Iterator
from dataclasses import dataclass
from string import Formatter

from services.routing.errors import Problem
from services.routing.rules.schema import Condition, Group, Mode, Rule, RuleSetDocument, Unresolved
from services.routing.yamldoc import Path, SourceDocument

OFFICE_FIELDS = frozenset(
    {
        "lead",
        "co",
        "level",
        "region",
        "unit",
        "category",
        "topics",
        "project",
        "zone",
        "basis",
        "kept_count",
        "returned_count",
    }
)
SENDER_FIELDS = frozenset({"lead", "kept_count", "returned_count"})


@dataclass(frozen=True)
class _Located:
    group: str
    index: int
    rule: Rule

    @property
    def path(self) -> Path:
        return ("groups", self.group, "rules", self.index)


def check_rule_set(doc: RuleSetDocument, source: SourceDocument) -> list[Problem]:
    checker = _Checker(doc, source)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, doc: RuleSetDocument, source: SourceDocument) -> None:
        self.doc = doc
        self.source = source
        self.problems: list[Problem] = []
        self.rules = [
            _Located(name, i, rule)
            for name, group in doc.groups.items()
            for i, rule in enumerate(group.rules)
        ]

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def run(self) -> None:
        self._unique_ids()
        for located in self.rules:
            self._shape(located)
            self._templates(located)
        self._templates_of_sender_reasons()
        if not self._references():
            return
        if self._cycles():
            return
        self._unused_groups()
        terminal = _always_terminal_groups(self.doc)
        for name, group in self.doc.groups.items():
            self._unreachable(name, group, terminal)

    def _unique_ids(self) -> None:
        seen: dict[str, _Located] = {}
        for located in self.rules:
            first = seen.setdefault(located.rule.id, located)
            if first is not located:
                line = self.source.locate(first.path)[0]
                self.fail(
                    (*located.path, "id"), f"rule id {located.rule.id!r} is used on line {line}"
                )

    def _shape(self, at: _Located) -> None:
        rule, path = at.rule, at.path
        ends = [k for k in ("review", "return") if _given(rule, k)]
        acts = [k for k in ("lead", "co_bodies", "split", "then") if _given(rule, k)]
        if not ends and not acts:
            self.fail(
                path,
                f"rule {rule.id!r} does nothing: give lead, co_bodies, review, "
                "return, split or then",
            )
        if len(ends) > 1 or (ends and acts):
            self.fail(
                (*path, ends[0]),
                f"{ends[0]} ends evaluation; it cannot be combined with "
                f"{', '.join(ends[1:] + acts)}",
            )
        targets = rule.lead is not None or rule.co_bodies is not None
        for key in ("unresolved", "fallback", "basis"):
            if _given(rule, key) and not targets:
                self.fail((*path, key), f"{key} applies only to a rule with lead or co_bodies")
        if _given(rule, "unresolved") and rule.fallback is not None:
            self.fail((*path, "fallback"), "give either unresolved or fallback, not both")
        if (rule.lead is not None or rule.co_bodies is not None) and rule.reason is None:
            self.fail(path, f"rule {rule.id!r} chooses bodies and must give the reason")
        if rule.reason is not None and not (rule.lead or rule.co_bodies):
            self.fail((*path, "reason"), "reason is for rules that choose bodies")

    def _templates(self, at: _Located) -> None:
        rule, path = at.rule, at.path
        office = {"reason": rule.reason, "basis": rule.basis, "review": rule.review}
        if rule.return_ is not None:
            office["return.reason"] = rule.return_.reason
            self._template(
                (*path, "return", "sender_reason"), rule.return_.sender_reason, SENDER_FIELDS
            )
        if rule.split is not None:
            office["split.reason"] = rule.split.reason
            self._template(
                (*path, "split", "sender_reason"), rule.split.sender_reason, SENDER_FIELDS
            )
        with_basis = OFFICE_FIELDS if rule.basis else OFFICE_FIELDS - {"basis"}
        for key, text in office.items():
            if text is not None:
                allowed = OFFICE_FIELDS - {"basis"} if key == "basis" else with_basis
                self._template((*path, *key.split(".")), text, allowed)

    def _templates_of_sender_reasons(self) -> None:
        reasons = self.doc.sender_reasons
        self._template(("sender_reasons", "route"), reasons.route, SENDER_FIELDS)
        self._template(("sender_reasons", "review"), reasons.review, frozenset())

    def _template(self, path: Path, text: str, allowed: frozenset[str] | set[str]) -> None:
        try:
            parts = list(Formatter().parse(text))
        except ValueError as err:
            self.fail(path, f"not a valid template: {err}")
            return
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in allowed or spec or conversion:
                known = ", ".join(sorted(allowed)) or "none"
                self.fail(path, f"unknown placeholder {{{name}}} (allowed here: {known})")

    def _references(self) -> bool:
        ok = True
        if self.doc.entry not in self.doc.groups:
            self.fail(("entry",), f"no group {self.doc.entry!r}")
            ok = False
        for at in self.rules:
            for key in ("then", "fallback"):
                target = getattr(at.rule, key)
                if target is not None and target not in self.doc.groups:
                    self.fail((*at.path, key), f"no group {target!r}")
                    ok = False
        return ok

    def _cycles(self) -> bool:
        """Groups call groups through then and fallback; a loop would never end a decision."""
        state: dict[str, int] = {}
        found = False

        def visit(name: str, trail: list[str]) -> None:
            nonlocal found
            state[name] = 1
            for at, key, callee in _calls(self.doc, name):
                if state.get(callee) == 1:
                    loop = " → ".join([*trail[trail.index(callee) :], name, callee])
                    self.fail((*at.path, key), f"cycle between groups: {loop}")
                    found = True
                elif callee not in state:
                    visit(callee, [*trail, name])
            state[name] = 2

        for name in self.doc.groups:
            if name not in state:
                visit(name, [])
        return found

    def _unused_groups(self) -> None:
        reached = {self.doc.entry}
        pending = [self.doc.entry]
        while pending:
            for _, _, callee in _calls(self.doc, pending.pop()):
                if callee not in reached:
                    reached.add(callee)
                    pending.append(callee)
        for name in self.doc.groups:
            if name not in reached:
                self.fail(
                    ("groups", name), f"group {name!r} is never reached from {self.doc.entry!r}"
                )

    def _unreachable(self, name: str, group: Group, terminal: set[str]) -> None:
        closers: list[tuple[Rule, str]] = []
        for i, rule in enumerate(group.rules):
            path = ("groups", name, "rules", i)
            for earlier, why in closers:
                if earlier.when is None or _empty(earlier.when) or earlier.when == rule.when:
                    self.fail(
                        path,
                        f"rule {rule.id!r} is unreachable: rule {earlier.id!r} before "
                        f"it matches {'every clue' if _always(earlier) else 'the same clues'} "
                        f"and {why}",
                    )
                    break
            ends = _ends_evaluation(rule, terminal)
            if ends or (group.mode is Mode.FIRST and _cannot_skip(rule)):
                closers.append((rule, "ends evaluation" if ends else "ends the group"))


def _given(rule: Rule, key: str) -> bool:
    field = {"return": "return_"}.get(key, key)
    return field in rule.model_fields_set and getattr(rule, field) is not None


def _empty(condition: Condition) -> bool:
    return not any(getattr(condition, f) is not None for f in Condition.model_fields)


def _always(rule: Rule) -> bool:
    return rule.when is None or _empty(rule.when)


def _cannot_skip(rule: Rule) -> bool:
    """Whether a matching rule always takes effect: a split may find nothing to split."""
    if rule.split is not None:
        return False
    if rule.lead is None and rule.co_bodies is None:
        return True
    # Co-bodies already chosen make a co-body rule redundant, so it can always be passed over.
    return rule.co_bodies is None and (
        rule.fallback is not None or rule.unresolved is Unresolved.REVIEW
    )


def _ends_evaluation(rule: Rule, terminal: set[str]) -> bool:
    if rule.review is not None or rule.return_ is not None:
        return True
    return rule.then is not None and rule.then in terminal and _cannot_skip(rule)


def _calls(doc: RuleSetDocument, name: str) -> Iterator[tuple[_Located, str, str]]:
    for i, rule in enumerate(doc.groups[name].rules):
        for key in ("then", "fallback"):
            callee = getattr(rule, key)
            if callee is not None:
                yield _Located(name, i, rule), key, callee


def _always_terminal_groups(doc: RuleSetDocument) -> set[str]:
    """Groups that end every evaluation that enters them (computed to a fixed point; no cycles)."""
    terminal: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, group in doc.groups.items():
            if name not in terminal and any(
                _always(r) and _ends_evaluation(r, terminal) for r in group.rules
            ):
                terminal.add(name)
                changed = True
    return terminal
