"""Integration API security (issue 15): what a token may write about people, heads, IINs and contacts; audit; 422s.

The world (tests.routers.test_integration): district body A with school A (class cls-a, students s1–s3) and,
in another district, school B (class cls-b, student sb1, enrolled from 2026-09-01); teacher t1 has no
enrolment, post or account. `xw.headers` is a token of district body A (the probe's «Отдел образования города
Тест»), so sb1 plays the probe's student of «Тестовый район».
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import clock
from api.models import Enrolment, Organization, Person
from api.models.audit import AuditEvent
from api.services import iin
from api.services.integration.batches import _write
from api.services.integration.engine import Ctx, driver_connection
from api.services.integration.kinds.persons import PERSON_TABLE
from api.services.integration.tokens import authenticate
from tests import factories as f
from tests.routers.test_integration import SYSTEM, ExtWorld, make_ext_world, problems
from tests.routers.test_integration_scope import person, push, remove, surname_of, token_for


@pytest.fixture
async def xw(db: AsyncSession) -> ExtWorld:
    return await make_ext_world(db)


def post(ext: str, person_ext: str, org: str = "sch-a", **kw: Any) -> dict[str, Any]:
    item = {"external_id": ext, "organization_external_id": org, "person_external_id": person_ext,
            "position": "Учитель", "role_kind": "teacher"}  # fmt: skip
    item.update(kw)
    return item


def school_a(xw: ExtWorld, **kw: Any) -> dict[str, Any]:
    item = {"external_id": "sch-a", "parent_external_id": "body-a", "name_ru": xw.w.school_a.name_ru,
            "type_code": xw.w.school_type.code}  # fmt: skip
    item.update(kw)
    return item


def messages(resp: httpx.Response) -> list[str]:
    return [d["message"] for d in resp.json()["error"]["details"]]


# ---- item 2a: the right to change a person follows current membership only --------------------------------


async def test_the_probes_hijack_through_an_ended_post_fails_and_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    student = {"external_id": "sb1", "surname": "HIJACKED", "first_name": "X", "phone": "+7 700 000 00 00"}
    # The probe: an ended post (1999–2000) at a school of the token's subtree for the other district's student …
    ended = post("hijack", "sb1", started_on="1999-09-01", ended_on="2000-05-25")
    assert (await push(client, xw.headers, "staff-posts", [ended])).json()["created"] == 1
    # … then the person with a new surname and phone: refused, nothing written.
    resp = await push(client, xw.headers, "persons", [student])
    assert problems(resp) == [(0, "external_id")]
    assert "current enrolment" in messages(resp)[0]
    assert await surname_of(db, "sb1") == xw.student_b.surname
    assert (await remove(client, xw.headers, "staff-posts", ["hijack"])).json()["deleted"] == 1
    # A future post grants nothing either, and a current one doesn't outweigh the enrolment in the other district.
    future = post("future", "sb1", started_on="2027-06-01")
    current = post("current", "sb1", started_on="2026-09-01")
    for p in (future, current):
        assert (await push(client, xw.headers, "staff-posts", [p])).status_code == 200
        assert problems(await push(client, xw.headers, "persons", [student])) == [(0, "external_id")]
    assert await surname_of(db, "sb1") == xw.student_b.surname
    # A token over both districts holds all of the student's current links: it may.
    token_region = await token_for(db, xw.w.regional_body.id)
    assert (await push(client, token_region, "persons", [{**student, "surname": "Сейіт"}])).json()["updated"] == 1


async def test_an_ended_link_grants_nothing_even_without_other_links(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    # A person created by school B's token, with no link anywhere: district A adds an ended post and tries.
    token_b = await token_for(db, xw.w.school_b.id)
    assert (await push(client, token_b, "persons", [person("nb")])).json()["created"] == 1
    old = post("old", "nb", started_on="2000-01-01", ended_on="2001-01-01")
    assert (await push(client, xw.headers, "staff-posts", [old])).status_code == 200
    assert problems(await push(client, xw.headers, "persons", [{**person("nb"), "phone": "1"}])) == [(0, "external_id")]
    # Nor may school B's token now (the post at school A is a link outside its subtree): only a token over both.
    assert problems(await push(client, token_b, "persons", [{**person("nb"), "phone": "1"}])) == [(0, "external_id")]
    token_region = await token_for(db, xw.w.regional_body.id)
    assert (await push(client, token_region, "persons", [{**person("nb"), "phone": "1"}])).json()["updated"] == 1


async def test_identity_of_a_person_linked_elsewhere_is_never_overwritten(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    # The student moved from school B (enrolment ended) to school A (current): district A may change contacts …
    mover = xw.student_b
    await db.execute(update(Enrolment).where(Enrolment.student_person_id == mover.id).values(ends_on=date(2026, 9, 30)))
    await f.enrol(db, xw.cls, mover, starts_on=date(2026, 10, 1))
    same = {"external_id": "sb1", "surname": mover.surname, "first_name": mover.first_name, "sex": mover.sex,
            "birth_date": mover.birth_date.isoformat(), "iin": mover.iin}  # fmt: skip
    ok = await push(client, xw.headers, "persons", [{**same, "phone": "+7 701 222 33 44"}])
    assert ok.json()["updated"] == 1, ok.text
    # … but not the identity school B's records carry: 422 naming each field, nothing written.
    born = date(2012, 3, 15)
    resp = await push(
        client,
        xw.headers,
        "persons",
        [{**same, "surname": "Другая", "birth_date": born.isoformat(), "iin": iin.make(born, mover.sex, 999)}],
    )
    assert problems(resp) == [(0, "birth_date"), (0, "iin"), (0, "surname")]
    assert "outside the token's subtree" in messages(resp)[0]
    assert await surname_of(db, "sb1") == mover.surname
    # An empty identity field may be filled in (patronymic was NULL).
    filled = {**same, "phone": "+7 701 222 33 44", "patronymic": "Ерланович"}
    assert (await push(client, xw.headers, "persons", [filled])).json()["updated"] == 1
    # The token over both schools may correct the identity.
    token_region = await token_for(db, xw.w.regional_body.id)
    assert (await push(client, token_region, "persons", [{**same, "surname": "Другая"}])).json()["updated"] == 1


# ---- item 2b: a head must hold a current post; the profile publishes no one else ---------------------------


async def test_a_head_must_hold_a_current_post_in_the_organization(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    # The probe: the other district's child as the head of a school of the subtree.
    resp = await push(client, xw.headers, "organizations", [school_a(xw, head_external_id="sb1")])
    assert problems(resp) == [(0, "head_external_id")]
    # An ended post is not enough; a current one is.
    await push(client, xw.headers, "staff-posts", [post("p-t1", "t1", role_kind="head", ended_on="2020-01-01",
                                                          started_on="2015-09-01")])  # fmt: skip
    assert problems(await push(client, xw.headers, "organizations", [school_a(xw, head_external_id="t1")])) == [
        (0, "head_external_id")
    ]
    await push(client, xw.headers, "staff-posts", [post("p-t1", "t1", role_kind="head", started_on="2026-09-01")])
    ok = await push(client, xw.headers, "organizations", [school_a(xw, head_external_id="t1")])
    assert ok.status_code == 200, ok.text
    head = await db.scalar(select(Organization.head_person_id).where(Organization.id == xw.w.school_a.id))
    assert head == xw.teacher.id


async def test_the_public_profile_publishes_only_heads_and_leaders_holding_a_current_post(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    org = xw.w.school_a
    child = xw.student_b
    # A head written before the rule (or behind its back) is not published.
    await db.execute(update(Organization).where(Organization.id == org.id).values(head_person_id=child.id))
    # A leader's post that has not started yet is not published either.
    deputy = await f.person(db, "Будущий", "Заместитель", birth_date=date(1980, 1, 1))
    await f.staff_post(db, org, deputy, role_kind="deputy", started_on=date(2030, 1, 1))
    profile = (await client.get(f"/api/v1/organizations/{org.id}/profile")).json()
    assert profile["leaders"] == []
    assert child.surname not in str(profile)
    for pid in (child.id, deputy.id):
        assert (await client.get(f"/api/v1/organizations/{org.id}/leaders/{pid}")).status_code == 404
    # With a current post the head is published.
    await f.staff_post(db, org, child, role_kind="teacher", started_on=date(2026, 9, 1))
    profile = (await client.get(f"/api/v1/organizations/{org.id}/profile")).json()
    assert [x["person_id"] for x in profile["leaders"]] == [child.id]
    assert (await client.get(f"/api/v1/organizations/{org.id}/leaders/{child.id}")).status_code == 200


# ---- item 2 / 13: every integration write is audited --------------------------------------------------------


async def test_every_integration_write_is_audited(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    items = [person(f"a{i}", sex="M", birth_date=None, iin=None) for i in range(1005)]
    assert (await push(client, xw.headers, "persons", items)).json()["created"] == 1005
    assert (await push(client, xw.headers, "staff-posts", [post("sp1", "t1")])).status_code == 200
    assert (await remove(client, xw.headers, "staff-posts", ["sp1", "unknown"])).json()["deleted"] == 1
    events = list(
        await db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.startswith("integration."), AuditEvent.target_kind != "api_token")
            .order_by(AuditEvent.id)
        )
    )
    assert [(e.action, e.target_kind) for e in events] == [
        ("integration.upsert", "persons"),
        ("integration.upsert", "staff-posts"),
        ("integration.delete", "staff-posts"),
    ]
    token_id = events[0].actor_token_id
    assert token_id is not None and all(e.actor_token_id == token_id and e.actor_kind == "token" for e in events)
    assert all(e.organization_id == xw.w.body_a.id for e in events)
    persons = events[0].details
    assert persons["created"] == 1005 and persons["external_ids_total"] == 1005
    assert len(persons["external_ids"]) == 1000 and set(persons["external_ids"]) <= {f"a{i}" for i in range(1005)}
    assert events[1].details["external_ids"] == ["sp1"] and events[1].details["created"] == 1
    assert events[2].details["external_ids"] == ["sp1"] and events[2].details["deleted"] == 1
    assert events[2].details["unchanged"] == 1


async def test_a_refused_batch_is_audited_too(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    """The probe's refused hijack leaves a trace for the administrators (written after the request)."""
    resp = await push(client, xw.headers, "persons", [{"external_id": "sb1", "surname": "HIJACKED", "first_name": "X"}])
    assert problems(resp) == [(0, "external_id")]
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "integration.upsert.refused"))
    assert event is not None and event.actor_kind == "token" and event.target_kind == "persons"
    assert event.organization_id == xw.w.body_a.id
    assert event.details["problems"] == 1 and event.details["first"][0]["field"] == "external_id"


# ---- item 6: an IIN's existence outside the token's data is never revealed --------------------------------


async def test_iin_conflicts_do_not_reveal_whether_an_iin_exists_elsewhere(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    foreign = xw.student_b.iin  # a real IIN of the other district
    assert foreign is not None
    unused = iin.make(date(2012, 3, 14), "M", 4321)
    invalid = {"external_id": "bad", "surname": "А", "first_name": "Б", "birth_date": "2099-01-01"}

    def candidate(value: str) -> dict[str, Any]:
        return {"external_id": "cand", "surname": "Кандидат", "first_name": "Тест", "iin": value}

    # The probe: candidate IINs plus one invalid item. The answer is the same for a real and an unused IIN.
    answers = [(await push(client, xw.headers, "persons", [candidate(v), invalid])) for v in (foreign, unused)]
    assert answers[0].status_code == answers[1].status_code == 422
    assert answers[0].json() == answers[1].json()
    # Sent alone, both are accepted alike; the foreign IIN is not stored (nor revealed), the audit notes it.
    first = await push(client, xw.headers, "persons", [candidate(foreign)])
    assert first.json() == {"kind": "persons", "created": 1, "updated": 0, "unchanged": 0, "deleted": 0}
    assert await db.scalar(select(Person.iin).where(Person.external_id == "cand")) is None
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.action == "integration.upsert").order_by(AuditEvent.id.desc())
    )
    assert event is not None and event.details["iin_withheld"] == ["cand"]
    # Updating an existing person: the foreign IIN and an unused one are both "updated".
    again = await push(client, xw.headers, "persons", [candidate(foreign)])
    other = await push(client, xw.headers, "persons", [{**candidate(unused), "external_id": "cand2"}])
    assert other.json()["created"] == 1
    assert again.json() == {"kind": "persons", "created": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    unused2 = iin.make(date(2012, 3, 14), "M", 4322)
    assert (await push(client, xw.headers, "persons", [{**candidate(unused2)}])).json() == again.json()
    # Within the token's own data the holder is named (the token may change that person anyway).
    resp = await push(client, xw.headers, "persons", [{**candidate(unused), "external_id": "cand3"}])
    assert problems(resp) == [(0, "iin")]
    assert "'cand2'" in messages(resp)[0]


# ---- item 11: one validation per field, whatever the route ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("website", "javascript:alert(1)"), ("phones", "<script>alert(1)</script>"), ("email", "<script>@x.kz")],
)
async def test_contacts_are_refused_alike_by_the_integration_api_and_the_profile_form(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld, field: str, value: str
) -> None:
    resp = await push(client, xw.headers, "organizations", [school_a(xw, **{field: value})])
    assert problems(resp) == [(0, field)]
    stored = await db.scalar(select(getattr(Organization, field)).where(Organization.id == xw.w.school_a.id))
    assert stored is None
    admin = await f.app_user(db, xw.w.body_a, role="admin")
    patch = await client.patch(
        f"/api/v1/organizations/{xw.w.body_a.id}/profile", json={field: value}, headers=f.auth_headers(admin)
    )
    assert patch.status_code == 422, patch.text
    assert [d["field"] for d in patch.json()["error"]["details"]] == [field]
    assert messages(resp)[0] == patch.json()["error"]["details"][0]["message"]
    # A good value passes both.
    good = {"website": "https://school.kz", "phones": "+7 (7172) 12-34-56", "email": "school@edu.kz"}[field]
    assert (await push(client, xw.headers, "organizations", [school_a(xw, **{field: good})])).status_code == 200
    patch = await client.patch(
        f"/api/v1/organizations/{xw.w.body_a.id}/profile", json={field: good}, headers=f.auth_headers(admin)
    )
    assert patch.status_code == 200, patch.text


# ---- item 14: every 422 keeps {index, field, message}, in words, without database text ------------------------


def assert_words(resp: httpx.Response) -> None:
    body = resp.text
    for leak in ("ck_", "fk_", "ex_", "invalid input", "query argument", "0x00", "UTF8", "violates", "constraint"):
        assert leak not in body, (leak, body)


async def test_a_nul_byte_is_refused_naming_the_item_and_field(client: httpx.AsyncClient, xw: ExtWorld) -> None:
    resp = await push(client, xw.headers, "persons", [person("ok"), {**person("n"), "surname": "Ив\x00ан"}])
    assert problems(resp) == [(1, "surname")]
    assert messages(resp) == ["contains a NUL character"]
    assert_words(resp)
    marks = [{"external_id": "m\x00", "student_external_id": "s1", "class_external_id": "cls-a",
              "subject_external_id": "math", "lesson_external_id": "l1", "value": 5}]  # fmt: skip
    resp = await push(client, xw.headers, "marks", marks)
    assert problems(resp) == [(0, "external_id")] and messages(resp) == ["contains a NUL character"]


async def test_integers_out_of_the_columns_range_are_refused(client: httpx.AsyncClient, xw: ExtWorld) -> None:
    resp = await push(
        client, xw.headers, "organizations", [school_a(xw, parent_external_id=None, parent_id=99999999999)]
    )
    assert problems(resp) == [(0, "parent_id")]
    assert_words(resp)
    resp = await push(client, xw.headers, "organizations", [school_a(xw, district_id=2**40)])
    assert problems(resp) == [(0, "district_id")]


async def test_an_organization_cycle_is_refused_in_words(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    sub = {"external_id": "sub", "parent_external_id": "body-a", "kind": "district_body", "name_ru": "Подотдел",
           "district_id": xw.w.district_a.id}  # fmt: skip
    assert (await push(client, xw.headers, "organizations", [sub])).json()["created"] == 1
    body_a = {"external_id": "body-a", "parent_external_id": "sub", "kind": "district_body",
              "name_ru": xw.w.body_a.name_ru, "district_id": xw.w.district_a.id}  # fmt: skip
    resp = await push(client, xw.headers, "organizations", [body_a])
    assert problems(resp) == [(0, "parent_external_id")]
    assert "cycle" in messages(resp)[0]
    assert_words(resp)


async def test_a_regional_body_without_a_region_is_refused_in_words(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    token_ministry = await token_for(db, xw.w.ministry.id)
    body = {"external_id": "rb", "parent_id": xw.w.ministry.id, "kind": "regional_body", "name_ru": "Управление"}
    resp = await push(client, token_ministry, "organizations", [body])
    assert problems(resp) == [(0, "region_id")]
    assert "needs its region" in messages(resp)[0]
    assert_words(resp)
    # An unknown region, a district on a regional body, and a region other than the parent's: named, in words.
    bad = [
        {**body, "region_id": 987654321},
        {**body, "external_id": "rb2", "region_id": xw.w.region.id, "district_id": xw.w.district_a.id},
        {"external_id": "d1", "parent_id": xw.w.regional_body.id, "kind": "district_body", "name_ru": "Отдел",
         "region_id": 987654321, "district_id": xw.w.district_a.id},
    ]  # fmt: skip
    resp = await push(client, token_ministry, "organizations", bad)
    assert problems(resp) == [(0, "region_id"), (1, "district_id"), (2, "region_id")]
    assert "must be the region of the parent body" in messages(resp)[2]
    assert_words(resp)
    # Named, the region binds the body, and a district body sent after it in the batch takes that region.
    region = await f.region(db, name_ru="Вторая область")
    district = await f.district(db, region, name_ru="Второй район")
    items = [
        {**body, "region_id": region.id},
        {"external_id": "db", "parent_external_id": "rb", "kind": "district_body", "name_ru": "Отдел",
         "district_id": district.id},
    ]  # fmt: skip
    resp = await push(client, token_ministry, "organizations", items)
    assert resp.json()["created"] == 2, resp.text
    created = (await db.execute(select(Organization.region_id, Organization.district_id).where(
        Organization.external_id.in_(["rb", "db"])).order_by(Organization.external_id.desc()))).all()  # fmt: skip
    assert [tuple(r) for r in created] == [(region.id, None), (region.id, district.id)]


async def test_a_rule_left_to_the_database_is_answered_without_its_text(
    client: httpx.AsyncClient, xw: ExtWorld
) -> None:
    # A district of no region: no check before the write covers it; the foreign key refuses it.
    resp = await push(client, xw.headers, "organizations", [school_a(xw, external_id="o1", district_id=987654321)])
    assert problems(resp) == [(None, "district_id")]
    assert_words(resp)


async def test_the_person_guard_applies_to_the_statement_that_writes(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    """The in-write guard (PERSON_GUARD) refuses on its own: what a race past the check before the write meets."""
    principal = await authenticate(db, xw.token)
    ctx = Ctx(await driver_connection(db, 1), principal, "persons")
    sb1 = await db.scalar(select(Person).where(Person.external_system == SYSTEM, Person.external_id == "sb1"))
    assert sb1 is not None
    row = ("HIJACKED", sb1.first_name, None, sb1.sex, sb1.birth_date, sb1.iin, None, None, sb1.region_id, None)
    _, _, refused, _ = await _write(ctx, PERSON_TABLE, ["sb1"], [row])
    assert refused == {"sb1"}


# ---- «today» is the region's calendar day, not the UTC one (issue 22) ---------------------------------------


async def test_the_right_to_change_a_person_follows_the_almaty_date_not_the_utc_one(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The student leaves school B on 20.11.2026 and joins school A (the token's subtree) on 21.11.2026.
    mover = xw.student_b
    await db.execute(
        update(Enrolment).where(Enrolment.student_person_id == mover.id).values(ends_on=date(2026, 11, 20))
    )
    await f.enrol(db, xw.cls, mover, starts_on=date(2026, 11, 21))
    same = {"external_id": "sb1", "surname": mover.surname, "first_name": mover.first_name, "sex": mover.sex,
            "birth_date": mover.birth_date.isoformat(), "iin": mover.iin}  # fmt: skip
    assert clock.get_settings().today is None  # the day comes from the instant, not from BILIM_TODAY
    # 18:30 UTC on the 20th is 23:30 in Almaty: still school B's student, district A may not change the contacts.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 20, 18, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 11, 20)
    resp = await push(client, xw.headers, "persons", [{**same, "phone": "+7 701 222 33 44"}])
    assert problems(resp) == [(0, "external_id")]
    # 20:30 UTC on the 20th is already the 21st in Almaty: school A's student now (by UTC it would still be B's).
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 20, 20, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 11, 21)
    ok = await push(client, xw.headers, "persons", [{**same, "phone": "+7 701 222 33 44"}])
    assert ok.json()["updated"] == 1, ok.text
