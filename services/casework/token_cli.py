"""`python -m services.casework token mint|revoke`: local staff tokens for casework.

`mint` signs an HS256 token with casework's own secret and audience, for local runs and demos;
where tokens come from an identity provider (a JWKS URL is configured) it refuses. `revoke` is
the shared deny-list tool.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from uuid import UUID

import jwt

from services.casework.deps import ROLES
from services.casework.orm import revoked_tokens
from services.casework.settings import Settings
from shared import token_cli
from shared.auth import AUDIENCES, issue_token

MAX_HOURS = 24


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.casework token mint")
    parser.add_argument("--user", required=True, help="the staff member's user id (sub)")
    parser.add_argument("--body", required=True, type=UUID, help="the body they belong to")
    parser.add_argument(
        "--role", action="append", required=True, choices=ROLES, help="repeat for several"
    )
    parser.add_argument(
        "--bodies", nargs="*", type=UUID, default=[], help="bodies an auditor or office covers"
    )
    parser.add_argument("--name", default="", help="a display name")
    parser.add_argument("--hours", type=float, default=8.0, help=f"lifetime, at most {MAX_HOURS}")
    return parser


def mint(argv: Sequence[str], settings: Settings) -> int:
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if settings.jwt_jwks_url:
        print("refused: tokens come from the identity provider (JWKS)", file=sys.stderr)
        return 1
    if not 0 < args.hours <= MAX_HOURS or len(args.user) > 200:
        print(
            f"refused: --hours in (0, {MAX_HOURS}], --user at most 200 characters", file=sys.stderr
        )
        return 1
    token = issue_token(
        settings.hs256_secret(),
        audience=AUDIENCES["casework"],
        user_id=args.user,
        body_id=args.body,
        roles=sorted(set(args.role)),
        name=args.name,
        bodies=args.bodies,
        ttl_seconds=int(args.hours * 3600),
        issuer=settings.jwt_issuer,
    )
    claims = jwt.decode(token, options={"verify_signature": False})
    print(json.dumps({"token": token, "jti": claims["jti"], "expires_at": claims["exp"]}))
    return 0


def main(argv: Sequence[str], settings: Settings) -> int:
    if argv and argv[0] == "mint":
        return mint(argv[1:], settings)
    return token_cli.main("casework", settings.database_url, revoked_tokens, list(argv))
