"""Schemathesis against the app's own OpenAPI schema, in-process, once per role.

Roles: anonymous, employee, administrator, integration token. Checks: no server errors, no accepted
invalid input, no ignored authentication. The app runs with its real engine on a database of its
own (fuzzing commits what it creates), seeded with a small tree and the callers' credentials.

Dates and integers are drawn so that they reach the bounds where arithmetic and the database break
(year 1 and year 9999, 2**31 and 2**63): a date format strategy, and a hook that swaps any generated
integer of a query, a path or a body for a boundary value. `make test` runs a quick mode
(BILIM_FUZZ_EXAMPLES, 3 by default); `make fuzz` runs 200 examples per operation.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import Settings
from api.db import ensure_database, run_migrations, with_database
from api.deps import current_principal
from api.main import create_app
from api.services.reports import registry
from tests import factories as f
from tests.conftest import _server_url

MAX_EXAMPLES = int(os.environ.get("BILIM_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, negative_data_rejection, ignored_auth]

DB_URL = with_database(_server_url(), f"bilim_fuzz_{os.getpid()}_{uuid.uuid4().hex[:6]}")
app = create_app(settings=Settings(environment="test"), database_url=DB_URL)
CREDENTIALS: dict[str, dict[str, str]] = {}


def _requires_auth(route: APIRoute) -> bool:
    """Whether the route depends on an authenticated caller (a login session, an API token, or either)."""
    from api.routers.integration import token_principal
    from api.routers.reports import report_caller

    required = {current_principal, token_principal, report_caller}
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
    report_ids = sorted(registry.load_all())
    for path, ops in raw.get("paths", {}).items():
        for method, op in ops.items():
            if isinstance(op, dict) and op.get("security") and (method, path) not in protected:
                op["security"] = [{}, *op["security"]]
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                # Real report ids, so that generated filters reach the reports (negative cases still try others),
                # each one tried in the examples phase.
                if param.get("in") == "path" and param.get("name") == "report_id":
                    param["schema"] = {"type": "string", "enum": report_ids}
                    param["examples"] = {f"report-{i}": {"value": r} for i, r in enumerate(report_ids)}
                # Every date parameter is tried at both ends of the calendar in the examples phase.
                spec = param.get("schema", {})
                formats = {b.get("format") for b in [spec, *spec.get("anyOf", [])]}
                if "date" in formats:
                    param["examples"] = {name: {"value": value} for name, value in EDGE_DATE_EXAMPLES.items()}
                elif "date-time" in formats:
                    param["examples"] = {name: {"value": value} for name, value in EDGE_DATE_TIME_EXAMPLES.items()}
    return raw


EDGE_DATE_EXAMPLES = {"year-1": "0001-01-01", "year-9999": "9999-12-31"}
EDGE_DATE_TIME_EXAMPLES = {"year-1": "0001-01-01T00:00:00+05:00", "year-9999": "9999-12-31T23:59:59-05:00"}


# Boundary dates first (hypothesis prefers the first choices when examples are few), then any date.
EDGE_DATES = ["0001-01-01", "9999-12-31", "1999-12-31", "2000-01-01", "2100-12-31", "2101-01-01", "1900-01-01"]
DATES = st.one_of(st.sampled_from(EDGE_DATES), st.dates().map(dt.date.isoformat))
EDGE_DATE_TIMES = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2000-01-01T00:00:00Z"]
DATE_TIMES = st.one_of(
    st.sampled_from(EDGE_DATE_TIMES),
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda v: v.isoformat()),
)
schemathesis.openapi.format("date", DATES)
schemathesis.openapi.format("date-time", DATE_TIMES)
# Integers where int4, int8 and Python's own conversions overflow, and small ids that exist in the seeded tree.
EDGE_INTEGERS = [2**31 - 1, 2**31, -(2**31) - 1, 2**63 - 1, 2**63, -(2**63) - 1, 0, -1, 1, 2, 3, 5, 6]


def _reaching_bounds(value: Any) -> st.SearchStrategy[Any]:
    """A strategy that keeps the generated value or swaps each integer in it for a boundary value."""
    if isinstance(value, bool) or value is None:
        return st.just(value)
    if isinstance(value, int):
        return st.sampled_from([value, *EDGE_INTEGERS])
    if isinstance(value, dict):
        return st.fixed_dictionaries({k: _reaching_bounds(v) for k, v in value.items()})
    if isinstance(value, list) and len(value) <= 50:
        return st.tuples(*(_reaching_bounds(v) for v in value)).map(list)
    return st.just(value)


schema = schemathesis.openapi.from_dict(_schema_with_truthful_security())


@schema.hook("flatmap_query")
def _query_bounds(_: Any, query: Any) -> st.SearchStrategy[Any]:
    return _reaching_bounds(query)


@schema.hook("flatmap_path_parameters")
def _path_bounds(_: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    return _reaching_bounds(path_parameters)


COMMON_REPORT_PARAMS = {"view", "lang", "page", "page_size"}


def _report_filters(case: schemathesis.Case) -> None:
    """A positive case of a report keeps only the report's own filters: the others are refused with 422 before
    any date reaches the report (the schema cannot say which report takes which filter)."""
    report_id = (case.path_parameters or {}).get("report_id")
    definitions = registry.load_all()
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if report_id in definitions and case.query and not negative:
        allowed = COMMON_REPORT_PARAMS | set(definitions[report_id].filters)
        case.query = {k: v for k, v in case.query.items() if k in allowed}


@schema.hook("flatmap_body")
def _body_bounds(_: Any, body: Any) -> st.SearchStrategy[Any]:
    return _reaching_bounds(body)


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
    _report_filters(case)
    for role in ROLES:
        try:
            case.call_and_validate(headers=CREDENTIALS[role], checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as role: {role}")
            raise
