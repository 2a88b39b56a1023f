"""GET /api/v1/health and the docs."""

from __future__ import annotations

import httpx

from api import __version__


async def test_health_reports_database_and_head(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["database"] is True
    assert body["migrations_at_head"] is True
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["migration_revisions"] == body["expected_revisions"] != []


async def test_docs_and_schema_are_served(client: httpx.AsyncClient) -> None:
    docs = await client.get("/api/docs")
    assert docs.status_code == 200 and "/api/docs-assets/swagger-ui-bundle.js" in docs.text
    # The docs work offline: the Swagger UI bundle is served from our own origin.
    bundle = await client.get("/api/docs-assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    schema = (await client.get("/api/openapi.json")).json()
    assert "/api/v1/health" in schema["paths"]


async def test_unknown_api_route_is_enveloped_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert r.headers["x-content-type-options"] == "nosniff"
