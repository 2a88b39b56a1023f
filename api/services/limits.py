"""Limits on what one caller can take at once: concurrent report computations and exports, per worker process.

A report or an export holds a database connection and CPU for as long as it runs; without a bound one user with
160 parallel exports empties the connection pool and everyone else waits or gets 503. Each worker process keeps,
per kind (`report`: the JSON report; `export`: the .xlsx and the print page, which read every row):
- a per-caller count: over `per_caller` running or waiting at once, the caller gets 429 with Retry-After at once;
- an overall cap: at most `total` run at once, the others wait up to `wait_seconds` for a slot, then 503.
The overall caps together stay well below the connection pool, so profile pages and logins keep their share.
Export threads are bounded the same way: at most `total` exports are built at once (threads of the default
executor, plus the export worker process, which has one worker).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from api.config import Settings
from api.errors import ServiceUnavailable, TooManyRequests


@dataclass
class ConcurrencyLimiter:
    """At most `per_caller` computations of one caller and `total` of all callers at once (this process)."""

    kind: str
    per_caller: int
    total: int
    wait_seconds: float
    retry_after_seconds: int
    _active: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _slots: asyncio.Semaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.total)

    def active(self, key: str) -> int:
        """How many computations of this caller are running or waiting."""
        return self._active.get(key, 0)

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        """Hold one slot for the caller `key` while the block runs; 429 over the caller's limit, 503 when full."""
        retry = {"Retry-After": str(self.retry_after_seconds)}
        # No await between the check and the increment: the event loop cannot interleave another request here.
        if self._active.get(key, 0) >= self.per_caller:
            raise TooManyRequests(
                f"too many {self.kind}s at once: at most {self.per_caller} per user; wait for one to finish",
                headers=retry,
            )
        self._active[key] = self._active.get(key, 0) + 1
        try:
            try:
                await asyncio.wait_for(self._slots.acquire(), self.wait_seconds)
            except TimeoutError:
                busy = f"the service is busy with other {self.kind}s, try again"
                raise ServiceUnavailable(busy, headers=retry) from None
            try:
                yield
            finally:
                self._slots.release()
        finally:
            left = self._active[key] - 1
            if left:
                self._active[key] = left
            else:
                del self._active[key]


@dataclass(frozen=True)
class ReportLimits:
    """The limiters of one worker process."""

    report: ConcurrencyLimiter
    export: ConcurrencyLimiter

    @classmethod
    def from_settings(cls, settings: Settings) -> ReportLimits:
        """Limiters sized by the settings (`BILIM_REPORT_CONCURRENCY_*`, `BILIM_EXPORT_CONCURRENCY_*`)."""
        return cls(
            report=ConcurrencyLimiter(
                "report",
                settings.report_concurrency_per_user,
                settings.report_concurrency_total,
                settings.report_queue_seconds,
                retry_after_seconds=2,
            ),
            export=ConcurrencyLimiter(
                "export",
                settings.export_concurrency_per_user,
                settings.export_concurrency_total,
                settings.report_queue_seconds,
                retry_after_seconds=5,
            ),
        )


def user_key(user_id: int) -> str:
    """The limiter key of a signed-in user."""
    return f"user:{user_id}"


def token_key(token_id: int) -> str:
    """The limiter key of a read API token (its own slots, apart from any user's)."""
    return f"token:{token_id}"
