"""The data package of a body: a round trip through an empty database answers every report and profile page alike."""

from __future__ import annotations

import asyncio
import json
import uuid
import zipfile
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import get_settings
from api.db import asyncpg_dsn, ensure_database, run_migrations, with_database
from api.demo import DemoParams, load_demo
from api.demo.site import load_site_content
from api.models import Base
from api.models.people import User
from api.services.datapackage.descriptor import EXCLUDED, ExportError, exported_tables, read_descriptor
from api.services.datapackage.export import run_export_to
from api.services.datapackage.load import run_import_from
from api.services.sessions import issue_access_token
from api.services.storage import get_storage
from tests.conftest import _drop_database

TODAY = date(2026, 11, 20)
PROFILE_PAGES = ["profile", "news", "pages", "documents", "structure", "staff", "people", "forum", "wall", "questions"]


async def _new_database(base_url: str, prefix: str) -> str:
    url = with_database(base_url, f"{prefix}_{uuid.uuid4().hex[:8]}")
    await ensure_database(url)
    await asyncio.to_thread(run_migrations, url)
    return url


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def round_trip(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """A small demo region in one database, its package, and the package imported into a second, empty one."""
    source = await _new_database(database_url, "bilim_export_src")
    target = with_database(database_url, f"bilim_export_dst_{uuid.uuid4().hex[:8]}")
    tmp = tmp_path_factory.mktemp("export")
    try:
        engine = create_async_engine(source, poolclass=NullPool)
        async with engine.begin() as conn:
            await load_demo(conn, DemoParams(seed=5, schools=2, today=TODAY, students_per_class=(8, 10)))
            await load_site_content(conn, get_settings(), 5, TODAY)
        await engine.dispose()
        root = await _scalar(source, "SELECT id FROM organizations WHERE parent_id IS NULL")
        package = tmp / "region.zip"
        exported = await run_export_to(source, root, package, Path(get_settings().data_dir) / "uploads")
        await ensure_database(target)
        uploads = tmp / "uploads"
        imported = await run_import_from(target, package, uploads)
        yield {
            "source": source,
            "target": target,
            "package": package,
            "exported": exported,
            "imported": imported,
            "uploads": uploads,
            "root": root,
        }
    finally:
        await _drop_database(source)
        await _drop_database(target)


async def _scalar(url: str, sql: str) -> Any:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def _digests(url: str) -> dict[str, tuple[int, str]]:
    """Row count and md5 of the whole content of every table of the models (aggregates included)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        out = {}
        for table in Base.metadata.sorted_tables:
            if table.name in EXCLUDED:
                continue
            digest = "md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            row = await conn.fetchrow(f'SELECT count(*), {digest} FROM "{table.name}" t')  # noqa: S608
            out[table.name] = (row[0], row[1])
        return out
    finally:
        await conn.close()


class _App:
    """The real app on one database, with a bearer token of a ministry employee."""

    def __init__(self, url: str, token: str) -> None:
        from api.main import create_app

        self.app = create_app(database_url=url)
        self.headers = {"Authorization": f"Bearer {token}"}

    async def __aenter__(self) -> httpx.AsyncClient:
        self._ctx = self.app.router.lifespan_context(self.app)
        await self._ctx.__aenter__()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver", headers=self.headers
        )
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()
        await self._ctx.__aexit__(None, None, None)


def _stable(body: Any) -> Any:
    """The answer without the moment it was computed (and «online», which is last seen against that moment)."""
    if isinstance(body, dict):
        return {k: _stable(v) for k, v in body.items() if k not in ("data_as_of", "generated_at", "online")}
    if isinstance(body, list):
        return [_stable(v) for v in body]
    return body


async def test_every_table_and_aggregate_is_the_same_after_the_round_trip(round_trip: dict[str, Any]) -> None:
    source, target = await _digests(round_trip["source"]), await _digests(round_trip["target"])
    assert source.keys() == target.keys()
    assert sum(n for n, _ in source.values()) > 10_000
    assert {k for k in source if source[k] != target[k]} == set()
    assert round_trip["imported"].rows == round_trip["exported"].rows


async def test_every_report_view_and_organization_and_profile_page_answer_the_same(
    round_trip: dict[str, Any],
) -> None:
    engine = create_async_engine(round_trip["source"], poolclass=NullPool)
    async with AsyncSession(engine) as session:
        user = (await session.scalars(select(User).where(User.username == "ministry"))).one()
        token = issue_access_token(get_settings(), user)
    await engine.dispose()
    conn = await asyncpg.connect(asyncpg_dsn(round_trip["source"]))
    orgs = [r["id"] for r in await conn.fetch("SELECT id FROM organizations ORDER BY id")]
    await conn.close()
    compared = 0
    async with _App(round_trip["source"], token) as a, _App(round_trip["target"], token) as b:
        catalogue = (await a.get("/api/v1/reports")).json()["items"]
        assert catalogue == (await b.get("/api/v1/reports")).json()["items"]
        assert len(catalogue) >= 30
        for report in catalogue:
            views = [v["id"] for v in report["views"]] or [None]
            targets: list[int | None] = list(orgs) if "organization_id" in report["filters"] else [None]
            for view in views:
                for org in targets:
                    params: dict[str, Any] = {}
                    if view:
                        params["view"] = view
                    if org is not None:
                        params["organization_id"] = org
                    ra = await a.get(f"/api/v1/reports/{report['id']}", params=params)
                    rb = await b.get(f"/api/v1/reports/{report['id']}", params=params)
                    assert ra.status_code == rb.status_code, (report["id"], params)
                    if ra.status_code == 200:
                        ja, jb = ra.json(), rb.json()
                        assert _stable(ja) == _stable(jb), (report["id"], params)
                        compared += 1
        assert compared >= 30
        for org in orgs:
            for page in PROFILE_PAGES:
                ra = await a.get(f"/api/v1/organizations/{org}/{page}")
                rb = await b.get(f"/api/v1/organizations/{org}/{page}")
                sa, sb = _stable(ra.json()), _stable(rb.json())
                items_a, items_b = (x.get("items", []) if isinstance(x, dict) else x for x in (sa, sb))
                first = next((pair for pair in zip(items_a, items_b, strict=False) if pair[0] != pair[1]), None)
                assert (ra.status_code, sa) == (rb.status_code, sb), (
                    f"{org} {page}: {json.dumps(first, ensure_ascii=False)}"
                )


async def test_uploads_are_the_same(round_trip: dict[str, Any]) -> None:
    storage = get_storage(get_settings())
    conn = await asyncpg.connect(asyncpg_dsn(round_trip["target"]))
    keys = [r["storage_key"] for r in await conn.fetch("SELECT storage_key FROM profile_files")]
    await conn.close()
    assert keys
    assert round_trip["imported"].files == len(keys)
    for key in keys:
        assert (round_trip["uploads"] / key[:2] / key).read_bytes() == storage.get(key)


def test_the_package_is_a_valid_frictionless_package_whose_foreign_keys_hold(
    round_trip: dict[str, Any], tmp_path: Path
) -> None:
    frictionless = pytest.importorskip("frictionless")
    with zipfile.ZipFile(round_trip["package"]) as zf:
        zf.extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} == {t.name for t in exported_tables()}
    assert not any(r["name"].startswith("rpt_") for r in descriptor["resources"])
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    errors = [e.message for task in report.tasks for e in task.errors][:10] + [e.message for e in report.errors]
    assert report.valid, errors
    users = (tmp_path / "data" / "users.csv").read_text()
    assert "$" in users  # hashes, never clear passwords (the demo password is not in the file)
    assert "demo" not in {line.split(",")[0] for line in users.splitlines()}


async def _indexes(url: str) -> set[tuple[str, str]]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        return {(r["indexname"], r["indexdef"]) for r in rows}
    finally:
        await conn.close()


async def test_the_import_builds_again_every_index_it_deferred(round_trip: dict[str, Any]) -> None:
    """The import drops the plain indexes and the feed log's key to load faster: all of them are back."""
    source, target = await _indexes(round_trip["source"]), await _indexes(round_trip["target"])
    assert len(source) > 100
    assert ("pk_change_log", next(d for n, d in source if n == "pk_change_log")) in target
    assert source == target
    assert round_trip["imported"].phases["indexes"] >= 0


async def test_import_refuses_a_database_with_organizations(round_trip: dict[str, Any]) -> None:
    with pytest.raises(ExportError, match="already has organizations"):
        await run_import_from(round_trip["source"], round_trip["package"], None)


def _rewrite(package: Path, out: Path, change: Any) -> Path:
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, change(item.filename, data))
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n, d: d if n != "datapackage.json" else b"{not json", "not valid JSON"),
        (
            lambda n, d: (
                d
                if n != "datapackage.json"
                else json.dumps({**json.loads(d), "resources": json.loads(d)["resources"][1:]}).encode()
            ),
            "no table academic_years",
        ),
        (lambda n, d: d if n != "data/marks.csv" else b"nope," + d, "header does not match"),
    ],
)
def test_a_broken_package_is_refused_with_a_clear_message(
    round_trip: dict[str, Any], tmp_path: Path, change: Any, message: str
) -> None:
    broken = _rewrite(round_trip["package"], tmp_path / "broken.zip", change)
    with zipfile.ZipFile(broken) as zf, pytest.raises(ExportError, match=message):
        read_descriptor(zf)


async def test_a_district_exports_alone_and_loads_into_an_empty_instance(
    round_trip: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    source = round_trip["source"]
    conn = await asyncpg.connect(asyncpg_dsn(source))
    district = await conn.fetchval("SELECT min(id) FROM organizations WHERE kind = 'district_body'")
    inside = await conn.fetchval(
        "SELECT count(*) FROM marks m JOIN organizations o ON o.id = m.organization_id WHERE o.path @> ARRAY[$1::int]",
        district,
    )
    total = await conn.fetchval("SELECT count(*) FROM marks")
    await conn.close()
    assert 0 < inside < total
    package = tmp_path / "district.zip"
    exported = await run_export_to(source, district, package, None)
    assert exported.rows["marks"] == inside
    target = with_database(database_url, f"bilim_export_d_{uuid.uuid4().hex[:8]}")
    await ensure_database(target)
    try:
        imported = await run_import_from(target, package, None)
        assert imported.rows["marks"] == inside
        # The ancestors come as bare rows (no head), the district's own schools with all their data.
        conn = await asyncpg.connect(asyncpg_dsn(target))
        try:
            ancestors = await conn.fetch(
                "SELECT head_person_id FROM organizations WHERE NOT path @> ARRAY[$1::int]", district
            )
            assert ancestors and all(r["head_person_id"] is None for r in ancestors)
            assert await conn.fetchval("SELECT count(*) FROM marks") == inside
        finally:
            await conn.close()
    finally:
        await _drop_database(target)
