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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from services.intake.agencies import handlers, keys
from services.intake.agencies.commands import (
    CreateAgency,
    IssueKey,
    RevokeKey,
    RotateKey,
    RotateSigningSecret,
    SetActive,
    SetSigning,
)
from services.intake.agencies.domain import AgencyInfo
from services.intake.agencies.schemas import AgencyIn, AgencyOut, KeyOut
from services.intake.errors import IntakeError
from services.intake.reporter.sealing import Sealer
from services.intake.settings import Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.db import make_engine, make_session_factory


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


@dataclass(frozen=True)
class _Context:
    uow: Callable[[], IntakeUnitOfWork]
    settings: Settings
    actor: str

    def sealer(self) -> Sealer:
        return Sealer.from_spec(self.settings.seal_keys.get_secret_value())

    async def agency_id(self, reference: str) -> UUID:
        return await handlers.find_agency(self.uow(), reference)


async def _create(args: argparse.Namespace, ctx: _Context) -> Any:
    body = AgencyIn(
        name=args.name,
        credit_code=args.code,
        kind=args.kind,
        require_signature=args.require_signature,
    )
    command = CreateAgency(
        actor=ctx.actor,
        credit_code=body.credit_code,
        name=body.name,
        kind=body.kind,
        require_signature=body.require_signature,
    )
    created = await handlers.create_agency(ctx.uow(), command, sealer=ctx.sealer())
    return {**_agency(created.agency), "signing_secret": created.signing_secret}


async def _key(args: argparse.Namespace, ctx: _Context) -> Any:
    agency_id = await ctx.agency_id(args.agency)
    if args.key_command == "issue":
        command = IssueKey(actor=ctx.actor, agency_id=agency_id, label=args.label)
        issued = await keys.issue_key(ctx.uow(), command)
        return {"agency_id": agency_id, "key_id": issued.key_id, "api_key": issued.api_key}
    if args.key_command == "rotate":
        rotate = RotateKey(
            actor=ctx.actor, agency_id=agency_id, key_id=args.key_id, grace_seconds=args.grace
        )
        rotated = await keys.rotate_key(ctx.uow(), rotate)
        return {
            "agency_id": agency_id,
            "key_id": rotated.issued.key_id,
            "api_key": rotated.issued.api_key,
            "old_key_id": rotated.old_key_id,
            "old_key_expires_at": rotated.old_key_expires_at,
        }
    revoke = RevokeKey(actor=ctx.actor, agency_id=agency_id, key_id=args.key_id)
    return KeyOut.of(await keys.revoke_key(ctx.uow(), revoke)).model_dump(mode="json")


async def _signing(args: argparse.Namespace, ctx: _Context) -> Any:
    agency_id = await ctx.agency_id(args.agency)
    secret: str | None
    if args.signing_command == "rotate":
        rotate = RotateSigningSecret(actor=ctx.actor, agency_id=agency_id)
        secret, agency = await handlers.rotate_signing_secret(
            ctx.uow(), rotate, sealer=ctx.sealer()
        )
    else:
        required = args.signing_command == "require"
        command = SetSigning(actor=ctx.actor, agency_id=agency_id, required=required)
        secret = await handlers.set_signing(ctx.uow(), command, sealer=ctx.sealer())
        agency = await handlers.get_agency(ctx.uow(), agency_id)
    return {
        "agency_id": agency_id,
        "require_signature": agency.require_signature,
        "signing_secret": secret,
    }


async def _set_active(args: argparse.Namespace, ctx: _Context) -> Any:
    agency_id = await ctx.agency_id(args.agency)
    command = SetActive(actor=ctx.actor, agency_id=agency_id, active=args.command == "enable")
    return _agency(await handlers.set_active(ctx.uow(), command))


async def _list(args: argparse.Namespace, ctx: _Context) -> Any:
    return [_agency(a) for a in await handlers.list_agencies(ctx.uow())]


def _agency(agency: AgencyInfo) -> dict[str, Any]:
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
    sessions = make_session_factory(engine)
    try:

        def uow() -> IntakeUnitOfWork:
            return IntakeUnitOfWork(sessions)

        return await COMMANDS[args.command](args, _Context(uow, settings, _actor()))
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = asyncio.run(_run(args, Settings()))
    except IntakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
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
