"""IDOR walk: every API route that takes an id, asked for another district's object, answers 404.

The routes come from the app's OpenAPI schema, so a new route is covered the moment it is added.
Each id parameter (in the path, or an `organization_id`/`body_id` in the query string) is one case:
that parameter names an object of district B, everything else is district A's; the caller is an
administrator of district A (must get 404) and an employee of district A (404, or 403 when the
route is for administrators only). Public routes (an anonymous caller gets 2xx) must show the
district-A user no more than the anonymous visitor. Changing another district's public object (a news
item, a page) is out of scope too: 404, like anything else outside the subtree. For GET routes a positive control checks
that district B's administrator does reach the object, so that a 404 means "out of scope" and
not "the test built a wrong object".

Adding a route with a new id parameter? Add a factory to SCOPED (an object of the given side)
or, for a parameter that names no organization's object (a report code), to UNSCOPED. If the
generated request body is not valid for your route, add an example to BODY_EXAMPLES.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Organization, User
from api.services.passwords import hash_password
from tests import factories as f

API = "/api/v1/"
# Query parameters that name an organization: out of scope must be 404 even when optional (report filters).
SCOPED_OPTIONAL_QUERY = {"organization_id", "body_id"}
# Routes that take no object of an organization although their path has a parameter (none so far).
EXEMPT: dict[tuple[str, str], str] = {}


@dataclass
class Side:
    """One district: its management body, a school, an administrator and an employee; objects made on demand."""

    name: str
    body: Organization
    school: Organization
    district_id: int
    region_id: int
    admin: User
    employee: User
    cache: dict[str, Any] = field(default_factory=dict)
    stored_keys: list[str] = field(default_factory=list)
    export_jobs: list[str] = field(default_factory=list)


Factory = Callable[[AsyncSession, Side], Awaitable[Any]]


@functools.cache
def _password_hash() -> str:
    # The walk never logs in (it sends bearer tokens): one hash for all its users keeps 100+ cases fast.
    return hash_password("idor-walk-password")


async def _user(db: AsyncSession, org: Organization, role: str) -> User:
    return await _add(
        db,
        User(
            organization_id=org.id,
            region_id=org.region_id,
            username=f"idor{f.n()}",
            password_hash=_password_hash(),
            app_role=role,
            status="active",
        ),
    )


async def _add(db: AsyncSession, obj: Any) -> Any:
    db.add(obj)
    await db.flush()
    return obj


# ---- factories: an object of the side's district; the value is what goes into the request ----


async def _organization(db: AsyncSession, s: Side) -> int:
    return s.body.id


async def _school(db: AsyncSession, s: Side) -> int:
    return s.school.id


async def _account(db: AsyncSession, s: Side) -> int:
    return s.employee.id


async def _person(db: AsyncSession, s: Side) -> int:
    p = await f.person(db)
    await f.staff_post(db, s.body, p, role_kind="head", position="Руководитель отдела")
    s.body.head_person_id = p.id
    await db.flush()
    return p.id


async def _teacher(db: AsyncSession, s: Side) -> int:
    p = await f.person(db)
    await f.staff_post(db, s.school, p, role_kind="teacher")
    return p.id


async def _class(db: AsyncSession, s: Side) -> int:
    year = await f.academic_year(db, with_quarters=False)
    return (await f.school_class(db, s.school, year)).id


async def _unit(db: AsyncSession, s: Side) -> int:
    from api.models import StructuralUnit

    return (await _add(db, StructuralUnit(organization_id=s.body.id, name_ru=f"Отдел {s.name}"))).id


async def _news(db: AsyncSession, s: Side) -> int:
    from api.models import NewsPost

    return (
        await _add(db, NewsPost(organization_id=s.body.id, author_name="Автор", title="Новость", body_html="<p>x</p>"))
    ).id


async def _page(db: AsyncSession, s: Side) -> int:
    from api.models import ProfilePage

    return (await _add(db, ProfilePage(organization_id=s.body.id, title="Страница", body_html="<p>x</p>"))).id


async def _wall_message(db: AsyncSession, s: Side) -> int:
    from api.models import WallMessage

    return (
        await _add(
            db,
            WallMessage(
                organization_id=s.body.id, author_user_id=s.employee.id, author_name="Автор", body_html="<p>x</p>"
            ),
        )
    ).id


async def _reception(db: AsyncSession, s: Side) -> int:
    from api.models import ReceptionHour

    return (
        await _add(db, ReceptionHour(organization_id=s.body.id, who="Руководитель", days="пн", hours="10:00-12:00"))
    ).id


async def _folder(db: AsyncSession, s: Side) -> int:
    from api.models import DocumentFolder

    return (await _add(db, DocumentFolder(organization_id=s.body.id, name="Документы"))).id


async def _stored_file(db: AsyncSession, s: Side, **owner: Any) -> int:
    from api.config import get_settings
    from api.models import StoredFile
    from api.services.storage import get_storage

    content = f"file of district {s.name}".encode()
    storage = get_storage(get_settings())
    key = storage.put(content)
    s.stored_keys.append(key)
    return (
        await _add(
            db,
            StoredFile(
                organization_id=s.body.id,
                name="document.txt",
                storage_key=key,
                content_type="text/plain",
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                **owner,
            ),
        )
    ).id


async def _file(db: AsyncSession, s: Side) -> int:
    return await _stored_file(db, s, kind="document")


async def _attachment(db: AsyncSession, s: Side) -> int:
    announcement = await _cached(db, s, "announcement_id")
    return await _stored_file(db, s, kind="attachment", announcement_id=announcement)


async def _forum_section(db: AsyncSession, s: Side) -> int:
    from api.models import ForumSection

    return (await _add(db, ForumSection(organization_id=s.body.id, title="Раздел"))).id


async def _forum_topic(db: AsyncSession, s: Side) -> int:
    from api.models import ForumTopic

    section = await _cached(db, s, "section_id")
    return (
        await _add(
            db,
            ForumTopic(
                section_id=section,
                organization_id=s.body.id,
                author_user_id=s.employee.id,
                author_name="Автор",
                title="Тема",
            ),
        )
    ).id


async def _forum_post(db: AsyncSession, s: Side) -> int:
    from api.models import ForumPost

    topic = await _cached(db, s, "topic_id")
    return (
        await _add(
            db,
            ForumPost(
                topic_id=topic,
                organization_id=s.body.id,
                author_user_id=s.employee.id,
                author_name="Автор",
                body_html="<p>x</p>",
            ),
        )
    ).id


async def _question(db: AsyncSession, s: Side) -> int:
    from api.models import Question

    return (
        await _add(
            db,
            Question(organization_id=s.body.id, author_name="Гость", question="Вопрос?", client_hash="0" * 64),
        )
    ).id


async def _announcement(db: AsyncSession, s: Side) -> int:
    from api.models import Announcement, AnnouncementRecipient

    a = await _add(
        db,
        Announcement(
            sender_organization_id=s.body.id,
            author_user_id=s.employee.id,
            author_name="Автор",
            title="Объявление",
            body_html="<p>x</p>",
            importance="normal",
            target_kind="list",
        ),
    )
    await _add(db, AnnouncementRecipient(announcement_id=a.id, organization_id=s.school.id))
    return a.id


async def _api_token(db: AsyncSession, s: Side) -> int:
    from api.models import ApiToken

    digest = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    return (
        await _add(
            db,
            ApiToken(
                name=f"School system {s.name}",
                token_hash=digest,
                token_prefix=digest[:8],
                organization_id=s.school.id,
                external_system=f"system-{s.name.lower()}",
                kinds=["marks"],
                created_by_user_id=s.admin.id,
            ),
        )
    ).id


async def _export_job(db: AsyncSession, s: Side) -> str:
    """A running data-package export of the side's administrator (its state file only: no job runs)."""
    import time

    from api.config import get_settings
    from api.services import export_jobs

    job_id = uuid.uuid4().hex
    now = time.time()
    state = export_jobs.JobState(
        id=job_id,
        user_id=s.admin.id,
        organization_id=s.body.id,
        status="running",
        tables_done=0,
        tables_total=1,
        rows=0,
        bytes=0,
        filename=f"bilim-export-{s.body.id}.zip",
        created_at=now,
        updated_at=now,
    )
    export_jobs._save(export_jobs.jobs_dir(get_settings()), state)
    s.export_jobs.append(job_id)
    return job_id


# Path (and required query) parameter name -> an object of a side. Parameters that name the same kind of
# object share a factory.
SCOPED: dict[str, Factory] = {
    "organization_id": _organization,
    "body_id": _organization,
    "account_id": _account,
    "user_id": _account,
    "person_id": _person,
    "teacher_id": _teacher,
    "class_id": _class,
    "unit_id": _unit,
    "news_id": _news,
    "page_id": _page,
    "message_id": _wall_message,
    "reception_id": _reception,
    "folder_id": _folder,
    "file_id": _file,
    "section_id": _forum_section,
    "topic_id": _forum_topic,
    "post_id": _forum_post,
    "question_id": _question,
    "announcement_id": _announcement,
    "token_id": _api_token,
    # An export job is its user's (another administrator of the same body gets 404 too: tests/routers/test_export.py).
    "job_id": _export_job,
}


# Query parameters whose object differs from the path parameter of the same name: report filters take a school.
SCOPED_IN_QUERY: dict[str, Factory] = {
    "organization_id": _school,
}


# (path, parameter) -> a factory, where a route's parameter names a narrower kind of object than usual.
SCOPED_ON_PATH: dict[tuple[str, str], Factory] = {
    ("/api/v1/inform/attachments/{file_id}", "file_id"): _attachment,
}


def _report_ids() -> list[str]:
    from api.services.reports.registry import load_all

    return sorted(load_all())


# Parameters that name no organization's object: every value listed is tried.
UNSCOPED: dict[str, Callable[[], list[Any]]] = {
    "report_id": _report_ids,
    # The geography (/api/v1/tree/regions, /districts) is shared reference data, not an organization's object: it is
    # kept by the ministry and a region's body (tests/routers/test_tree.py checks who may change it).
    "region_id": lambda: [1],
    "district_id": lambda: [1],
}

# (METHOD, path) -> a request body, for routes where the generated one is not valid.
BODY_EXAMPLES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {}


async def _cached(db: AsyncSession, s: Side, name: str, location: str = "path", path: str = "") -> Any:
    """The side's object for a parameter, made once per test (objects of one kind are shared)."""
    factory = SCOPED_ON_PATH.get((path, name)) or (SCOPED_IN_QUERY.get(name) if location == "query" else None)
    factory = factory or SCOPED[name]
    key = factory.__name__
    if key not in s.cache:
        s.cache[key] = await factory(db, s)
    return s.cache[key]


# ---- the walk ----


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    scoped_param: str | None  # the parameter that names district B's object
    location: str  # "path" or "query"
    unscoped: tuple[tuple[str, Any], ...] = ()
    problem: str | None = None  # why the test cannot build this case (a mapping is missing)

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.unscoped)
        return f"{self.method} {self.path} [{self.location} {self.scoped_param}{' ' + extra if extra else ''}]"


def _schema() -> dict[str, Any]:
    from api.main import create_app

    # The schema needs no database: the lifespan (which connects) does not run here.
    return create_app(database_url="postgresql+asyncpg://unused@/unused").openapi()


SCHEMA = _schema()


def _cases() -> list[Case]:
    cases: list[Case] = []
    for path, ops in SCHEMA["paths"].items():
        if not path.startswith(API):
            continue
        for method, op in ops.items():
            method = method.upper()
            if (method, path) in EXEMPT:
                continue
            params = op.get("parameters", [])
            path_params = [p["name"] for p in params if p["in"] == "path"]
            required_query = [p["name"] for p in params if p["in"] == "query" and p.get("required")]
            optional_scoped = [
                p["name"]
                for p in params
                if p["in"] == "query" and not p.get("required") and p["name"] in SCOPED_OPTIONAL_QUERY
            ]
            unknown = [n for n in path_params + required_query if n not in SCOPED and n not in UNSCOPED]
            if unknown:
                cases.append(
                    Case(
                        method,
                        path,
                        unknown[0],
                        "path",
                        problem=(
                            f"{method} {path}: no factory for parameter(s) {unknown}. Add one to SCOPED in "
                            "tests/test_access_idor.py (an object of the given district), or to UNSCOPED when the "
                            "parameter names no organization's object."
                        ),
                    )
                )
                continue
            targets = [(n, "path") for n in path_params if n in SCOPED]
            targets += [(n, "query") for n in required_query if n in SCOPED]
            targets += [(n, "query") for n in optional_scoped]
            if not targets:
                continue
            unscoped_names = [n for n in path_params + required_query if n in UNSCOPED]
            combos: list[tuple[tuple[str, Any], ...]] = [()]
            for name in unscoped_names:
                combos = [(*c, (name, v)) for c in combos for v in UNSCOPED[name]()]
            for name, location in targets:
                for combo in combos:
                    cases.append(Case(method, path, name, location, combo))
    return cases


CASES = _cases()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SCHEMA["components"]["schemas"][name]
    return schema


def _example(schema: dict[str, Any], name: str | None, own: dict[str, Any]) -> Any:
    """A value that satisfies the schema; fields named like id parameters get district A's objects."""
    if name in own:
        return own[name]
    schema = _resolve(schema)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o).get("type") != "null"]
            return _example(options[0], name, own) if options else None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(v, k, own) for k, v in props.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 1)
        return [_example(schema.get("items", {}), None, own) for _ in range(count)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), int(schema.get("exclusiveMinimum", 0)) + 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    lowered = (name or "").lower()
    if fmt == "email" or "email" in lowered:
        return "visitor@example.kz"
    if fmt in ("uri", "url") or lowered in ("website", "url", "link"):
        return "https://example.kz"
    if fmt == "date":
        return date.today().isoformat()
    if fmt == "date-time":
        return "2026-09-01T10:00:00Z"
    if fmt == "uuid":
        return str(uuid.uuid4())
    text = "Пример текста для проверки"
    low, high = int(schema.get("minLength", 1)), int(schema.get("maxLength", 200))
    return (text * (low // len(text) + 1))[: max(low, min(high, len(text)))]


async def _values(db: AsyncSession, s: Side, names: list[str]) -> dict[str, Any]:
    return {n: await _cached(db, s, n) for n in names}


@dataclass
class Built:
    url: str
    params: dict[str, Any]
    json: Any = None
    files: dict[str, Any] | None = None
    data: dict[str, Any] | None = None


async def _build(
    db: AsyncSession, case: Case, op: dict[str, Any], target: Side, own: Side, *, all_target: bool
) -> Built:
    params = op.get("parameters", [])
    unscoped = dict(case.unscoped)
    path_values: dict[str, Any] = {}
    query: dict[str, Any] = {}
    for p in params:
        n, where = p["name"], p["in"]
        if where == "path" or (where == "query" and (p.get("required") or n == case.scoped_param)):
            if n in unscoped:
                value = unscoped[n]
            else:
                side = target if (all_target or n == case.scoped_param) else own
                value = await _cached(db, side, n, where, case.path)
            (path_values if where == "path" else query)[n] = value
    url = case.path.format(**path_values)
    built = Built(url, query)
    body = op.get("requestBody", {}).get("content", {})
    if case.method in ("GET", "DELETE", "HEAD") and not body:
        return built
    own_side = target if all_target else own
    if (case.method, case.path) in BODY_EXAMPLES:
        built.json = BODY_EXAMPLES[(case.method, case.path)](await _values(db, own_side, list(SCOPED)))
    elif "application/json" in body:
        schema = _resolve(body["application/json"]["schema"])
        names = [k for k in schema.get("properties", {}) if k in SCOPED]
        built.json = _example(schema, None, await _values(db, own_side, names))
    elif "multipart/form-data" in body:
        schema = _resolve(body["multipart/form-data"]["schema"])
        files: dict[str, Any] = {}
        data: dict[str, Any] = {}
        for k, v in schema.get("properties", {}).items():
            v = _resolve(v)
            is_file = (
                v.get("format") == "binary"
                or v.get("contentMediaType")
                or (v.get("type") == "array" and _resolve(v.get("items", {})).get("format") == "binary")
            )
            if is_file:
                files[k] = ("note.txt", b"hello", "text/plain")
            else:
                value = await _cached(db, own_side, k) if k in SCOPED else _example(v, k, {})
                data[k] = str(value)
        built.files, built.data = files, data
    return built


async def _send(client: httpx.AsyncClient, method: str, b: Built, user: User | None) -> httpx.Response:
    headers = f.auth_headers(user) if user is not None else {}
    if b.files is not None:
        return await client.request(method, b.url, params=b.params, headers=headers, files=b.files, data=b.data)
    return await client.request(method, b.url, params=b.params, headers=headers, json=b.json)


def _explain(r: httpx.Response) -> str:
    return f"{r.status_code} {r.text[:300]}"


class CaseFailure(Exception):
    """One case of a route went wrong; the route's test collects them all."""


async def _check(client: httpx.AsyncClient, db: AsyncSession, case: Case, own: Side, other: Side) -> None:
    op = SCHEMA["paths"][case.path][case.method.lower()]
    request = await _build(db, case, op, other, own, all_target=False)

    def expect(ok: bool, message: str) -> None:
        if not ok:
            raise CaseFailure(f"{case.id}: {message}")

    anonymous = await _send(client, case.method, request, None)
    expect(anonymous.status_code < 500, f"anonymous: {_explain(anonymous)}")
    if anonymous.status_code < 300:
        # A public route: district A's users may see exactly what a visitor sees, nothing more.
        for user in (own.admin, own.employee):
            r = await _send(client, case.method, request, user)
            expect(r.status_code == anonymous.status_code, f"public route, as district A's user: {_explain(r)}")
            if case.method == "GET" and r.headers.get("content-type", "").startswith("application/json"):
                expect(r.json() == anonymous.json(), "an out-of-scope user sees more than an anonymous visitor")
        return

    as_admin = await _send(client, case.method, request, own.admin)
    if as_admin.status_code == 422 and case.location == "query" and case.scoped_param in SCOPED_OPTIONAL_QUERY:
        # An optional filter this variant does not take ("no such filter"): fine if district A's own id gets the
        # very same answer, which then says nothing about district B's object.
        own_request = await _build(db, case, op, own, own, all_target=True)
        same = await _send(client, case.method, own_request, own.admin)
        if same.status_code == 422 and same.json() == as_admin.json():
            return
    expect(
        as_admin.status_code != 422,
        f"the request the test built was refused as invalid before the access check ({_explain(as_admin)}). "
        "Check scope before validating the content, or add a valid body to BODY_EXAMPLES in "
        "tests/test_access_idor.py.",
    )
    expect(as_admin.status_code == 404, f"as district A's administrator: {_explain(as_admin)}")
    as_employee = await _send(client, case.method, request, own.employee)
    expect(as_employee.status_code in (403, 404), f"as district A's employee: {_explain(as_employee)}")

    if case.method == "GET":
        # Positive control: the owner's administrator reaches the same object, so the 404 above meant "out of scope".
        owner_request = await _build(db, case, op, other, own, all_target=True)
        owner = await _send(client, case.method, owner_request, other.admin)
        expect(
            owner.status_code != 404 and owner.status_code < 500,
            f"district B's own administrator got {_explain(owner)}; the factory in tests/test_access_idor.py "
            "does not build a reachable object for this route",
        )


def _remove_stored_files(*sides: Side) -> None:
    from api.config import get_settings
    from api.services import export_jobs
    from api.services.storage import get_storage

    storage = get_storage(get_settings())
    for side in sides:
        for key in side.stored_keys:
            storage.delete(key)
        for job_id in side.export_jobs:
            export_jobs.remove(get_settings(), job_id)


ROUTES = sorted({(c.method, c.path) for c in CASES}, key=lambda r: (r[1], r[0]))


@pytest.mark.parametrize("route", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_other_districts_objects_are_404(
    route: tuple[str, str], client: httpx.AsyncClient, db: AsyncSession
) -> None:
    cases = [c for c in CASES if (c.method, c.path) == route]
    problems = [c.problem for c in cases if c.problem]
    if problems:
        pytest.fail(problems[0])
    w = await f.world(db)
    own = Side(
        "A",
        w.body_a,
        w.school_a,
        w.district_a.id,
        w.region.id,
        await _user(db, w.body_a, "admin"),
        await _user(db, w.body_a, "employee"),
    )
    other = Side(
        "B",
        w.body_b,
        w.school_b,
        w.district_b.id,
        w.region.id,
        await _user(db, w.body_b, "admin"),
        await _user(db, w.body_b, "employee"),
    )
    failures: list[str] = []
    try:
        for case in cases:
            try:
                await _check(client, db, case, own, other)
            except CaseFailure as exc:
                failures.append(str(exc))
    finally:
        _remove_stored_files(own, other)
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)


def test_the_walk_covers_the_id_routes() -> None:
    covered = {(c.method, c.path) for c in CASES}
    assert ("GET", "/api/v1/accounts/{account_id}") in covered
    assert ("PATCH", "/api/v1/accounts/{account_id}") in covered
    assert ("GET", "/api/v1/accounts") in covered  # through its organization_id query parameter
    assert len(CASES) >= 5
