"""API tokens: their creation and revocation are audited, for the token's organization, without the secret."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.audit import AuditEvent
from api.services.integration import tokens
from tests import factories as f

URL = "/api/v1/integration/tokens"


async def test_token_creation_and_revocation_are_audited(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    body = {"name": "Kundelik", "organization_id": w.school_a.id, "external_system": "kundelik", "kinds": ["marks"]}
    created = await client.post(URL, json=body, headers=f.auth_headers(admin))
    assert created.status_code == 201, created.text
    token_id, secret = created.json()["id"], created.json()["token"]
    for _ in range(2):  # revoking twice is one revocation
        assert (await client.delete(f"{URL}/{token_id}", headers=f.auth_headers(admin))).status_code == 200
    events = (
        await db.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_kind == "api_token", AuditEvent.target_id == str(token_id))
            .order_by(AuditEvent.id)
        )
    ).all()
    assert [e.action for e in events] == ["integration.token.create", "integration.token.revoke"]
    for e in events:
        assert e.actor_user_id == admin.id and e.organization_id == w.school_a.id
        assert e.details["external_system"] == "kundelik" and secret not in str(e.details)
    assert events[0].details["kinds"] == ["marks"]
    # The body's administrators see them in their audit log.
    log = await client.get(
        "/api/v1/audit",
        params={"action": "integration.token", "target_kind": "api_token", "target_id": str(token_id)},
        headers=f.auth_headers(admin),
    )
    assert log.status_code == 200, log.text
    assert sorted(e["action"] for e in log.json()["items"]) == ["integration.token.create", "integration.token.revoke"]


async def test_a_token_made_on_the_command_line_is_audited_too(db: AsyncSession) -> None:
    w = await f.world(db)
    row, _ = await tokens.create_token(
        db, name="CLI", organization_id=w.school_b.id, external_system="kundelik", kinds=["marks"], created_by=None
    )
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.action == "integration.token.create", AuditEvent.target_id == str(row.id))
    )
    assert event is not None and event.organization_id == w.school_b.id
    assert event.actor_kind == "anonymous" and "command line" in (event.actor_name or "")
