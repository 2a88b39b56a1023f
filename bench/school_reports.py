"""Benchmark of the 25 reports about one organization: p50/p95 through the HTTP API, one school, one quarter.

    make bench-school-reports                          # against bilim_bench (make bench-data)
    .venv/bin/python bench/school_reports.py --database bilim_bench_reports --runs 30

It starts the real app (uvicorn, one worker) on the given database, mints a token for an employee of the
regional body, picks the largest school of the region (most students), the latest quarter that has its
quarter marks (else any marks), the school's largest class and its busiest teacher. It prints the floor
(the engine's cheapest report, one registry row, on the same path), then for every school report and view
the rows, p50 and p95 latency over `--runs` requests (after 3 warm-up requests). Then two comparisons with
the naive way in the same run: «Посещаемость: Школа» read from the daily aggregate vs a GROUP BY over
the raw lessons, enrolments and absences; «Успеваемость: Школа» in SQL vs loading the school's period
marks and classifying students in Python.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import get_settings  # noqa: E402
from api.db import resolve_database_url, with_database  # noqa: E402

LIMIT_MS = 200.0

RAW_ATTENDANCE_BY_DAY = """
SELECT l.date, count(DISTINCT l.id) AS lessons, count(e.id) AS student_lessons,
       (SELECT count(*) FROM absences a WHERE a.organization_id = :o AND a.date = l.date
           AND a.reason <> 'late') AS absences
  FROM lessons l
  LEFT JOIN enrolments e ON e.class_id = l.class_id AND is_member_on(e.starts_on, e.ends_on, l.date)
 WHERE l.organization_id = :o AND lesson_held(l.status) AND l.date BETWEEN :d0 AND :d1
 GROUP BY l.date ORDER BY l.date
"""

RAW_PERIOD_MARKS = """
SELECT m.class_id, m.student_person_id, m.subject_id, m.value, m.not_attested
  FROM marks m WHERE m.organization_id = :o AND m.kind IN ('quarter', 'year') AND m.period_id = :p
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


async def _context(engine: AsyncEngine) -> dict[str, Any]:
    async with engine.begin() as conn:
        root = await conn.scalar(text("SELECT id FROM organizations WHERE kind = 'regional_body' ORDER BY id LIMIT 1"))
        if root is None:
            raise SystemExit("the database has no regional body: load a region first (make bench-data)")
        user_id = await conn.scalar(
            text("SELECT id FROM users WHERE organization_id = :o AND app_role IS NOT NULL AND status = 'active'"),
            {"o": root},
        )
        if user_id is None:
            user_id = await conn.scalar(
                text(
                    "INSERT INTO users (organization_id, username, password_hash, app_role, status) "
                    "VALUES (:o, 'bench-school-reports', 'x', 'employee', 'active') RETURNING id"
                ),
                {"o": root},
            )
        version = await conn.scalar(text("SELECT token_version FROM users WHERE id = :u"), {"u": user_id})
        school = await conn.scalar(
            text(
                "SELECT e.organization_id FROM enrolments e JOIN organizations o ON o.id = e.organization_id "
                "WHERE e.ends_on IS NULL AND o.path @> ARRAY[CAST(:r AS int)] "
                "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            ),
            {"r": root},
        )
        period = (
            await conn.execute(
                text(
                    "SELECT p.id, p.starts_on, p.ends_on FROM periods p WHERE p.kind = 'quarter' AND EXISTS "
                    "(SELECT 1 FROM marks m WHERE m.organization_id = :o AND m.period_id = p.id) "
                    "ORDER BY EXISTS (SELECT 1 FROM marks m WHERE m.organization_id = :o AND m.period_id = p.id "
                    "AND m.kind = 'quarter') DESC, p.starts_on DESC LIMIT 1"
                ),
                {"o": school},
            )
        ).first()
        cls = await conn.scalar(
            text(
                "SELECT class_id FROM enrolments WHERE organization_id = :o AND ends_on IS NULL "
                "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            ),
            {"o": school},
        )
        teacher = await conn.scalar(
            text(
                "SELECT teacher_person_id FROM assignments WHERE organization_id = :o AND teacher_person_id "
                "IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            ),
            {"o": school},
        )
        sizes = {
            "students": await conn.scalar(
                text("SELECT count(*) FROM enrolments WHERE organization_id = :o AND ends_on IS NULL"), {"o": school}
            ),
            "marks in the quarter": await conn.scalar(
                text("SELECT count(*) FROM marks WHERE organization_id = :o AND date BETWEEN :a AND :b"),
                {"o": school, "a": period.starts_on, "b": period.ends_on},
            ),
            "lessons in the quarter": await conn.scalar(
                text("SELECT count(*) FROM lessons WHERE organization_id = :o AND date BETWEEN :a AND :b"),
                {"o": school, "a": period.starts_on, "b": period.ends_on},
            ),
        }
        schools = await conn.scalar(
            text("SELECT count(*) FROM organizations WHERE kind = 'school' AND path @> ARRAY[CAST(:r AS int)]"),
            {"r": root},
        )
        # Estimated marks, summed over the partitions (reltuples is -1 on the partitioned parent).
        marks = await conn.scalar(
            text(
                "SELECT sum(GREATEST(c.reltuples, 0))::bigint FROM pg_class c"
                " WHERE c.oid IN (SELECT relid FROM pg_partition_tree('marks') UNION SELECT 'marks'::regclass)"
            )
        )
    return {
        "root": root,
        "user_id": user_id,
        "version": version,
        "school": school,
        "period": period,
        "class": cls,
        "teacher": teacher,
        "sizes": sizes,
        "schools": schools,
        "marks": marks,
    }


def _token(user_id: int, version: int) -> str:
    from api.services import tokens

    return tokens.encode(get_settings(), user_id=user_id, token_version=version, kind="access", ttl_seconds=3600)


def _start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """uvicorn with the real app on the bench database, one worker."""
    cmd = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(port)]
    return subprocess.Popen([*cmd, "--log-level", "warning"], cwd=ROOT, env=env)


def _cases(ctx: dict[str, Any]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(report id, view, extra filters) for every school report and view."""
    from api.services.reports import registry

    p = ctx["period"]
    out: list[tuple[str, str | None, dict[str, Any]]] = []
    for rid, d in sorted(registry.load_all().items()):
        if not rid.startswith("school."):
            continue
        q: dict[str, Any] = {"organization_id": ctx["school"]}
        if "period_id" in d.filters and rid != "school.admin.documents":
            q["period_id"] = p.id
        if rid in ("school.performance.class_teacher", "school.attendance.class_teacher"):
            q["class_id"] = ctx["class"]
        if rid == "school.performance.subject_teacher":
            q["teacher_id"] = ctx["teacher"]
        if rid in ("school.lists.students", "school.lists.staff", "school.activity"):
            q["date"] = p.ends_on.isoformat()
        for view in [v.id for v in d.views] or [None]:
            out.append((rid, view, q))
    return out


async def _naive(engine: AsyncEngine, ctx: dict[str, Any], runs: int) -> dict[str, float]:
    """Median ms of the naive ways: raw attendance GROUP BY; period marks classified in Python."""
    p, o = ctx["period"], ctx["school"]
    att, perf = [], []
    for _ in range(runs):
        async with engine.connect() as conn:
            t0 = time.perf_counter()
            await conn.execute(text(RAW_ATTENDANCE_BY_DAY), {"o": o, "d0": p.starts_on, "d1": p.ends_on})
            att.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            rows = (await conn.execute(text(RAW_PERIOD_MARKS), {"o": o, "p": p.id})).all()
            per: dict[tuple[int, int], list[int | None]] = defaultdict(list)
            for r in rows:
                per[(r.class_id, r.student_person_id)].append(None if r.not_attested else r.value)
            by_class: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for (cid, _), values in per.items():
                c = by_class[cid]
                c["students"] += 1
                if None in values:
                    c["not_attested"] += 1
                elif min(v for v in values if v is not None) >= 5:
                    c["excellent"] += 1
            perf.append((time.perf_counter() - t0) * 1000)
    return {"attendance": statistics.median(att), "performance": statistics.median(perf)}


async def _run(args: argparse.Namespace, ctx: dict[str, Any], engine: AsyncEngine, port: int) -> None:
    headers = {"Authorization": f"Bearer {_token(ctx['user_id'], ctx['version'])}"}
    failures = []
    results: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for _ in range(300):
            try:
                if (await client.get("/api/v1/health")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        # the floor: the engine's cheapest report (one registry row) on the same path (auth, filters, JSON)
        floor_params = {"organization_id": ctx["school"]}
        for _ in range(3):
            (await client.get("/api/v1/reports/registry", params=floor_params, headers=headers)).raise_for_status()
        floor = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            (await client.get("/api/v1/reports/registry", params=floor_params, headers=headers)).raise_for_status()
            floor.append((time.perf_counter() - t0) * 1000)
        print(
            f"\nfloor: registry report for one school (1 row) p50 {statistics.median(floor):.1f} ms, "
            f"p95 {pct(floor, 0.95):.1f} ms (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
        print(f"\n{'report':<36}{'view':<10}{'rows':>6}{'p50 ms':>9}{'p95 ms':>9}")
        for rid, view, q in _cases(ctx):
            params = q | ({"view": view} if view else {})
            for _ in range(3):
                r = await client.get(f"/api/v1/reports/{rid}", params=params, headers=headers)
                r.raise_for_status()
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                r = await client.get(f"/api/v1/reports/{rid}", params=params, headers=headers)
                times.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
            body = r.json()
            p50, p95 = statistics.median(times), pct(times, 0.95)
            results[f"{rid}/{view}"] = p50
            flag = "" if p95 <= LIMIT_MS else "  > 200 ms"
            if flag:
                failures.append(f"{rid} {view or ''}")
            print(f"{rid:<36}{view or '':<10}{len(body['rows']):>6}{p50:>9.1f}{p95:>9.1f}{flag}")
    naive = await _naive(engine, ctx, args.raw_runs)
    api_att = results.get("school.attendance.school/day", 0.0)
    api_perf = results.get("school.performance.school/period", 0.0)
    print(
        f"\nnaive ways (median of {args.raw_runs}): attendance by day as a raw GROUP BY {naive['attendance']:.1f} ms "
        f"(the report through the API, aggregate: p50 {api_att:.1f} ms); period marks loaded and classified in "
        f"Python {naive['performance']:.1f} ms (the report through the API, SQL: p50 {api_perf:.1f} ms)"
    )
    print(f"\n{len(results)} report views; over {LIMIT_MS:.0f} ms p95: {', '.join(failures) if failures else 'none'}")


async def main(args: argparse.Namespace) -> None:
    url = with_database(resolve_database_url(), args.database)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        raise SystemExit(
            f"database {args.database} is not reachable ({exc.__class__.__name__}): make bench-data"
        ) from None
    ctx = await _context(engine)
    s = ctx["sizes"]
    print(
        f"database {args.database}: {ctx['schools']} schools in the region, ~{ctx['marks']:,} marks; school "
        f"{ctx['school']}: {s['students']} students, {s['marks in the quarter']:,} marks and "
        f"{s['lessons in the quarter']:,} lessons in quarter {ctx['period'].id} "
        f"({ctx['period'].starts_on} – {ctx['period'].ends_on}); class {ctx['class']}, teacher {ctx['teacher']}"
    )
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, BILIM_ENVIRONMENT="dev")
    server = _start_server(port, env)
    try:
        await _run(args, ctx, engine, port)
    finally:
        server.terminate()
        server.wait(timeout=10)
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("BENCH_DB", "bilim_bench"))
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--raw-runs", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
