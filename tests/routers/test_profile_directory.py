"""The public directory: bodies of the tree and a search over organizations by name and district."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as f


async def test_anonymous_directory_lists_bodies_and_finds_by_name_and_district(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    r = await client.get("/api/v1/directory")
    assert r.status_code == 200, r.text
    bodies = [b["id"] for b in r.json()["bodies"]]
    for body in (w.ministry, w.regional_body, w.body_a, w.body_b):
        assert body.id in bodies
    assert w.school_a.id not in bodies and r.json()["items"] == []
    found = (await client.get("/api/v1/directory", params={"q": "школа а"})).json()
    assert [o["id"] for o in found["items"] if o["id"] in (w.school_a.id, w.school_b.id)] == [w.school_a.id]
    assert found["items"][0]["profile_url"] == f"/o/{found['items'][0]['id']}"
    district = (await client.get("/api/v1/directory", params={"q": w.district_b.name_ru})).json()
    ids = {o["id"] for o in district["items"]}
    assert w.school_b.id in ids and w.body_b.id in ids and w.school_a.id not in ids
    # LIKE wildcards are taken literally.
    assert (await client.get("/api/v1/directory", params={"q": "%"})).json()["items"] == []
    assert (await client.get("/api/v1/directory", params={"q": "x" * 101})).status_code == 422
