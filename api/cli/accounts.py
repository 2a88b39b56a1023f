"""`python -m api create-user`: an account of a management body (the first administrator), from the command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from api.models.people import AppRole
from api.schemas.auth import AccountCreate
from api.services.accounts import create_account


def add_create_user_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `python -m api create-user`."""
    parser.add_argument("--username", required=True)
    parser.add_argument(
        "--password", help="the password (when omitted: $BILIM_NEW_PASSWORD, else asked for on the terminal)"
    )
    parser.add_argument("--organization-id", type=int, required=True, help="a management body (ministry or ОУО)")
    parser.add_argument("--role", choices=[str(r) for r in AppRole], default=str(AppRole.admin))
    parser.add_argument("--surname", help="surname of the new person for the account (optional)")
    parser.add_argument("--first-name", help="first name of the new person for the account (optional)")


def run_create_user(args: argparse.Namespace) -> int:
    """Create an account from the command line (the first administrator); no scope applies."""
    from pydantic import ValidationError

    from api.cli.session import in_migrated_session
    from api.errors import DomainError

    password = args.password or os.environ.get("BILIM_NEW_PASSWORD") or getpass.getpass("password: ")
    person = None
    if args.surname or args.first_name:
        person = {"surname": args.surname or "", "first_name": args.first_name or ""}
    try:
        data = AccountCreate.model_validate(
            {
                "username": args.username,
                "password": password,
                "organization_id": args.organization_id,
                "role": args.role,
                "person": person,
            }
        )
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "input"
            print(f"error: {field}: {err['msg']}", file=sys.stderr)
        return 2

    try:
        account = asyncio.run(in_migrated_session(lambda session: create_account(session, None, None, data)))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(
        f"created {account.role} {account.username!r} (id {account.id}) "
        f"in organization {account.organization.id} «{account.organization.name_ru}»"
    )
    return 0
