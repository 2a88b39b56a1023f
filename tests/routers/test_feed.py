"""The change feed: replay equals the current data, concurrent writers lose and repeat nothing, tombstones, scope.

These tests commit for real (a database of their own): the feed shows only finished transactions.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.services.integration import tokens
from tests import factories as f

INT = "/api/v1/integration"


@pytest_asyncio.fixture(loop_scope="session")
async def live(own_database_url: str) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], httpx.AsyncClient]]:
    """A committing sessionmaker and a client of the real app, both on the test's own database."""
    from api.main import create_app

    engine = create_async_engine(own_database_url, poolclass=NullPool)
    app = create_app(database_url=own_database_url)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield app.state.sessionmaker, client
    await engine.dispose()


async def _token(db: AsyncSession, org_id: int, scopes: list[str], kinds: list[str] | None = None) -> dict[str, str]:
    _, secret = await tokens.create_token(
        db,
        name="t",
        organization_id=org_id,
        external_system="sis",
        kinds=kinds or [],
        scopes=scopes,
        created_by=None,
    )
    return {"X-API-Token": secret}


async def follow(client: httpx.AsyncClient, kind: str, h: dict[str, str], cursor: str = "", limit: int = 3) -> Any:
    """Follow the feed to its end: (items in order, last cursor)."""
    items: list[dict[str, Any]] = []
    for _ in range(10_000):
        r = await client.get(f"{INT}/{kind}", params={"cursor": cursor, "limit": limit}, headers=h)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        cursor = page["next_cursor"]
        items += page["items"]
        if not page["items"]:
            return items, cursor
    raise AssertionError("the feed never ended")


def replay(items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    copy: dict[int, dict[str, Any]] = {}
    for it in items:
        if it["op"] == "upsert":
            copy[it["id"]] = it["data"]
        else:
            copy.pop(it["id"], None)
    return copy


async def _arrange(sm: async_sessionmaker[AsyncSession]) -> tuple[f.World, dict[str, dict[str, str]]]:
    async with sm() as db:
        w = await f.world(db)
        all_kinds = ["organizations", "persons", "staff-posts", "subjects"]
        hs = {
            "write_a": await _token(db, w.body_a.id, ["write"], all_kinds),
            "write_b": await _token(db, w.body_b.id, ["write"], all_kinds),
            "read_a": await _token(db, w.body_a.id, ["read"]),
            "read_b": await _token(db, w.body_b.id, ["read"]),
        }
        await db.commit()
    return w, hs


def _school(ext: str, parent_id: int, code: str, name: str) -> dict[str, Any]:
    return {"external_id": ext, "parent_id": parent_id, "kind": "school", "type_code": code, "name_ru": name}


async def _current(sm: async_sessionmaker[AsyncSession], table: str, root: int, org_col: str) -> dict[int, Any]:
    async with sm() as db:
        rows = await db.execute(
            text(
                f"SELECT t.id, t.external_id FROM {table} t JOIN organizations o ON o.id = t.{org_col}"  # noqa: S608
                " WHERE o.path @> ARRAY[CAST(:root AS integer)]"
            ),
            {"root": root},
        )
        return {r[0]: r[1] for r in rows}


async def test_replay_equals_current_data_with_tombstones_and_scope(live: Any) -> None:
    sm, client = live
    w, h = await _arrange(sm)
    code = w.school_type.code
    schools = [_school(f"s{i}", w.body_a.id, code, f"Школа №{i}") for i in range(5)]
    r = await client.post(f"{INT}/organizations", json={"items": schools}, headers=h["write_a"])
    assert r.status_code == 200, r.text
    other = [_school("sb1", w.body_b.id, code, "Школа Б-1")]
    assert (await client.post(f"{INT}/organizations", json={"items": other}, headers=h["write_b"])).status_code == 200
    schools[2]["name_ru"] = "Школа №2 имени Абая"
    assert (await client.post(f"{INT}/organizations", json={"items": schools}, headers=h["write_a"])).status_code == 200
    persons = [{"external_id": f"p{i}", "surname": "Иванов", "first_name": f"Имя{i}"} for i in range(4)]
    assert (await client.post(f"{INT}/persons", json={"items": persons}, headers=h["write_a"])).status_code == 200
    posts = [
        {
            "external_id": f"sp{i}",
            "organization_external_id": f"s{i}",
            "person_external_id": f"p{i}",
            "position": "Учитель",
            "role_kind": "teacher",
        }
        for i in range(4)
    ]
    r = await client.post(f"{INT}/staff-posts", json={"items": posts}, headers=h["write_a"])
    assert r.status_code == 200, r.text
    r = await client.request("DELETE", f"{INT}/staff-posts", json={"external_ids": ["sp1"]}, headers=h["write_a"])
    assert r.status_code == 200 and r.json()["deleted"] == 1, r.text

    # Full replay equals the current data, for each kind followed.
    orgs, cursor = await follow(client, "organizations", h["read_a"])
    copy = replay(orgs)
    assert {i: d["external_id"] for i, d in copy.items()} == await _current(sm, "organizations", w.body_a.id, "id")
    assert any(d["name_ru"] == "Школа №2 имени Абая" and d["parent_id"] == w.body_a.id for d in copy.values())
    post_items, _ = await follow(client, "staff-posts", h["read_a"])
    posts_copy = replay(post_items)
    assert {i: d["external_id"] for i, d in posts_copy.items()} == await _current(
        sm, "staff_posts", w.body_a.id, "organization_id"
    )
    assert {d["person_external_id"] for d in posts_copy.values()} == {"p0", "p2", "p3"}
    # The deletion is a tombstone.
    deleted = [it for it in post_items if it["op"] == "delete"]
    # (an earlier entry of the same row, read after the deletion, is answered as a tombstone too)
    assert deleted and {it["id"] for it in deleted} == {it["id"] for it in post_items} - set(posts_copy)
    people, _ = await follow(client, "persons", h["read_a"])
    assert {d["external_id"] for d in replay(people).values()} == {"p0", "p2", "p3"}  # p1 left with the post

    # Scope: district B sees its school only, none of A's.
    b_orgs = replay((await follow(client, "organizations", h["read_b"]))[0])
    assert {d["external_id"] for d in b_orgs.values() if d["external_id"]} == {"sb1"}
    assert not set(b_orgs) & set(copy)
    assert replay((await follow(client, "staff-posts", h["read_b"]))[0]) == {}

    # Up to date: the last cursor gives an empty page; a new change comes after it, once.
    r = await client.get(f"{INT}/organizations", params={"cursor": cursor}, headers=h["read_a"])
    assert r.json()["items"] == [] and r.json()["up_to_date"] is True
    schools[0]["name_ru"] = "Гимназия №0"
    assert (await client.post(f"{INT}/organizations", json={"items": schools}, headers=h["write_a"])).status_code == 200
    more, _ = await follow(client, "organizations", h["read_a"], cursor)
    assert [it["data"]["name_ru"] for it in more] == ["Гимназия №0"]


async def test_write_only_token_cursor_and_limit_are_refused(live: Any) -> None:
    sm, client = live
    _, h = await _arrange(sm)
    assert (await client.get(f"{INT}/organizations", headers=h["write_a"])).status_code == 403
    assert (await client.get(f"{INT}/organizations")).status_code == 401
    for bad in ("abc", "1.2.3.4", "-1.5", "99999999999999999999.1"):
        r = await client.get(f"{INT}/organizations", params={"cursor": bad}, headers=h["read_a"])
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"][0]["field"] == "cursor"
    for limit in (0, 1001):
        r = await client.get(f"{INT}/organizations", params={"limit": limit}, headers=h["read_a"])
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "limit", r.text


async def test_concurrent_writers_while_following_lose_and_repeat_nothing(live: Any, own_database_url: str) -> None:
    sm, client = live
    w, h = await _arrange(sm)
    code = w.school_type.code
    stop = asyncio.Event()

    async def writer(n: int) -> None:
        for k in range(6):
            batch = [_school(f"w{n}-{k}-{j}", w.body_a.id, code, f"W{n}") for j in range(3)]
            r = await client.post(f"{INT}/organizations", json={"items": batch}, headers=h["write_a"])
            assert r.status_code == 200, r.text

    async def long_writer() -> None:
        # An early transaction that commits late: its rows have an older xid than later commits.
        async with sm() as db:
            await db.execute(text("SELECT pg_current_xact_id()"))
            await asyncio.sleep(0.3)
            for j in range(3):
                await f.organization(db, "school", w.body_a, type_id=w.school_type.id, name_ru=f"L{j}")
            await asyncio.sleep(0.5)
            await db.commit()

    seen: list[dict[str, Any]] = []

    async def reader() -> None:
        cursor = ""
        while True:
            done = stop.is_set()
            r = await client.get(f"{INT}/organizations", params={"cursor": cursor, "limit": 4}, headers=h["read_a"])
            page = r.json()
            seen.extend(page["items"])
            cursor = page["next_cursor"]
            if done and not page["items"]:
                return
            await asyncio.sleep(0.01)

    follower = asyncio.create_task(reader())
    await asyncio.gather(long_writer(), *(writer(n) for n in range(3)))
    stop.set()
    await follower
    ids = [it["id"] for it in seen]
    assert len(ids) == len(set(ids)), "a change was repeated"
    assert set(ids) == set(await _current(sm, "organizations", w.body_a.id, "id")), "a change was skipped"


async def test_pruning_keeps_current_rows_and_refuses_a_cursor_before_a_pruned_tombstone(live: Any) -> None:
    from api.services import feed

    sm, client = live
    w, h = await _arrange(sm)
    persons = [{"external_id": f"p{i}", "surname": "Сидоров", "first_name": "Имя"} for i in range(2)]
    assert (await client.post(f"{INT}/persons", json={"items": persons}, headers=h["write_a"])).status_code == 200
    batch = [_school(f"s{i}", w.body_a.id, w.school_type.code, f"Школа {i}") for i in range(2)]
    assert (await client.post(f"{INT}/organizations", json={"items": batch}, headers=h["write_a"])).status_code == 200
    posts = [
        {
            "external_id": f"sp{i}",
            "organization_external_id": f"s{i}",
            "person_external_id": f"p{i}",
            "position": "Учитель",
            "role_kind": "teacher",
        }
        for i in range(2)
    ]
    assert (await client.post(f"{INT}/staff-posts", json={"items": posts}, headers=h["write_a"])).status_code == 200
    first = (await client.get(f"{INT}/staff-posts", params={"limit": 1}, headers=h["read_a"])).json()
    r = await client.request("DELETE", f"{INT}/staff-posts", json={"external_ids": ["sp0"]}, headers=h["write_a"])
    assert r.status_code == 200, r.text
    async with sm() as db:
        await db.execute(text("UPDATE change_log SET changed_at = now() - interval '100 days'"))
        assert await feed.prune(db, 90) > 0
        await db.commit()
    r = await client.get(f"{INT}/staff-posts", params={"cursor": first["next_cursor"]}, headers=h["read_a"])
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "cursor", r.text
    # From the start: every current row is still there.
    for kind, table, col in (
        ("staff-posts", "staff_posts", "organization_id"),
        ("organizations", "organizations", "id"),
    ):
        items, _ = await follow(client, kind, h["read_a"], limit=50)
        assert {i: d["external_id"] for i, d in replay(items).items()} == await _current(sm, table, w.body_a.id, col)


# --- Every kind: a complete school pushed through the integration API ------------------------------------------

SYSTEM = "sis"
DAY = "2026-09-15"


async def _push(client: httpx.AsyncClient, h: dict[str, str], kind: str, items: list[dict[str, Any]]) -> None:
    r = await client.post(f"{INT}/{kind}", json={"items": items}, headers=h)
    assert r.status_code == 200, (kind, r.text)


async def _remove(client: httpx.AsyncClient, h: dict[str, str], kind: str, ext_ids: list[str]) -> None:
    r = await client.request("DELETE", f"{INT}/{kind}", json={"external_ids": ext_ids}, headers=h)
    assert r.status_code == 200 and r.json()["deleted"] == len(ext_ids), (kind, r.text)


async def _school_of_every_kind(sm: async_sessionmaker[AsyncSession], client: httpx.AsyncClient) -> dict[str, Any]:
    """A district with a school (external id `sch`) and a second one (`sch2`), with rows of every kind, some
    updated; tokens: write for the district, read for the district, for the school and for the other district."""
    async with sm() as db:
        w = await f.world(db)
        w.school_a.external_system, w.school_a.external_id = SYSTEM, "sch"
        year = await f.academic_year(db)
        await db.flush()
        h = {
            "write": await _token(db, w.body_a.id, ["write"], list(tokens.KINDS)),
            "read": await _token(db, w.body_a.id, ["read"]),
            "read_school": await _token(db, w.school_a.id, ["read"]),
            "read_b": await _token(db, w.body_b.id, ["read"]),
        }
        await db.commit()
    wh = h["write"]
    await _push(client, wh, "organizations", [_school("sch2", w.body_a.id, w.school_type.code, "Школа №2")])
    people = [
        {"external_id": "t1", "surname": "Алиева", "first_name": "Сауле"},
        {"external_id": "t2", "surname": "Бойко", "first_name": "Нурлан"},
        {"external_id": "par", "surname": "Ким", "first_name": "Ольга"},
        *[{"external_id": f"s{i}", "surname": f"Ученик{i}", "first_name": "Тест"} for i in range(5)],
    ]
    await _push(client, wh, "persons", people)
    post = {"organization_external_id": "sch", "position": "Учитель", "role_kind": "teacher"}
    await _push(
        client, wh, "staff-posts", [post | {"external_id": f"p{t}", "person_external_id": t} for t in ("t1", "t2")]
    )
    cls = {"organization_external_id": "sch", "academic_year": year.name}
    await _push(
        client,
        wh,
        "classes",
        [cls | {"external_id": "c", "grade": 6, "letter": "А"}, cls | {"external_id": "c7", "grade": 7}],
    )
    await _push(
        client,
        wh,
        "subjects",
        [
            {"external_id": "math", "name_ru": "Математика", "name_kk": "Математика"},
            {"external_id": "art", "organization_external_id": "sch", "name_ru": "ИЗО", "name_kk": "Сурет"},
        ],
    )
    await _push(
        client,
        wh,
        "assignments",
        [
            {"external_id": "a", "class_external_id": "c", "subject_external_id": "math", "teacher_external_id": "t1"},
            {"external_id": "a7", "class_external_id": "c7", "subject_external_id": "art", "teacher_external_id": "t2"},
        ],
    )
    await _push(
        client,
        wh,
        "enrolments",
        [
            {
                "external_id": f"e{i}",
                "class_external_id": "c",
                "student_external_id": f"s{i}",
                "starts_on": "2026-09-01",
            }
            for i in range(5)
        ],
    )
    await _push(
        client,
        wh,
        "parent-links",
        [
            {"external_id": "pl0", "parent_external_id": "par", "child_external_id": "s0", "relation": "mother"},
            {"external_id": "pl4", "parent_external_id": "par", "child_external_id": "s4", "relation": "mother"},
        ],
    )
    await _push(
        client,
        wh,
        "users",
        [
            {"external_id": "u1", "person_external_id": "s0", "organization_external_id": "sch"},
            {"external_id": "u2", "person_external_id": "t1", "organization_external_id": "sch"},
        ],
    )
    lesson = {"assignment_external_id": "a", "date": DAY, "topic": "Дроби"}
    await _push(client, wh, "lessons", [lesson | {"external_id": f"l{n}", "number": n} for n in (1, 2, 3)])
    await _push(
        client,
        wh,
        "homework",
        [{"external_id": f"h{n}", "lesson_external_id": f"l{n}", "text": "№ 5", "minutes": 20} for n in (1, 2)],
    )
    mark = {"class_external_id": "c", "subject_external_id": "math", "value": 5, "entered_at": f"{DAY}T06:00:00Z"}
    await _push(
        client,
        wh,
        "marks",
        [
            mark | {"external_id": "m0", "student_external_id": "s0", "lesson_external_id": "l1"},
            mark | {"external_id": "m1", "student_external_id": "s1", "lesson_external_id": "l1"},
            mark | {"external_id": "m2", "student_external_id": "s2", "lesson_external_id": "l2"},
        ],
    )
    await _push(
        client,
        wh,
        "absences",
        [
            {"external_id": "ab1", "student_external_id": "s3", "lesson_external_id": "l1", "reason": "illness"},
            {"external_id": "ab2", "student_external_id": "s3", "lesson_external_id": "l2", "reason": "late"},
            {"external_id": "ab3", "student_external_id": "s1", "lesson_external_id": "l3", "reason": "late"},
        ],
    )
    move = {"organization_external_id": "sch", "class_external_id": "c", "kind": "departed", "date": "2026-10-01"}
    await _push(
        client,
        wh,
        "movements",
        [
            move | {"external_id": "mv1", "student_external_id": "s3", "counterpart": "Школа №3"},
            move | {"external_id": "mv2", "student_external_id": "s2", "counterpart": "Школа №4"},
        ],
    )
    doc = {
        "organization_external_id": "sch",
        "doc_type": "basic_certificate",
        "series": "ЖБ",
        "issued_on": "2026-06-20",
    }
    await _push(
        client,
        wh,
        "documents",
        [
            doc | {"external_id": "d1", "student_external_id": "s1", "number": "0001"},
            doc | {"external_id": "d2", "student_external_id": "s2", "number": "0002"},
        ],
    )
    await _push(
        client,
        wh,
        "visits",
        [
            {"external_id": "v1", "user_external_id": "u1", "visited_at": "2026-09-02T10:00:00Z"},
            {"external_id": "v2", "user_external_id": "u2", "visited_at": "2026-09-03T10:00:00Z"},
        ],
    )
    # Updates: the feed must give the rows as they are now.
    await _push(client, wh, "persons", [people[3] | {"surname": "Ученикова"}])
    await _push(client, wh, "classes", [cls | {"external_id": "c7", "grade": 7, "letter": "Б"}])
    await _push(client, wh, "lessons", [lesson | {"external_id": "l3", "number": 3, "topic": "Проценты"}])
    await _push(
        client,
        wh,
        "marks",
        [mark | {"external_id": "m1", "student_external_id": "s1", "lesson_external_id": "l1", "value": 4}],
    )
    return {
        "w": w,
        "h": h,
        "people": people,
        "post": post,
        "lesson": lesson,
        "cls": {"academic_year": year.name, "grade": 5},
    }


async def _fresh(sm: async_sessionmaker[AsyncSession], kind_name: str, root: int) -> dict[int, dict[str, Any]]:
    """The rows of a kind in the subtree as a read of the current data gives them (no change log involved)."""
    from api.services.feed import FEED_KINDS

    kind = FEED_KINDS[kind_name]
    data = ", ".join(f"'{name}', {expr}" for name, expr in kind.fields)
    sql = (
        f"SELECT t.id, jsonb_build_object({data}) FROM {kind.table} t {' '.join(kind.joins)}"  # noqa: S608
        f" WHERE {kind.in_scope}"
    )
    async with sm() as db:
        rows = (await db.execute(text(sql), {"root": root})).all()
    return {r[0]: r[1] if isinstance(r[1], dict) else json.loads(r[1]) for r in rows}


async def _ours(sm: async_sessionmaker[AsyncSession], table: str) -> set[str]:
    """External ids of the system's rows of a table, straight from the table."""
    async with sm() as db:
        rows = await db.execute(text(f"SELECT external_id FROM {table} WHERE external_system = :s"), {"s": SYSTEM})  # noqa: S608
        return {r[0] for r in rows}


async def test_full_replay_of_every_kind_equals_the_current_data(live: Any) -> None:
    from api.services.feed import FEED_KINDS

    sm, client = live
    s = await _school_of_every_kind(sm, client)
    w, h = s["w"], s["h"]
    assert set(FEED_KINDS) == set(tokens.KINDS)
    for kind_name, kind in FEED_KINDS.items():
        items, _ = await follow(client, kind_name, h["read"], limit=2)
        copy = replay(items)
        current = await _fresh(sm, kind_name, w.body_a.id)
        assert copy, f"{kind_name}: no rows, the replay proves nothing"
        assert copy == current, kind_name
        # Every row of ours is in the district's copy (the world's own rows may add more).
        ours = {d["external_id"] for d in copy.values() if d["external_system"] == SYSTEM}
        parent_only = {"par"} if kind_name == "persons" else set()  # a parent only is no person of the subtree
        assert ours == await _ours(sm, kind.table) - parent_only, kind_name
        # District B sees none of it.
        other = replay((await follow(client, kind_name, h["read_b"], limit=50))[0])
        shared = {i for i, d in copy.items() if kind_name == "subjects" and d["organization_id"] is None}
        assert not (set(other) & set(copy)) - shared, kind_name
    got = replay((await follow(client, "persons", h["read"]))[0])
    assert {d["external_id"] for d in got.values()} >= {"t1", "t2", "s0", "s1", "s2", "s3", "s4"}
    assert {d["surname"] for d in got.values() if d["external_id"] == "s0"} == {"Ученикова"}
    marks = replay((await follow(client, "marks", h["read"]))[0])
    assert {d["external_id"]: d["value"] for d in marks.values()} == {"m0": 5, "m1": 4, "m2": 5}


async def _id(sm: async_sessionmaker[AsyncSession], table: str, ext: str) -> int:
    async with sm() as db:
        sql = f"SELECT id FROM {table} WHERE external_system = :s AND external_id = :e"  # noqa: S608
        return int((await db.execute(text(sql), {"s": SYSTEM, "e": ext})).scalar_one())


async def _news(client: httpx.AsyncClient, h: dict[str, str], cursors: dict[str, str]) -> dict[str, list[Any]]:
    """The items of every kind after its cursor (the cursors move on); kinds without news are left out."""
    out = {}
    for kind_name in cursors:
        items, cursors[kind_name] = await follow(client, kind_name, h, cursors[kind_name])
        if items:
            out[kind_name] = items
    return out


async def test_every_delete_route_leaves_tombstones_of_the_row_and_what_went_with_it(live: Any) -> None:
    from api.services.feed import FEED_KINDS
    from api.services.integration.kinds.catalogue import KINDS

    sm, client = live
    s = await _school_of_every_kind(sm, client)
    w, h = s["w"], s["h"]
    cursors = {k: (await follow(client, k, h["read"], limit=50))[1] for k in FEED_KINDS}
    table = {k: v.table for k, v in FEED_KINDS.items()}
    # (route, external id, {kind: external ids of its tombstones}): cascades and derived changes included.
    steps: list[tuple[str, str, dict[str, set[str]]]] = [
        ("staff-posts", "pt2", {"staff-posts": {"pt2"}, "persons": {"t2"}}),  # t2's last place in the district
        ("enrolments", "e4", {"enrolments": {"e4"}, "persons": {"s4"}, "parent-links": {"pl4"}}),
        ("parent-links", "pl0", {"parent-links": {"pl0"}}),
        ("homework", "h1", {"homework": {"h1"}}),
        ("marks", "m0", {"marks": {"m0"}}),
        ("absences", "ab1", {"absences": {"ab1"}}),
        # A lesson takes its marks (deleted first, journaled), homework and absences with it.
        ("lessons", "l2", {"lessons": {"l2"}, "homework": {"h2"}, "marks": {"m2"}, "absences": {"ab2"}}),
        ("movements", "mv1", {"movements": {"mv1"}}),
        ("documents", "d1", {"documents": {"d1"}}),
    ]
    assert {route for route, _, _ in steps} == {k.name for k in KINDS.values() if k.deletable}
    for route, ext, expected in steps:
        ids = {k: {await _id(sm, table[k], e) for e in exts} for k, exts in expected.items()}
        await _remove(client, h["write"], route, [ext])
        news = await _news(client, h["read"], cursors)
        got = {k: {it["id"] for it in items} for k, items in news.items()}
        assert got == ids, route
        assert {it["op"] for items in news.values() for it in items} == {"delete"}, route
        # The district's copy equals the current data after each deletion.
    for kind_name in FEED_KINDS:
        items, _ = await follow(client, kind_name, h["read"], limit=50)
        assert replay(items) == await _fresh(sm, kind_name, w.body_a.id), kind_name

    # A row moved to another school is a tombstone for the school it left and an upsert for the district.
    school = {k: (await follow(client, k, h["read_school"], limit=50))[1] for k in ("staff-posts",)}
    pt1 = await _id(sm, "staff_posts", "pt1")
    await _push(
        client,
        h["write"],
        "staff-posts",
        [s["post"] | {"external_id": "pt1", "person_external_id": "t1"} | {"organization_external_id": "sch2"}],
    )
    assert await _news(client, h["read_school"], school) == {"staff-posts": [{"op": "delete", "id": pt1, "data": None}]}
    moved = (await _news(client, h["read"], {"staff-posts": cursors["staff-posts"]}))["staff-posts"]
    # (one entry per place the row was in: both are in the district, so it hears of the move twice)
    assert {it["id"] for it in moved} == {pt1} and moved[-1]["data"]["organization_external_id"] == "sch2"

    # A parent link is in every subtree its child is enrolled in: deleting it is a tombstone in each of them.
    await _push(client, h["write"], "classes", [{"external_id": "x5", "organization_external_id": "sch2"} | s["cls"]])
    # s1 moves from `sch` to `sch2`: the enrolment in `sch` ends, one in `sch2` begins.
    enrolment = {"student_external_id": "s1", "starts_on": "2026-09-01", "ends_on": "2026-10-01"}
    await _push(client, h["write"], "enrolments", [enrolment | {"external_id": "e1", "class_external_id": "c"}])
    enrolment = {"student_external_id": "s1", "starts_on": "2026-10-02", "class_external_id": "x5"}
    await _push(client, h["write"], "enrolments", [enrolment | {"external_id": "e1b"}])
    link = {"external_id": "pl1", "parent_external_id": "par", "child_external_id": "s1", "relation": "father"}
    await _push(client, h["write"], "parent-links", [link])
    items, cursor = await follow(client, "parent-links", h["read_school"])
    pl1 = await _id(sm, "parent_links", "pl1")
    assert pl1 in replay(items)
    await _remove(client, h["write"], "parent-links", ["pl1"])
    assert (await follow(client, "parent-links", h["read_school"], cursor))[0] == [
        {"op": "delete", "id": pl1, "data": None}
    ]

    # Pruning drops only what a later entry supersedes for the same readers: following from the start still
    # gives the current data in every subtree (s1 and the links to s1 are in both schools).
    from api.services import feed

    await _push(client, h["write"], "parent-links", [link | {"external_id": "pl1b"}])
    async with sm() as db:
        await db.execute(text("UPDATE change_log SET changed_at = now() - interval '100 days'"))
        assert await feed.prune(db, 90) > 0
        await db.commit()
    for token, root in ((h["read"], w.body_a.id), (h["read_school"], w.school_a.id)):
        for kind_name in FEED_KINDS:
            items, _ = await follow(client, kind_name, token, limit=50)
            assert replay(items) == await _fresh(sm, kind_name, root), (kind_name, root)


@pytest.mark.parametrize("link_first", [False, True])
async def test_a_parent_link_and_its_childs_new_enrolment_written_concurrently_reach_the_new_school(
    live: Any, link_first: bool
) -> None:
    """The capture of a parent link reads the child's enrolments, the capture of an enrolment reads the child's
    links: in two concurrent transactions neither sees the other's uncommitted row. Today the second one waits
    for the first (on locks the report aggregates' triggers take), so its capture sees the first's row: this
    test keeps it so, whichever is written first."""
    from api.models import ParentLink

    sm, client = live
    async with sm() as db:
        w = await f.world(db)
        year = await f.academic_year(db)
        child, parent = await f.person(db), await f.person(db)
        old = await f.school_class(db, w.school_b, year)
        new = await f.school_class(db, w.school_a, year)
        await f.enrol(db, old, child, ends_on=date(2026, 9, 30))
        h = await _token(db, w.school_a.id, ["read"])
        await db.commit()

    async def enrol(db: AsyncSession) -> None:
        await f.enrol(db, new, child, starts_on=date(2026, 10, 1))

    async def link(db: AsyncSession) -> None:
        db.add(ParentLink(parent_person_id=parent.id, child_person_id=child.id, region_id=w.region.id))
        await db.flush()

    first, second = (link, enrol) if link_first else (enrol, link)
    async with sm() as one, sm() as two:
        await first(one)  # not committed yet
        later = asyncio.create_task(second(two))  # may wait for the first transaction
        await asyncio.sleep(0.5)
        await one.commit()
        await later
        await two.commit()
    items, _ = await follow(client, "parent-links", h)
    assert replay(items) == await _fresh(sm, "parent-links", w.school_a.id) != {}
