"""Информирование: targeting inside the sender's subtree, who sees announcements, read receipts, attachments."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as f
from tests.routers.test_profile import PDF, Site, account, make_site, stored_count, uploads_dir_fixture  # noqa: F401

URL = "/api/v1/inform/announcements"


def body(target: dict, **kw: object) -> dict:  # type: ignore[type-arg]
    return {"title": "Совещание директоров", "body_html": "<p>Явка обязательна</p>", "target": target, **kw}


async def recipients(client: httpx.AsyncClient, s: Site, announcement_id: int) -> set[int]:
    r = await client.get(f"{URL}/{announcement_id}/readers", headers=s.h(s.admin_region))
    assert r.status_code == 200, r.text
    return {x["organization"]["id"] for x in r.json()["recipients"]}


async def test_targets_stay_inside_the_senders_subtree(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    w = s.w
    hdr = s.h(s.admin_region)
    everyone = await client.post(URL, json=body({"kind": "all"}, importance="high", deadline="2026-12-20"), headers=hdr)
    assert everyone.status_code == 201, everyone.text
    assert everyone.json()["recipients_count"] == 4 and everyone.json()["importance"] == "high"
    assert await recipients(client, s, everyone.json()["id"]) == {
        w.body_a.id,
        w.body_b.id,
        w.school_a.id,
        w.school_b.id,
    }
    by_district = (
        await client.post(URL, json=body({"kind": "district", "district_id": w.district_a.id}), headers=hdr)
    ).json()
    assert await recipients(client, s, by_district["id"]) == {w.body_a.id, w.school_a.id}
    by_type = (await client.post(URL, json=body({"kind": "type", "type_id": w.school_type.id}), headers=hdr)).json()
    assert await recipients(client, s, by_type["id"]) == {w.school_a.id, w.school_b.id}
    listed = (
        await client.post(URL, json=body({"kind": "list", "organization_ids": [w.school_b.id]}), headers=hdr)
    ).json()
    assert await recipients(client, s, listed["id"]) == {w.school_b.id}
    # Body A may not reach school B, nor the ministry, nor itself.
    for target in ([w.school_a.id, w.school_b.id], [w.ministry.id], [w.body_a.id]):
        r = await client.post(URL, json=body({"kind": "list", "organization_ids": target}), headers=s.h(s.admin_a))
        assert r.status_code == 422, r.text
        detail = r.json()["error"]["details"][0]
        assert detail["field"] == "target.organization_ids" and detail["index"] == len(target) - 1
    r = await client.post(URL, json=body({"kind": "district", "district_id": w.district_b.id}), headers=s.h(s.admin_a))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "target"
    r = await client.post(URL, json=body({"kind": "district"}), headers=hdr)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "target.district_id"
    r = await client.post(URL, json=body({"kind": "everyone"}), headers=hdr)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "target.kind"


async def test_only_admins_send(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    assert (await client.post(URL, json=body({"kind": "all"}))).status_code == 401
    assert (await client.post(URL, json=body({"kind": "all"}), headers=s.h(s.emp_a))).status_code == 403


async def test_recipients_see_and_read_sender_sees_who_read(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    person = await f.person(db, "Омарова", "Алия", birth_date=None, with_iin=False)
    reader = await account(db, s.w.body_a, "employee", person=person)
    sent = (
        await client.post(
            URL, json=body({"kind": "district", "district_id": s.w.district_a.id}), headers=s.h(s.admin_region)
        )
    ).json()
    inbox_a = (await client.get("/api/v1/inform/inbox", headers=s.h(reader))).json()
    assert [a["id"] for a in inbox_a["items"]] == [sent["id"]] and inbox_a["items"][0]["read_at"] is None
    assert inbox_a["items"][0]["sender"]["id"] == s.w.regional_body.id
    # Body B was not a recipient: nothing in its inbox, and the announcement is hidden from it.
    assert (await client.get("/api/v1/inform/inbox", headers=s.h(s.emp_b))).json()["items"] == []
    assert (await client.get(f"{URL}/{sent['id']}", headers=s.h(s.emp_b))).status_code == 404
    assert (await client.post(f"{URL}/{sent['id']}/read", headers=s.h(s.emp_b))).status_code == 404
    read = await client.post(f"{URL}/{sent['id']}/read", headers=s.h(reader))
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert (await client.post(f"{URL}/{sent['id']}/read", headers=s.h(reader))).status_code == 200  # idempotent
    unread = (await client.get("/api/v1/inform/inbox", params={"unread": True}, headers=s.h(reader))).json()
    assert unread["items"] == []
    reads = (await client.get(f"{URL}/{sent['id']}/readers", headers=s.h(s.admin_region))).json()
    body_a = next(r for r in reads["recipients"] if r["organization"]["id"] == s.w.body_a.id)
    by_user = {r["user_id"]: r for r in body_a["readers"]}
    assert by_user[reader.id]["full_name"] == "Омарова Алия" and by_user[reader.id]["read_at"] is not None
    assert by_user[s.emp_a.id]["read_at"] is None
    assert body_a["read_count"] == 1 and body_a["users_count"] == 3  # admin_a, emp_a, reader
    assert reads["read_count"] == 1
    # Recipients can't see the read receipts; the sender's list shows it.
    assert (await client.get(f"{URL}/{sent['id']}/readers", headers=s.h(reader))).status_code == 404
    sent_list = (await client.get("/api/v1/inform/sent", headers=s.h(s.admin_region))).json()
    assert [a["id"] for a in sent_list["items"]] == [sent["id"]]


async def test_attachments_reach_recipients_only(
    client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path
) -> None:
    s = await make_site(db)
    sent = (
        await client.post(
            URL, json=body({"kind": "list", "organization_ids": [s.w.body_a.id]}), headers=s.h(s.admin_region)
        )
    ).json()
    up = await client.post(
        f"{URL}/{sent['id']}/attachments",
        files={"file": ("повестка.pdf", PDF, "application/pdf")},
        headers=s.h(s.admin_region),
    )
    assert up.status_code == 201, up.text
    assert up.json()["url"] == f"/api/v1/inform/attachments/{up.json()['id']}"
    bad = await client.post(
        f"{URL}/{sent['id']}/attachments",
        files={"file": ("x.pdf", b"<html></html>", "application/pdf")},
        headers=s.h(s.admin_region),
    )
    assert bad.status_code == 415 and stored_count(uploads_dir) == 1
    assert (
        await client.post(
            f"{URL}/{sent['id']}/attachments", files={"file": ("y.pdf", PDF, "application/pdf")}, headers=s.h(s.admin_a)
        )
    ).status_code == 404
    got = (await client.get(f"{URL}/{sent['id']}", headers=s.h(s.emp_a))).json()
    assert [a["name"] for a in got["attachments"]] == ["повестка.pdf"]
    dl = await client.get(got["attachments"][0]["url"], headers=s.h(s.emp_a))
    assert dl.status_code == 200 and dl.content == PDF and dl.headers["content-disposition"].startswith("attachment")
    assert (await client.get(got["attachments"][0]["url"])).status_code == 401
    assert (await client.get(got["attachments"][0]["url"], headers=s.h(s.emp_b))).status_code == 404
    # Attachments are not public documents.
    assert (await client.get(f"/api/v1/files/{up.json()['id']}")).status_code == 404


async def test_announcement_text_is_sanitised(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    r = await client.post(
        URL,
        json={
            **body({"kind": "all"}),
            "body_html": '<p>Важно</p><img src=x onerror="alert(1)"><a href="javascript:x()">x</a>',
        },
        headers=s.h(s.admin_region),
    )
    assert r.status_code == 201
    assert "onerror" not in r.json()["body_html"] and "javascript:" not in r.json()["body_html"]


async def test_targets_offer_the_senders_subtree_with_counts(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    w = s.w
    targets = await client.get("/api/v1/inform/targets", headers=s.h(s.admin_region))
    assert targets.status_code == 200, targets.text
    t = targets.json()
    assert {o["id"] for o in t["organizations"]} == {w.body_a.id, w.body_b.id, w.school_a.id, w.school_b.id}
    assert t["organizations_count"] == 4
    assert {d["id"]: d["organizations_count"] for d in t["districts"]} == {w.district_a.id: 2, w.district_b.id: 2}
    assert [(x["id"], x["organizations_count"], x["name_en"]) for x in t["types"]] == [
        (w.school_type.id, 2, w.school_type.name_en)
    ]
    # A district body sees its own subtree only.
    mine = (await client.get("/api/v1/inform/targets", headers=s.h(s.admin_a))).json()
    assert [o["id"] for o in mine["organizations"]] == [w.school_a.id]
    assert [(d["id"], d["organizations_count"]) for d in mine["districts"]] == [(w.district_a.id, 1)]
    assert (await client.get("/api/v1/inform/targets")).status_code == 401
    assert (await client.get("/api/v1/inform/targets", headers=s.h(s.emp_a))).status_code == 403


async def test_who_receives_by_district_and_by_type(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    w = s.w
    kindergarten_type = await f.org_type(db, name_ru="Детский сад")
    kindergarten = await f.organization(
        db, "school", w.body_a, type_id=kindergarten_type.id, name_ru="Детский сад А"
    )  # district A, another type
    # The same district and type under another regional body: never reached from this one.
    other_body = await f.organization(db, "regional_body", w.ministry, region_id=w.region.id, name_ru="Другое")
    stranger = await f.organization(db, "school", other_body, district_id=w.district_a.id, type_id=w.school_type.id)
    staff = {
        org.id: await account(db, org, "employee")
        for org in (w.body_a, w.body_b, w.school_a, w.school_b, kindergarten, stranger)
    }
    counts = (await client.get("/api/v1/inform/targets", headers=s.h(s.admin_region))).json()
    by_district = {d["id"]: d["organizations_count"] for d in counts["districts"]}
    by_type = {x["id"]: x["organizations_count"] for x in counts["types"]}

    async def send_and_see(target: dict) -> set[int]:  # type: ignore[type-arg]
        sent = await client.post(URL, json=body(target), headers=s.h(s.admin_region))
        assert sent.status_code == 201, sent.text
        seen = set()
        for org_id, user in staff.items():
            inbox = (await client.get("/api/v1/inform/inbox", headers=s.h(user))).json()["items"]
            if sent.json()["id"] in {a["id"] for a in inbox}:
                seen.add(org_id)
        assert sent.json()["recipients_count"] == len(seen)
        return seen

    district_a = await send_and_see({"kind": "district", "district_id": w.district_a.id})
    assert district_a == {w.body_a.id, w.school_a.id, kindergarten.id} and by_district[w.district_a.id] == 3
    schools = await send_and_see({"kind": "type", "type_id": w.school_type.id})
    assert schools == {w.school_a.id, w.school_b.id} and by_type[w.school_type.id] == 2
    kindergartens = await send_and_see({"kind": "type", "type_id": kindergarten_type.id})
    assert kindergartens == {kindergarten.id} and by_type[kindergarten_type.id] == 1
    # A type that none of the subordinates has, or an unknown one, is refused naming the field.
    unused = await f.org_type(db)
    r = await client.post(URL, json=body({"kind": "type", "type_id": unused.id}), headers=s.h(s.admin_region))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "target"
    r = await client.post(URL, json=body({"kind": "type", "type_id": 987654}), headers=s.h(s.admin_region))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "target.type_id"


async def test_withdrawn_announcement_leaves_the_recipients(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    sent = (await client.post(URL, json=body({"kind": "all"}), headers=s.h(s.admin_region))).json()
    emp_region = await account(db, s.w.regional_body, "employee")
    url = f"{URL}/{sent['id']}/withdrawn"
    # Refusals: anonymous, a plain employee of the sender's body, an administrator below it, a recipient.
    assert (await client.put(url, json={"withdrawn": True})).status_code == 401
    assert (await client.put(url, json={"withdrawn": True}, headers=s.h(emp_region))).status_code == 403
    assert (await client.put(url, json={"withdrawn": True}, headers=s.h(s.admin_a))).status_code == 404
    assert (await client.put(url, json={"withdrawn": "x"}, headers=s.h(s.admin_region))).status_code == 422
    assert [a["id"] for a in (await client.get("/api/v1/inform/inbox", headers=s.h(s.emp_a))).json()["items"]] == [
        sent["id"]
    ]
    r = await client.put(url, json={"withdrawn": True}, headers=s.h(s.admin_region))
    assert r.status_code == 200 and r.json()["withdrawn_at"] is not None
    assert (await client.get("/api/v1/inform/inbox", headers=s.h(s.emp_a))).json()["items"] == []
    assert (await client.get(f"{URL}/{sent['id']}", headers=s.h(s.emp_a))).status_code == 404
    assert (await client.post(f"{URL}/{sent['id']}/read", headers=s.h(s.emp_a))).status_code == 404
    # The sender still sees it, marked as withdrawn, and can send it again.
    mine = (await client.get("/api/v1/inform/sent", headers=s.h(s.admin_region))).json()["items"]
    assert mine[0]["id"] == sent["id"] and mine[0]["withdrawn_at"] is not None
    assert (await client.put(url, json={"withdrawn": False}, headers=s.h(s.admin_region))).json()[
        "withdrawn_at"
    ] is None
    assert len((await client.get("/api/v1/inform/inbox", headers=s.h(s.emp_a))).json()["items"]) == 1
    # A profile administrator of the sender's body may withdraw it too.
    named = await client.put(
        f"/api/v1/organizations/{s.w.regional_body.id}/profile-administrators",
        json={"user_ids": [emp_region.id]},
        headers=s.h(s.admin_region),
    )
    assert named.status_code == 200
    assert (await client.put(url, json={"withdrawn": True}, headers=s.h(emp_region))).status_code == 200


async def test_deleted_announcement_takes_its_attachments(
    client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path
) -> None:
    s = await make_site(db)
    sent = (await client.post(URL, json=body({"kind": "all"}), headers=s.h(s.admin_region))).json()
    up = await client.post(
        f"{URL}/{sent['id']}/attachments",
        files={"file": ("p.pdf", PDF, "application/pdf")},
        headers=s.h(s.admin_region),
    )
    assert up.status_code == 201 and stored_count(uploads_dir) == 1
    assert (await client.post(f"{URL}/{sent['id']}/read", headers=s.h(s.emp_a))).status_code == 200
    assert (await client.delete(f"{URL}/{sent['id']}")).status_code == 401
    assert (await client.delete(f"{URL}/{sent['id']}", headers=s.h(s.emp_a))).status_code == 404
    assert (await client.delete(f"{URL}/{sent['id']}", headers=s.h(s.admin_b))).status_code == 404
    emp_region = await account(db, s.w.regional_body, "employee")
    assert (await client.delete(f"{URL}/{sent['id']}", headers=s.h(emp_region))).status_code == 403
    assert (await client.delete(f"{URL}/{sent['id']}", headers=s.h(s.admin_region))).status_code == 204
    assert (await client.get(f"{URL}/{sent['id']}", headers=s.h(s.admin_region))).status_code == 404
    assert (await client.get("/api/v1/inform/inbox", headers=s.h(s.emp_a))).json()["items"] == []
    assert (await client.get(up.json()["url"], headers=s.h(s.emp_a))).status_code == 404
    assert (await client.delete(f"{URL}/{sent['id']}", headers=s.h(s.admin_region))).status_code == 404
