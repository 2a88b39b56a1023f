"""Web addresses typed in wall messages and forum posts become links, sanitised and marked nofollow."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.routers.test_profile import make_site


async def test_addresses_in_wall_and_forum_become_safe_links(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    org = f"/api/v1/organizations/{s.w.body_a.id}"
    text = "Приказ: https://edu.kz/a?b=1&c=2. Также www.gov.kz, javascript:alert(1) <a href='https://x.kz'>x</a>"
    wall = await client.post(f"{org}/wall", json={"body_html": text}, headers=s.h(s.emp_a))
    assert wall.status_code == 201, wall.text
    body = wall.json()["body_html"]
    assert (
        '<a href="https://edu.kz/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">https://edu.kz/a?b=1&amp;c=2</a>.'
        in body
    )
    assert '<a href="https://www.gov.kz" rel="noopener noreferrer nofollow">www.gov.kz</a>' in body
    assert 'href="javascript' not in body and body.count("<a ") == 3  # the typed link is not linked twice
    section = (await client.post(f"{org}/forum/sections", json={"title": "Общий"}, headers=s.h(s.admin_a))).json()
    topic = await client.post(
        f"/api/v1/forum/sections/{section['id']}/topics",
        json={"title": "Ссылки", "body_html": "см. http://school.kz/plan"},
        headers=s.h(s.emp_a),
    )
    assert topic.status_code == 201, topic.text
    post = topic.json()["posts"][0]["body_html"]
    assert '<a href="http://school.kz/plan" rel="noopener noreferrer nofollow">http://school.kz/plan</a>' in post
