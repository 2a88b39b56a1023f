"""Through the integration API: random pushes, edits and deletes keep the aggregates equal to raw data."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.reports.aggregates import AGGREGATE_TABLES, differences
from tests import factories as fx
from tests.routers.test_integration import SYSTEM, make_ext_world, mark

URL = "/api/v1/integration"


async def test_integration_pushes_keep_aggregates_exact(client: httpx.AsyncClient, db: AsyncSession) -> None:
    xw = await make_ext_world(db)
    a2 = await fx.organization(db, "school", xw.w.body_a, type_id=xw.w.school_type.id, name_ru="Школа А2")
    a2.external_system, a2.external_id = SYSTEM, "sch-a2"
    await db.flush()
    for i, st in enumerate(xw.students, start=1):
        await db.execute(
            text(
                "INSERT INTO users (person_id, organization_id, region_id, status, external_system, external_id) "
                "VALUES (:p, :o, :r, 'active', :s, :x)"
            ),
            {"p": st.id, "o": xw.w.school_a.id, "r": xw.w.region.id, "s": SYSTEM, "x": f"u{i}"},
        )
    rng = random.Random(5)
    marks: set[str] = set()
    absences: set[str] = set()
    base = datetime(2026, 9, 20, 6, tzinfo=UTC)
    for step in range(30):
        op = rng.choice(["marks", "marks", "marks_del", "absences", "absences_del", "visits", "visits"])
        if op == "marks":
            items = []
            for _ in range(rng.randint(1, 5)):
                ext = f"m{rng.randint(1, 12)}"
                na = rng.random() < 0.15
                items.append(
                    mark(
                        ext,
                        f"s{rng.randint(1, 3)}",
                        None if na else rng.randint(1, 5),
                        kind="quarter",
                        period_number=rng.randint(1, 2),
                        not_attested=na,
                        lesson_external_id=None,
                        date="2026-10-20",
                    )
                )
                marks.add(ext)
            items = list({i["external_id"]: i for i in items}.values())
            r = await client.post(f"{URL}/marks", json={"items": items}, headers=xw.headers)
        elif op == "marks_del" and marks:
            gone = rng.sample(sorted(marks), min(2, len(marks)))
            marks -= set(gone)
            r = await client.request("DELETE", f"{URL}/marks", json={"external_ids": gone}, headers=xw.headers)
        elif op == "absences":
            items = [
                {
                    "external_id": f"a{s}{lesson}",
                    "student_external_id": f"s{s}",
                    "lesson_external_id": lesson,
                    "reason": rng.choice(["illness", "valid", "unexcused", "late"]),
                }
                for s in rng.sample([1, 2, 3], 2)
                for lesson in rng.sample(["l1", "l2"], 1)
            ]
            absences |= {i["external_id"] for i in items}
            r = await client.post(f"{URL}/absences", json={"items": items}, headers=xw.headers)
        elif op == "absences_del" and absences:
            gone = rng.sample(sorted(absences), 1)
            absences -= set(gone)
            r = await client.request("DELETE", f"{URL}/absences", json={"external_ids": gone}, headers=xw.headers)
        else:
            items = [
                {
                    "external_id": f"v{rng.randint(1, 10)}",
                    "user_external_id": f"u{rng.randint(1, 3)}",
                    "organization_external_id": rng.choice(["sch-a", "sch-a2"]),
                    "visited_at": (base + timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 20))).isoformat(),
                }
                for _ in range(rng.randint(1, 4))
            ]
            items = list({i["external_id"]: i for i in items}.values())
            r = await client.post(f"{URL}/visits", json={"items": items}, headers=xw.headers)
        assert r.status_code == 200, (op, r.text)
        if step % 6 == 5:
            for table in AGGREGATE_TABLES:
                assert await differences(db, table) == [], (step, op, table)
    counts = {t: await db.scalar(text(f"SELECT count(*) FROM {t}")) for t in AGGREGATE_TABLES}  # noqa: S608
    assert counts["rpt_student_period"] and counts["rpt_visit_days"] and counts["rpt_org_day_attendance"]
    # And the report reads them: the region user sees every pushed visit of today's window.
    user = await fx.app_user(db, xw.w.regional_body)
    body = (await client.get("/api/v1/reports/activity?view=all&date=2026-10-30", headers=fx.auth_headers(user))).json()
    expected = await db.scalar(
        text(
            "SELECT count(DISTINCT user_id) FROM visits WHERE rpt_visit_day(visited_at) "
            "BETWEEN DATE '2026-10-01' AND DATE '2026-10-30'"
        )
    )
    assert body["totals"]["visits_month"] == expected
