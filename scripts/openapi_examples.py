"""Generate the OpenAPI examples (api/openapi_examples/*.json) from a real demo region.

    python -m scripts.openapi_examples            # loads two small demo regions, calls the real endpoints

Two small demo regions are loaded into scratch databases of the configured server: the *target* (seed 1), whose
API is called, and the *source* (seed 2, one school more), whose last school a school system "sends" to the target
through the integration API — real names, classes, lessons, marks of a demo school, keyed by external ids. Every
request and answer written out is one the app really took and gave (an answer that is not what the example needs
stops the script). Then the change feeds (where the app has them) and every report of the catalogue are asked for
with a read token, and their answers trimmed to a few rows. The files are committed; `api.openapi_docs` loads them.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from api.config import PROJECT_ROOT
from api.db import resolve_database_url, with_database
from api.openapi_docs import EXAMPLES_DIR, INTEGRATION_FILE, REPORTS_FILE
from api.services.integration.kinds.catalogue import KINDS

TODAY = "2026-11-20"  # fixed, so the examples do not change with the day they are regenerated
DEMO_ARGS = ["--schools", "2", "--parallels", "1", "--students-per-class", "4-5", "--today", TODAY]
SYSTEM = "kundelik"  # the school system's name, as on its API token
PREFIX = "/api/v1/integration"
ROWS_KEPT = 3  # rows of a report (and of a feed page) kept in an example


class Failed(Exception):
    """The app did not answer as the example needs."""


def load_demo(database: str, seed: int, schools: int) -> None:
    """A fresh small demo region in `database` (python -m api demo --reset)."""
    args = ["--schools", str(schools), *DEMO_ARGS[2:]]
    cmd = [sys.executable, "-m", "api", "demo", "--database", database, "--seed", str(seed), "--reset", *args]
    print("$", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)


def _pg(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def ext(prefix: str, row_id: Any) -> str:
    """The source system's id of a row (as a school journal would number it)."""
    return f"{prefix}-{row_id}"


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def clean(item: dict[str, Any]) -> dict[str, Any]:
    """JSON values, without the fields that are empty (an integrator sends what it has)."""
    return {k: _iso(v) for k, v in item.items() if v is not None and v != ""}


async def source_batches(conn: asyncpg.Connection, district_body_id: int) -> dict[str, list[dict[str, Any]]]:
    """The batches a school system would send for the last demo school of the source region, in KINDS order."""
    school = await conn.fetchrow(
        "SELECT o.*, t.code AS type_code, s.code AS structure_code FROM organizations o"
        " JOIN organization_types t ON t.id = o.type_id LEFT JOIN organization_structures s ON s.id = o.structure_id"
        " WHERE o.kind = 'school' ORDER BY o.id DESC LIMIT 1"
    )
    sid = school["id"]
    org_ext = ext("school", sid)
    # A class of the current year taught (a subject with homework and absences) by its class teacher.
    rich = (
        "a.teacher_person_id = c.class_teacher_person_id"
        " AND EXISTS (SELECT 1 FROM homework h JOIN lessons l ON l.id = h.lesson_id WHERE l.assignment_id = a.id)"
        " AND EXISTS (SELECT 1 FROM absences b JOIN lessons l ON l.id = b.lesson_id WHERE l.assignment_id = a.id)"
    )
    asg = await conn.fetchrow(
        "SELECT a.*, s.name_ru, s.name_kk, s.name_en, s.short_name FROM assignments a"
        " JOIN subjects s ON s.id = a.subject_id JOIN classes c ON c.id = a.class_id"
        " JOIN academic_years y ON y.id = c.academic_year_id"
        f" WHERE c.organization_id = $1 AND y.starts_on <= $2::date AND $2::date <= y.ends_on AND {rich}"
        " ORDER BY EXISTS (SELECT 1 FROM movements m WHERE m.class_id = c.id) DESC, c.grade DESC, a.hours_per_week"
        " DESC NULLS LAST, a.id LIMIT 1",
        sid,
        dt.date.fromisoformat(TODAY),
    )
    if asg is None:
        raise Failed("the source school has no class taught by its class teacher with homework and absences")
    cls = await conn.fetchrow(
        "SELECT c.*, y.name AS year_name FROM classes c JOIN academic_years y ON y.id = c.academic_year_id"
        " WHERE c.id = $1",
        asg["class_id"],
    )
    teacher_id = cls["class_teacher_person_id"]
    # Two lessons: the latest with homework, and the latest with an absence (both with marks where there are).
    lessons = []
    for wanted in ("homework", "absences"):
        row = await conn.fetchrow(
            "SELECT l.* FROM lessons l WHERE l.assignment_id = $1 AND l.status = 'held' AND l.id <> ALL($2::int[])"
            f" AND EXISTS (SELECT 1 FROM {wanted} w WHERE w.lesson_id = l.id)"
            " ORDER BY EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id) DESC, l.date DESC LIMIT 1",
            asg["id"],
            [r["id"] for r in lessons],
        )
        if row is not None:
            lessons.append(row)
    lesson_ids = [r["id"] for r in lessons]
    absences = await conn.fetch(
        "SELECT * FROM absences WHERE lesson_id = ANY($1::int[]) ORDER BY id LIMIT 2", lesson_ids
    )
    marks = await conn.fetch(
        "SELECT m.* FROM marks m WHERE m.lesson_id = ANY($1::int[]) AND m.kind = 'current' ORDER BY m.id LIMIT 2",
        lesson_ids,
    )
    # Students: those with the marks and absences above, then others of the class, two at least.
    students: list[int] = []
    for r in [*marks, *absences]:
        if r["student_person_id"] not in students:
            students.append(r["student_person_id"])
    for r in await conn.fetch(
        "SELECT student_person_id FROM enrolments WHERE class_id = $1 AND ends_on IS NULL ORDER BY id", cls["id"]
    ):
        if len(students) >= 2:
            break
        if r["student_person_id"] not in students:
            students.append(r["student_person_id"])
    quarter = await conn.fetchrow(
        "SELECT m.*, p.number AS period_number FROM marks m JOIN periods p ON p.id = m.period_id"
        " WHERE m.class_id = $1 AND m.subject_id = $2 AND m.kind = 'quarter' AND m.student_person_id = ANY($3::int[])"
        " ORDER BY m.date DESC, m.id LIMIT 1",
        cls["id"],
        asg["subject_id"],
        students,
    )
    movement = await conn.fetchrow(
        "SELECT * FROM movements WHERE organization_id = $1 ORDER BY class_id = $2 DESC, date DESC, id LIMIT 1",
        sid,
        cls["id"],
    )
    document = await conn.fetchrow(
        "SELECT * FROM education_documents WHERE organization_id = $1 ORDER BY issued_on DESC, id LIMIT 1", sid
    )
    parent = await conn.fetchrow(
        "SELECT * FROM parent_links WHERE child_person_id = $1 ORDER BY id LIMIT 1", students[0]
    )
    people = [teacher_id, *students]
    for r in (parent and {"student_person_id": parent["parent_person_id"]}, movement, document):
        if r is not None and r["student_person_id"] not in people:
            people.append(r["student_person_id"])
    persons = {r["id"]: r for r in await conn.fetch("SELECT * FROM persons WHERE id = ANY($1::int[])", people)}
    enrolments = await conn.fetch(
        "SELECT * FROM enrolments WHERE class_id = $1 AND student_person_id = ANY($2::int[]) ORDER BY id",
        cls["id"],
        students,
    )
    staff = await conn.fetchrow(
        "SELECT * FROM staff_posts WHERE organization_id = $1 AND person_id = $2 ORDER BY id LIMIT 1", sid, teacher_id
    )
    users = await conn.fetch(
        "SELECT * FROM users WHERE person_id = ANY($1::int[]) AND organization_id = $2 ORDER BY id LIMIT 3",
        people,
        sid,
    )
    visits = await conn.fetch(
        "SELECT * FROM visits WHERE user_id = ANY($1::int[]) ORDER BY visited_at DESC LIMIT 2",
        [u["id"] for u in users],
    )
    homework = await conn.fetch(
        "SELECT * FROM homework WHERE lesson_id = ANY($1::int[]) ORDER BY id LIMIT 2", lesson_ids
    )
    cls_ext, asg_ext, subj_ext = (
        ext("class", cls["id"]),
        ext("assignment", asg["id"]),
        ext("subject", asg["subject_id"]),
    )

    def class_of(row: Any) -> str | None:
        return cls_ext if row["class_id"] == cls["id"] else None

    batches: dict[str, list[dict[str, Any]]] = {
        "organizations": [
            {
                "external_id": org_ext,
                "parent_id": district_body_id,
                "kind": "school",
                "type_code": school["type_code"],
                "structure_code": school["structure_code"],
                "district_id": school["district_id"],
                **{
                    k: school[k]
                    for k in (
                        "name_ru",
                        "name_kk",
                        "short_name",
                        "postal_address",
                        "building_address",
                        "phones",
                        "email",
                        "website",
                        "license_number",
                        "license_date",
                        "license_issuer",
                        "accreditation_number",
                        "accreditation_date",
                        "accreditation_valid_until",
                    )
                },
            }
        ],
        "persons": [
            {
                "external_id": ext("person", p["id"]),
                **{
                    k: p[k]
                    for k in ("surname", "first_name", "patronymic", "sex", "birth_date", "iin", "phone", "email")
                },
            }
            for p in (persons[i] for i in people)
        ],
        "staff-posts": [
            {
                "external_id": ext("post", staff["id"]),
                "organization_external_id": org_ext,
                "person_external_id": ext("person", teacher_id),
                **{k: staff[k] for k in ("position", "role_kind", "category", "started_on")},
            }
        ],
        "classes": [
            {
                "external_id": cls_ext,
                "organization_external_id": org_ext,
                "academic_year": cls["year_name"],
                "grade": cls["grade"],
                "letter": cls["letter"],
                "class_teacher_external_id": ext("person", teacher_id),
            }
        ],
        "subjects": [
            {
                "external_id": subj_ext,
                "organization_external_id": org_ext,
                **{k: asg[k] for k in ("name_ru", "name_kk", "name_en", "short_name")},
            }
        ],
        "assignments": [
            {
                "external_id": asg_ext,
                "class_external_id": cls_ext,
                "subject_external_id": subj_ext,
                "teacher_external_id": ext("person", teacher_id),
                "hours_per_week": asg["hours_per_week"],
            }
        ],
        "enrolments": [
            {
                "external_id": ext("enrolment", e["id"]),
                "class_external_id": cls_ext,
                "student_external_id": ext("person", e["student_person_id"]),
                "starts_on": e["starts_on"],
                "ends_on": e["ends_on"],
            }
            for e in enrolments
        ],
        "parent-links": [
            {
                "external_id": ext("parent-link", parent["id"]),
                "parent_external_id": ext("person", parent["parent_person_id"]),
                "child_external_id": ext("person", parent["child_person_id"]),
                "relation": parent["relation"],
            }
        ]
        if parent
        else [],
        "users": [
            {
                "external_id": ext("user", u["id"]),
                "person_external_id": ext("person", u["person_id"]),
                "organization_external_id": org_ext,
                **{k: u[k] for k in ("status", "registered_at", "last_seen_at")},
            }
            for u in users
        ],
        "lessons": [
            {
                "external_id": ext("lesson", r["id"]),
                "assignment_external_id": asg_ext,
                "date": r["date"],
                "number": r["number"],
                "topic": r["topic"],
                "status": r["status"],
                "teacher_external_id": ext("person", teacher_id),
            }
            for r in lessons
        ],
        "homework": [
            {
                "external_id": ext("homework", h["id"]),
                "lesson_external_id": ext("lesson", h["lesson_id"]),
                **{k: h[k] for k in ("text", "minutes", "due_on")},
            }
            for h in homework
        ],
        "marks": [
            {
                "external_id": ext("mark", m["id"]),
                "student_external_id": ext("person", m["student_person_id"]),
                "class_external_id": cls_ext,
                "subject_external_id": subj_ext,
                "lesson_external_id": ext("lesson", m["lesson_id"]),
                "kind": m["kind"],
                "value": m["value"],
                "entered_by_external_id": ext("person", teacher_id),
                "entered_at": m["entered_at"],
            }
            for m in marks
        ]
        + (
            [
                {
                    "external_id": ext("mark", quarter["id"]),
                    "student_external_id": ext("person", quarter["student_person_id"]),
                    "class_external_id": cls_ext,
                    "subject_external_id": subj_ext,
                    "kind": "quarter",
                    "value": quarter["value"],
                    "not_attested": quarter["not_attested"] or None,
                    "period_number": quarter["period_number"],
                    "date": quarter["date"],
                }
            ]
            if quarter
            else []
        ),
        "absences": [
            {
                "external_id": ext("absence", b["id"]),
                "student_external_id": ext("person", b["student_person_id"]),
                "lesson_external_id": ext("lesson", b["lesson_id"]),
                "reason": b["reason"],
            }
            for b in absences
        ],
        "movements": [
            {
                "external_id": ext("movement", movement["id"]),
                "organization_external_id": org_ext,
                "student_external_id": ext("person", movement["student_person_id"]),
                "class_external_id": class_of(movement),
                **{k: movement[k] for k in ("kind", "date", "counterpart", "reason", "order_number")},
            }
        ]
        if movement
        else [],
        "documents": [
            {
                "external_id": ext("document", document["id"]),
                "organization_external_id": org_ext,
                "student_external_id": ext("person", document["student_person_id"]),
                "class_external_id": class_of(document),
                **{k: document[k] for k in ("doc_type", "series", "number", "issued_on", "with_honours")},
            }
        ]
        if document
        else [],
        "visits": [
            {
                "external_id": ext("visit", v["id"]),
                "user_external_id": ext("user", v["user_id"]),
                "organization_external_id": org_ext,
                "visited_at": v["visited_at"],
            }
            for v in visits
        ],
    }
    missing = [name for name in KINDS if not batches.get(name)]
    if missing:
        raise Failed(f"the source school has no rows for {missing}: load a larger source region")
    return {name: [clean(item) for item in batches[name]] for name in KINDS}


def invalid_copy(items: list[dict[str, Any]], item_type: Any) -> list[dict[str, Any]]:
    """The batch with one required field left out of its last item (the 422 example)."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(item_type).json_schema()
    required = [f for f in schema.get("required", []) if f != "external_id"]
    bad = copy.deepcopy(items[-1:] if len(items) == 1 else items[:2])
    bad[-1].pop(required[0], None)
    return bad


Call = Callable[..., Awaitable[httpx.Response]]


def expect(response: httpx.Response, status: int, what: str) -> Any:
    """The JSON answer, or stop: the example must be an answer the app really gives."""
    if response.status_code != status:
        raise Failed(f"{what}: expected {status}, got {response.status_code}: {response.text[:600]}")
    return response.json()


async def integration_examples(
    client: httpx.AsyncClient, batches: dict[str, list[dict[str, Any]]], write: str, read: str
) -> dict[str, Any]:
    """POST, DELETE, 422 and (where the app has it) feed examples per kind, keyed by "METHOD path"."""
    out: dict[str, Any] = {}
    headers = {"X-API-Token": write}
    for name, kind in KINDS.items():
        body = {"items": batches[name]}
        answer = expect(await client.post(f"{PREFIX}/{name}", json=body, headers=headers), 200, f"POST {name}")
        bad = {"items": invalid_copy(batches[name], kind.item)}
        refusal = expect(await client.post(f"{PREFIX}/{name}", json=bad, headers=headers), 422, f"POST {name} (bad)")
        out[f"POST {PREFIX}/{name}"] = {
            "request": body,
            "response": answer,
            "422": {"request": bad, "response": refusal},
        }
    # Deletes last, the rows that others point at after them: one row of each deletable kind.
    for name in reversed(list(KINDS)):
        if not KINDS[name].deletable:
            continue
        body = {"external_ids": [batches[name][-1]["external_id"]]}
        answer = expect(
            await client.request("DELETE", f"{PREFIX}/{name}", json=body, headers=headers), 200, f"DELETE {name}"
        )
        out[f"DELETE {PREFIX}/{name}"] = {"request": body, "response": answer}
    # The change feeds, where this version of the app has them.
    for name in KINDS:
        response = await client.get(f"{PREFIX}/{name}", params={"limit": 2}, headers={"X-API-Token": read})
        if response.status_code in (404, 405):
            continue
        out[f"GET {PREFIX}/{name}"] = {"query": {"limit": 2}, "response": expect(response, 200, f"GET {name}")}
    return out


def trim_report(body: dict[str, Any]) -> dict[str, Any]:
    """A report answer with its first few rows (the totals stay those of the whole report)."""
    body = copy.deepcopy(body)
    if isinstance(body.get("rows"), list):
        body["rows"] = body["rows"][:ROWS_KEPT]
    return body


CHOSEN_FILTERS = {"class_id": "classes", "teacher_id": "teachers", "subject_id": "subjects", "period_id": "periods"}


def _needed_filter(response: httpx.Response) -> str | None:
    """The filter a 422 asks to choose, when it is one the options can fill."""
    if response.status_code != 422:
        return None
    for detail in response.json()["error"]["details"]:
        if detail.get("field") in CHOSEN_FILTERS:
            return str(detail["field"])
    return None


async def report_examples(client: httpx.AsyncClient, read: str, school_id: int) -> dict[str, Any]:
    """One answer per report of the catalogue, asked for with a read token of the regional body."""
    headers = {"X-API-Token": read}
    catalog = expect(await client.get("/api/v1/reports", params={"lang": "en"}, headers=headers), 200, "catalogue")
    out: dict[str, Any] = {}
    for report in catalog["items"]:
        query: dict[str, Any] = {"lang": "en"}
        if report["requires_organization"]:
            query["organization_id"] = school_id
        if report["paginated"]:
            query["page_size"] = ROWS_KEPT
        url = f"/api/v1/reports/{report['id']}"
        response = await client.get(url, params=query, headers=headers)
        # A report about one class or teacher says which filter it needs: take the first value the options offer.
        for _ in range(len(CHOSEN_FILTERS)):
            needed = _needed_filter(response)
            if needed is None:
                break
            options = expect(await client.get(f"{url}/options", params=query, headers=headers), 200, "options")
            if not options[CHOSEN_FILTERS[needed]]:
                raise Failed(f"{report['id']}: no {needed} to choose")
            query[needed] = options[CHOSEN_FILTERS[needed]][0]["id"]
            response = await client.get(url, params=query, headers=headers)
        body = expect(response, 200, report["id"])
        out[report["id"]] = {"title": report["title"], "query": query, "response": trim_report(body)}
    return out


async def generate(target_url: str, source_url: str) -> tuple[dict[str, Any], dict[str, Any]]:  # noqa: PLR0915
    """Call the real endpoints of the target region; answer (integration examples, report examples)."""
    from api.main import create_app

    source = await asyncpg.connect(_pg(source_url))
    target = await asyncpg.connect(_pg(target_url))
    try:
        district_id = await source.fetchval(
            "SELECT district_id FROM organizations WHERE kind = 'school' ORDER BY id DESC LIMIT 1"
        )
        body_id = await target.fetchval(
            "SELECT id FROM organizations WHERE kind = 'district_body' AND district_id = $1", district_id
        )
        region_body = await target.fetchval("SELECT id FROM organizations WHERE kind = 'regional_body' ORDER BY id")
        school_id = await target.fetchval("SELECT id FROM organizations WHERE kind = 'school' ORDER BY id LIMIT 1")
        batches = await source_batches(source, body_id)
    finally:
        await source.close()
        await target.close()

    app = create_app(database_url=target_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://examples") as client:
            login = expect(
                await client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"}),
                200,
                "login",
            )
            admin = {"Authorization": f"Bearer {login['access_token']}"}
            write = expect(
                await client.post(
                    f"{PREFIX}/tokens",
                    json={
                        "name": "Kundelik school journal",
                        "organization_id": region_body,
                        "external_system": SYSTEM,
                        "scopes": ["write"],
                        "kinds": list(KINDS),
                    },
                    headers=admin,
                ),
                201,
                "write token",
            )["token"]
            read = expect(
                await client.post(
                    f"{PREFIX}/tokens",
                    json={
                        "name": "Regional analytics warehouse",
                        "organization_id": region_body,
                        "external_system": "warehouse",
                        "scopes": ["read"],
                    },
                    headers=admin,
                ),
                201,
                "read token",
            )["token"]
            integration = await integration_examples(client, batches, write, read)
            integration.update(await token_examples(client, admin, region_body))
            reports = await report_examples(client, read, school_id)
            operations = await report_operation_examples(client, read, admin, school_id)
    return {"operations": integration}, {"operations": operations, "reports": reports}


def _masked(token: dict[str, Any]) -> dict[str, Any]:
    """A created token with its secret replaced (same length, same prefix)."""
    secret = token["token"]
    return {**token, "token": secret[: len(token["token_prefix"])] + "x" * (len(secret) - len(token["token_prefix"]))}


async def token_examples(client: httpx.AsyncClient, admin: dict[str, str], region_body: int) -> dict[str, Any]:
    """Create, list and revoke an API token as the demo administrator."""
    body = {
        "name": "Kundelik school journal (marks and attendance)",
        "organization_id": region_body,
        "external_system": "kundelik-journal",
        "scopes": ["write"],
        "kinds": ["lessons", "homework", "marks", "absences"],
    }
    created = expect(await client.post(f"{PREFIX}/tokens", json=body, headers=admin), 201, "token")
    listed = expect(await client.get(f"{PREFIX}/tokens", headers=admin), 200, "tokens")
    revoked = expect(await client.delete(f"{PREFIX}/tokens/{created['id']}", headers=admin), 200, "revoke")
    return {
        f"POST {PREFIX}/tokens": {"request": body, "response": _masked(created)},
        f"GET {PREFIX}/tokens": {"response": {"items": listed["items"][:ROWS_KEPT]}},
        f"DELETE {PREFIX}/tokens/{{token_id}}": {"response": revoked},
    }


async def report_operation_examples(
    client: httpx.AsyncClient, read: str, admin: dict[str, str], school_id: int
) -> dict[str, Any]:
    """The catalogue, filter options, CSV export and print page of one school report."""
    headers = {"X-API-Token": read}
    report, query = "school.performance.classes", {"lang": "en", "organization_id": school_id}
    catalog = expect(await client.get("/api/v1/reports", params={"lang": "en"}, headers=headers), 200, "catalogue")
    options = expect(await client.get(f"/api/v1/reports/{report}/options", params=query, headers=headers), 200, "o")
    csv = await client.get(f"/api/v1/reports/{report}/export", params={**query, "format": "csv"}, headers=headers)
    if csv.status_code != 200:
        raise Failed(f"csv: {csv.status_code} {csv.text[:300]}")
    page = await client.get(f"/api/v1/reports/{report}/print", params=query, headers=admin)
    if page.status_code != 200:
        raise Failed(f"print: {page.status_code} {page.text[:300]}")
    lines = csv.content.decode("utf-8-sig").splitlines()
    return {
        "GET /api/v1/reports": {"response": {"items": catalog["items"][:ROWS_KEPT]}},
        "GET /api/v1/reports/{report_id}/options": {"response": {k: v[:ROWS_KEPT] for k, v in options.items()}},
        "GET /api/v1/reports/{report_id}/export": {
            "media_type": "text/csv",
            "response": "\n".join([*lines[: ROWS_KEPT + 1], lines[-1]]) + "\n",
        },
        "GET /api/v1/reports/{report_id}/print": {"media_type": "text/html", "response": page.text},
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Stable, readable JSON (Cyrillic as is)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(PROJECT_ROOT)} ({path.stat().st_size:,} bytes)")


def main() -> int:
    """Load the demo regions, call the endpoints, write the example files."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target-database", default="bilim_openapi_examples")
    parser.add_argument("--source-database", default="bilim_openapi_source")
    parser.add_argument("--skip-load", action="store_true", help="reuse the demo regions loaded by a previous run")
    args = parser.parse_args()
    url = resolve_database_url()
    target_url, source_url = with_database(url, args.target_database), with_database(url, args.source_database)
    if not args.skip_load:
        load_demo(args.target_database, seed=1, schools=2)
        load_demo(args.source_database, seed=2, schools=3)
    try:
        integration, reports = asyncio.run(generate(target_url, source_url))
    except Failed as exc:
        print(f"openapi examples: {exc}", file=sys.stderr)
        return 1
    EXAMPLES_DIR.mkdir(exist_ok=True)
    write_json(INTEGRATION_FILE, integration)
    write_json(REPORTS_FILE, reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
