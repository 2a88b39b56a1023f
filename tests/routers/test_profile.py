"""Профиль: public reading, who may write, sanitised rich text, news with images, pages, the wall."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Organization, Person, StoredFile, User
from api.services.passwords import hash_password
from tests import factories as f


@dataclass
class Site:
    """A tree with accounts: admins and employees of body A, body B and the regional body."""

    w: f.World
    admin_a: User
    emp_a: User
    admin_b: User
    emp_b: User
    admin_region: User

    def h(self, user: User) -> dict[str, str]:
        return f.auth_headers(user)


_HASH: list[str] = []


async def account(db: AsyncSession, org: Organization, role: str = "employee", person: Person | None = None) -> User:
    """An app account; the Argon2 hash is computed once per session (these tests never log in by password)."""
    if not _HASH:
        _HASH.append(hash_password("secret-pass-1"))
    return await f.add(
        db,
        User(
            organization_id=org.id,
            region_id=org.region_id,
            username=f"user{f.n()}",
            password_hash=_HASH[0],
            app_role=role,
            status="active",
            person_id=person.id if person else None,
        ),
    )


async def make_site(db: AsyncSession) -> Site:
    w = await f.world(db)
    admin_person = await f.person(db, "Ахметова", "Сауле", birth_date=None, with_iin=False)
    return Site(
        w=w,
        admin_a=await account(db, w.body_a, "admin", person=admin_person),
        emp_a=await account(db, w.body_a, "employee"),
        admin_b=await account(db, w.body_b, "admin"),
        emp_b=await account(db, w.body_b, "employee"),
        admin_region=await account(db, w.regional_body, "admin"),
    )


@pytest.fixture(name="uploads_dir")
def uploads_dir_fixture(app: Any, tmp_path: Path) -> Path:
    """Uploads of this test go to a temporary data_dir."""
    app.state.settings = app.state.settings.model_copy(update={"data_dir": tmp_path})
    return tmp_path / "uploads"


def stored_names(root: Path) -> list[str]:
    """Names of the files in the upload storage."""
    return [p.name for p in root.glob("*/*") if p.is_file()] if root.is_dir() else []


def stored_count(root: Path) -> int:
    return len(stored_names(root))


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

XSS_PAYLOADS = [
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<script>alert(1)</script>",
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<p onclick="alert(1)" style="x:expression(alert(1))">p</p>',
    '<iframe src="https://evil.example"></iframe>',
]


def assert_clean(html: str) -> None:
    low = html.lower()
    for bad in (
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<svg",
        "<style",
        "<script",
        "data:",
        "<iframe",
        "style=",
    ):
        assert bad not in low, f"{bad!r} survived in {html!r}"


async def test_anonymous_reads_every_public_tab(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    news = (
        await client.post(
            f"/api/v1/organizations/{org}/news",
            json={"title": "Новость", "body_html": "<p>Текст</p>"},
            headers=s.h(s.admin_a),
        )
    ).json()
    page = (
        await client.post(
            f"/api/v1/organizations/{org}/pages",
            json={"title": "О нас", "body_html": "<p>x</p>"},
            headers=s.h(s.admin_a),
        )
    ).json()
    section = (
        await client.post(
            f"/api/v1/organizations/{org}/forum/sections", json={"title": "Общее"}, headers=s.h(s.admin_a)
        )
    ).json()
    topic = (
        await client.post(
            f"/api/v1/forum/sections/{section['id']}/topics",
            json={"title": "Т", "body_html": "привет"},
            headers=s.h(s.emp_a),
        )
    ).json()
    for url in [
        f"/api/v1/organizations/{org}/profile",
        f"/api/v1/organizations/{org}/news",
        f"/api/v1/news/{news['id']}",
        f"/api/v1/organizations/{org}/pages",
        f"/api/v1/pages/{page['id']}",
        f"/api/v1/organizations/{org}/wall",
        f"/api/v1/organizations/{org}/structure",
        f"/api/v1/organizations/{org}/documents",
        f"/api/v1/organizations/{org}/forum",
        f"/api/v1/forum/sections/{section['id']}/topics",
        f"/api/v1/forum/topics/{topic['topic']['id']}",
        f"/api/v1/forum/posts/{topic['posts'][0]['id']}",
        f"/api/v1/organizations/{org}/feedback",
        f"/api/v1/organizations/{org}/reception",
    ]:
        r = await client.get(url)
        assert r.status_code == 200, (url, r.text)
    profile = (await client.get(f"/api/v1/organizations/{org}/profile")).json()
    assert profile["can_edit"] is False and profile["is_employee"] is False
    assert profile["news"][0]["title"] == "Новость" and profile["pages"][0]["title"] == "О нас"
    assert [a["full_name"] for a in profile["administrators"]] == ["Ахметова Сауле"]
    # A school's profile is public too.
    assert (await client.get(f"/api/v1/organizations/{s.w.school_a.id}/profile")).status_code == 200
    assert (await client.get("/api/v1/organizations/999999/profile")).status_code == 404


WRITES = [
    ("PATCH", "/api/v1/organizations/{org}/profile", {"description": "x"}),
    ("POST", "/api/v1/organizations/{org}/news", {"title": "t", "body_html": "b"}),
    ("POST", "/api/v1/organizations/{org}/pages", {"title": "t", "body_html": "b"}),
    ("PUT", "/api/v1/organizations/{org}/pages/order", {"ids": [1]}),
    ("POST", "/api/v1/organizations/{org}/wall", {"body_html": "hi"}),
    ("POST", "/api/v1/organizations/{org}/folders", {"name": "f"}),
    ("POST", "/api/v1/organizations/{org}/units", {"name_ru": "Отдел"}),
    ("POST", "/api/v1/organizations/{org}/reception", {"who": "a", "days": "пн", "hours": "9-12"}),
    ("POST", "/api/v1/organizations/{org}/forum/sections", {"title": "s"}),
    ("GET", "/api/v1/organizations/{org}/questions", None),
    ("GET", "/api/v1/organizations/{org}/people", None),
    ("POST", "/api/v1/inform/announcements", {"title": "t", "body_html": "b", "target": {"kind": "all"}}),
    ("GET", "/api/v1/inform/inbox", None),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
async def test_anonymous_gets_401_on_writes_and_people(
    client: httpx.AsyncClient, db: AsyncSession, method: str, url: str, body: dict[str, Any] | None
) -> None:
    s = await make_site(db)
    r = await client.request(method, url.format(org=s.w.body_a.id), json=body)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "unauthorized"


async def test_anonymous_gets_401_on_uploads_and_item_writes(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    news = (
        await client.post(
            f"/api/v1/organizations/{s.w.body_a.id}/news", json={"title": "t", "body_html": "b"}, headers=s.h(s.admin_a)
        )
    ).json()
    files = {"file": ("a.pdf", PDF, "application/pdf")}
    for method, url, kw in [
        ("POST", f"/api/v1/organizations/{s.w.body_a.id}/documents", {"files": files}),
        ("POST", f"/api/v1/news/{news['id']}/images", {"files": files}),
        ("PATCH", f"/api/v1/news/{news['id']}", {"json": {"title": "x"}}),
        ("DELETE", f"/api/v1/news/{news['id']}", {}),
        ("PATCH", "/api/v1/forum/posts/1", {"json": {"body_html": "x"}}),
        ("PATCH", "/api/v1/questions/1", {"json": {"published": True}}),
    ]:
        r = await client.request(method, url, **kw)
        assert r.status_code == 401, (url, r.text)


async def test_employees_and_other_bodies_cannot_edit(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    body = {"title": "t", "body_html": "b"}
    # An employee (not an administrator) of the body itself: 403.
    r = await client.post(f"/api/v1/organizations/{org}/news", json=body, headers=s.h(s.emp_a))
    assert r.status_code == 403
    # An administrator of another body: 404 (outside their subtree), for the body and for its school.
    for target in (org, s.w.school_a.id):
        r = await client.post(f"/api/v1/organizations/{target}/news", json=body, headers=s.h(s.admin_b))
        assert r.status_code == 404, r.text
        r = await client.patch(f"/api/v1/organizations/{target}/profile", json={"phones": "1"}, headers=s.h(s.admin_b))
        assert r.status_code == 404
    news = (await client.post(f"/api/v1/organizations/{org}/news", json=body, headers=s.h(s.admin_a))).json()
    r = await client.patch(f"/api/v1/news/{news['id']}", json={"title": "hijack"}, headers=s.h(s.admin_b))
    assert r.status_code == 404
    r = await client.delete(f"/api/v1/news/{news['id']}", headers=s.h(s.admin_b))
    assert r.status_code == 404
    assert (await client.get(f"/api/v1/news/{news['id']}")).json()["title"] == "t"
    # The administrator of the body above may edit its subordinate school.
    r = await client.post(f"/api/v1/organizations/{s.w.school_a.id}/news", json=body, headers=s.h(s.admin_region))
    assert r.status_code == 201
    # The profile says who may edit.
    assert (await client.get(f"/api/v1/organizations/{org}/profile", headers=s.h(s.admin_a))).json()["can_edit"] is True
    assert (await client.get(f"/api/v1/organizations/{org}/profile", headers=s.h(s.admin_b))).json()[
        "can_edit"
    ] is False


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
async def test_stored_xss_comes_back_clean(client: httpx.AsyncClient, db: AsyncSession, payload: str) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    html = f"<p>ok</p>{payload}"
    hdr = s.h(s.admin_a)
    news = await client.post(
        f"/api/v1/organizations/{org}/news", json={"title": payload + "Заголовок", "body_html": html}, headers=hdr
    )
    assert news.status_code == 201, news.text
    page = await client.post(f"/api/v1/organizations/{org}/pages", json={"title": "p", "body_html": html}, headers=hdr)
    wall = await client.post(f"/api/v1/organizations/{org}/wall", json={"body_html": html}, headers=s.h(s.emp_a))
    prof = await client.patch(
        f"/api/v1/organizations/{org}/profile",
        json={"description": html, "postal_address": payload + "ул. Абая"},
        headers=hdr,
    )
    section = (
        await client.post(f"/api/v1/organizations/{org}/forum/sections", json={"title": "s"}, headers=hdr)
    ).json()
    topic = await client.post(
        f"/api/v1/forum/sections/{section['id']}/topics", json={"title": "t", "body_html": html}, headers=s.h(s.emp_a)
    )
    for r in (page, wall, prof, topic):
        assert r.status_code in (200, 201), r.text
    profile = (await client.get(f"/api/v1/organizations/{org}/profile")).json()
    texts = [
        profile["organization"]["description"],
        profile["organization"]["postal_address"],
        profile["news"][0]["body_html"],
        profile["news"][0]["title"],
        profile["wall"][0]["body_html"],
        (await client.get(f"/api/v1/pages/{page.json()['id']}")).json()["body_html"],
        (await client.get(f"/api/v1/forum/topics/{topic.json()['topic']['id']}")).json()["posts"][0]["body_html"],
    ]
    for t in texts:
        assert_clean(t)
    assert "<p>ok</p>" in profile["news"][0]["body_html"]
    assert profile["news"][0]["title"].endswith("Заголовок") and "<" not in profile["news"][0]["title"]
    assert profile["organization"]["postal_address"].endswith("ул. Абая")


async def test_safe_links_survive_sanitising(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    html = '<p><a href="https://edu.kz/a">сайт</a> <a href="mailto:a@edu.kz">почта</a> <b>жирный</b></p>'
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/news", json={"title": "t", "body_html": html}, headers=s.h(s.admin_a)
    )
    body = r.json()["body_html"]
    assert 'href="https://edu.kz/a"' in body and 'href="mailto:a@edu.kz"' in body and "<b>жирный</b>" in body
    assert 'rel="noopener noreferrer nofollow"' in body


async def test_news_lifecycle_with_images(client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path) -> None:
    s = await make_site(db)
    hdr = s.h(s.admin_a)
    org = s.w.body_a.id
    for i in range(3):
        r = await client.post(
            f"/api/v1/organizations/{org}/news",
            json={"title": f"N{i}", "body_html": f"<p>{i}</p>", "published_at": f"2026-11-0{i + 1}T10:00:00Z"},
            headers=hdr,
        )
        assert r.status_code == 201
        assert r.json()["author_name"] == "Ахметова Сауле"
    listing = (await client.get(f"/api/v1/organizations/{org}/news", params={"page_size": 2})).json()
    assert listing["total"] == 3 and [n["title"] for n in listing["items"]] == ["N2", "N1"]
    page2 = (await client.get(f"/api/v1/organizations/{org}/news", params={"page": 2, "page_size": 2})).json()
    assert [n["title"] for n in page2["items"]] == ["N0"]
    news_id = listing["items"][0]["id"]
    img = await client.post(
        f"/api/v1/news/{news_id}/images", files={"file": ("фото.png", png_bytes(), "image/png")}, headers=hdr
    )
    assert img.status_code == 201, img.text
    assert img.json()["content_type"] == "image/png"
    # A PDF is not an image.
    bad = await client.post(f"/api/v1/news/{news_id}/images", files={"file": ("a.pdf", PDF, "image/png")}, headers=hdr)
    assert bad.status_code == 415
    got = (await client.get(f"/api/v1/news/{news_id}")).json()
    assert [i["name"] for i in got["images"]] == ["фото.png"]
    dl = await client.get(got["images"][0]["url"])
    assert dl.status_code == 200 and dl.content == png_bytes()
    assert stored_count(uploads_dir) == 1
    upd = await client.patch(f"/api/v1/news/{news_id}", json={"title": "Новый"}, headers=hdr)
    assert upd.json()["title"] == "Новый" and upd.json()["body_html"] == "<p>2</p>"
    assert (await client.delete(f"/api/v1/news/{news_id}", headers=hdr)).status_code == 204
    assert (await client.get(f"/api/v1/news/{news_id}")).status_code == 404
    assert stored_count(uploads_dir) == 0
    assert await db.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.news_id == news_id)) == 0


async def test_news_validation_names_the_field(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/news", json={"title": "", "body_html": "x"}, headers=s.h(s.admin_a)
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "title"
    r = await client.post(
        f"/api/v1/organizations/{s.w.body_a.id}/news",
        json={"title": "<b></b>", "body_html": "x"},
        headers=s.h(s.admin_a),
    )
    assert r.status_code == 422 and "markup" in r.json()["error"]["message"]
    r = await client.patch(
        f"/api/v1/organizations/{s.w.body_a.id}/profile", json={"email": "nope"}, headers=s.h(s.admin_a)
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "email"


async def test_pages_are_created_in_order_and_reordered(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    hdr = s.h(s.admin_a)
    ids = [
        (
            await client.post(f"/api/v1/organizations/{org}/pages", json={"title": t, "body_html": "x"}, headers=hdr)
        ).json()["id"]
        for t in "ABC"
    ]
    assert [p["title"] for p in (await client.get(f"/api/v1/organizations/{org}/pages")).json()] == ["A", "B", "C"]
    r = await client.put(
        f"/api/v1/organizations/{org}/pages/order", json={"ids": [ids[2], ids[0], ids[1]]}, headers=hdr
    )
    assert [p["title"] for p in r.json()] == ["C", "A", "B"]
    r = await client.put(
        f"/api/v1/organizations/{org}/pages/order", json={"ids": [ids[0], ids[0], ids[1]]}, headers=hdr
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["index"] == 1
    r = await client.put(
        f"/api/v1/organizations/{org}/pages/order", json={"ids": [ids[0], 999999, ids[1]]}, headers=hdr
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["index"] == 1
    r = await client.put(f"/api/v1/organizations/{org}/pages/order", json={"ids": [ids[0]]}, headers=hdr)
    assert r.status_code == 422
    assert (await client.delete(f"/api/v1/pages/{ids[1]}", headers=hdr)).status_code == 204
    assert [p["title"] for p in (await client.get(f"/api/v1/organizations/{org}/pages")).json()] == ["C", "A"]


async def test_wall_author_deletes_admin_hides(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    colleague = await account(db, s.w.body_a, "employee")
    # Another body's employee: body A is outside their subtree.
    r = await client.post(f"/api/v1/organizations/{org}/wall", json={"body_html": "чужое"}, headers=s.h(s.emp_b))
    assert r.status_code == 404
    m1 = (
        await client.post(f"/api/v1/organizations/{org}/wall", json={"body_html": "первое"}, headers=s.h(colleague))
    ).json()
    m2 = (
        await client.post(f"/api/v1/organizations/{org}/wall", json={"body_html": "второе"}, headers=s.h(s.emp_a))
    ).json()
    assert (await client.delete(f"/api/v1/wall/{m1['id']}", headers=s.h(s.emp_a))).status_code == 403
    assert (
        await client.patch(f"/api/v1/wall/{m2['id']}", json={"hidden": True}, headers=s.h(s.admin_b))
    ).status_code == 404
    assert (
        await client.patch(f"/api/v1/wall/{m2['id']}", json={"hidden": True}, headers=s.h(s.admin_a))
    ).status_code == 200
    public = (await client.get(f"/api/v1/organizations/{org}/wall")).json()
    assert [m["body_html"] for m in public] == ["первое"]
    admin_view = (await client.get(f"/api/v1/organizations/{org}/wall", headers=s.h(s.admin_a))).json()
    assert len(admin_view) == 2
    assert (await client.delete(f"/api/v1/wall/{m1['id']}", headers=s.h(colleague))).status_code == 204
    assert (await client.get(f"/api/v1/organizations/{org}/wall")).json() == []


async def test_profile_lists_leaders_and_latest_documents(
    client: httpx.AsyncClient, db: AsyncSession, uploads_dir: Path
) -> None:
    s = await make_site(db)
    head = await f.person(db, "Жумабаев", "Ерлан", birth_date=None, with_iin=False, phone="+7 701 000 00 00")
    deputy = await f.person(db, "Ким", "Ольга", birth_date=None, with_iin=False)
    await f.staff_post(db, s.w.body_a, head, "head", position="Руководитель отдела")
    await f.staff_post(db, s.w.body_a, deputy, "deputy", position="Заместитель")
    for i in range(7):
        r = await client.post(
            f"/api/v1/organizations/{s.w.body_a.id}/documents",
            files={"file": (f"doc{i}.pdf", PDF, "application/pdf")},
            headers=s.h(s.admin_a),
        )
        assert r.status_code == 201
    profile = (await client.get(f"/api/v1/organizations/{s.w.body_a.id}/profile")).json()
    assert [(x["full_name"], x["role_kind"]) for x in profile["leaders"]] == [
        ("Жумабаев Ерлан", "head"),
        ("Ким Ольга", "deputy"),
    ]
    assert profile["leaders"][0]["phone"] == "+7 701 000 00 00"
    assert [d["name"] for d in profile["latest_documents"]] == [
        "doc6.pdf",
        "doc5.pdf",
        "doc4.pdf",
        "doc3.pdf",
        "doc2.pdf",
    ]
