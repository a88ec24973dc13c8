"""Which class a difference is, from what each ledger holds of one clue (pure, no database)."""

from typing import Any
from uuid import uuid4

from services.routing.reconciliation.classify import classify, undelivered
from services.routing.reconciliation.compare import levels
from shared.ledger.schemas import LedgerItem

CLUE, DECISION, LEAD, CO = uuid4(), str(uuid4()), str(uuid4()), str(uuid4())
RECEIPT = "GT-20261102-00000001X"


def intake(status: str = "assigned", stage: int = 1, outcome: str | None = None) -> LedgerItem:
    fact = f"{stage}|{status}|{outcome or ''}" if status in ("assigned", "accepted") else None
    return LedgerItem(
        clue_id=CLUE,
        receipt_number=RECEIPT,
        facts={"status": fact},
        detail={"status": status, "stage": stage, "outcome": outcome},
    )


def routing(reported: int = 1, co: tuple[str, ...] = ()) -> LedgerItem:
    decision = {
        "id": DECISION,
        "stage": 1,
        "kind": "initial",
        "lead_body_id": LEAD,
        "co_body_ids": list(co),
    }
    return LedgerItem(
        clue_id=CLUE,
        receipt_number=RECEIPT,
        facts={},
        detail={
            "reported_stage": reported,
            "delivered": [decision],
            "lead_body_id": LEAD,
            "co_body_ids": list(co),
            "region": "365000",
        },
    )


def assignment(body: str, role: str, state: str = "assigned", **kw: Any) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "decision_id": DECISION,
        "body_id": body,
        "role": role,
        "state": state,
        "stage": 1,
        "live": True,
        "accepted_at": None,
        **kw,
    }


def casework(*rows: dict[str, Any], status: str | None = "1|assigned|") -> LedgerItem:
    return LedgerItem(
        clue_id=CLUE,
        receipt_number=RECEIPT,
        facts={"status": status},
        detail={"assignments": list(rows)},
    )


def kinds(**items: LedgerItem | None) -> list[tuple[str, str, str | None]]:
    found = classify(
        CLUE,
        intake=items.get("intake"),
        routing=items.get("routing"),
        casework=items.get("casework"),
    )
    return [(d.kind.value, d.detail, d.repair.owner if d.repair else None) for d in found]


class TestEveryInvariantBroken:
    def test_a_referral_routing_never_recorded_is_missing_and_intake_sends_it_again(self) -> None:
        assert kinds(intake=intake()) == [("missing_downstream", "not_routed", "intake")]

    def test_a_clue_without_a_referral_is_an_orphan_never_repaired(self) -> None:
        assert kinds(routing=routing(), casework=casework(assignment(LEAD, "lead"))) == [
            ("orphan", "clue_without_referral", None)
        ]

    def test_a_chosen_body_without_an_assignment_is_missing_and_routing_sends_it_again(
        self,
    ) -> None:
        found = kinds(
            intake=intake(), routing=routing(co=(CO,)), casework=casework(assignment(LEAD, "lead"))
        )
        assert found == [("missing_downstream", "not_assigned", "routing")]

    def test_two_live_assignments_of_one_decision_and_body_are_a_duplicate(self) -> None:
        found = kinds(
            intake=intake(),
            routing=routing(),
            casework=casework(assignment(LEAD, "lead"), assignment(LEAD, "lead")),
        )
        assert found == [("duplicate", "two_live_assignments", None)]

    def test_an_assignment_of_a_decision_routing_never_made_is_an_orphan(self) -> None:
        stray = assignment(LEAD, "lead", decision_id=str(uuid4()))
        assert kinds(intake=intake(), routing=routing(), casework=casework(stray)) == [
            ("orphan", "assignment_without_decision", None)
        ]

    def test_intake_behind_casework_is_a_state_mismatch_casework_repairs(self) -> None:
        found = kinds(
            intake=intake("assigned"),
            routing=routing(),
            casework=casework(assignment(LEAD, "lead", "accepted"), status="1|accepted|"),
        )
        assert found == [("state_mismatch", "status_behind_casework", "casework")]

    def test_a_conclusion_the_sender_never_got_is_undelivered_feedback(self) -> None:
        found = kinds(
            intake=intake("accepted"),
            routing=routing(),
            casework=casework(assignment(LEAD, "lead", "concluded"), status="1|concluded|form_1"),
        )
        assert found == [("feedback_undelivered", "conclusion_not_recorded", "casework")]

    def test_a_status_routing_reported_and_intake_never_got_is_a_state_mismatch(self) -> None:
        found = kinds(intake=intake("received", stage=0), routing=routing(reported=1))
        assert ("state_mismatch", "status_behind_routing", "routing") in found

    def test_intake_ahead_of_casework_is_no_discrepancy(self) -> None:
        found = kinds(
            intake=intake("accepted"),
            routing=routing(),
            casework=casework(assignment(LEAD, "lead"), status="1|assigned|"),
        )
        assert found == []


class TestHowFinelyToLook:
    def test_ranges_hold_a_few_dozen_clues_whatever_the_total(self) -> None:
        for total in (10, 1_000, 100_000, 1_000_000, 50_000_000):
            first, leaf = levels(total)
            assert 1 <= first <= leaf <= 8
            assert total / 16**leaf <= 32 or leaf == 8
            assert leaf - first <= 1


class TestFeedbackTheAgencyNeverReceived:
    def test_a_failed_outcome_callback_is_reported_for_the_body_and_not_repaired(self) -> None:
        body = uuid4()
        row = {
            "clue_id": str(CLUE),
            "receipt_number": RECEIPT,
            "body_id": str(body),
            "region": "365000",
            "delivery_id": str(uuid4()),
            "error": "HTTP 500",
        }
        found = undelivered(row)
        assert (found.kind.value, found.detail, found.repair) == (
            "feedback_undelivered",
            "webhook_failed",
            None,
        )
        assert found.body_ids == (body,) and found.clue_id == CLUE
