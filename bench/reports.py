"""Benchmark of the management reports: p50/p95 through the HTTP API vs a straightforward GROUP BY over raw tables.

    make bench-reports                       # against the database bilim_bench (make bench-data)
    .venv/bin/python bench/reports.py --database bilim_bench_reports --runs 40

It starts the real app (uvicorn, one worker) on the given database, logs in as an employee of the
regional body (a token minted for an app user of that body), and for every management report and
view prints p50 / p95 latency over `--runs` requests, then the time of one straightforward GROUP BY
over the raw tables computing the same figures (median of `--raw-runs`), and the speed-up. Then the
freshness: a quarter mark («н/а» for a student attested in every subject) is inserted and committed
through SQL, and the report is polled until its figures change (latency from commit to visibility).
Last, the .xlsx export of 100,000 rows as the export endpoint builds it (`xlsx.build_workbook_async`:
in the export worker process, cold then warm; then the same writer in a thread): build time and the
longest stall of the event loop meanwhile.

    .venv/bin/python bench/reports.py --only export [--export-naive]   # the export alone, no database
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import time
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

# Estimated rows of a table, summed over its partitions when it has them (reltuples is -1 on a partitioned parent).
ROWS = (
    "SELECT sum(GREATEST(c.reltuples, 0))::bigint FROM pg_class c"
    " WHERE c.oid IN (SELECT relid FROM pg_partition_tree(CAST(:t AS regclass)) UNION SELECT CAST(:t AS regclass))"
)

# Straightforward SQL over the raw tables computing the same figures as the district view.
RAW_ACTIVITY = """
WITH s AS (SELECT id, district_id FROM organizations WHERE path @> ARRAY[CAST(:root AS int)] AND kind = 'school'),
m AS (
  SELECT sp.person_id AS pid, sp.organization_id AS oid, 'staff' AS role FROM staff_posts sp
   WHERE is_member_on(sp.started_on, sp.ended_on, CAST(:d AS date)) AND sp.organization_id IN (SELECT id FROM s)
  UNION SELECT e.student_person_id, e.organization_id, 'student' FROM enrolments e
   WHERE is_member_on(e.starts_on, e.ends_on, CAST(:d AS date)) AND e.organization_id IN (SELECT id FROM s)
  UNION SELECT pl.parent_person_id, e.organization_id, 'parent' FROM parent_links pl
    JOIN enrolments e ON e.student_person_id = pl.child_person_id
     AND is_member_on(e.starts_on, e.ends_on, CAST(:d AS date))
   WHERE e.organization_id IN (SELECT id FROM s)
),
people AS (
  SELECT s.district_id AS k, count(DISTINCT m.pid) AS persons,
         count(DISTINCT m.pid) FILTER (WHERE u.id IS NOT NULL) AS users,
         count(DISTINCT m.pid) FILTER (WHERE m.role = 'staff') AS staff,
         count(DISTINCT m.pid) FILTER (WHERE m.role = 'student') AS students,
         count(DISTINCT m.pid) FILTER (WHERE m.role = 'parent') AS parents
    FROM m JOIN s ON s.id = m.oid LEFT JOIN users u ON u.person_id = m.pid AND u.status = 'active'
     AND rpt_visit_day(u.registered_at) <= CAST(:d AS date)
   GROUP BY GROUPING SETS ((s.district_id), ())
),
v AS (
  SELECT s.district_id AS k,
         count(DISTINCT v.user_id) FILTER (WHERE (v.visited_at AT TIME ZONE 'Asia/Almaty')::date = CAST(:d AS date))
           AS d1,
         count(DISTINCT v.user_id) FILTER (WHERE (v.visited_at AT TIME ZONE 'Asia/Almaty')::date > CAST(:d AS date) - 7)
           AS d7,
         count(DISTINCT v.user_id) AS d30
    FROM visits v JOIN s ON s.id = v.organization_id
   WHERE (v.visited_at AT TIME ZONE 'Asia/Almaty')::date BETWEEN CAST(:d AS date) - 29 AND CAST(:d AS date)
   GROUP BY GROUPING SETS ((s.district_id), ())
)
SELECT * FROM people LEFT JOIN v USING (k)
"""

RAW_STAFF = """
WITH s AS (SELECT id, district_id FROM organizations WHERE path @> ARRAY[CAST(:root AS int)] AND kind = 'school')
SELECT s.district_id, count(DISTINCT sp.person_id) AS staff,
       count(DISTINCT sp.person_id) FILTER (WHERE sp.role_kind = 'teacher') AS teachers,
       count(DISTINCT sp.person_id) FILTER (WHERE sp.role_kind = 'deputy') AS deputies,
       count(DISTINCT sp.person_id) FILTER (WHERE sp.category = 'master') AS masters,
       count(DISTINCT sp.person_id) FILTER (WHERE sp.category = 'expert') AS experts,
       count(DISTINCT sp.person_id) FILTER (WHERE sp.category <> 'none') AS with_category
  FROM staff_posts sp JOIN s ON s.id = sp.organization_id
 WHERE is_member_on(sp.started_on, sp.ended_on, CAST(:d AS date))
 GROUP BY GROUPING SETS ((s.district_id), ())
"""

# performance.organizations: students enrolled on the period's last day × the subjects assigned to their class,
# the period mark of each (the highest; «н/а» if any); a missing mark is «не аттестован» once the period has ended.
RAW_PERFORMANCE = """
WITH s AS (SELECT id, district_id FROM organizations WHERE path @> ARRAY[CAST(:root AS int)] AND kind = 'school'),
p AS (SELECT ends_on FROM periods WHERE id = :period),
enr AS (
  SELECT e.organization_id AS o, e.student_person_id AS sid, e.class_id FROM enrolments e
    JOIN classes c ON c.id = e.class_id AND rpt_graded_grade(c.grade), p
   WHERE e.organization_id IN (SELECT id FROM s) AND is_member_on(e.starts_on, e.ends_on, p.ends_on)
),
cs AS (SELECT DISTINCT class_id, subject_id FROM assignments WHERE organization_id IN (SELECT id FROM s)),
mk AS (
  SELECT organization_id AS o, student_person_id AS sid, subject_id AS subj, max(value) AS v,
         bool_or(not_attested) AS na
    FROM marks WHERE period_id = :period AND kind IN ('quarter', 'year') AND organization_id IN (SELECT id FROM s)
   GROUP BY 1, 2, 3
),
st AS (
  SELECT enr.o, enr.sid,
         count(*) FILTER (WHERE NOT mk.na AND mk.v = 1) n1, count(*) FILTER (WHERE NOT mk.na AND mk.v = 2) n2,
         count(*) FILTER (WHERE NOT mk.na AND mk.v = 3) n3, count(*) FILTER (WHERE NOT mk.na AND mk.v = 4) n4,
         count(*) FILTER (WHERE NOT mk.na AND mk.v = 5) n5,
         bool_or(coalesce(mk.na, false) OR (mk.subj IS NULL AND CAST(:ended AS boolean))) AS na
    FROM enr JOIN cs ON cs.class_id = enr.class_id
    LEFT JOIN mk ON mk.o = enr.o AND mk.sid = enr.sid AND mk.subj = cs.subject_id
   GROUP BY 1, 2
)
SELECT s.district_id, count(*) students, count(*) FILTER (WHERE na) not_attested,
       count(*) FILTER (WHERE NOT na AND n5 > 0 AND n1 + n2 + n3 + n4 = 0) excellent,
       count(*) FILTER (WHERE NOT na AND n4 > 0 AND n1 + n2 + n3 = 0) good,
       count(*) FILTER (WHERE NOT na AND n1 + n2 > 0) failing,
       sum(n1) n1, sum(n2) n2, sum(n3) n3, sum(n4) n4, sum(n5) n5
  FROM st JOIN s ON s.id = st.o
 GROUP BY GROUPING SETS ((s.district_id), ())
"""

RAW_ATTENDANCE = """
WITH s AS (SELECT id, district_id FROM organizations WHERE path @> ARRAY[CAST(:root AS int)] AND kind = 'school'),
l AS (
  SELECT l.organization_id, count(*) AS lessons, sum((SELECT count(*) FROM enrolments e WHERE e.class_id = l.class_id
           AND is_member_on(e.starts_on, e.ends_on, l.date))) AS student_lessons
    FROM lessons l
   WHERE lesson_held(l.status) AND l.date BETWEEN CAST(:d0 AS date) AND CAST(:d1 AS date)
     AND l.organization_id IN (SELECT id FROM s)
   GROUP BY 1
),
a AS (
  SELECT organization_id, count(*) FILTER (WHERE reason = 'illness') ill, count(*) FILTER (WHERE reason = 'valid') val,
         count(*) FILTER (WHERE reason = 'unexcused') unex, count(*) FILTER (WHERE reason = 'late') late
    FROM absences WHERE date BETWEEN CAST(:d0 AS date) AND CAST(:d1 AS date) AND organization_id IN (SELECT id FROM s)
   GROUP BY 1
)
SELECT s.district_id, sum(l.lessons), sum(l.student_lessons), sum(a.ill), sum(a.val), sum(a.unex), sum(a.late)
  FROM s LEFT JOIN l ON l.organization_id = s.id LEFT JOIN a ON a.organization_id = s.id
 GROUP BY GROUPING SETS ((s.district_id), ())
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
            text(
                "SELECT id FROM users WHERE organization_id = :o AND app_role IS NOT NULL AND status = 'active' LIMIT 1"
            ),
            {"o": root},
        )
        if user_id is None:
            user_id = await conn.scalar(
                text(
                    "INSERT INTO users (organization_id, username, password_hash, app_role, status) "
                    "VALUES (:o, 'bench-reports', 'x', 'employee', 'active') RETURNING id"
                ),
                {"o": root},
            )
        version = await conn.scalar(text("SELECT token_version FROM users WHERE id = :u"), {"u": user_id})
        today = await conn.scalar(text("SELECT max(visited_at)::date FROM visits")) or dt.date.today()
        period = (
            await conn.execute(
                text(
                    "SELECT p.id, p.starts_on, p.ends_on FROM periods p WHERE EXISTS (SELECT 1 FROM "
                    "rpt_org_period_perf x WHERE x.period_id = p.id AND x.n1 + x.n2 + x.n3 + x.n4 + x.n5 > 0) "
                    "ORDER BY p.starts_on DESC LIMIT 1"
                )
            )
        ).first()
        counts = {
            t: await conn.scalar(text(ROWS), {"t": t})
            for t in ("organizations", "persons", "marks", "absences", "lessons", "visits")
        }
        schools = await conn.scalar(
            text("SELECT count(*) FROM organizations WHERE kind = 'school' AND path @> ARRAY[CAST(:r AS int)]"),
            {"r": root},
        )
    return {
        "root": root,
        "user_id": user_id,
        "version": version,
        "today": today,
        "period": period,
        "counts": counts,
        "schools": schools,
    }


def _token(user_id: int, version: int) -> str:
    from api.services import tokens

    return tokens.encode(get_settings(), user_id=user_id, token_version=version, kind="access", ttl_seconds=3600)


async def _time_raw(engine: AsyncEngine, sql: str, params: dict[str, Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        async with engine.connect() as conn:
            await conn.execute(text("SET statement_timeout = 0"))
            t0 = time.perf_counter()
            await conn.execute(text(sql), params)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def _freshness(engine: AsyncEngine, client: httpx.AsyncClient, ctx: dict[str, Any], headers: dict) -> float:
    """Insert a quarter «н/а» for a student attested in every subject, commit, poll the report until it moves."""
    period_id = ctx["period"].id
    url = f"/api/v1/reports/performance.organizations?period_id={period_id}"

    def figures(body: dict[str, Any]) -> tuple[Any, ...]:
        t = body["totals"]
        return t["not_attested"], t["failing"], t["pct_success"], t["sou"]

    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM marks WHERE external_system = 'bench'"))  # an interrupted run's mark
        row = (
            await conn.execute(
                text(
                    "SELECT e.organization_id, e.region_id, e.class_id, e.student_person_id, m.subject_id "
                    "FROM rpt_student_period sp "
                    "JOIN organizations o ON o.id = sp.organization_id AND o.path @> ARRAY[CAST(:root AS int)] "
                    "JOIN enrolments e ON e.student_person_id = sp.student_person_id "
                    " AND e.organization_id = sp.organization_id AND e.ends_on IS NULL "
                    "JOIN LATERAL (SELECT m.subject_id FROM marks m WHERE m.student_person_id = sp.student_person_id "
                    " AND m.period_id = :p AND m.kind = 'quarter' LIMIT 1) m ON true "
                    "WHERE sp.period_id = :p AND sp.n_na = 0 AND sp.n_missing = 0 "
                    "AND sp.n1 + sp.n2 + sp.n3 + sp.n4 + sp.n5 > 0 LIMIT 1"
                ),
                {"root": ctx["root"], "p": period_id},
            )
        ).first()
    assert row is not None, "no student attested in every subject of the period"
    before = figures((await client.get(url, headers=headers)).json())
    t0 = time.perf_counter()
    async with engine.begin() as conn:
        mark_id = await conn.scalar(
            text(
                "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, period_id, "
                "kind, value, not_attested, date, external_system, external_id) VALUES (:o, :r, :c, :s, :st, :p, "
                "'quarter', NULL, true, :d, 'bench', :x) RETURNING id"
            ),
            {
                "o": row[0],
                "r": row[1],
                "c": row[2],
                "s": row[4],
                "st": row[3],
                "p": period_id,
                "d": ctx["period"].ends_on,
                "x": f"bench-{time.time_ns()}",
            },
        )
    committed = time.perf_counter() - t0
    try:
        while True:
            now = figures((await client.get(url, headers=headers)).json())
            if now != before:
                break
            if time.perf_counter() - t0 > 30:
                raise SystemExit("the new mark did not show up within 30 s")
        visible = time.perf_counter() - t0
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM marks WHERE id = :i"), {"i": mark_id})
    print(
        f"freshness: insert+commit of a quarter mark «н/а» (triggers included) {committed * 1000:.1f} ms; "
        f"visible in performance.organizations {visible * 1000:.1f} ms after the insert began"
    )
    return visible


def _naive_workbook(rep: Any) -> bytes:
    """The straightforward way, for comparison: every cell through xlsxwriter's write_number / write_string."""
    import io

    import xlsxwriter

    from api.services.reports.xlsx import sheet_spec
    from api.services.reports.xlsx_writer import report_rows

    spec = sheet_spec(rep)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(spec.sheet_name)
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True, "bg_color": "#E8EEF4"})
    plain = wb.add_format({"border": 1, "valign": "top"})
    dec = wb.add_format({"border": 1, "valign": "top", "num_format": "0.00"})
    ws.write_string(0, 0, spec.title)
    r = 2 + len(spec.captions)
    starts = {(fr, fc): title for fr, fc, _, _, title in spec.header}
    for hr in range(spec.depth):
        for c in range(len(spec.kinds)):
            ws.write_string(r + hr, c, starts.get((hr, c), ""), head)
    r += spec.depth
    formats = [dec if kind == "decimal" else plain for kind in spec.kinds]
    for _, values in report_rows(rep.result.rows, spec.ids, rep.result.totals):
        for c, v in enumerate(values):
            if type(v) is int or type(v) is float:
                ws.write_number(r, c, v, formats[c])
            else:
                ws.write_string(r, c, spec.no_data if v is None else str(v), plain)
        r += 1
    wb.close()
    return out.getvalue()


def _export_report(n_rows: int) -> Any:
    """A report run of n_rows rows with the activity header tree (3 header rows, 14 leaf columns)."""
    from api.services.reports.engine import AppliedFilters, RenderedReport, ReportContext, ReportResult
    from api.services.reports.management.activity import ACTIVITY
    from api.services.scope import Principal

    principal = Principal(1, None, 1, "employee", "bench")
    ctx = ReportContext(None, principal, ACTIVITY, "ru", "all", AppliedFilters())  # type: ignore[arg-type]
    keys = (
        "persons",
        "registered",
        "staff_total",
        "staff_users",
        "students_total",
        "student_users",
        "parents_total",
        "parent_users",
        "visits_day",
        "visits_week",
        "visits_month",
    )
    rows = [
        {
            "no": i + 1,
            "name": f'=HYPERLINK("http://x/{i}")' if i % 1000 == 0 else f"Школа № {i}",
            **{k: (i * 7 + j) % 997 for j, k in enumerate(keys)},
            "pct": None if i % 10 == 0 else i % 100,
        }
        for i in range(n_rows)
    ]
    return RenderedReport(
        ACTIVITY,
        ctx,
        ACTIVITY.column_tree(ctx),
        ReportResult(rows=rows, count=len(rows), totals={"name": "Всего"}, data_as_of=dt.datetime.now(dt.UTC)),
    )


def _export_bench(n_rows: int, naive: bool) -> None:
    """Build an n_rows-row workbook as the export endpoint does; measure the event loop while it is built."""
    from api.services.reports.xlsx import build_workbook_async, shutdown_export_pool

    rep = _export_report(n_rows)
    cols = len(rep.leaves)

    async def ticks(work: Any) -> tuple[Any, float, list[float]]:
        """Run `work` while a 10 ms ticker measures how late the event loop wakes it."""
        stalls: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            while not done.is_set():
                t = time.perf_counter()
                await asyncio.sleep(0.01)
                stalls.append(time.perf_counter() - t - 0.01)

        tick = asyncio.create_task(ticker())
        t0 = time.perf_counter()
        data = await work()
        elapsed = time.perf_counter() - t0
        done.set()
        await tick
        return data, elapsed, stalls or [0.0]

    def stall_text(stalls: list[float]) -> str:
        return (
            f"longest event-loop stall {max(stalls) * 1000:.0f} ms, 99th percentile {pct(stalls, 0.99) * 1000:.0f} ms"
        )

    async def measure(label: str, build: Any) -> None:
        data, elapsed, stalls = await ticks(build)
        print(
            f"export {label}: {n_rows:,} rows × {cols} columns → {len(data) / 1e6:.1f} MB .xlsx in {elapsed:.2f} s "
            f"({n_rows / elapsed:,.0f} rows/s); {stall_text(stalls)}"
        )

    async def run() -> None:
        _, _, idle = await ticks(lambda: asyncio.sleep(3))
        print(f"export: the event loop doing nothing for 3 s (this machine's scheduling noise): {stall_text(idle)}")
        try:
            await measure("(worker process, cold: starts it)", lambda: build_workbook_async(rep))
            await measure("(worker process, warm)", lambda: build_workbook_async(rep))
        finally:
            shutdown_export_pool()
        await measure("(same writer in a thread)", lambda: build_workbook_async(rep, process_min_cells=10**12))
        if naive:
            await measure(
                "(naive: write_number/write_string per cell, thread)", lambda: asyncio.to_thread(_naive_workbook, rep)
            )

    asyncio.run(run())


def _calibrate() -> None:
    t0 = time.perf_counter()
    acc = 0
    for i in range(5_000_000):
        acc += i
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
        f"a 5,000,000-step Python loop takes {time.perf_counter() - t0:.2f} s (about 0.25 s on an idle core)"
    )


async def main(args: argparse.Namespace) -> None:
    base_url = resolve_database_url()
    url = with_database(base_url, args.database)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        msg = f"database {args.database} is not reachable ({exc.__class__.__name__}): run make bench-data"
        raise SystemExit(msg) from None
    _calibrate()
    ctx = await _context(engine)
    c = ctx["counts"]
    print(
        f"database {args.database}: {ctx['schools']} schools in the region, ~{c['persons']:,} persons, "
        f"~{c['marks']:,} marks, ~{c['absences']:,} absences, ~{c['lessons']:,} lessons, ~{c['visits']:,} visits"
    )
    past = args.past_date or _first_october(ctx["today"])
    try:
        # Today, then a past report date: the app started with «today» fixed there (BILIM_TODAY), so every report
        # counts on that day, the ones without a date filter (staff.composition, registry) included.
        for label, day, fixed in (("today", ctx["today"], None), ("past report date", past, past)):
            port = _free_port()
            env = dict(os.environ, DATABASE_URL=url, BILIM_ENVIRONMENT="dev")
            if fixed is not None:
                env["BILIM_TODAY"] = fixed.isoformat()
            server = _start_server(port, env)
            try:
                print(f"\n== {label}: {day} ==")
                await _run(args, ctx, engine, port, day)
            finally:
                server.terminate()
                server.wait(timeout=10)
        if args.write_sample:
            await _write_cost(engine, args.write_sample, c["marks"])
    finally:
        await engine.dispose()


async def _write_cost(engine: AsyncEngine, sample: int, marks: int) -> None:
    """What one more mark costs at this size: `sample` marks inserted one statement each with every aggregate
    trigger on, in a transaction rolled back (the same as `python -m api demo --compare-naive`)."""
    from api.demo.loader import naive_insert_rate

    async with engine.connect() as conn:
        rate = await naive_insert_rate(conn, sample)
        await conn.rollback()
    print(
        f"write cost per mark at ~{marks:,} marks: {1e6 / rate:,.0f} µs ({rate:,.0f} marks/s, {sample:,} marks one"
        " INSERT each with every aggregate trigger on, rolled back)"
    )


def _first_october(today: dt.date) -> dt.date:
    """1 October of the school year `today` lies in (the previous one's before then)."""
    oct1 = dt.date(today.year, 10, 1)
    return oct1 if oct1 < today else dt.date(today.year - 1, 10, 1)


def _start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """uvicorn with the real app on the bench database, one worker."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


async def _run(args: argparse.Namespace, ctx: dict[str, Any], engine: AsyncEngine, port: int, day: dt.date) -> None:
    """Latency of every management report and view on `day` (the app's «today»), the raw GROUP BY, freshness."""
    headers = {"Authorization": f"Bearer {_token(ctx['user_id'], ctx['version'])}"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for _ in range(300):
            try:
                if (await client.get("/api/v1/health")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        today = day == ctx["today"]
        period = ctx["period"]
        d1 = day
        d0 = day - dt.timedelta(days=29)
        cases = [
            ("registry", "", None, None),
            # a past report date reads the same aggregate (the counts on D = the changes up to D)
            ("activity", f"date={day}", RAW_ACTIVITY, {"root": ctx["root"], "d": day}),
            ("staff.composition", "", RAW_STAFF, {"root": ctx["root"], "d": day}),
            (
                "performance.organizations",
                f"period_id={period.id}",
                RAW_PERFORMANCE,
                {"root": ctx["root"], "period": period.id, "ended": period.ends_on < dt.date.today()},
            ),
            (
                "attendance.organizations",
                f"date_from={d0}&date_to={d1}",
                RAW_ATTENDANCE,
                {"root": ctx["root"], "d0": d0, "d1": d1},
            ),
        ]
        print(f"\n{'report':<28}{'view':<11}{'rows':>5}{'p50 ms':>9}{'p95 ms':>9}{'raw ms':>10}{'× faster':>10}")
        for report_id, query, raw_sql, params in cases:
            raw_ms = None
            if raw_sql is not None:
                raw_ms = await _time_raw(engine, raw_sql, params or {}, args.raw_runs) * 1000
            views = ("districts", "all") if report_id != "registry" else ("all", "by_type")
            for view in views:
                u = f"/api/v1/reports/{report_id}?view={view}&{query}"
                for _ in range(3):
                    r = await client.get(u, headers=headers)
                    r.raise_for_status()
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    r = await client.get(u, headers=headers)
                    times.append((time.perf_counter() - t0) * 1000)
                    r.raise_for_status()
                p50, p95 = statistics.median(times), pct(times, 0.95)
                nrows = len(r.json()["rows"])
                raw_txt = f"{raw_ms:>10.0f}" if raw_ms is not None and view == "districts" else f"{'':>10}"
                speed = f"{raw_ms / p95:>9.0f}×" if raw_ms is not None and view == "districts" else f"{'':>10}"
                label = f"{report_id} {query[5:]}" if query.startswith("date=") else report_id
                print(f"{label:<28}{view:<11}{nrows:>5}{p50:>9.1f}{p95:>9.1f}{raw_txt}{speed}")
        print(
            "(raw = one straightforward GROUP BY over the raw tables for the district view, median of "
            f"{args.raw_runs}; × = raw / API p95)\n"
        )
        if today and not args.no_freshness:
            await _freshness(engine, client, ctx, headers)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="bilim_bench")
    parser.add_argument("--runs", type=int, default=40, help="requests per report and view")
    parser.add_argument("--raw-runs", type=int, default=3, help="runs of each raw GROUP BY")
    parser.add_argument(
        "--only", choices=("reports", "export"), help="run only the report latencies (needs the database) or the export"
    )
    parser.add_argument(
        "--past-date", type=dt.date.fromisoformat, help="the past report date (default: 1 October of the school year)"
    )
    parser.add_argument(
        "--no-freshness", action="store_true", help="skip the freshness probe (it writes a mark): read-only run"
    )
    parser.add_argument(
        "--write-sample", type=int, default=0, help="also time this many single-mark INSERTs (rolled back): write cost"
    )
    parser.add_argument("--export-rows", type=int, default=100_000, help="rows of the exported workbook")
    parser.add_argument(
        "--export-naive", action="store_true", help="also build it the straightforward way (slow) for comparison"
    )
    args = parser.parse_args()
    if args.only != "export":
        asyncio.run(main(args))
    else:
        _calibrate()
    if args.only != "reports":
        _export_bench(args.export_rows, args.export_naive)
