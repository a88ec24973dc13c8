"""The referral aggregate with no database: what it checks beyond the schema, the form it is
kept in, and the clue.received it raises (published through intake's unit of work)."""

import json
import uuid
from typing import Any

import pytest

from services.intake.attachments.domain import AttachmentPolicy
from services.intake.errors import ReferralRejected
from services.intake.referrals.domain import Protection, Referral, ReferralReceived, Sender
from services.intake.referrals.schemas import ReferralIn
from services.intake.reporter.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow
from shared.codes import AgencyKind
from shared.credit_code import credit_code_with_check
from shared.events.contracts import ClueReceived
from tests.intake.builders import SEAL_KEYS, referral

SENDER = Sender(id=uuid.uuid4(), name="江州市审计局", kind=AgencyKind.AUDIT_BUREAU)
POLICY = AttachmentPolicy.of(["application/pdf"], 1000)
SEALER = Sealer.from_spec(SEAL_KEYS)
UNIT_CODE = credit_code_with_check("11365000MB0001001")
REPORTER = "金丝雀举报人庚辛"


def _submitted(sender: Sender = SENDER, **changes: Any) -> Referral:
    draft = ReferralIn.model_validate(referral(**changes)).draft()
    return Referral.submit(
        draft,
        sender=sender,
        idempotency_key="k1",
        request_hash="h1",
        policy=POLICY,
        protection=Protection(SEALER, "pepper"),
        now=utcnow(),
    )


def _published(referral_: Referral) -> ClueReceived:
    uow = IntakeUnitOfWork()
    [event] = referral_.collect_events()
    [published] = uow.publishable(event)
    assert isinstance(published, ClueReceived)
    return published


def _subject(**changes: Any) -> dict[str, Any]:
    return {**referral()["subjects"][0], **changes}


class TestBeyondTheSchema:
    def test_an_attachment_no_upload_could_satisfy_is_refused_per_field(self) -> None:
        declared = [
            {
                "name": "a.exe",
                "media_type": "application/x-msdownload",
                "size": 10,
                "sha256": "0" * 64,
            },
            {"name": "b.pdf", "media_type": "application/pdf", "size": 5000, "sha256": "1" * 64},
        ]
        with pytest.raises(ReferralRejected) as refused:
            _submitted(attachments=declared)
        fields = [e["field"] for e in refused.value.errors]
        assert fields == ["attachments.0.media_type", "attachments.1.size"]


class TestStoredForm:
    def test_the_id_number_is_kept_masked_and_hashed_never_as_given(self) -> None:
        stored = _submitted().stored_form()
        [subject] = stored["subjects"]
        assert subject["id_number_masked"] == "110105********002X"
        assert len(subject["id_number_hash"]) == 64
        assert "11010519491231002X" not in json.dumps(stored, default=str)

    def test_the_reporter_is_sealed_to_this_referral(self) -> None:
        submitted = _submitted(reporter={"anonymous": False, "name": REPORTER})
        stored = submitted.stored_form()
        assert REPORTER.encode() not in stored["reporter_sealed"]
        opened = SEALER.unseal(
            stored["reporter_key_id"], stored["reporter_sealed"], associated=submitted.id.bytes
        )
        assert opened["name"] == REPORTER


class TestClueReceived:
    def test_raised_once_with_the_senders_kind_and_never_the_reporter(self) -> None:
        submitted = _submitted(reporter={"anonymous": False, "name": REPORTER})
        published = _published(submitted)
        assert submitted.collect_events() == []
        assert published.clue_id == submitted.id
        assert published.agency_kind is AgencyKind.AUDIT_BUREAU
        assert published.real_name_report is True
        assert REPORTER not in published.model_dump_json()
        assert published.subjects[0].id_number_hash
        assert "11010519491231002X" not in published.model_dump_json()

    @pytest.mark.parametrize(
        ("reporter", "real_name"),
        [(None, False), ({"anonymous": True}, False), ({"anonymous": False, "name": "李某"}, True)],
    )
    def test_real_name_report_says_only_whether_the_reporter_is_named(
        self, reporter: dict[str, Any] | None, real_name: bool
    ) -> None:
        assert _published(_submitted(reporter=reporter)).real_name_report is real_name

    def test_the_units_credit_code_reaches_routing_when_given(self) -> None:
        subjects = [_subject(unit_credit_code=UNIT_CODE.lower()), _subject(name="李某")]
        published = _published(_submitted(subjects=subjects))
        assert [s.unit_credit_code for s in published.subjects] == [UNIT_CODE, None]

    def test_an_agency_of_no_known_kind_sends_none(self) -> None:
        submitted = _submitted(Sender(id=SENDER.id, name=SENDER.name))
        [event] = submitted.collect_events()
        assert isinstance(event, ReferralReceived) and event.sender.kind is None


class TestFingerprint:
    def test_a_subject_without_a_credit_code_dumps_as_before_the_field_existed(self) -> None:
        # Idempotency fingerprints this dump: a retry of an earlier request still replays.
        dumped = json.loads(ReferralIn.model_validate(referral()).model_dump_json())
        assert "unit_credit_code" not in dumped["subjects"][0]
        with_code = ReferralIn.model_validate(
            referral(subjects=[_subject(unit_credit_code=UNIT_CODE)])
        )
        assert (
            json.loads(with_code.model_dump_json())["subjects"][0]["unit_credit_code"] == UNIT_CODE
        )
