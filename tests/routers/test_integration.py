"""Integration API: tokens, authentication, and the marks endpoint (idempotency, bad input, journal, deletion)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import ApiToken, JournalChange, Mark, Organization, Person, SchoolClass
from api.services.integration import tokens
from tests import factories as f

SYSTEM = "kundelik-test"
URL = "/api/v1/integration"


@dataclass
class ExtWorld:
    """A school world whose rows carry external ids of SYSTEM, and a token for district body A's subtree."""

    w: f.World
    year: Any
    cls: SchoolClass
    cls_b: SchoolClass
    teacher: Person
    students: list[Person]
    student_b: Person
    token: str
    headers: dict[str, str]


async def _ext(db: AsyncSession, row: Any, ext: str) -> Any:
    row.external_system = SYSTEM
    row.external_id = ext
    await db.flush()
    return row


async def make_ext_world(db: AsyncSession, kinds: list[str] | None = None) -> ExtWorld:
    """Build the world; the token may write `kinds` (all by default)."""
    w = await f.world(db)
    await _ext(db, w.school_a, "sch-a")
    await _ext(db, w.school_b, "sch-b")
    await _ext(db, w.body_a, "body-a")
    year = await f.academic_year(db)
    cls = await _ext(db, await f.school_class(db, w.school_a, year, grade=5), "cls-a")
    cls_b = await _ext(db, await f.school_class(db, w.school_b, year, grade=5), "cls-b")
    teacher = await _ext(db, await f.person(db, birth_date=date(1980, 1, 2), sex="F"), "t1")
    subject = await _ext(db, await f.subject(db), "math")
    a = await _ext(db, await f.assignment(db, cls, subject, teacher), "as-a")
    a_b = await _ext(db, await f.assignment(db, cls_b, subject, teacher), "as-b")
    students = []
    for i in range(3):
        st = await _ext(db, await f.person(db), f"s{i + 1}")
        await f.enrol(db, cls, st)
        students.append(st)
    student_b = await _ext(db, await f.person(db), "sb1")
    await f.enrol(db, cls_b, student_b)
    await _ext(db, await f.lesson(db, a, date(2026, 9, 10)), "l1")
    await _ext(db, await f.lesson(db, a, date(2026, 9, 11)), "l2")
    await _ext(db, await f.lesson(db, a, date(2026, 9, 12), status="cancelled"), "l-cancelled")
    await _ext(db, await f.lesson(db, a_b, date(2026, 9, 10)), "l-b")
    _, token = await tokens.create_token(
        db,
        name="test",
        organization_id=w.body_a.id,
        external_system=SYSTEM,
        kinds=kinds or list(tokens.KINDS),
        created_by=None,
    )
    return ExtWorld(w, year, cls, cls_b, teacher, students, student_b, token, {"X-API-Token": token})


@pytest.fixture
async def xw(db: AsyncSession) -> ExtWorld:
    return await make_ext_world(db)


def mark(ext: str, student: str = "s1", value: int | None = 5, **kw: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "external_id": ext,
        "student_external_id": student,
        "class_external_id": "cls-a",
        "subject_external_id": "math",
        "lesson_external_id": "l1",
        "kind": "current",
        "value": value,
    }
    item.update(kw)
    return item


async def count(db: AsyncSession, model: Any, *where: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def problems(resp: httpx.Response) -> list[tuple[int | None, str]]:
    assert resp.status_code == 422, resp.text
    return [(d.get("index"), d["field"]) for d in resp.json()["error"]["details"]]


# ---- tokens ----------------------------------------------------------------------------------------------


async def test_admin_creates_lists_and_revokes_a_token(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    body = {"name": "Kundelik", "organization_id": w.school_a.id, "external_system": "kundelik", "kinds": ["marks"]}
    resp = await client.post(f"{URL}/tokens", json=body, headers=f.auth_headers(admin))
    assert resp.status_code == 201, resp.text
    created = resp.json()
    secret = created["token"]
    assert secret.startswith("bilim_") and len(secret) >= 40
    row = await db.scalar(select(ApiToken).where(ApiToken.id == created["id"]))
    assert row is not None and row.token_hash == tokens.hash_token(secret) and secret not in row.token_hash
    listed = (await client.get(f"{URL}/tokens", headers=f.auth_headers(admin))).json()["items"]
    assert [t["id"] for t in listed] == [created["id"]] and "token" not in listed[0]
    # The token works until revoked.
    ok = await client.post(f"{URL}/marks", json={"items": []}, headers={"X-API-Token": secret})
    assert ok.status_code == 200, ok.text
    resp = await client.delete(f"{URL}/tokens/{created['id']}", headers=f.auth_headers(admin))
    assert resp.status_code == 200 and resp.json()["revoked_at"] is not None
    gone = await client.post(f"{URL}/marks", json={"items": []}, headers={"X-API-Token": secret})
    assert gone.status_code == 401


async def test_token_admin_is_limited_to_the_subtree(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin_a = await f.app_user(db, w.body_a, role="admin")
    employee = await f.app_user(db, w.body_a, role="employee")
    body = {"name": "x", "organization_id": w.school_b.id, "external_system": "k", "kinds": ["marks"]}
    assert (await client.post(f"{URL}/tokens", json=body, headers=f.auth_headers(admin_a))).status_code == 404
    body["organization_id"] = w.school_a.id
    assert (await client.post(f"{URL}/tokens", json=body, headers=f.auth_headers(employee))).status_code == 403
    bad = await client.post(
        f"{URL}/tokens", json={**body, "kinds": ["marks", "reports"]}, headers=f.auth_headers(admin_a)
    )
    assert problems(bad) == [(None, "kinds.1")]
    _, other = await tokens.create_token(
        db, name="b", organization_id=w.school_b.id, external_system="k", kinds=["marks"], created_by=None
    )
    other_id = await db.scalar(select(ApiToken.id).where(ApiToken.token_hash == tokens.hash_token(other)))
    assert (await client.get(f"{URL}/tokens", headers=f.auth_headers(admin_a))).json()["items"] == []
    assert (await client.delete(f"{URL}/tokens/{other_id}", headers=f.auth_headers(admin_a))).status_code == 404


async def test_token_is_not_a_session_and_a_session_is_not_a_token(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    # An API token on a browser endpoint: 401.
    resp = await client.get(f"{URL}/tokens", headers={"Authorization": f"Bearer {xw.token}"})
    assert resp.status_code == 401
    # Nor can it read the people directory, however it is sent; reports refuse a write-only token (403: it is
    # known, but has no `read` scope, see test_read_tokens.py).
    for path, status in (("/api/v1/reports", 403), (f"/api/v1/organizations/{xw.w.body_a.id}/people", 401)):
        for headers in ({"Authorization": f"Bearer {xw.token}"}, {"X-API-Token": xw.token}):
            resp = await client.get(path, headers=headers)
            assert resp.status_code == status, (path, resp.status_code)
    # A login session (JWT) on an integration endpoint: 401.
    admin = await f.app_user(db, xw.w.body_a, role="admin")
    resp = await client.post(f"{URL}/marks", json={"items": []}, headers=f.auth_headers(admin))
    assert resp.status_code == 401
    assert "API token" in resp.json()["error"]["message"]
    # No token, a made-up token: 401. The token as Bearer works too.
    assert (await client.post(f"{URL}/marks", json={"items": []})).status_code == 401
    fake = {"X-API-Token": tokens.new_token()}
    assert (await client.post(f"{URL}/marks", json={"items": []}, headers=fake)).status_code == 401
    bearer = {"Authorization": f"Bearer {xw.token}"}
    assert (await client.post(f"{URL}/marks", json={"items": []}, headers=bearer)).status_code == 200


async def test_create_token_command(database_url: str) -> None:
    """The CLI creates a working token (in its own committed transaction, cleaned up after)."""
    import argparse
    import os

    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from api.cli import tokens as cli

    eng = create_async_engine(database_url, poolclass=NullPool)
    async with eng.begin() as conn:
        org_id = await conn.scalar(
            Organization.__table__.insert().values(kind="ministry", name_ru="CLI test").returning(Organization.id)
        )
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    try:
        from api.config import get_settings

        get_settings.cache_clear()
        args = argparse.Namespace(
            organization_id=org_id, system="cli", name="cli", kinds="marks,absences", scopes="write"
        )
        token = await cli._create(args)
        reader = argparse.Namespace(organization_id=org_id, system="cli", name="dwh", kinds=None, scopes="read,write")
        read_token = await cli._create(reader)
        async with eng.begin() as conn:
            kinds = await conn.scalar(select(ApiToken.kinds).where(ApiToken.token_hash == tokens.hash_token(token)))
            assert sorted(kinds) == ["absences", "marks"]
            row = (
                await conn.execute(
                    select(ApiToken.scopes, ApiToken.kinds).where(ApiToken.token_hash == tokens.hash_token(read_token))
                )
            ).one()
            assert row.scopes == ["read", "write"] and len(row.kinds) == len(tokens.KINDS)
            await conn.execute(ApiToken.__table__.delete().where(ApiToken.organization_id == org_id))
            await conn.execute(Organization.__table__.delete().where(Organization.id == org_id))
    finally:
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old
        get_settings.cache_clear()
        await eng.dispose()


# ---- marks -----------------------------------------------------------------------------------------------


async def test_marks_upsert_is_idempotent_and_counts(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    batch = {"items": [mark("m1", "s1", 5), mark("m2", "s2", 4), mark("m3", "s3", 3, lesson_external_id="l2")]}
    first = await client.post(f"{URL}/marks", json=batch, headers=xw.headers)
    assert first.status_code == 200, first.text
    assert first.json() == {"kind": "marks", "created": 3, "updated": 0, "unchanged": 0, "deleted": 0}
    journal_after_first = await count(db, JournalChange)
    again = await client.post(f"{URL}/marks", json=batch, headers=xw.headers)
    assert again.json() == {"kind": "marks", "created": 0, "updated": 0, "unchanged": 3, "deleted": 0}
    assert await count(db, JournalChange) == journal_after_first == 3
    m3 = await db.scalar(select(Mark).where(Mark.external_id == "m3"))
    assert m3 is not None and m3.date == date(2026, 9, 11) and m3.organization_id == xw.w.school_a.id
    batch["items"][0]["value"] = 2
    changed = await client.post(f"{URL}/marks", json=batch, headers=xw.headers)
    assert changed.json() == {"kind": "marks", "created": 0, "updated": 1, "unchanged": 2, "deleted": 0}


async def test_mark_journal_records_create_change_delete(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    await client.post(
        f"{URL}/marks", json={"items": [mark("m1", entered_by_external_id="t1", value=3)]}, headers=xw.headers
    )
    await client.post(
        f"{URL}/marks", json={"items": [mark("m1", entered_by_external_id="t1", value=5)]}, headers=xw.headers
    )
    resp = await client.request("DELETE", f"{URL}/marks", json={"external_ids": ["m1"]}, headers=xw.headers)
    assert resp.json() == {"kind": "marks", "created": 0, "updated": 0, "unchanged": 0, "deleted": 1}
    again = await client.request("DELETE", f"{URL}/marks", json={"external_ids": ["m1"]}, headers=xw.headers)
    assert again.json()["deleted"] == 0 and again.json()["unchanged"] == 1
    assert await count(db, Mark, Mark.external_id == "m1") == 0
    history = (await db.scalars(select(JournalChange).order_by(JournalChange.id))).all()
    assert [(h.action, h.old_value, h.new_value) for h in history] == [
        ("created", None, "3"),
        ("changed", "3", "5"),
        ("deleted", "5", None),
    ]
    assert all(h.changed_by == SYSTEM and h.changed_at is not None for h in history)
    assert [h.changed_by_person_id for h in history] == [xw.teacher.id, xw.teacher.id, None]
    assert {h.mark_id for h in history} == {history[0].mark_id}
    assert {(h.organization_id, h.student_person_id, h.lesson_date) for h in history} == {
        (xw.w.school_a.id, xw.students[0].id, date(2026, 9, 10))
    }


async def test_deleting_a_lesson_journals_its_marks(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    await client.post(f"{URL}/marks", json={"items": [mark("m1"), mark("m2", "s2")]}, headers=xw.headers)
    resp = await client.request("DELETE", f"{URL}/lessons", json={"external_ids": ["l1"]}, headers=xw.headers)
    assert resp.json()["deleted"] == 1
    actions = (await db.scalars(select(JournalChange.action).order_by(JournalChange.id))).all()
    assert actions == ["created", "created", "deleted", "deleted"]


async def test_every_bad_mark_is_listed_and_nothing_is_written(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    items = [
        mark("ok-1"),  # 0: fine, but must not be written
        mark("bad-1", student="nobody"),  # 1: unknown student
        mark("bad-2", value=7),  # 2: out of scale (schema)
        mark("bad-3", lesson_external_id="l-b"),  # 3: a lesson of a class of another school (out of scope)
        mark("bad-4", class_external_id="cls-b", lesson_external_id=None, kind="sor", date="2026-09-10"),  # 4
        mark("bad-5", lesson_external_id="l-cancelled"),  # 5: cancelled lesson
        mark("bad-6", date="2026-09-11"),  # 6: date differs from the lesson's
        mark("bad-7", student="sb1"),  # 7: student of another class
        mark("bad-8", lesson_external_id=None, kind="sor", date="2030-01-01"),  # 8: outside the academic year
        mark("bad-9", date="2026-02-30"),  # 9: not a date (schema)
        mark("bad-10", value=None),  # 10: neither value nor н/а
        mark("bad-11", kind="quarter", lesson_external_id=None, date="2026-10-20"),  # 11: no quarter number
        mark("bad-12", value=None, not_attested=True),  # 12: н/а on a current mark
        mark("ok-1"),  # 13: duplicate external id
        mark("bad-14", subject_external_id="history"),  # 14: unknown subject
    ]
    before = await count(db, Mark)
    resp = await client.post(f"{URL}/marks", json={"items": items}, headers=xw.headers)
    # Schema problems are reported first, on their own (the batch is not looked at further).
    assert problems(resp) == [(2, "value"), (9, "date")]
    body = resp.json()["error"]
    assert "items[2].value" in body["message"]
    del items[9]
    del items[2]
    resp = await client.post(f"{URL}/marks", json={"items": items}, headers=xw.headers)
    details = resp.json()["error"]["details"]
    got = problems(resp)
    assert got == [
        (1, "student_external_id"),
        (2, "lesson_external_id"),
        (3, "class_external_id"),
        (4, "lesson_external_id"),
        (5, "date"),
        (6, "student_external_id"),
        (7, "date"),
        (8, "value"),
        (9, "period_number"),
        (10, "not_attested"),
        (11, "external_id"),
        (12, "subject_external_id"),
    ], "\n".join(map(str, details))
    messages = {(d["index"], d["field"]): d["message"] for d in details}
    assert "no person with external id 'nobody'" in messages[(1, "student_external_id")]
    assert "outside the token's subtree" in messages[(2, "lesson_external_id")]
    assert "outside the token's subtree" in messages[(3, "class_external_id")]
    assert "cancelled" in messages[(4, "lesson_external_id")]
    assert "not enrolled" in messages[(6, "student_external_id")]
    assert "outside the academic year" in messages[(7, "date")]
    assert "index 0" in messages[(11, "external_id")]
    assert await count(db, Mark) == before
    assert await count(db, JournalChange) == 0


async def test_a_lesson_of_another_class_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    xw = await make_ext_world(db)
    # A token over the whole regional body sees both schools: the lesson exists and is in scope, but is
    # a lesson of another class than the mark's.
    _, token = await tokens.create_token(
        db,
        name="region",
        organization_id=xw.w.regional_body.id,
        external_system=SYSTEM,
        kinds=["marks"],
        created_by=None,
    )
    resp = await client.post(
        f"{URL}/marks", json={"items": [mark("x", lesson_external_id="l-b")]}, headers={"X-API-Token": token}
    )
    assert problems(resp) == [(0, "lesson_external_id")]
    assert "another class" in resp.json()["error"]["details"][0]["message"]


async def test_a_token_writes_only_its_kinds_and_subtree(client: httpx.AsyncClient, db: AsyncSession) -> None:
    xw = await make_ext_world(db, kinds=["absences"])
    resp = await client.post(f"{URL}/marks", json={"items": [mark("m1")]}, headers=xw.headers)
    assert problems(resp) == [(None, "kind")]
    assert await count(db, Mark) == 0
    # A mark of the other school, written by a token of that school, cannot be changed or deleted from here.
    _, token_b = await tokens.create_token(
        db, name="b", organization_id=xw.w.school_b.id, external_system=SYSTEM, kinds=["marks"], created_by=None
    )
    item_b = mark("mb", student="sb1", class_external_id="cls-b", lesson_external_id="l-b")
    resp = await client.post(f"{URL}/marks", json={"items": [item_b]}, headers={"X-API-Token": token_b})
    assert resp.json()["created"] == 1, resp.text
    _, token_a = await tokens.create_token(
        db, name="a", organization_id=xw.w.school_a.id, external_system=SYSTEM, kinds=["marks"], created_by=None
    )
    # Re-pointing mb at school A's class from school A's token: the existing row is outside A's subtree.
    resp = await client.post(f"{URL}/marks", json={"items": [mark("mb")]}, headers={"X-API-Token": token_a})
    assert problems(resp) == [(0, "external_id")]
    resp = await client.request(
        "DELETE", f"{URL}/marks", json={"external_ids": ["mb"]}, headers={"X-API-Token": token_a}
    )
    assert problems(resp) == [(0, "external_ids")]
    assert await count(db, Mark, Mark.external_id == "mb") == 1
    # The refused batch was rolled back whole: the mark is still school B's and its history has no change.
    mb = await db.scalar(select(Mark).where(Mark.external_id == "mb"))
    assert mb is not None and mb.class_id == xw.cls_b.id
    assert (await db.scalars(select(JournalChange.action).where(JournalChange.mark_id == mb.id))).all() == ["created"]


async def test_period_marks_and_not_attested(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    items = [
        mark("q1", kind="quarter", lesson_external_id=None, period_number=1, date="2026-10-26"),
        mark(
            "q2",
            "s2",
            kind="quarter",
            lesson_external_id=None,
            period_number=1,
            date="2026-10-26",
            value=None,
            not_attested=True,
        ),
        mark("sor", "s3", kind="sor", lesson_external_id=None, date="2026-10-01"),
    ]
    resp = await client.post(f"{URL}/marks", json={"items": items}, headers=xw.headers)
    assert resp.json()["created"] == 3, resp.text
    na = await db.scalar(select(Mark).where(Mark.external_id == "q2"))
    assert na is not None and na.not_attested and na.value is None and na.period_id is not None
    values = (await db.scalars(select(JournalChange.new_value).order_by(JournalChange.id))).all()
    assert values == ["5", "н/а", "5"]


async def test_batch_limits(client: httpx.AsyncClient, xw: ExtWorld) -> None:
    too_many = {"items": [mark(f"m{i}") for i in range(10_001)]}
    resp = await client.post(f"{URL}/marks", json=too_many, headers=xw.headers)
    assert problems(resp) == [(None, "items")]
    resp = await client.post(
        f"{URL}/marks", content=b"{not json", headers={**xw.headers, "Content-Type": "application/json"}
    )
    assert resp.status_code == 422
    resp = await client.post(f"{URL}/marks", json={"items": [{**mark("x"), "colour": "red"}]}, headers=xw.headers)
    assert problems(resp) == [(0, "colour")]
