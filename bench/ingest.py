"""Ingest benchmark: marks pushed in batches through the integration HTTP API, against a naive per-row INSERT.

    python bench/ingest.py [--runs 1x16:8000,10x16:60000,10000x2:200000] [--workers 2] [--profile FILE]

Creates a fresh database on the embedded server (or on DATABASE_URL's server), migrates it, writes a small
school world with external ids and an API token, starts the app with uvicorn on 127.0.0.1 (a free port),
pushes the marks as pre-encoded JSON batches in each run's shape (one mark per request with 16 in flight, as a
school system that sends each mark when the teacher saves it; ten; batches of 10,000), prints marks/s, p50/p95
per request, CPU per request split app/database and WAL bytes per mark against the targets; re-sends one batch
to show it is a no-op; with --profile, runs one app process under cProfile and prints where its CPU goes; and,
in the same run, inserts marks the naive way (one INSERT per mark and per journal row, ids already resolved, no
HTTP) in a transaction that is rolled back. Drops the database at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import Settings  # noqa: E402
from api.db import ensure_database, resolve_database_url, run_migrations, with_database  # noqa: E402
from api.services.integration.tokens import KINDS, hash_token, new_token  # noqa: E402

SYSTEM = "bench"
GRADES = [(g, letter) for g in range(1, 12) for letter in ("А", "Б")]  # 22 classes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _libpq(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def build_world(dsn: str, students_per_class: int, subjects: int, lessons_per_assignment: int) -> dict:
    """A school with classes, students, subjects, assignments, lessons and enrolments; and a token."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            region = await conn.fetchval(
                "INSERT INTO regions (name_ru, name_kk, kind) VALUES ('Бенч', 'Бенч', 'oblast') RETURNING id"
            )
            district = await conn.fetchval(
                "INSERT INTO districts (region_id, name_ru, name_kk, kind) VALUES ($1, 'Район', 'Аудан', 'district')"
                " RETURNING id",
                region,
            )
            otype = await conn.fetchval(
                "INSERT INTO organization_types (code, name_ru, name_kk, name_en, sort_order)"
                " VALUES ('bench-school', 'Школа', 'Мектеп', 'School', 0) RETURNING id"
            )
            ministry = await conn.fetchval(
                "INSERT INTO organizations (kind, name_ru) VALUES ('ministry', 'Министерство') RETURNING id"
            )
            rb = await conn.fetchval(
                "INSERT INTO organizations (kind, parent_id, region_id, name_ru) VALUES ('regional_body', $1, $2,"
                " 'Управление') RETURNING id",
                ministry,
                region,
            )
            body = await conn.fetchval(
                "INSERT INTO organizations (kind, parent_id, region_id, district_id, name_ru) VALUES"
                " ('district_body', $1, $2, $3, 'Отдел') RETURNING id",
                rb,
                region,
                district,
            )
            school = await conn.fetchval(
                "INSERT INTO organizations (kind, parent_id, region_id, district_id, type_id, name_ru,"
                " external_system, external_id) VALUES ('school', $1, $2, $3, $4, 'Школа №1', $5, 'sch-1')"
                " RETURNING id",
                body,
                region,
                district,
                otype,
                SYSTEM,
            )
            year = await conn.fetchval(
                "INSERT INTO academic_years (name, starts_on, ends_on) VALUES ($1, '2026-09-01', '2027-05-31')"
                " RETURNING id",
                f"bench-{uuid.uuid4().hex[:6]}",
            )
            for num, (s, e) in enumerate(
                [
                    ("2026-09-01", "2026-10-26"),
                    ("2026-11-03", "2026-12-28"),
                    ("2027-01-08", "2027-03-18"),
                    ("2027-03-30", "2027-05-25"),
                ],
                start=1,
            ):
                await conn.execute(
                    "INSERT INTO periods (academic_year_id, kind, number, name_ru, name_kk, name_en, starts_on,"
                    " ends_on) VALUES ($1, 'quarter', $2, $3, $3, $3, $4, $5)",
                    year,
                    num,
                    f"{num} четверть",
                    dt.date.fromisoformat(s),
                    dt.date.fromisoformat(e),
                )
            teacher = await conn.fetchval(
                "INSERT INTO persons (surname, first_name, external_system, external_id) VALUES ('Учитель', 'Анна',"
                " $1, 't-1') RETURNING id",
                SYSTEM,
            )
            for k in range(subjects):
                await conn.execute(
                    "INSERT INTO subjects (name_ru, name_kk, external_system, external_id) VALUES ($1, $1, $2, $3)",
                    f"Предмет {k}",
                    SYSTEM,
                    f"subj-{k}",
                )
            subject_ids = {
                r["external_id"]: r["id"]
                for r in await conn.fetch("SELECT external_id, id FROM subjects WHERE external_system = $1", SYSTEM)
            }
            school_days = [
                d
                for d in (dt.date(2026, 9, 1) + dt.timedelta(days=i) for i in range(150))
                if d.weekday() < 5 and not dt.date(2026, 10, 27) <= d <= dt.date(2026, 11, 2)
            ]
            classes: list[dict] = []
            for c, (grade, letter) in enumerate(GRADES):
                cid = await conn.fetchval(
                    "INSERT INTO classes (organization_id, region_id, academic_year_id, grade, letter, external_system,"
                    " external_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    school,
                    region,
                    year,
                    grade,
                    letter,
                    SYSTEM,
                    f"c-{c}",
                )
                students = []
                for s_no in range(students_per_class):
                    ext = f"s-{c}-{s_no}"
                    pid = await conn.fetchval(
                        "INSERT INTO persons (surname, first_name, external_system, external_id, region_id)"
                        " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        f"Ученик{c}",
                        f"Имя{s_no}",
                        SYSTEM,
                        ext,
                        region,
                    )
                    await conn.execute(
                        "INSERT INTO enrolments (organization_id, region_id, class_id, student_person_id, starts_on)"
                        " VALUES ($1, $2, $3, $4, '2026-09-01')",
                        school,
                        region,
                        cid,
                        pid,
                    )
                    students.append(ext)
                lessons: dict[int, list[str]] = {}
                for k in range(subjects):
                    aid = await conn.fetchval(
                        "INSERT INTO assignments (organization_id, region_id, class_id, subject_id, teacher_person_id,"
                        " external_system, external_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        school,
                        region,
                        cid,
                        subject_ids[f"subj-{k}"],
                        teacher,
                        SYSTEM,
                        f"a-{c}-{k}",
                    )
                    exts = [f"l-{c}-{k}-{j}" for j in range(lessons_per_assignment)]
                    await conn.execute(
                        "INSERT INTO lessons (organization_id, region_id, class_id, assignment_id, subject_id,"
                        " teacher_person_id, date, number, status, external_system, external_id)"
                        " SELECT $1, $2, $3, $4, $5, $6, d, n, 'held', $7, e"
                        " FROM unnest($8::date[], $9::int[], $10::text[]) AS u(d, n, e)",
                        school,
                        region,
                        cid,
                        aid,
                        subject_ids[f"subj-{k}"],
                        teacher,
                        SYSTEM,
                        [school_days[(j * subjects + k) % len(school_days)] for j in range(lessons_per_assignment)],
                        [1 + (k % 7) for _ in range(lessons_per_assignment)],
                        exts,
                    )
                    lessons[k] = exts
                classes.append({"ext": f"c-{c}", "students": students, "lessons": lessons})
            token = new_token()
            await conn.execute(
                "INSERT INTO api_tokens (name, token_hash, token_prefix, organization_id, external_system, kinds)"
                " VALUES ('bench', $1, $2, $3, $4, $5)",
                hash_token(token),
                token[:10],
                body,
                SYSTEM,
                list(KINDS),
            )
            ids = {
                "school": school,
                "region": region,
                "subjects": subject_ids,
                "students": {
                    r["external_id"]: r["id"]
                    for r in await conn.fetch("SELECT external_id, id FROM persons WHERE external_system = $1", SYSTEM)
                },
                "classes": {
                    r["external_id"]: r["id"]
                    for r in await conn.fetch("SELECT external_id, id FROM classes WHERE external_system = $1", SYSTEM)
                },
                "lessons": {
                    r["external_id"]: (r["id"], r["date"])
                    for r in await conn.fetch(
                        "SELECT external_id, id, date FROM lessons WHERE external_system = $1", SYSTEM
                    )
                },
            }
        return {"token": token, "classes": classes, "subjects": subjects, "ids": ids}
    finally:
        await conn.close()


def make_marks(world: dict, n: int, prefix: str = "m") -> list[dict]:
    """n current marks spread over classes, students, subjects and lessons."""
    classes = world["classes"]
    subjects = world["subjects"]
    out = []
    for i in range(n):
        c = classes[i % len(classes)]
        k = (i // len(classes)) % subjects
        student = c["students"][(i // (len(classes) * subjects)) % len(c["students"])]
        lessons = c["lessons"][k]
        lesson = lessons[(i // 7) % len(lessons)]
        out.append(
            {
                "external_id": f"{prefix}-{i}",
                "student_external_id": student,
                "class_external_id": c["ext"],
                "subject_external_id": f"subj-{k}",
                "lesson_external_id": lesson,
                "kind": "current",
                "value": 1 + (i * 7919) % 5,
            }
        )
    return out


async def push(base: str, token: str, bodies: list[bytes], concurrency: int) -> tuple[float, list[float], list[dict]]:
    """POST every body, `concurrency` at a time; returns wall time, per-batch latencies and the answers."""
    latencies: list[float] = []
    answers: list[dict] = []
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    headers = {"X-API-Token": token, "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:

        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                t0 = time.perf_counter()
                resp = await client.post("/api/v1/integration/marks", content=body, headers=headers)
                latencies.append(time.perf_counter() - t0)
                if resp.status_code != 200:
                    raise SystemExit(f"batch refused: {resp.status_code} {resp.text[:500]}")
                answers.append(resp.json())

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - t0, latencies, answers


async def naive(dsn: str, world: dict, marks: list[dict]) -> float:
    """One INSERT per mark and one per journal row (ids resolved in advance), rolled back: rows/s."""
    ids = world["ids"]
    conn = await asyncpg.connect(dsn)
    try:
        tr = conn.transaction()
        await tr.start()
        t0 = time.perf_counter()
        for m in marks:
            lesson_id, day = ids["lessons"][m["lesson_external_id"]]
            row = (
                ids["school"],
                ids["region"],
                ids["classes"][m["class_external_id"]],
                ids["subjects"][m["subject_external_id"]],
                ids["students"][m["student_external_id"]],
                lesson_id,
                m["value"],
                day,
                SYSTEM,
                m["external_id"],
            )
            mark_id = await conn.fetchval(
                "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, lesson_id,"
                " kind, value, date, external_system, external_id) VALUES ($1, $2, $3, $4, $5, $6, 'current', $7, $8,"
                " $9, $10) RETURNING id",
                *row,
            )
            await conn.execute(
                "INSERT INTO journal_changes (organization_id, region_id, mark_id, class_id, subject_id,"
                " student_person_id, lesson_date, mark_kind, action, new_value, changed_by)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, 'current', 'created', $8, $9)",
                row[0],
                row[1],
                mark_id,
                row[2],
                row[3],
                row[4],
                day,
                str(m["value"]),
                SYSTEM,
            )
        elapsed = time.perf_counter() - t0
        await tr.rollback()
        return len(marks) / elapsed
    finally:
        await conn.close()


# One app process under cProfile (CPU time, not wall time): the profile is written when uvicorn stops on SIGTERM.
_PROFILED = """
import cProfile, signal, sys, time, uvicorn
signal.signal(signal.SIGTERM, lambda *_: None)  # uvicorn re-raises the signal it stopped on: still dump
config = uvicorn.Config("api.main:create_app", factory=True, host="127.0.0.1", port=int(sys.argv[1]),
                        log_level="warning", access_log=False)
profile = cProfile.Profile(time.process_time)
profile.enable()
uvicorn.Server(config).run()
profile.disable()
profile.dump_stats(sys.argv[2])
"""


def start_app(url: str, port: int, workers: int, profile: Path | None = None) -> subprocess.Popen[bytes]:
    """uvicorn serving the app on 127.0.0.1:port against the benchmark database (one profiled process if asked)."""
    env = {**os.environ, "DATABASE_URL": url, "BILIM_ENVIRONMENT": "dev", "PYTHONPATH": str(ROOT)}
    if profile is not None:
        return subprocess.Popen([sys.executable, "-c", _PROFILED, str(port), str(profile)], cwd=ROOT, env=env)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )


def _proc_cpu(pid: int) -> float:
    """utime + stime of a process in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [pid], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


async def cpu_seconds(dsn: str, database: str, app_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the app's processes and of the server backends connected to the database."""
    conn = await asyncpg.connect(dsn)
    try:
        backends = [
            r[0]
            for r in await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", database
            )
        ]
    finally:
        await conn.close()
    return {
        "app": {p: _proc_cpu(p) for p in _descendants(app_pid)},
        "db": {p: _proc_cpu(p) for p in backends},
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# marks/s asked of each request size (issue #18): one mark per request, ten, and the bulk batches.
TARGETS = {1: 1_000, 10: 8_000, 10_000: 33_000}
DEFAULT_RUNS = "1x16:8000,10x16:60000,10000x2:200000"


@dataclass
class Run:
    """marks per request × requests in flight : marks in the run."""

    batch: int
    concurrency: int
    marks: int

    @property
    def label(self) -> str:
        return f"{self.batch:,}/request × {self.concurrency} in flight"


def parse_runs(text: str) -> list[Run]:
    """'1x16:8000,10x16:60000' → runs; raises ValueError on a malformed or out-of-range entry."""
    runs = []
    for part in text.split(","):
        shape, _, total = part.strip().partition(":")
        batch, _, concurrency = shape.partition("x")
        run = Run(int(batch), int(concurrency or 1), int(total or 0) or int(batch) * 100)
        if not 1 <= run.batch <= 10_000 or not 1 <= run.concurrency <= 64 or not 1 <= run.marks <= 2_000_000:
            raise ValueError(f"{part!r}: marks per request 1–10,000, in flight 1–64, marks 1–2,000,000")
        runs.append(run)
    return runs


async def _healthy(base: str, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(base_url=base, timeout=5) as probe:
        while True:
            try:
                if (await probe.get("/api/v1/health")).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                return False
            await asyncio.sleep(0.3)


async def _wal_lsn(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        return str(await conn.fetchval("SELECT pg_current_wal_lsn()::text"))
    finally:
        await conn.close()


async def _wal_bytes(dsn: str, since: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::text::pg_lsn)", since))
    finally:
        await conn.close()


def _spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]], side: str) -> float:
    return sum(after[side].values()) - sum(before[side].get(p, 0.0) for p in after[side])


async def measure(base: str, dsn: str, database: str, app_pid: int, world: dict, run: Run, prefix: str) -> dict:
    """Push one run's marks; print and return marks/s, latency, CPU per request (app/database) and WAL per mark."""
    marks = make_marks(world, run.marks, prefix=prefix)
    bodies = [json.dumps({"items": marks[i : i + run.batch]}).encode() for i in range(0, len(marks), run.batch)]
    cpu_before = await cpu_seconds(dsn, database, app_pid)
    lsn = await _wal_lsn(dsn)
    elapsed, latencies, answers = await push(base, world["token"], bodies, run.concurrency)
    wal = await _wal_bytes(dsn, lsn)
    cpu_after = await cpu_seconds(dsn, database, app_pid)
    app, db = _spent(cpu_before, cpu_after, "app"), _spent(cpu_before, cpu_after, "db")
    rate, requests = len(marks) / elapsed, len(bodies)
    target = TARGETS.get(run.batch)
    verdict = f"target {target:,}/s {'met' if rate >= target else 'NOT met'} ({rate / target:.0%})" if target else ""
    print(
        f"{run.label}: {len(marks):,} marks in {requests:,} requests, {elapsed:.1f} s → {rate:,.0f} marks/s"
        f" ({requests / elapsed:,.0f} requests/s); per request p50 {_pct(latencies, 0.5) * 1000:.1f} ms,"
        f" p95 {_pct(latencies, 0.95) * 1000:.1f} ms\n"
        f"    CPU per request: app {app / requests * 1000:.2f} ms + database {db / requests * 1000:.2f} ms"
        f" (per mark {app / len(marks) * 1e6:,.0f} + {db / len(marks) * 1e6:,.0f} µs); WAL {wal / len(marks):,.0f} B"
        f" per mark; created {sum(a['created'] for a in answers):,}; {verdict}",
        flush=True,
    )
    return {"run": run, "rate": rate, "bodies": bodies, "prefix": prefix, "app": app, "db": db}


def _area(filename: str) -> str:
    """Which part of the stack a profiled function belongs to."""
    if filename == "~":
        return "C builtins"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if filename.startswith(str(ROOT / "api" / "services" / "integration")):
        return "api: integration"
    if filename.startswith(str(ROOT / "api")):
        return "api: rest"
    return "stdlib"


def print_profile(path: Path, requests: int) -> None:
    """CPU of the profiled app by part of the stack, and the functions that take most of it themselves."""
    import pstats

    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    by_area: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.items():
        by_area[_area(filename)] = by_area.get(_area(filename), 0.0) + own
    total = sum(by_area.values()) or 1.0
    print(f"profile of one app process ({path}): {total / requests * 1000:.2f} ms of CPU per request (profiled)")
    for area, own in sorted(by_area.items(), key=lambda kv: -kv[1]):
        if own / total >= 0.01:
            print(f"    {area:<18} {own / total:6.1%}  {own / requests * 1000:6.2f} ms/request")
    print("  functions with most own CPU:")
    top = sorted(stats.items(), key=lambda kv: -kv[1][2])[:12]
    for (filename, line, name), (_cc, calls, own, _cum, _callers) in top:
        where = f"{Path(filename).name}:{line}" if filename != "~" else ""
        print(f"    {own / total:6.1%}  {calls / requests:5.1f} calls/request  {name} {where} [{_area(filename)}]")


async def profile_small(args: argparse.Namespace, url: str, world: dict) -> None:
    """One app process under cProfile for `--profile-marks` one-mark requests, 16 in flight; prints the profile."""
    port = _free_port()
    proc = start_app(url, port, 1, profile=args.profile)
    try:
        if not await _healthy(f"http://127.0.0.1:{port}", proc):
            print("the profiled app did not start", file=sys.stderr)
            return
        base = f"http://127.0.0.1:{port}"
        warm = make_marks(world, 200, prefix="pwarm")
        await push(base, world["token"], [json.dumps({"items": [m]}).encode() for m in warm], 16)
        marks = make_marks(world, args.profile_marks, prefix="prof")
        await push(base, world["token"], [json.dumps({"items": [m]}).encode() for m in marks], 16)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print_profile(args.profile, len(warm) + len(marks))


async def main_async(args: argparse.Namespace) -> int:
    server = resolve_database_url(Settings())
    name = f"bilim_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = with_database(server, name)
    load1, load5, _ = os.getloadavg()
    print(
        f"database {name}: creating and migrating … (machine: {os.cpu_count()} CPUs,"
        f" load average {load1:.1f} / {load5:.1f} before the run)",
        flush=True,
    )
    await ensure_database(url)
    await asyncio.to_thread(run_migrations, url)
    dsn = _libpq(url)
    proc: subprocess.Popen[bytes] | None = None
    try:
        t0 = time.perf_counter()
        world = await build_world(dsn, args.students, args.subjects, args.lessons)
        print(
            f"world: {len(world['classes'])} classes × {args.students} students, {args.subjects} subjects,"
            f" {args.lessons} lessons per class and subject ({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        port = _free_port()
        proc = start_app(url, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        if not await _healthy(base, proc):
            print("the app did not start", file=sys.stderr)
            return 1
        # Warm-up (prepared statements, imports) in every worker: small and large requests, not counted.
        warm = make_marks(world, 1_000, prefix="warm")
        await push(
            base, world["token"], [json.dumps({"items": warm[i : i + 10]}).encode() for i in range(0, 500, 10)], 8
        )
        await push(base, world["token"], [json.dumps({"items": warm[500:]}).encode()], 1)
        print(
            f"{args.workers} uvicorn worker(s); CPU per request is summed over the app's processes and the"
            " database backends serving it",
            flush=True,
        )
        results = [await measure(base, dsn, name, proc.pid, world, run, f"r{i}") for i, run in enumerate(args.runs)]
        biggest = max(results, key=lambda r: r["run"].batch)
        again_elapsed, _, again = await push(base, world["token"], biggest["bodies"][:1], 1)
        resent = min(biggest["run"].batch, biggest["run"].marks)
        print(
            f"same batch again ({resent:,} marks): {again[0]} in {again_elapsed * 1000:.0f} ms"
            f" ({resent / again_elapsed:,.0f} marks/s checked, nothing written)",
            flush=True,
        )
        proc.terminate()
        proc.wait(timeout=30)
        proc = None
        naive_marks = make_marks(world, args.naive, prefix="naive")
        naive_rate = await naive(dsn, world, naive_marks)
        print(
            f"naive per-row INSERT (mark + journal row, ids known, no HTTP, {args.naive:,} marks): "
            f"{naive_rate:,.0f} marks/s → bulk HTTP ({biggest['run'].label}) is {biggest['rate'] / naive_rate:.1f}×"
            " faster",
            flush=True,
        )
        conn = await asyncpg.connect(dsn)
        try:
            counts = {
                r["prefix"]: await conn.fetchval(
                    "SELECT count(*) FROM marks WHERE external_id LIKE $1", r["prefix"] + "-%"
                )
                for r in results
            }
        finally:
            await conn.close()
        ok = all(counts[r["prefix"]] == r["run"].marks for r in results) and again[0]["unchanged"] == resent
        print(f"check: every run's marks are in the database once ({'yes' if ok else 'NO'}: {counts})")
        if args.profile:
            await profile_small(args, url, world)
        return 0 if ok else 1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        admin = await asyncpg.connect(_libpq(with_database(server, "postgres")))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def main() -> int:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--runs",
        default=DEFAULT_RUNS,
        help=f"runs as MARKS_PER_REQUEST x IN_FLIGHT : MARKS, comma-separated (default {DEFAULT_RUNS})",
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--students", type=int, default=25, help="students per class")
    parser.add_argument("--subjects", type=int, default=8, help="subjects (each taught in every class)")
    parser.add_argument("--lessons", type=int, default=30, help="lessons per class and subject")
    parser.add_argument("--naive", type=int, default=3_000, help="marks for the naive per-row comparison")
    parser.add_argument(
        "--profile",
        type=Path,
        help="after the runs, profile one app process (cProfile, CPU time) under one-mark requests and print"
        " where its time goes; the stats are written to this file (open with python -m pstats)",
    )
    parser.add_argument("--profile-marks", type=int, default=2_000, help="one-mark requests under the profiler")
    args = parser.parse_args()
    try:
        args.runs = parse_runs(args.runs)
    except ValueError as exc:
        parser.error(f"--runs: {exc}")
    if not 1 <= args.workers <= 8:
        parser.error("--workers must be between 1 and 8")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
