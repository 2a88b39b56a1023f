"""Load test: 100 concurrent users log in, open reports and export them for 60 seconds (not a timed test).

Run against a server on this machine, with the demo data loaded:

    make run                      # in one terminal (or: .venv/bin/python -m api serve)
    make bench-load               # in another; or: .venv/bin/python bench/load.py --users 100 --duration 60

Prints throughput, p50/p95/p99 and the error count per kind of request, next to a single-user baseline
measured in the same run (the same requests one at a time), and checks the targets: zero errors and
p95 ≤ 300 ms for report pages. Users pause between clicks (--think, mean 2 s, exponential; 0 makes it a
closed-loop stress test). The number of requests is bounded (--max-requests); only loopback
addresses are accepted so that it can never be pointed at someone else's server.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

DEMO_USERS = ("ministry", "region", "district.city", "district.rural", "admin")
DEMO_PASSWORD = "demo12345"
REPORT_TARGET_P95_MS = 300.0


@dataclass
class Stats:
    """Latencies (ms) and errors per kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    requests: int = 0
    # 429s of the per-user report/export limits: the virtual users share five demo accounts, so one account runs
    # what twenty people would; counted apart, neither as errors nor in the latencies.
    limited: int = 0

    def add(self, kind: str, ms: float, ok: bool, sample: str = "") -> None:
        self.requests += 1
        self.latencies[kind].append(ms)
        if not ok:
            self.errors[kind] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {sample}")


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class Budget:
    """A shared bound on the number of requests and on the wall time."""

    def __init__(self, max_requests: int, duration: float) -> None:
        self.left = max_requests
        self.deadline = time.perf_counter() + duration

    def take(self) -> bool:
        if self.left <= 0 or time.perf_counter() >= self.deadline:
            return False
        self.left -= 1
        return True


async def timed(
    client: httpx.AsyncClient, stats: Stats, kind: str, method: str, url: str, **kw
) -> httpx.Response | None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        r = await client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        stats.add(kind, (time.perf_counter() - start) * 1000, False, f"{method} {url}: {exc.__class__.__name__}")
        return None
    ms = (time.perf_counter() - start) * 1000
    if r.status_code == 429 and kind in ("report", "export"):
        stats.requests += 1
        stats.limited += 1
        return None
    ok = r.status_code < 400
    stats.add(kind, ms, ok, f"{method} {url}: {r.status_code} {r.text[:120]}")
    return r if ok else None


async def login(client: httpx.AsyncClient, stats: Stats, username: str, password: str) -> dict[str, str] | None:
    r = await timed(
        client, stats, "login", "POST", "/api/v1/auth/login", json={"username": username, "password": password}
    )
    if r is None:
        return None
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def report_targets(client: httpx.AsyncClient, headers: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """(report id, query) pairs this user can open: body-level reports as is, school reports for one school."""
    r = await client.get("/api/v1/reports", headers=headers)
    r.raise_for_status()
    targets: list[tuple[str, dict[str, str]]] = []
    for item in r.json()["items"]:
        if not item["requires_organization"]:
            targets.append((item["id"], {}))
            continue
        opts = await client.get(f"/api/v1/reports/{item['id']}/options", headers=headers)
        schools = opts.json().get("organizations", []) if opts.status_code == 200 else []
        if schools:
            targets.append((item["id"], {"organization_id": str(schools[0]["id"])}))
    return targets


async def user(
    n: int,
    base_url: str,
    password: str,
    stats: Stats,
    budget: Budget,
    targets_cache: dict[str, list],
    think: float = 0.0,
) -> None:
    username = DEMO_USERS[n % len(DEMO_USERS)]
    rnd = random.Random(n)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        if not budget.take():
            return
        headers = await login(client, stats, username, password)
        if headers is None:
            return
        targets = targets_cache.get(username, [])
        if not targets:
            stats.add("report", 0.0, False, f"{username}: no report to open")
            return
        await asyncio.sleep(rnd.uniform(0, think))  # users arrive spread over one think time
        while budget.take():
            roll = rnd.random()
            report_id, query = rnd.choice(targets)
            if roll < 0.10:
                await timed(client, stats, "catalogue", "GET", "/api/v1/reports", headers=headers)
            elif roll < 0.85:
                await timed(
                    client, stats, "report", "GET", f"/api/v1/reports/{report_id}", headers=headers, params=query
                )
            else:
                await timed(
                    client, stats, "export", "GET", f"/api/v1/reports/{report_id}/export", headers=headers, params=query
                )
            if think:
                # A person reads the page before the next click: exponential think time around the mean.
                await asyncio.sleep(min(rnd.expovariate(1 / think), 4 * think))


async def baseline(base_url: str, password: str, requests: int) -> Stats:
    """The same report requests one at a time by one user: the latency without contention."""
    stats = Stats()
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        headers = await login(client, stats, DEMO_USERS[1], password)
        if headers is None:
            return stats
        targets = await report_targets(client, headers)
        for i in range(requests):
            report_id, query = targets[i % len(targets)]
            await timed(client, stats, "report", "GET", f"/api/v1/reports/{report_id}", headers=headers, params=query)
        report_id, query = targets[0]
        await timed(
            client, stats, "export", "GET", f"/api/v1/reports/{report_id}/export", headers=headers, params=query
        )
    return stats


def print_table(title: str, stats: Stats, elapsed: float) -> None:
    print(f"\n{title}")
    print(
        f"{'kind':<10} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    kinds = sorted(stats.latencies)
    for kind in [*kinds, "all"]:
        values = [v for k in kinds for v in stats.latencies[k]] if kind == "all" else stats.latencies[kind]
        errors = sum(stats.errors.values()) if kind == "all" else stats.errors.get(kind, 0)
        rate = len(values) / elapsed if elapsed > 0 else 0.0
        print(
            f"{kind:<10} {len(values):>7} {errors:>6} {rate:>7.1f} {pct(values, 50):>8.1f} "
            f"{pct(values, 95):>8.1f} {pct(values, 99):>8.1f} {max(values, default=float('nan')):>8.1f}"
        )


async def main_async(args: argparse.Namespace) -> int:
    base_url = args.base_url.rstrip("/")
    host = urlparse(base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        print(f"refusing {host!r}: the load test only runs against this machine (127.0.0.1)", file=sys.stderr)
        return 2
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as probe:
        try:
            health = await probe.get("/api/v1/health")
        except httpx.HTTPError as exc:
            print(f"no server at {base_url} ({exc.__class__.__name__}): start it with `make run`", file=sys.stderr)
            return 2
        print(f"server: {base_url} health={health.json().get('status')}")

    base = await baseline(base_url, args.password, args.baseline_requests)
    print_table("single-user baseline (one request at a time)", base, sum(base.latencies["report"]) / 1000 or 1)

    # Which reports each demo account can open (school reports need a school of its scope): found once, untimed.
    cache: dict[str, list] = {}
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        for username in DEMO_USERS:
            headers = await login(client, Stats(), username, args.password)
            cache[username] = await report_targets(client, headers) if headers else []
    print(f"reports per account: {', '.join(f'{u}={len(t)}' for u, t in cache.items())}")

    stats = Stats()
    budget = Budget(args.max_requests, args.duration)
    start = time.perf_counter()
    await asyncio.gather(
        *(user(i, base_url, args.password, stats, budget, cache, args.think) for i in range(args.users))
    )
    elapsed = time.perf_counter() - start
    rate = stats.requests / elapsed
    print_table(
        f"{args.users} concurrent users for {elapsed:.1f} s ({stats.requests} requests, {rate:.1f} req/s)",
        stats,
        elapsed,
    )
    errors = sum(stats.errors.values())
    p95 = pct(stats.latencies["report"], 95)
    base_p50 = statistics.median(base.latencies["report"]) if base.latencies["report"] else float("nan")
    print(f"\nreport pages: p95 {p95:.1f} ms under load vs p50 {base_p50:.1f} ms alone")
    print(f"refused by the per-user limits (429; {len(DEMO_USERS)} accounts shared by all users): {stats.limited}")
    print(f"target zero errors: {'PASS' if errors == 0 else 'FAIL'} ({errors})")
    print(f"target report p95 <= {REPORT_TARGET_P95_MS:.0f} ms: {'PASS' if p95 <= REPORT_TARGET_P95_MS else 'FAIL'}")
    for sample in stats.error_samples:
        print(f"  error: {sample}")
    return 0 if errors == 0 and p95 <= REPORT_TARGET_P95_MS else 1


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--max-requests", type=int, default=30000, help="upper bound on requests in the run")
    parser.add_argument("--baseline-requests", type=int, default=30)
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean seconds a user reads a page before the next click (0: no pause)"
    )
    parser.add_argument("--password", default=DEMO_PASSWORD)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
