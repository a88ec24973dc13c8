"""`python -m services.intake agency ...`: the agency registry from a shell on the server.

Each command prints one JSON document on stdout (secrets appear once, like in the admin API)
and exits 1 with a message on stderr when refused. Actions are audited as `cli:<os user>`.
A running intake process notices changes within settings.key_cache_ttl_seconds.
"""

import argparse
import asyncio
import getpass
import json
import sys
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import agencies, agency_keys, signing
from services.intake.admin_schemas import AgencyIn, AgencyOut, KeyOut
from services.intake.sealing import Sealer
from services.intake.settings import Settings
from shared.db import make_engine, make_session_factory
from shared.problems import Problem


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.intake agency")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="register an agency")
    create.add_argument("--name", required=True)
    create.add_argument("--code", required=True, help="unified social credit code (GB 32100)")
    create.add_argument("--kind", required=True, help="audit_bureau, police, hotline, ...")
    create.add_argument("--require-signature", action="store_true")
    commands.add_parser("list", help="every agency with its keys")
    for name in ("disable", "enable"):
        commands.add_parser(name, help=f"{name} an agency").add_argument(
            "agency", help="id or credit code"
        )
    key = commands.add_parser("key", help="issue, rotate or revoke API keys")
    key_commands = key.add_subparsers(dest="key_command", required=True)
    issue = key_commands.add_parser("issue")
    issue.add_argument("agency", help="id or credit code")
    issue.add_argument("--label", default="")
    rotate = key_commands.add_parser("rotate")
    rotate.add_argument("agency", help="id or credit code")
    rotate.add_argument("key_id")
    rotate.add_argument("--grace", type=int, default=0, help="seconds the old key still works")
    revoke = key_commands.add_parser("revoke")
    revoke.add_argument("agency", help="id or credit code")
    revoke.add_argument("key_id")
    sign = commands.add_parser("signing", help="HMAC request signing for an agency")
    sign.add_argument("signing_command", choices=["require", "relax", "rotate"])
    sign.add_argument("agency", help="id or credit code")
    return parser


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


class _Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.actor = _actor()

    def sealer(self) -> Sealer:
        return Sealer.from_spec(self.settings.seal_keys.get_secret_value())


async def _create(session: AsyncSession, args: argparse.Namespace, ctx: _Context) -> Any:
    body = AgencyIn(
        name=args.name,
        credit_code=args.code,
        kind=args.kind,
        require_signature=args.require_signature,
    )
    agency = await agencies.create_agency(
        session, actor=ctx.actor, credit_code=body.credit_code, name=body.name, kind=body.kind
    )
    secret = None
    if body.require_signature:
        secret = await signing.set_signing(
            session, actor=ctx.actor, agency_id=agency.id, required=True, sealer=ctx.sealer()
        )
        agency = await agencies.get_agency(session, agency.id)
    return {**_agency(agency), "signing_secret": secret}


async def _key(session: AsyncSession, args: argparse.Namespace, ctx: _Context) -> Any:
    agency_id = await agencies.find_agency_id(session, args.agency)
    if args.key_command == "issue":
        issued = await agency_keys.issue_agency_key(
            session, actor=ctx.actor, agency_id=agency_id, label=args.label
        )
        return {"agency_id": agency_id, "key_id": issued.key_id, "api_key": issued.api_key}
    if args.key_command == "rotate":
        rotated = await agency_keys.rotate_key(
            session,
            actor=ctx.actor,
            agency_id=agency_id,
            key_id=args.key_id,
            grace_seconds=args.grace,
        )
        return {
            "agency_id": agency_id,
            "key_id": rotated.issued.key_id,
            "api_key": rotated.issued.api_key,
            "old_key_id": rotated.old_key_id,
            "old_key_expires_at": rotated.old_key_expires_at,
        }
    key = await agency_keys.revoke_key(
        session, actor=ctx.actor, agency_id=agency_id, key_id=args.key_id
    )
    return KeyOut.of(key).model_dump(mode="json")


async def _signing(session: AsyncSession, args: argparse.Namespace, ctx: _Context) -> Any:
    agency_id = await agencies.find_agency_id(session, args.agency)
    if args.signing_command == "rotate":
        secret: str | None = await signing.rotate_signing_secret(
            session, actor=ctx.actor, agency_id=agency_id, sealer=ctx.sealer()
        )
    else:
        secret = await signing.set_signing(
            session,
            actor=ctx.actor,
            agency_id=agency_id,
            required=args.signing_command == "require",
            sealer=ctx.sealer(),
        )
    agency = await agencies.get_agency(session, agency_id)
    return {
        "agency_id": agency_id,
        "require_signature": agency.require_signature,
        "signing_secret": secret,
    }


async def _set_active(session: AsyncSession, args: argparse.Namespace, ctx: _Context) -> Any:
    agency_id = await agencies.find_agency_id(session, args.agency)
    agency = await agencies.set_active(
        session, actor=ctx.actor, agency_id=agency_id, active=args.command == "enable"
    )
    return _agency(agency)


async def _list(session: AsyncSession, args: argparse.Namespace, ctx: _Context) -> Any:
    return [_agency(a) for a in await agencies.list_agencies(session)]


def _agency(agency: agencies.AgencyInfo) -> dict[str, Any]:
    return AgencyOut.of(agency).model_dump(mode="json")


COMMANDS = {
    "create": _create,
    "list": _list,
    "disable": _set_active,
    "enable": _set_active,
    "key": _key,
    "signing": _signing,
}


async def _run(args: argparse.Namespace, settings: Settings) -> Any:
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine).begin() as session:
            return await COMMANDS[args.command](session, args, _Context(settings))
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = asyncio.run(_run(args, Settings()))
    except Problem as exc:
        print(f"error: {exc.detail or exc.title}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            print(f"error: {field}: {error['msg']}", file=sys.stderr)
        return 1
    except IntegrityError:
        print("error: conflicts with the current registry; nothing was changed", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0
