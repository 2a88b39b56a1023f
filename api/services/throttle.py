"""Login throttling: failed logins counted in PostgreSQL per IP, per account from an IP and per account.

Three counters, so that one noisy IP locks out only itself and a single attacker can't lock a user
out of their account from everywhere:

- `account_ip`: an account from one IP — the common case (a person mistyping, or a guesser); locks first.
- `ip`: one IP over all accounts — password spraying from one place.
- `account`: one account from any IP — a distributed attack on one account; a high threshold.

A key locks when its failures reach the threshold; each further failure doubles the lock, up to a cap.
Failures older than `window` no longer count. While a key is locked, attempts are refused with 429
and Retry-After without checking the password (and without counting them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.auth import LoginThrottle, ThrottleScope


@dataclass(frozen=True)
class Policy:
    """Back-off numbers of one counter."""

    threshold: int  # failures that earn the first lock
    base_seconds: int  # the first lock
    cap_seconds: int  # the longest lock


POLICIES: dict[ThrottleScope, Policy] = {
    ThrottleScope.account_ip: Policy(threshold=5, base_seconds=30, cap_seconds=15 * 60),
    ThrottleScope.ip: Policy(threshold=20, base_seconds=60, cap_seconds=30 * 60),
    ThrottleScope.account: Policy(threshold=50, base_seconds=60, cap_seconds=30 * 60),
}
WINDOW = timedelta(minutes=30)  # failures older than this (since the last one) are forgotten
FORGET_AFTER = timedelta(days=1)  # rows untouched this long are deleted

MAX_KEY = 300


def lock_seconds(policy: Policy, failures: int) -> int:
    """The lock earned by the n-th consecutive failure: 0 below the threshold, then base·2^k up to the cap."""
    if failures < policy.threshold:
        return 0
    exponent = min(failures - policy.threshold, 30)
    return int(min(policy.base_seconds * (2**exponent), policy.cap_seconds))


def keys_for(username: str, ip: str | None) -> list[tuple[ThrottleScope, str]]:
    """The counters a login attempt touches (an unknown IP counts as one shared key)."""
    address = ip or "unknown"
    name = username[:128]
    return [
        (ThrottleScope.account_ip, f"{name}|{address}"[:MAX_KEY]),
        (ThrottleScope.ip, address[:MAX_KEY]),
        (ThrottleScope.account, name[:MAX_KEY]),
    ]


async def locked_until(session: AsyncSession, keys: list[tuple[ThrottleScope, str]], now: datetime) -> datetime | None:
    """The latest lock among the keys that is still in force, or None."""
    stmt = select(LoginThrottle.locked_until).where(
        tuple_(LoginThrottle.scope, LoginThrottle.key).in_([(str(s), k) for s, k in keys]),
        LoginThrottle.locked_until > now,
    )
    values = [v for v in (await session.scalars(stmt)).all() if v is not None]
    return max(values) if values else None


def retry_after_seconds(until: datetime, now: datetime) -> int:
    """Whole seconds until the lock ends (at least 1)."""
    return max(1, math.ceil((until - now).total_seconds()))


async def register_failure(
    session: AsyncSession, keys: list[tuple[ThrottleScope, str]], now: datetime
) -> datetime | None:
    """Count a failed login on every key; lock the keys that reached their threshold. Returns the latest lock."""
    latest: datetime | None = None
    # Always the same key order, so concurrent attempts take row locks in the same order (no deadlocks).
    for scope, key in keys:
        stale = LoginThrottle.last_failure_at < now - WINDOW
        stmt = (
            insert(LoginThrottle)
            .values(scope=str(scope), key=key, failures=1, first_failure_at=now, last_failure_at=now)
            .on_conflict_do_update(
                index_elements=[LoginThrottle.scope, LoginThrottle.key],
                set_={
                    "failures": case((stale, 1), else_=LoginThrottle.failures + 1),
                    "first_failure_at": case((stale, now), else_=LoginThrottle.first_failure_at),
                    "last_failure_at": now,
                },
            )
            .returning(LoginThrottle.failures)
        )
        failures = int((await session.execute(stmt)).scalar_one())
        seconds = lock_seconds(POLICIES[scope], failures)
        if seconds:
            until = now + timedelta(seconds=seconds)
            await session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.scope == str(scope), LoginThrottle.key == key)
                .values(locked_until=until)
            )
            latest = until if latest is None or until > latest else latest
    return latest


async def register_success(session: AsyncSession, keys: list[tuple[ThrottleScope, str]], now: datetime) -> None:
    """Forget the account's failures after a successful login; the IP's counter keeps counting until it ages out.

    Also drops rows nobody has touched for a day (an indexed range delete, usually empty).
    """
    account_keys = [(str(s), k) for s, k in keys if s != ThrottleScope.ip]
    await session.execute(
        delete(LoginThrottle).where(
            or_(
                tuple_(LoginThrottle.scope, LoginThrottle.key).in_(account_keys),
                LoginThrottle.last_failure_at < now - FORGET_AFTER,
            ),
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        )
    )
