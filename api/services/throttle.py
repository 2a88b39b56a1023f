"""Login throttling: login attempts counted in PostgreSQL per account from an IP, per IP and per account.

Three counters, so that one noisy IP locks out only itself and a single attacker can't lock a user
out of their account from everywhere:

- `account_ip`: an account from one IP — the common case (a person mistyping, or a guesser); locks first.
- `ip`: one IP over all accounts — password spraying from one place.
- `account`: one account from any IP — a distributed attack on one account; a high threshold and short locks,
  so that it slows the attack without locking the owner out (one source's flood never gets this far: its own
  `account_ip` lock stops it after 5, and refused attempts are not counted).

An attempt is counted atomically BEFORE its password is checked (`begin_attempt`: an upsert per counter, under
its row lock, committed before the hashing), so concurrent attempts cannot all pass a check that none of them has
counted yet. The attempt that reaches a threshold sets the lock itself; a success then takes back what it counted
(`register_success`). A key locks when its count reaches the threshold; each further counted attempt doubles the
lock, up to a cap. Counts older than `window` no longer count. While a key is locked, attempts are refused with
429 and Retry-After without checking the password (and without counting them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, or_, select, tuple_, update
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
    # Short: the owner of an account under a distributed attack waits seconds, not half an hour.
    ThrottleScope.account: Policy(threshold=50, base_seconds=2, cap_seconds=30),
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


@dataclass(frozen=True)
class Attempt:
    """A counted login attempt: its keys, and the locks it set itself (taken back if it succeeds)."""

    keys: list[tuple[ThrottleScope, str]]
    armed: dict[tuple[ThrottleScope, str], datetime]


@dataclass(frozen=True)
class Refused:
    """A key is locked: the attempt is refused uncounted; retry after that many seconds."""

    retry_after: int


async def begin_attempt(
    session: AsyncSession, keys: list[tuple[ThrottleScope, str]], now: datetime
) -> Attempt | Refused:
    """Count an attempt on every key before its password is checked, or refuse it if a key is locked.

    The caller commits before checking the password. Each upsert holds its row until then, and the keys are always
    taken in the same order (no deadlocks), so concurrent attempts count one after another and the one that reaches
    a threshold locks the key for all that follow. A refused attempt counts nowhere (its savepoint is rolled back).
    """
    armed: dict[tuple[ThrottleScope, str], datetime] = {}
    savepoint = await session.begin_nested()
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
            .returning(LoginThrottle.failures, LoginThrottle.locked_until)
        )
        counted, locked = (await session.execute(stmt)).one()
        if locked is not None and locked > now:
            await savepoint.rollback()
            until = await locked_until(session, keys, now)
            return Refused(retry_after_seconds(until or locked, now))
        seconds = lock_seconds(POLICIES[scope], int(counted))
        if seconds:
            until = now + timedelta(seconds=seconds)
            await session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.scope == str(scope), LoginThrottle.key == key)
                .values(locked_until=until)
            )
            armed[(scope, key)] = until
    await savepoint.commit()
    return Attempt(keys=keys, armed=armed)


async def register_success(session: AsyncSession, attempt: Attempt, now: datetime) -> None:
    """Forget the account's counts after a successful login, and take back the IP's count of this attempt.

    A lock this attempt set itself goes too; one set by another attempt stays. Also drops rows nobody has touched
    for a day (an indexed range delete, usually empty).
    """
    for scope, key in attempt.keys:  # the order of begin_attempt: no deadlocks with concurrent attempts
        this_key = (LoginThrottle.scope == str(scope)) & (LoginThrottle.key == key)
        armed = attempt.armed.get((scope, key))
        own_or_no_lock = or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now)
        if armed is not None:
            own_or_no_lock = or_(own_or_no_lock, LoginThrottle.locked_until == armed)
        if scope == ThrottleScope.ip:
            # The IP keeps counting failures until they age out; this success is not one of them.
            unlock = case((LoginThrottle.locked_until == armed, None), else_=LoginThrottle.locked_until)
            await session.execute(
                update(LoginThrottle)
                .where(this_key)
                .values(
                    failures=func.greatest(LoginThrottle.failures - 1, 0),
                    locked_until=unlock if armed is not None else LoginThrottle.locked_until,
                )
            )
        else:
            await session.execute(delete(LoginThrottle).where(this_key, own_or_no_lock))
    await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - FORGET_AFTER,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        )
    )
