"""`python -m api create-token`: an API token for a school system, printed once."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from api.services.integration.tokens import KINDS


def add_create_token_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of create-token."""
    parser.add_argument("--organization-id", type=int, required=True, help="root of the subtree the token may write")
    parser.add_argument("--system", required=True, help="name of the source system (namespace of its external ids)")
    parser.add_argument("--name", required=True, help="what the token is for")
    parser.add_argument(
        "--scopes",
        default="write",
        help="comma-separated scopes: write (send data), read (read the reports of the subtree); default: write",
    )
    parser.add_argument(
        "--kinds",
        default=None,
        help=f"comma-separated entity kinds the token may write (default for a write token: all: {','.join(KINDS)})",
    )


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _kinds(args: argparse.Namespace, scopes: list[str]) -> list[str]:
    """The kinds asked for; all of them for a write token by default, none for a read-only one."""
    if args.kinds is not None:
        return _split(args.kinds)
    return list(KINDS) if "write" in scopes else []


async def _create(args: argparse.Namespace) -> str:
    from api.cli.session import in_migrated_session
    from api.services.integration.tokens import create_token

    scopes = _split(args.scopes)

    async def create(session: AsyncSession) -> str:
        _, token = await create_token(
            session,
            name=args.name,
            organization_id=args.organization_id,
            external_system=args.system,
            kinds=_kinds(args, scopes),
            scopes=scopes,
            created_by=None,
        )
        return token

    return await in_migrated_session(create)


def run_create_token(args: argparse.Namespace) -> int:
    """Create the token and print it (it cannot be shown again)."""
    from api.errors import DomainError

    try:
        token = asyncio.run(_create(args))
    except DomainError as exc:
        print(f"error: {exc.message}")
        return 2
    print(token)
    return 0
