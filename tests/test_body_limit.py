"""Request body limits per route: 413 with the error envelope before the body is read whole."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from api.config import MiB

LOGIN = "/api/v1/auth/login"


class Body:
    """A streamed body of `total` bytes that counts how much of it was taken (nothing is allocated up front)."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.sent = total, chunk, 0

    async def stream(self) -> AsyncIterator[bytes]:
        piece = b"x" * self.chunk
        while self.sent < self.total:
            self.sent += self.chunk
            yield piece


def assert_too_large(r: httpx.Response) -> None:
    assert r.status_code == 413, r.text[:300]
    error = r.json()["error"]
    assert error["code"] == "payload_too_large" and error["details"][0]["field"] == "body"


async def test_a_streamed_100_mb_login_is_refused_without_reading_it(client: httpx.AsyncClient) -> None:
    body = Body(100 * MiB)
    r = await client.post(LOGIN, content=body.stream(), headers={"Content-Type": "application/json"})
    assert_too_large(r)
    assert body.sent <= 2 * MiB  # stopped just past the 1 MiB limit, not at 100 MB


async def test_a_declared_content_length_over_the_limit_is_refused_before_reading(client: httpx.AsyncClient) -> None:
    body = Body(100 * MiB)
    headers = {"Content-Type": "application/json", "Content-Length": str(100 * MiB)}
    r = await client.post(LOGIN, content=body.stream(), headers=headers)
    assert_too_large(r)
    assert body.sent == 0


async def test_limits_follow_the_route(client: httpx.AsyncClient) -> None:
    # 2 MiB: too much for a JSON route, fine for an upload route and for an integration batch (which then
    # answer for themselves: no credentials).
    two = 2 * MiB
    assert_too_large(await client.post(LOGIN, content=Body(two).stream(), headers={"Content-Type": "application/json"}))
    files = {"file": ("big.pdf", b"%PDF-1.4 " + b"x" * two, "application/pdf")}
    upload = await client.post("/api/v1/organizations/1/documents", files=files)
    assert upload.status_code == 401, upload.text[:300]
    batch = await client.post(
        "/api/v1/integration/marks", content=Body(two).stream(), headers={"Content-Type": "application/json"}
    )
    assert batch.status_code in (401, 422), batch.text[:300]  # read whole: the JSON (x…) is refused
    # … and each has its own ceiling.
    assert_too_large(
        await client.post("/api/v1/organizations/1/documents", files={"file": ("huge.pdf", b"x" * 22 * MiB)})
    )
    huge = Body(100 * MiB)
    assert_too_large(
        await client.post(
            "/api/v1/integration/marks", content=huge.stream(), headers={"Content-Type": "application/json"}
        )
    )
    assert huge.sent <= 66 * MiB
    # A body within the limit is read as before.
    small = await client.post(LOGIN, json={"username": "x" * 1000, "password": "y"})
    assert small.status_code in (401, 422)
