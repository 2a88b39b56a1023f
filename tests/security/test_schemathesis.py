"""Schemathesis against the app's own OpenAPI schema, in-process, once per role.

Roles: anonymous, employee, administrator, integration token. Checks: no server errors, no accepted
invalid input, no ignored authentication. The app runs with its real engine on a database of its
own (fuzzing commits what it creates), seeded with a small tree and the callers' credentials.
"""

from __future__ import annotations

import asyncio
import copy
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import Settings
from api.db import ensure_database, run_migrations, with_database
from api.deps import current_principal
from api.main import create_app
from tests import factories as f
from tests.conftest import _server_url

MAX_EXAMPLES = int(os.environ.get("BILIM_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, negative_data_rejection, ignored_auth]

DB_URL = with_database(_server_url(), f"bilim_fuzz_{os.getpid()}_{uuid.uuid4().hex[:6]}")
app = create_app(settings=Settings(environment="test"), database_url=DB_URL)
CREDENTIALS: dict[str, dict[str, str]] = {}


def _requires_auth(route: APIRoute) -> bool:
    """Whether the route depends on an authenticated caller (a login session or an API token)."""
    from api.routers.integration import token_principal

    required = {current_principal, token_principal}
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        if dep.call in required:
            return True
        stack.extend(dep.dependencies)
    return False


def _schema_with_truthful_security() -> dict[str, Any]:
    """The app's OpenAPI schema where optional-auth operations say so (`security: [{}, …]`).

    FastAPI declares the bearer scheme on every route that can read a token, also on public pages
    that merely personalise for a logged-in caller; ignored_auth would then flag them.
    """
    raw = copy.deepcopy(app.openapi())
    protected = {
        (method.lower(), route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and _requires_auth(route)
        for method in route.methods
    }
    for path, ops in raw.get("paths", {}).items():
        for method, op in ops.items():
            if isinstance(op, dict) and op.get("security") and (method, path) not in protected:
                op["security"] = [{}, *op["security"]]
    return raw


schema = schemathesis.openapi.from_dict(_schema_with_truthful_security())
schema.app = app
schema.location = "/api/openapi.json"
schema.config.generation.update(max_examples=MAX_EXAMPLES, database="none")
# The coverage phase enumerates boundary cases without a bound (tens of thousands here); examples and
# fuzzing with positive and negative data keep the run bounded by MAX_EXAMPLES per operation.
schema.config.phases.update(phases=["examples", "fuzzing"])

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


async def _seed() -> None:
    await ensure_database(DB_URL)
    await asyncio.to_thread(run_migrations, DB_URL)
    engine = create_async_engine(DB_URL, poolclass=NullPool)
    async with async_sessionmaker(engine, expire_on_commit=False)() as db:
        w = await f.world(db)
        year = await f.academic_year(db)
        cls = await f.school_class(db, w.school_a, year)
        await f.enrol(db, cls, await f.person(db, region_id=w.region.id))
        employee = await f.app_user(db, w.regional_body, role="employee", username="fuzz-employee")
        admin = await f.app_user(db, w.regional_body, role="admin", username="fuzz-admin")
        from api.services.integration.tokens import KINDS, create_token

        _, token = await create_token(
            db,
            name="fuzz",
            organization_id=w.regional_body.id,
            external_system="fuzz-school-system",
            kinds=list(KINDS),
            created_by=None,
        )
        await db.commit()
    await engine.dispose()
    CREDENTIALS["anonymous"] = {}
    CREDENTIALS["employee"] = f.auth_headers(employee)
    CREDENTIALS["admin"] = f.auth_headers(admin)
    CREDENTIALS["integration"] = {"X-API-Token": token}


async def _drop() -> None:
    admin = create_async_engine(with_database(DB_URL, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        name = DB_URL.split("/")[-1].split("?")[0]
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="module", autouse=True)
def fuzz_database() -> Iterator[None]:
    asyncio.run(_seed())
    yield
    asyncio.run(_drop())


ROLES = ("anonymous", "employee", "admin", "integration")


@schema.parametrize()
@HYPOTHESIS
def test_api_per_role(case: schemathesis.Case) -> None:
    """Each generated request is sent once per role: anonymous, employee, administrator, integration token."""
    for role in ROLES:
        try:
            case.call_and_validate(headers=CREDENTIALS[role], checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as role: {role}")
            raise
