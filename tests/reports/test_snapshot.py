"""Every report's JSON on a small deterministic demo region, compared with a committed snapshot.

The snapshot pins what each report answers (columns, rows, totals, labels, applied filters, methodology) for
every view, the three languages and a representative set of filters, so that a change of the engine or of a
report's code that changes a figure or a label shows here. Only `data_as_of` (the time of the run) is left out.

To regenerate the snapshot after an intended change of a report's output, run

    BILIM_UPDATE_SNAPSHOTS=1 .venv/bin/pytest -q tests/reports/test_snapshot.py

and review the diff of `tests/reports/snapshots/` before committing it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import get_settings
from api.db import ensure_database, run_migrations, sessionmaker_for, with_database
from api.demo import DemoParams, load_demo
from api.models import User
from api.services.sessions import issue_access_token

SNAPSHOTS = Path(__file__).parent / "snapshots"
TODAY = date(2026, 11, 6)  # the first quarter has ended, the second runs
UPDATE = os.environ.get("BILIM_UPDATE_SNAPSHOTS") == "1"
LANGS = ("ru", "kk", "en")


@pytest.fixture(scope="module")
def pinned_today() -> Any:
    """«Today» fixed for the reports (default dates and periods) as for the demo data."""
    mp = pytest.MonkeyPatch()
    mp.setenv("BILIM_TODAY", TODAY.isoformat())
    get_settings.cache_clear()
    yield TODAY
    mp.undo()
    get_settings.cache_clear()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def demo_engine(database_url: str, pinned_today: date) -> AsyncIterator[AsyncEngine]:
    """A fresh database (ids do not depend on other tests) with a two-school demo region, dropped at the end."""
    url = with_database(database_url, f"bilim_snap_{uuid.uuid4().hex[:8]}")
    await ensure_database(url)
    import asyncio

    await asyncio.to_thread(run_migrations, url)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await load_demo(conn, DemoParams(seed=3, schools=2, today=TODAY, students_per_class=(5, 7)))
        yield engine
    finally:
        await engine.dispose()
        admin = create_async_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1].split("?", 1)[0]}" WITH (FORCE)'))
        await admin.dispose()


async def _client(engine: AsyncEngine) -> tuple[httpx.AsyncClient, Any]:
    from api.main import create_app

    app = create_app(database_url=str(engine.url))
    app.state.sessionmaker = sessionmaker_for(engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver"), app


def _first(items: list[dict[str, Any]]) -> int | None:
    return items[0]["id"] if items else None


async def _requests(
    c: httpx.AsyncClient, headers: dict[str, str], report: dict[str, Any], full: bool
) -> list[dict[str, Any]]:
    """The parameter sets a report is run with: every view in every language, then a few filters in Russian
    (`full`); else every view in Russian."""
    rid, filters = report["id"], set(report["filters"])
    opts = (await c.get(f"/api/v1/reports/{rid}/options", headers=headers)).json()
    base: dict[str, Any] = {}
    school = opts["organizations"][-1]["id"] if opts["organizations"] else None
    if report["requires_organization"]:
        base["organization_id"] = school
    views = [v["id"] for v in report["views"]] or [None]
    out: list[dict[str, Any]] = []
    for view in views:
        for lang in LANGS if full else ("ru",):
            out.append({**base, **({"view": view} if view else {}), "lang": lang})
    extra: list[dict[str, Any]] = []
    if not full:
        return out
    if "organization_id" in filters and not report["requires_organization"]:
        extra.append({"organization_id": school})
    if "district_id" in filters and opts["districts"]:
        extra.append({"district_id": opts["districts"][0]["id"]})
    if "period_id" in filters:
        quarters = [p for p in opts["periods"] if p["name"].startswith("1 ")]
        if quarters:
            extra.append({"period_id": quarters[0]["id"]})
    if "date" in filters:
        extra.append({"date": "2026-10-15"})
    if "date_from" in filters and "date_to" in filters:
        extra.append({"date_from": "2026-09-01", "date_to": "2026-10-31"})
    if school is not None and filters & {"class_id", "teacher_id", "subject_id"}:
        o2 = (await c.get(f"/api/v1/reports/{rid}/options", headers=headers, params={"organization_id": school})).json()
        for name, key in (("class_id", "classes"), ("teacher_id", "teachers"), ("subject_id", "subjects")):
            if name in filters and o2[key]:
                extra.append({"organization_id": school, name: o2[key][len(o2[key]) // 2]["id"]})
    for params in extra:
        for view in views:
            out.append({**base, **params, **({"view": view} if view else {}), "lang": "ru"})
    return out


def _strip(body: dict[str, Any], same_rows: dict[str, Any] | None) -> dict[str, Any]:
    """The body without the time of the run; rows equal to the Russian run's are written «=ru» (smaller file)."""
    body = dict(body)
    body.pop("data_as_of", None)
    if same_rows is not None and body.get("rows") == same_rows.get("rows"):
        body["rows"] = "=ru"
    return body


async def _collect(engine: AsyncEngine, username: str, full: bool) -> dict[str, Any]:
    async with sessionmaker_for(engine)() as session:
        user = (await session.execute(select(User).where(User.username == username))).scalar_one()
    headers = {"Authorization": f"Bearer {issue_access_token(get_settings(), user)}"}
    c, _ = await _client(engine)
    out: dict[str, Any] = {}
    async with c:
        catalog = (await c.get("/api/v1/reports", headers=headers)).json()["items"]
        assert len(catalog) >= 20
        for report in catalog:
            runs = []
            russian: dict[Any, dict[str, Any]] = {}
            for params in await _requests(c, headers, report, full):
                r = await c.get(f"/api/v1/reports/{report['id']}", headers=headers, params=params)
                # A view that needs a further filter answers 422 naming it: that answer is pinned too.
                assert r.status_code in (200, 422), (report["id"], params, r.text)
                key = tuple(sorted((k, v) for k, v in params.items() if k != "lang"))
                if params["lang"] == "ru":
                    russian[key] = r.json()
                    body = _strip(r.json(), None)
                else:
                    body = _strip(r.json(), russian.get(key))
                runs.append({"params": params, "status": r.status_code, "body": body})
            out[report["id"]] = runs
    return out


@pytest.mark.parametrize(("username", "full"), [("ministry", True), ("district.rural", False)])
async def test_every_report_answers_as_in_the_snapshot(demo_engine: AsyncEngine, username: str, full: bool) -> None:
    """The ministry sees the whole region (every view, language and filter set); a rural district's specialist
    only its schools (every view, in Russian)."""
    got = await _collect(demo_engine, username, full)
    path = SNAPSHOTS / f"{username}.json"
    rendered = json.dumps(got, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    want = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want), "the catalogue changed"
    for rid in want:
        assert len(got[rid]) == len(want[rid]), rid
        for g, w in zip(got[rid], want[rid], strict=True):
            assert (g["params"], g["status"]) == (w["params"], w["status"]), rid
            assert g["body"] == w["body"], (rid, w["params"])
