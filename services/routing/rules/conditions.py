"""Conditions compiled once into closures, so a decision walks no document and parses nothing."""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from services.routing.registry import normalise_unit_name
from services.routing.registry.bodies import is_division_code
from services.routing.rules.schema import (
    Amount,
    Condition,
    Count,
    OneOf,
    RegionTest,
    SubjectTest,
    TagSet,
    UnitTest,
)
from services.routing.rules.scope import Scope, SubjectView

ClueTest = Callable[[Scope], bool]
ViewTest = Callable[[SubjectView, Scope], bool]
V = TypeVar("V")
A = TypeVar("A")


def _every(tests: list[Callable[[A], bool]]) -> Callable[[A], bool]:
    if len(tests) == 1:
        return tests[0]
    return lambda arg: all(t(arg) for t in tests)


def one_of(op: OneOf[V], convert: Callable[[V], Any] = lambda v: v) -> Callable[[Any], bool]:
    tests: list[Callable[[Any], bool]] = []
    if op.eq is not None:
        wanted = convert(op.eq)
        tests.append(lambda v: v == wanted)
    if op.in_ is not None:
        allowed = frozenset(convert(v) for v in op.in_)
        tests.append(lambda v: v in allowed)
    if op.not_in is not None:
        refused = frozenset(convert(v) for v in op.not_in)
        tests.append(lambda v: v not in refused)
    return _every(tests)


def _tags(op: TagSet) -> Callable[[frozenset[Any]], bool]:
    tests: list[Callable[[frozenset[Any]], bool]] = []
    if op.any is not None:
        some = frozenset(op.any)
        tests.append(lambda tags: not tags.isdisjoint(some))
    if op.all is not None:
        every = frozenset(op.all)
        tests.append(lambda tags: every <= tags)
    if op.none is not None:
        refused = frozenset(op.none)
        tests.append(lambda tags: tags.isdisjoint(refused))
    return _every(tests)


def _amount(op: Amount) -> Callable[[Decimal | None], bool]:
    if op.present is False:
        return lambda a: a is None

    def holds(a: Decimal | None) -> bool:
        # A bound on an amount the clue does not state is not met.
        return (
            a is not None
            and (op.gt is None or a > op.gt)
            and (op.gte is None or a >= op.gte)
            and (op.lt is None or a < op.lt)
            and (op.lte is None or a <= op.lte)
        )

    return holds


def _count(op: Count) -> Callable[[int], bool]:
    def holds(n: int) -> bool:
        return (
            (op.eq is None or n == op.eq)
            and (op.gte is None or n >= op.gte)
            and (op.lte is None or n <= op.lte)
        )

    return holds


def _region(op: RegionTest) -> Callable[[str], bool]:
    tests: list[Callable[[str], bool]] = []
    if op.prefix is not None:
        prefixes = tuple(op.prefix)
        tests.append(lambda r: is_division_code(r) and r.startswith(prefixes))
    if op.valid is not None:
        valid = op.valid
        tests.append(lambda r: is_division_code(r) is valid)
    return _every(tests)


def _unit(op: UnitTest) -> ViewTest:
    tests: list[ViewTest] = []
    if op.registered is not None:
        registered = op.registered
        tests.append(lambda v, s: (v.unit is not None) is registered)
    if op.credit_code is not None:
        code = one_of(op.credit_code)
        tests.append(
            lambda v, s: code(v.unit.credit_code if v.unit else v.subject.unit_credit_code)
        )
    if op.name is not None:
        name = one_of(op.name, normalise_unit_name)
        tests.append(
            lambda v, s: name(normalise_unit_name(v.unit.name if v.unit else v.subject.unit))
        )
    if op.has_dispatched_group is not None:
        want = op.has_dispatched_group
        tests.append(
            lambda v, s: (v.unit is not None and v.unit.dispatched_group_id is not None) is want
        )
    if op.dispatched_group_level is not None:
        level = one_of(op.dispatched_group_level)
        tests.append(lambda v, s: _group_level(v, s) is not None and level(_group_level(v, s)))
    if op.leaders_level is not None:
        leaders = one_of(op.leaders_level)
        tests.append(lambda v, s: v.unit is not None and leaders(v.unit.leaders_level))
    return _views(tests)


def _group_level(view: SubjectView, scope: Scope) -> Any:
    group = scope.registry.body(view.unit.dispatched_group_id if view.unit else None)
    return group.level if group else None


def _views(tests: list[ViewTest]) -> ViewTest:
    if not tests:
        return lambda v, s: True
    if len(tests) == 1:
        return tests[0]
    return lambda v, s: all(t(v, s) for t in tests)


def subject_test(op: SubjectTest) -> ViewTest:
    tests: list[ViewTest] = []
    if op.all_ is not None:
        parts = [subject_test(p) for p in op.all_]
        tests.append(lambda v, s: all(p(v, s) for p in parts))
    if op.any_ is not None:
        alternatives = [subject_test(p) for p in op.any_]
        tests.append(lambda v, s: any(p(v, s) for p in alternatives))
    if op.not_ is not None:
        negated = subject_test(op.not_)
        tests.append(lambda v, s: not negated(v, s))
    tests.extend(_subject_fields(op))
    return _views(tests)


def _subject_fields(op: SubjectTest) -> Iterable[ViewTest]:
    if op.managing_level is not None:
        level = one_of(op.managing_level)
        yield lambda v, s: level(v.subject.managing_level)
    if op.rank is not None:
        rank = one_of(op.rank)
        yield lambda v, s: rank(v.subject.rank)
    if op.party_member is not None:
        member = op.party_member
        yield lambda v, s: v.subject.party_member is member
    if op.same_level_committee_leader is not None:
        want = op.same_level_committee_leader
        yield lambda v, s: v.subject.same_level_committee_leader is want
    if op.public_official is not None:
        public = op.public_official
        yield lambda v, s: v.public_official is public
    if op.unit is not None:
        yield _unit(op.unit)


def clue_test(op: Condition) -> ClueTest:
    tests: list[ClueTest] = list(_combinators(op))
    tests.extend(_subject_quantifiers(op))
    tests.extend(_clue_fields(op))
    if not tests:
        return lambda s: True
    return _every(tests)


def _combinators(op: Condition) -> Iterable[ClueTest]:
    if op.all_ is not None:
        parts = [clue_test(p) for p in op.all_]
        yield lambda s: all(p(s) for p in parts)
    if op.any_ is not None:
        alternatives = [clue_test(p) for p in op.any_]
        yield lambda s: any(p(s) for p in alternatives)
    if op.not_ is not None:
        negated = clue_test(op.not_)
        yield lambda s: not negated(s)


def _subject_quantifiers(op: Condition) -> Iterable[ClueTest]:
    if op.subject is not None:
        first = subject_test(op.subject)
        yield lambda s: bool(s.subjects) and first(s.subjects[0], s)
    if op.any_subject is not None:
        some = subject_test(op.any_subject)
        yield lambda s: any(some(v, s) for v in s.subjects)
    if op.all_subjects is not None:
        every = subject_test(op.all_subjects)
        yield lambda s: bool(s.subjects) and all(every(v, s) for v in s.subjects)
    if op.subject_count is not None:
        count = _count(op.subject_count)
        yield lambda s: count(len(s.subjects))


def _clue_fields(op: Condition) -> Iterable[ClueTest]:
    if op.region is not None:
        region = _region(op.region)
        yield lambda s: region(s.clue.region)
    if op.category is not None:
        category = one_of(op.category)
        yield lambda s: category(s.clue.category)
    if op.topics is not None:
        tags = _tags(op.topics)
        yield lambda s: tags(s.clue.topics)
    if op.amount is not None:
        amount = _amount(op.amount)
        yield lambda s: amount(s.clue.amount)
    if op.channel is not None:
        channel = one_of(op.channel)
        yield lambda s: channel(s.clue.channel)
    if op.agency_kind is not None:
        agency = one_of(op.agency_kind)
        yield lambda s: agency(s.clue.agency_kind)
