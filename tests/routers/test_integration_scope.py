"""Integration API: persons and parent links are written only within the token's subtree; so are deletions.

The world (tests.routers.test_integration): district body A with school A (class cls-a, students s1–s3) and,
in another district, school B (class cls-b, student sb1); teacher t1 has no enrolment, post or account.
`xw.headers` is a token of district body A; `token_b` makes one of school B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Person, Subject
from api.services import iin
from api.services.integration import tokens
from api.services.integration.kinds.catalogue import KINDS
from tests import factories as f
from tests.routers.test_integration import SYSTEM, URL, ExtWorld, make_ext_world, mark, problems


@pytest.fixture
async def xw(db: AsyncSession) -> ExtWorld:
    return await make_ext_world(db)


async def token_for(db: AsyncSession, org_id: int) -> dict[str, str]:
    _, secret = await tokens.create_token(
        db, name=f"t{org_id}", organization_id=org_id, external_system=SYSTEM, kinds=list(tokens.KINDS), created_by=None
    )
    return {"X-API-Token": secret}


async def push(client: httpx.AsyncClient, headers: dict[str, str], kind: str, items: list[dict[str, Any]]) -> Any:
    return await client.post(f"{URL}/{kind}", json={"items": items}, headers=headers)


async def remove(client: httpx.AsyncClient, headers: dict[str, str], kind: str, ext_ids: list[str]) -> Any:
    return await client.request("DELETE", f"{URL}/{kind}", json={"external_ids": ext_ids}, headers=headers)


def person(ext: str, surname: str = "Сейткали", **kw: Any) -> dict[str, Any]:
    born = date(2013, 2, 3)
    item = {"external_id": ext, "surname": surname, "first_name": "Дана", "sex": "F", "birth_date": born.isoformat(),
            "iin": iin.make(born, "F", 500 + sum(map(ord, ext)) % 400)}  # fmt: skip
    item.update(kw)
    return item


async def surname_of(db: AsyncSession, ext: str) -> str | None:
    return await db.scalar(select(Person.surname).where(Person.external_system == SYSTEM, Person.external_id == ext))


async def test_a_token_cannot_change_a_person_of_another_district(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    token_b = await token_for(db, xw.w.school_b.id)
    pb = person("pb")
    assert (await push(client, token_b, "persons", [pb])).json()["created"] == 1
    enrolment = {
        "external_id": "eb",
        "class_external_id": "cls-b",
        "student_external_id": "pb",
        "starts_on": "2026-09-01",
    }
    assert (await push(client, token_b, "enrolments", [enrolment])).json()["created"] == 1
    # District A's token: pb (created by school B's token and enrolled there) and sb1 (enrolled in school B,
    # no recorded creator) cannot be changed; the valid new person of the same batch is not written either.
    batch = [
        person("pa", "Новая"),
        {**pb, "surname": "Подменов"},
        {"external_id": "sb1", "surname": "Х", "first_name": "Y"},
    ]
    resp = await push(client, xw.headers, "persons", batch)
    assert problems(resp) == [(1, "external_id"), (2, "external_id")]
    assert "outside the token's subtree" in resp.json()["error"]["details"][0]["message"]
    assert await surname_of(db, "pb") == "Сейткали"
    assert await surname_of(db, "sb1") == xw.student_b.surname
    assert await surname_of(db, "pa") is None
    # Sending the other school's record unchanged writes nothing and is no problem (a shared record re-sent).
    assert (await push(client, xw.headers, "persons", [pb])).json()["unchanged"] == 1
    # School B's own token, and a token over both districts, may change it.
    assert (await push(client, token_b, "persons", [{**pb, "phone": "+7 701 111 11 11"}])).json()["updated"] == 1
    token_region = await token_for(db, xw.w.regional_body.id)
    assert (await push(client, token_region, "persons", [{**pb, "surname": "Сейіт"}])).json()["updated"] == 1
    assert await surname_of(db, "pb") == "Сейіт"
    # A school's token of district A may not change it either.
    token_a = await token_for(db, xw.w.school_a.id)
    assert problems(await push(client, token_a, "persons", [{**pb, "surname": "Подменов"}])) == [(0, "external_id")]


async def test_persons_of_the_subtree_stay_writable_and_idempotent(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    token_a = await token_for(db, xw.w.school_a.id)
    items = [person("n1"), person("n2", "Омаров", sex="M", birth_date=None, iin=None)]
    first = await push(client, token_a, "persons", items)
    assert first.json() == {"kind": "persons", "created": 2, "updated": 0, "unchanged": 0, "deleted": 0}, first.text
    again = await push(client, token_a, "persons", items)
    assert again.json() == {"kind": "persons", "created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    # The creator is recorded once: district A's token (whose subtree holds school A) changes n1 later, and
    # that neither moves the record to district A nor lets school B in.
    assert (await push(client, xw.headers, "persons", [{**items[0], "phone": "1"}])).json()["updated"] == 1
    source = await db.scalar(select(Person.source_organization_id).where(Person.external_id == "n1"))
    assert source == xw.w.school_a.id
    token_b = await token_for(db, xw.w.school_b.id)
    assert problems(await push(client, token_b, "persons", [{**items[0], "phone": "2"}])) == [(0, "external_id")]
    # Students enrolled in school A (created outside the API, no creator) are school A's to change.
    resp = await push(client, token_a, "persons", [{"external_id": "s1", "surname": "Абаев", "first_name": "Ерлан"}])
    assert resp.json()["updated"] == 1, resp.text


async def test_a_link_to_the_subtree_makes_a_person_writable(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    token_b = await token_for(db, xw.w.school_b.id)
    newcomers = [person("arrived"), person("teacher", sex="F"), person("parent", "Жумабаева")]
    assert (await push(client, token_b, "persons", newcomers)).json()["created"] == 3
    changed = [{**p, "phone": "+7 702 000 00 00"} for p in newcomers]
    resp = await push(client, xw.headers, "persons", changed)
    assert problems(resp) == [(0, "external_id"), (1, "external_id"), (2, "external_id")]
    # Naming a person is not limited: district A enrols the arrived student, gives the teacher a post and
    # links the parent to its student s1; from then on it may change them.
    enrol = {
        "external_id": "ea",
        "class_external_id": "cls-a",
        "student_external_id": "arrived",
        "starts_on": "2026-10-01",
    }
    post = {"external_id": "spa", "organization_external_id": "sch-a", "person_external_id": "teacher",
            "position": "Учитель", "role_kind": "teacher"}  # fmt: skip
    link = {"external_id": "pla", "parent_external_id": "parent", "child_external_id": "s1", "relation": "mother"}
    assert (await push(client, xw.headers, "enrolments", [enrol])).status_code == 200
    assert (await push(client, xw.headers, "staff-posts", [post])).status_code == 200
    assert (await push(client, xw.headers, "parent-links", [link])).status_code == 200
    resp = await push(client, xw.headers, "persons", changed)
    assert resp.json()["updated"] == 3, resp.text
    # A person with no link anywhere and no recorded creator is nobody's data yet: any token may write it.
    t1 = {"external_id": "t1", "surname": "Ким", "first_name": "Ольга", "sex": "F", "birth_date": "1980-01-02"}
    assert (await push(client, token_b, "persons", [t1])).json()["updated"] == 1


async def test_parent_links_only_for_children_enrolled_in_the_subtree(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    token_b = await token_for(db, xw.w.school_b.id)

    async def links() -> list[tuple[str, int]]:
        rows = await db.execute(
            text("SELECT external_id, child_person_id FROM parent_links WHERE external_system = :s ORDER BY 1"),
            {"s": SYSTEM},
        )
        return [(r[0], r[1]) for r in rows]

    own = {"external_id": "pl-a", "parent_external_id": "t1", "child_external_id": "s1", "relation": "father"}
    # A link to school B's student, with a valid one in the same batch: refused whole.
    resp = await push(
        client, xw.headers, "parent-links", [own, {**own, "external_id": "x", "child_external_id": "sb1"}]
    )
    assert problems(resp) == [(1, "child_external_id")]
    assert "not enrolled in a class of the token's subtree" in resp.json()["error"]["details"][0]["message"]
    assert await links() == []
    for _ in range(2):  # idempotent within the subtree
        assert (await push(client, xw.headers, "parent-links", [own])).status_code == 200
    assert (await push(client, xw.headers, "parent-links", [own])).json()["unchanged"] == 1
    theirs = {"external_id": "pl-b", "parent_external_id": "t1", "child_external_id": "sb1"}
    assert (await push(client, token_b, "parent-links", [theirs])).json()["created"] == 1
    # District A can neither re-point school B's link at its own student nor delete it.
    resp = await push(client, xw.headers, "parent-links", [{**theirs, "child_external_id": "s2"}])
    assert problems(resp) == [(0, "external_id")]
    assert problems(await remove(client, xw.headers, "parent-links", ["pl-b"])) == [(0, "external_ids")]
    assert await links() == [("pl-a", xw.students[0].id), ("pl-b", xw.student_b.id)]
    assert (await remove(client, token_b, "parent-links", ["pl-b"])).json()["deleted"] == 1


async def test_a_common_subject_is_changed_only_by_a_token_over_every_class_that_has_it(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    """«math» is on the common list (no organization) and taught in school A and in school B."""
    math = await db.scalar(select(Subject).where(Subject.external_id == "math"))
    assert math is not None and math.organization_id is None
    same = {"external_id": "math", "name_ru": math.name_ru, "name_kk": math.name_kk}
    # District A's token may send it unchanged, but neither rename it nor make it school A's own.
    assert (await push(client, xw.headers, "subjects", [same])).json()["unchanged"] == 1
    resp = await push(client, xw.headers, "subjects", [{**same, "name_ru": "Алгебра"}])
    assert problems(resp) == [(0, "external_id")]
    assert "common list" in resp.json()["error"]["details"][0]["message"]
    resp = await push(client, xw.headers, "subjects", [{**same, "organization_external_id": "sch-a"}])
    assert problems(resp) == [(0, "external_id")]
    await db.refresh(math)
    assert (math.name_ru, math.organization_id) == (same["name_ru"], None)
    # The regional body's token covers both schools.
    token_region = await token_for(db, xw.w.regional_body.id)
    assert (await push(client, token_region, "subjects", [{**same, "name_ru": "Алгебра"}])).json()["updated"] == 1
    # A common subject taught only in district A (or nowhere yet) is district A's to change.
    bio = {"external_id": "bio", "name_ru": "Биология", "name_kk": "Биология"}
    assert (await push(client, token_region, "subjects", [bio])).json()["created"] == 1
    taught = {"external_id": "a-bio", "class_external_id": "cls-a", "subject_external_id": "bio"}
    assert (await push(client, xw.headers, "assignments", [taught])).json()["created"] == 1
    resp = await push(client, xw.headers, "subjects", [{**bio, "short_name": "Био"}])
    assert resp.json()["updated"] == 1, resp.text


# One row of school B per deletable kind, written by school B's token.
_ROWS_OF_B: dict[str, dict[str, Any]] = {
    "staff-posts": {"organization_external_id": "sch-b", "person_external_id": "t1", "position": "Учитель",
                    "role_kind": "teacher"},
    "enrolments": {"class_external_id": "cls-b", "student_external_id": "nb", "starts_on": "2026-09-01"},
    "parent-links": {"parent_external_id": "t1", "child_external_id": "sb1"},
    "lessons": {"assignment_external_id": "as-b", "date": "2026-09-15"},
    "homework": {"lesson_external_id": "l-b", "text": "№ 1–3"},
    "marks": {k: v for k, v in mark("", "sb1", class_external_id="cls-b", lesson_external_id="l-b").items()
              if k != "external_id"},
    "absences": {"student_external_id": "sb1", "lesson_external_id": "l-b", "reason": "illness"},
    "movements": {"organization_external_id": "sch-b", "student_external_id": "sb1", "kind": "departed",
                  "date": "2026-10-01"},
    "documents": {"organization_external_id": "sch-b", "student_external_id": "sb1", "doc_type": "basic_certificate",
                  "number": "0009", "issued_on": "2026-06-20"},
}  # fmt: skip


def test_every_deletable_kind_is_covered() -> None:
    assert set(_ROWS_OF_B) == {name for name, kind in KINDS.items() if kind.deletable}


@pytest.mark.parametrize("kind", sorted(_ROWS_OF_B))
async def test_deletion_respects_the_subtree(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld, kind: str
) -> None:
    await f.person(db, external_system=SYSTEM, external_id="nb")
    token_b = await token_for(db, xw.w.school_b.id)
    resp = await push(client, token_b, kind, [{"external_id": "of-b", **_ROWS_OF_B[kind]}])
    assert resp.json()["created"] == 1, resp.text

    async def present() -> int:
        sql = f"SELECT count(*) FROM {KINDS[kind].table.name} WHERE external_system = :s AND external_id = 'of-b'"  # noqa: S608
        return int((await db.execute(text(sql), {"s": SYSTEM})).scalar_one())

    # District A's token: refused, even next to an unknown id, and nothing is deleted.
    assert problems(await remove(client, xw.headers, kind, ["never-was", "of-b"])) == [(1, "external_ids")]
    assert await present() == 1
    assert (await remove(client, token_b, kind, ["of-b"])).json()["deleted"] == 1
    assert await present() == 0
