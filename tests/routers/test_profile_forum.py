"""Форум: who posts and edits, ETag/If-Match on edits (412 stale, 428 missing), moderation."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.routers.test_profile import Site, account, make_site


async def _topic(client: httpx.AsyncClient, s: Site) -> tuple[int, dict]:  # type: ignore[type-arg]
    org = s.w.body_a.id
    section = await client.post(
        f"/api/v1/organizations/{org}/forum/sections", json={"title": "Общие вопросы"}, headers=s.h(s.admin_a)
    )
    assert section.status_code == 201
    topic = await client.post(
        f"/api/v1/forum/sections/{section.json()['id']}/topics",
        json={"title": "Расписание", "body_html": "<p>Когда каникулы?</p>"},
        headers=s.h(s.emp_a),
    )
    assert topic.status_code == 201, topic.text
    return section.json()["id"], topic.json()


async def test_concurrent_edit_gets_412_and_missing_if_match_428(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    _, topic = await _topic(client, s)
    post_id = topic["posts"][0]["id"]
    got = await client.get(f"/api/v1/forum/posts/{post_id}")
    etag = got.headers["etag"]
    assert etag == got.json()["etag"]
    # Missing precondition: 428.
    r = await client.patch(f"/api/v1/forum/posts/{post_id}", json={"body_html": "x"}, headers=s.h(s.emp_a))
    assert r.status_code == 428 and r.json()["error"]["code"] == "precondition_required"
    # Two editors hold the same ETag; the first wins, the second is stale: 412.
    first = await client.patch(
        f"/api/v1/forum/posts/{post_id}", json={"body_html": "<p>автор</p>"}, headers={**s.h(s.emp_a), "If-Match": etag}
    )
    assert first.status_code == 200 and first.headers["etag"] != etag
    second = await client.patch(
        f"/api/v1/forum/posts/{post_id}",
        json={"body_html": "<p>админ</p>"},
        headers={**s.h(s.admin_a), "If-Match": etag},
    )
    assert second.status_code == 412 and second.json()["error"]["code"] == "precondition_failed"
    assert second.headers["etag"] == first.headers["etag"]
    assert (await client.get(f"/api/v1/forum/posts/{post_id}")).json()["body_html"] == "<p>автор</p>"
    # With the fresh ETag the administrator's edit goes through.
    third = await client.patch(
        f"/api/v1/forum/posts/{post_id}",
        json={"body_html": "<p>админ</p>"},
        headers={**s.h(s.admin_a), "If-Match": first.headers["etag"]},
    )
    assert third.status_code == 200 and third.json()["version"] == 3


async def test_only_author_or_admin_edits(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    _, topic = await _topic(client, s)
    post = topic["posts"][0]
    other = await account(db, s.w.body_a, "employee")
    r = await client.patch(
        f"/api/v1/forum/posts/{post['id']}", json={"body_html": "x"}, headers={**s.h(other), "If-Match": post["etag"]}
    )
    assert r.status_code == 403
    r = await client.patch(
        f"/api/v1/forum/posts/{post['id']}",
        json={"body_html": "x"},
        headers={**s.h(s.admin_b), "If-Match": post["etag"]},
    )
    assert r.status_code == 404
    r = await client.patch(
        f"/api/v1/forum/posts/{post['id']}", json={"body_html": "x"}, headers={"If-Match": post["etag"]}
    )
    assert r.status_code == 401


async def test_posting_is_for_employees_of_the_body(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    _, topic = await _topic(client, s)
    tid = topic["topic"]["id"]
    url = f"/api/v1/forum/topics/{tid}/posts"
    assert (await client.post(url, json={"body_html": "аноним"})).status_code == 401
    assert (await client.post(url, json={"body_html": "чужой"}, headers=s.h(s.emp_b))).status_code == 404
    # The regional body is above body A: its employees may post there.
    reply = await client.post(
        url, json={"body_html": "ответ", "parent_post_id": topic["posts"][0]["id"]}, headers=s.h(s.admin_region)
    )
    assert reply.status_code == 201 and reply.json()["parent_post_id"] == topic["posts"][0]["id"]
    bad = await client.post(url, json={"body_html": "x", "parent_post_id": 999999}, headers=s.h(s.emp_a))
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "parent_post_id"
    detail = (await client.get(f"/api/v1/forum/topics/{tid}")).json()
    assert [p["body_html"] for p in detail["posts"]] == ["<p>Когда каникулы?</p>", "ответ"]
    assert detail["can_post"] is False


async def test_admin_moderates_hide_and_lock(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    section_id, topic = await _topic(client, s)
    tid = topic["topic"]["id"]
    reply = (
        await client.post(f"/api/v1/forum/topics/{tid}/posts", json={"body_html": "спам"}, headers=s.h(s.emp_a))
    ).json()
    assert (
        await client.post(f"/api/v1/forum/posts/{reply['id']}/moderation", json={"hidden": True}, headers=s.h(s.emp_a))
    ).status_code == 403
    assert (
        await client.post(
            f"/api/v1/forum/posts/{reply['id']}/moderation", json={"hidden": True}, headers=s.h(s.admin_b)
        )
    ).status_code == 404
    hidden = await client.post(
        f"/api/v1/forum/posts/{reply['id']}/moderation", json={"hidden": True}, headers=s.h(s.admin_a)
    )
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    public = (await client.get(f"/api/v1/forum/topics/{tid}")).json()
    assert [p["body_html"] for p in public["posts"]] == ["<p>Когда каникулы?</p>"]
    assert (await client.get(f"/api/v1/forum/posts/{reply['id']}")).status_code == 404
    assert len((await client.get(f"/api/v1/forum/topics/{tid}", headers=s.h(s.admin_a))).json()["posts"]) == 2
    # Locking stops employees from posting; hiding the topic removes it from the public list.
    locked = await client.patch(f"/api/v1/forum/topics/{tid}", json={"locked": True}, headers=s.h(s.admin_a))
    assert locked.status_code == 200 and locked.json()["topic"]["locked"] is True
    r = await client.post(f"/api/v1/forum/topics/{tid}/posts", json={"body_html": "ещё"}, headers=s.h(s.emp_a))
    assert r.status_code == 403 and "locked" in r.json()["error"]["message"]
    await client.patch(f"/api/v1/forum/topics/{tid}", json={"hidden": True}, headers=s.h(s.admin_a))
    assert (await client.get(f"/api/v1/forum/sections/{section_id}/topics")).json()["items"] == []
    assert (await client.get(f"/api/v1/forum/topics/{tid}")).status_code == 404
    forum = (await client.get(f"/api/v1/organizations/{s.w.body_a.id}/forum")).json()
    assert forum["sections"][0]["topic_count"] == 0


async def test_delete_post_needs_if_match(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    _, topic = await _topic(client, s)
    post = topic["posts"][0]
    assert (await client.delete(f"/api/v1/forum/posts/{post['id']}", headers=s.h(s.emp_a))).status_code == 428
    assert (
        await client.delete(f"/api/v1/forum/posts/{post['id']}", headers={**s.h(s.emp_a), "If-Match": '"post-0-v9"'})
    ).status_code == 412
    assert (
        await client.delete(f"/api/v1/forum/posts/{post['id']}", headers={**s.h(s.emp_a), "If-Match": post["etag"]})
    ).status_code == 204


async def test_everything_under_a_hidden_topic_answers_as_the_topic(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    s = await make_site(db)
    _, topic = await _topic(client, s)
    tid, post = topic["topic"]["id"], topic["posts"][0]
    url = f"/api/v1/forum/posts/{post['id']}"
    hidden_reply = (
        await client.post(f"/api/v1/forum/topics/{tid}/posts", json={"body_html": "спам"}, headers=s.h(s.emp_a))
    ).json()
    await client.post(
        f"/api/v1/forum/posts/{hidden_reply['id']}/moderation", json={"hidden": True}, headers=s.h(s.admin_a)
    )
    # A reply to a hidden post is refused as if the post were not there.
    r = await client.post(
        f"/api/v1/forum/topics/{tid}/posts",
        json={"body_html": "x", "parent_post_id": hidden_reply["id"]},
        headers=s.h(s.emp_a),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "parent_post_id"
    hidden = await client.patch(f"/api/v1/forum/topics/{tid}", json={"hidden": True}, headers=s.h(s.admin_a))
    assert hidden.status_code == 200
    assert (await client.get(f"/api/v1/forum/topics/{tid}")).status_code == 404
    # The post itself: anonymous, the author (not a moderator) and another body's employee all get 404.
    for headers in ({}, s.h(s.emp_a), s.h(s.emp_b)):
        r = await client.get(url, headers=headers)
        assert r.status_code == 404, (headers, r.text)
        assert "body_html" not in r.text and "error" in r.json()
    # Edits, deletes and replies by the author answer as the topic does: 404, with or without If-Match.
    for if_match in ({}, {"If-Match": post["etag"]}):
        r = await client.patch(url, json={"body_html": "правка"}, headers={**s.h(s.emp_a), **if_match})
        assert r.status_code == 404, r.text
        assert (await client.delete(url, headers={**s.h(s.emp_a), **if_match})).status_code == 404
    r = await client.post(
        f"/api/v1/forum/topics/{tid}/posts",
        json={"body_html": "ответ", "parent_post_id": post["id"]},
        headers=s.h(s.emp_a),
    )
    assert r.status_code == 404
    # The moderator still reads it; shown again, it is public again.
    assert (await client.get(url, headers=s.h(s.admin_a))).status_code == 200
    await client.patch(f"/api/v1/forum/topics/{tid}", json={"hidden": False}, headers=s.h(s.admin_a))
    assert (await client.get(url)).json()["body_html"] == "<p>Когда каникулы?</p>"
