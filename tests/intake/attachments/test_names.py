"""Attachment names lose folders and control or bidi characters, and Content-Disposition is
built from the clean name (RFC 6266 with an RFC 5987 filename*), never echoed verbatim."""

import urllib.parse
from pathlib import Path

import pytest

from services.intake.attachments.domain import content_disposition
from tests.intake.attachments.test_api import _put, _refer, declared, unique_content
from tests.intake.builders import auth, intake_app, new_agency, referral
from tests.support.http import serve
from tests.support.rollback import RolledBack

HOSTILE = {
    "../../../../etc/passwd": "passwd",
    "..\\..\\windows\\system32\\evil.dll": "evil.dll",
    "名\u202etxt.exe.doc": "名txt.exe.doc",
    "报告\x07\x1b[2J.txt": "报告[2J.txt",
}


@pytest.mark.parametrize(("given", "kept"), list(HOSTILE.items()))
async def test_a_hostile_name_is_kept_clean_and_served_safely(
    db: RolledBack, tmp_path: Path, given: str, kept: str
) -> None:
    _, key = await new_agency(db)
    content = unique_content()
    async with serve(intake_app(db, attachment_dir=str(tmp_path))) as client:
        referral_id = await _refer(client, key, declared(content, name=given))
        uploaded = await _put(client, key, referral_id, content, "text/plain")
        view = await client.get(f"/v1/referrals/{referral_id}", headers=auth(key))
        read = await client.get(
            f"/v1/referrals/{referral_id}/attachments/0/content", headers=auth(key)
        )
    disposition = read.headers["content-disposition"]
    assert uploaded.status_code == 201, uploaded.text
    assert view.json()["attachments"][0]["name"] == kept
    assert disposition.startswith("attachment; filename=")
    assert "filename*=UTF-8''" + urllib.parse.quote(kept, safe="") in disposition
    for dangerous in ("/", "\\", "..", "\u202e", "%E2%80%AE", "\x1b", "%1B"):
        assert dangerous not in disposition


def test_a_name_stored_before_cleaning_is_still_served_safely() -> None:
    header = content_disposition('../a"b;c\u202e.pdf')
    assert header == "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%3Bc.pdf"


async def test_a_name_that_is_only_a_folder_is_422(db: RolledBack) -> None:
    _, key = await new_agency(db)
    async with serve(intake_app(db)) as client:
        body = {"attachments": [declared(b"x", name="../")]}
        response = await client.post(
            "/v1/referrals", json=referral(**body), headers=auth(key, "name-only-folder")
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "attachments.0.name"
