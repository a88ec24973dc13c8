"""Attachment content: uploaded exactly as declared or not kept, and read back by its owner only."""

import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.intake.builders import auth, intake_app, new_agency, referral
from tests.support.http import serve
from tests.support.rollback import RolledBack


def declared(content: bytes, media_type: str = "text/plain", **changes: Any) -> dict[str, Any]:
    return {
        "name": "问题清单.txt",
        "media_type": media_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        **changes,
    }


def unique_content(size: int = 0) -> bytes:
    text = f"审计发现问题清单 {uuid.uuid4()}\n".encode()
    return text + b"x" * max(0, size - len(text))


async def _refer(client: httpx.AsyncClient, key: str, *attachments: dict[str, Any]) -> str:
    body = referral(attachments=list(attachments))
    response = await client.post("/v1/referrals", json=body, headers=auth(key, str(uuid.uuid4())))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _put(
    client: httpx.AsyncClient, key: str, referral_id: str, content: bytes, media_type: str
) -> Any:
    headers = {**auth(key), "Content-Type": media_type}
    path = f"/v1/referrals/{referral_id}/attachments/0/content"
    return client.put(path, content=content, headers=headers)


def _files(store: Path) -> list[Path]:
    return [p for p in store.rglob("*") if p.is_file()]


class TestUpload:
    async def test_content_is_stored_by_hash_and_read_back(
        self, db: RolledBack, tmp_path: Path
    ) -> None:
        _, key = await new_agency(db)
        content = unique_content()
        async with serve(intake_app(db, attachment_dir=str(tmp_path))) as client:
            referral_id = await _refer(client, key, declared(content))
            stored = await _put(client, key, referral_id, content, "text/plain; charset=utf-8")
            again = await _put(client, key, referral_id, content, "text/plain")
            read = await client.get(
                f"/v1/referrals/{referral_id}/attachments/0/content", headers=auth(key)
            )
            view = await client.get(f"/v1/referrals/{referral_id}", headers=auth(key))
        digest = hashlib.sha256(content).hexdigest()
        assert stored.status_code == 201, stored.text
        assert stored.json()["sha256"] == digest and stored.json()["size"] == len(content)
        assert again.status_code == 200
        assert read.status_code == 200 and read.content == content
        assert read.headers["content-type"].startswith("text/plain")
        assert view.json()["attachments"][0]["content_uploaded"] is True
        assert _files(tmp_path) == [tmp_path / digest[:2] / digest]

    async def test_content_above_the_request_body_cap_is_accepted(
        self, db: RolledBack, tmp_path: Path
    ) -> None:
        _, key = await new_agency(db)
        content = unique_content(300 * 1024)
        app = intake_app(db, attachment_dir=str(tmp_path), max_body_bytes=256 * 1024)
        async with serve(app) as client:
            referral_id = await _refer(client, key, declared(content))
            stored = await _put(client, key, referral_id, content, "text/plain")
        assert stored.status_code == 201, stored.text


class TestRejectedContent:
    @pytest.mark.parametrize(
        ("case", "media_type", "status"),
        [
            ("same size, other bytes", "text/plain", 422),
            ("one byte short", "text/plain", 422),
            ("one byte long", "text/plain", 422),
            ("as declared", "application/pdf", 415),
        ],
    )
    async def test_nothing_is_kept(
        self, db: RolledBack, tmp_path: Path, case: str, media_type: str, status: int
    ) -> None:
        _, key = await new_agency(db)
        content = unique_content()
        sent = {
            "same size, other bytes": b"X" + content[1:],
            "one byte short": content[:-1],
            "one byte long": content + b"!",
            "as declared": content,
        }[case]
        async with serve(intake_app(db, attachment_dir=str(tmp_path))) as client:
            referral_id = await _refer(client, key, declared(content))
            response = await _put(client, key, referral_id, sent, media_type)
            read = await client.get(
                f"/v1/referrals/{referral_id}/attachments/0/content", headers=auth(key)
            )
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert read.status_code == 404
        assert _files(tmp_path) == []

    async def test_a_chunked_body_longer_than_declared_is_422(
        self, db: RolledBack, tmp_path: Path
    ) -> None:
        _, key = await new_agency(db)
        content = unique_content()

        async def chunks() -> Any:
            yield content
            yield b"more than declared"

        async with serve(intake_app(db, attachment_dir=str(tmp_path))) as client:
            referral_id = await _refer(client, key, declared(content))
            response = await client.put(
                f"/v1/referrals/{referral_id}/attachments/0/content",
                content=chunks(),
                headers={**auth(key), "Content-Type": "text/plain"},
            )
        assert response.status_code == 422, response.text
        assert _files(tmp_path) == []

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"media_type": "application/x-msdownload"}, "attachments.0.media_type"),
            ({"size": 26 * 1024 * 1024}, "attachments.0.size"),
        ],
    )
    async def test_undeliverable_declarations_are_refused_at_create(
        self, db: RolledBack, changes: dict[str, Any], field: str
    ) -> None:
        _, key = await new_agency(db)
        attachment = declared(unique_content(), **changes)
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/referrals",
                json=referral(attachments=[attachment]),
                headers=auth(key, str(uuid.uuid4())),
            )
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [field]


class TestOwnership:
    async def test_another_agency_gets_404_for_upload_and_read(
        self, db: RolledBack, tmp_path: Path
    ) -> None:
        _, key = await new_agency(db)
        _, other_key = await new_agency(db, "乙财政局")
        content = unique_content()
        async with serve(intake_app(db, attachment_dir=str(tmp_path))) as client:
            referral_id = await _refer(client, key, declared(content))
            assert (await _put(client, key, referral_id, content, "text/plain")).status_code == 201
            path = f"/v1/referrals/{referral_id}/attachments/0/content"
            upload = await _put(client, other_key, referral_id, content, "text/plain")
            read = await client.get(path, headers=auth(other_key))
            anonymous = await client.get(path)
        assert upload.status_code == read.status_code == 404
        assert content.decode() not in read.text and "问题清单" not in read.text
        assert anonymous.status_code == 401

    async def test_knowing_the_hash_is_not_enough_to_read_content(
        self, db: RolledBack, tmp_path: Path
    ) -> None:
        """The store is shared by hash; reading needs an upload to one's own referral."""
        _, key = await new_agency(db)
        _, other_key = await new_agency(db, "乙财政局")
        content = unique_content()
        async with serve(intake_app(db, attachment_dir=str(tmp_path))) as client:
            referral_id = await _refer(client, key, declared(content))
            await _put(client, key, referral_id, content, "text/plain")
            probe_id = await _refer(client, other_key, declared(content))
            read = await client.get(
                f"/v1/referrals/{probe_id}/attachments/0/content", headers=auth(other_key)
            )
        assert read.status_code == 404

    async def test_an_undeclared_index_is_404(self, db: RolledBack, tmp_path: Path) -> None:
        _, key = await new_agency(db)
        content = unique_content()
        async with serve(intake_app(db, attachment_dir=str(tmp_path))) as client:
            referral_id = await _refer(client, key, declared(content))
            response = await client.put(
                f"/v1/referrals/{referral_id}/attachments/1/content",
                content=content,
                headers={**auth(key), "Content-Type": "text/plain"},
            )
        assert response.status_code == 404
