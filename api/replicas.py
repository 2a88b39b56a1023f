"""Read replicas: streaming standbys that serve the replica-safe reads, skipped when they lag or are down.

Which reads go to a replica (the rest, and every write, stay on the primary):
- `ReadSession`: reports (JSON, options, export, print) and the people search. Their data are written by other
  actors (the schools' systems, administrators), never by the reader in the same breath, and a report shows how
  fresh it is (`data_as_of`, the standby's last replayed commit). Authentication, and the presence it records,
  run on the primary first: a revoked token must stop working at once, and presence is a write.
- `PublicReadSession`: profile pages read by anonymous visitors (no Authorization header). A signed-in user reads
  them from the primary, so an administrator sees an edit of the profile the moment it is saved.

A replica is used only while its last health check (one small query every `replica_check_interval_s`, in the
background, never per request) found it streaming and at most `replica_max_lag_s` behind. A request whose replica
fails (the standby stopped, a recovery conflict) is run again on the primary by `ReplicaRoute`: it loses nothing.
Audit events are written by `api.services.audit` through the primary's sessionmaker, never on a standby.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.config import Settings
from api.db import REPLICA_INFO_KEY, _to_asyncpg, make_engine, sessionmaker_for
from api.deps import OptionalUser, SessionDep

log = logging.getLogger("api.replicas")

# One row: is it a standby, has it applied all the WAL it received while streaming, and since when no commit was
# replayed. An idle primary sends no commits, so the replay time alone would call a current standby "late": a
# standby that streams and has replayed everything it received is current.
HEALTH_SQL = text(
    "SELECT pg_is_in_recovery() AS standby,"
    " EXISTS (SELECT 1 FROM pg_stat_wal_receiver) AS streaming,"
    " pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS caught_up,"
    " extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 AS since_replay"
)


@dataclass
class Replica:
    """One standby: its engine, and what its last health check found."""

    name: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    healthy: bool = False
    lag_s: float | None = None
    reason: str = "not checked yet"
    checked_at: float = 0.0
    served: int = 0
    failed: int = 0


@dataclass
class ReplicaSet:
    """The configured standbys, their cached health, and the choice of one for a read."""

    settings: Settings
    replicas: list[Replica] = field(default_factory=list)
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    _task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ReplicaSet | None:
        """The standbys of BILIM_READ_REPLICA_URLS, or None when there are none."""
        if not settings.read_replica_urls:
            return None
        out = cls(settings)
        for url in settings.read_replica_urls:
            parsed = make_url(_to_asyncpg(url))
            # Connecting to a dead host must fail fast: the request then goes to the primary.
            engine = make_engine(parsed.render_as_string(hide_password=False), settings, connect_timeout=3.0)
            name = f"{parsed.host or parsed.query.get('host', '')}:{parsed.port or ''}/{parsed.database}"
            out.replicas.append(Replica(name=name, engine=engine, sessionmaker=sessionmaker_for(engine)))
        return out

    async def start(self) -> None:
        """Check every standby once, then keep checking in the background."""
        await self.check()
        self._task = asyncio.create_task(self._loop(), name="replica-health")

    async def close(self) -> None:
        """Stop the checks and close the standbys' connections."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for r in self.replicas:
            await r.engine.dispose()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.replica_check_interval_s)
            try:
                await self.check()
            except Exception:  # a failed round of checks must not end the loop
                log.exception("replica health check failed")

    async def check(self) -> None:
        """Refresh the health of every standby (concurrently, each bounded in time)."""
        await asyncio.gather(*(self._check_one(r) for r in self.replicas))

    async def _check_one(self, replica: Replica) -> None:
        timeout = max(2.0, self.settings.replica_check_interval_s)
        try:
            async with asyncio.timeout(timeout):
                async with replica.engine.connect() as conn:
                    row = (await conn.execute(HEALTH_SQL)).one()
        except Exception as exc:  # down, unreachable or refusing: skipped until a check succeeds
            self._set(replica, False, None, f"unavailable ({exc.__class__.__name__})")
            return
        if not row.standby:
            self._set(replica, False, None, "not a standby (promoted?)")
            return
        lag = 0.0 if row.streaming and row.caught_up else row.since_replay
        if lag is None:
            self._set(replica, False, None, "nothing replayed yet")
        elif lag > self.settings.replica_max_lag_s:
            self._set(replica, False, lag, f"{lag:.1f} s behind")
        else:
            self._set(replica, True, lag, "ok")

    def _set(self, replica: Replica, healthy: bool, lag: float | None, reason: str) -> None:
        if healthy != replica.healthy or not replica.checked_at:  # changes only: not one line a second
            log.log(logging.INFO if healthy else logging.WARNING, "replica %s: %s", replica.name, reason)
        replica.healthy, replica.lag_s, replica.reason = healthy, lag, reason
        replica.checked_at = time.monotonic()

    def pick(self) -> Replica | None:
        """A healthy standby (in turn), or None: then the primary serves the read."""
        healthy = [r for r in self.replicas if r.healthy]
        if not healthy:
            return None
        return healthy[next(self._turn) % len(healthy)]

    def mark_down(self, replica: Replica, reason: str) -> None:
        """Skip a standby that just failed a request until the next check finds it healthy."""
        replica.failed += 1
        self._set(replica, False, replica.lag_s, reason)


def replica_set(request: Request) -> ReplicaSet | None:
    """The app's standbys, if any are configured."""
    return getattr(request.app.state, "replicas", None)


_USED = "replica"
_EXCLUDED = "replica_excluded"


async def _on_replica(request: Request, replicas: ReplicaSet) -> AsyncIterator[AsyncSession | None]:
    """A read-only session on a healthy standby, or None when none can serve (or this request's already failed)."""
    replica = None if getattr(request.state, _EXCLUDED, False) else replicas.pick()
    if replica is None:
        yield None
        return
    setattr(request.state, _USED, replica)
    replica.served += 1
    session = replica.sessionmaker()
    session.info[REPLICA_INFO_KEY] = replica.name
    try:
        # A standby runs read-only transactions only; nothing to commit. close() rolls back.
        yield session
    finally:
        await _close_replica_session(session, replica, replicas)


async def _close_replica_session(session: AsyncSession, replica: Replica, replicas: ReplicaSet) -> None:
    """End a standby's read-only transaction. The standby dying after the read finished (the rollback finds its
    connection closed) costs nothing: the answer is already made. That runs after the route handler, outside
    ReplicaRoute's retry, so it is settled here: the standby is marked down and the answer stands."""
    try:
        await session.close()
    except Exception as exc:
        retry, down = _replica_failure(exc)
        if not retry:
            raise
        if down:
            replicas.mark_down(replica, f"failed closing a session ({exc.__class__.__name__})")
        log.info("replica %s: ending a finished read failed (%s)", replica.name, type(exc).__name__)


async def _read_session(request: Request, primary: SessionDep, _principal: OptionalUser) -> AsyncIterator[AsyncSession]:
    replicas = replica_set(request)
    if replicas is None:
        yield primary
        return
    async for session in _on_replica(request, replicas):
        if session is None:
            yield primary
            return
        # The caller is authenticated (on the primary, with its presence recorded): end that transaction now, so
        # the request holds no primary connection while the standby works.
        await primary.commit()
        yield session


async def _public_read_session(request: Request, primary: SessionDep) -> AsyncIterator[AsyncSession]:
    replicas = replica_set(request)
    # A signed-in caller may be the one who has just edited what they read: the primary answers them.
    if replicas is None or "authorization" in request.headers:
        yield primary
        return
    async for session in _on_replica(request, replicas):
        yield primary if session is None else session


# scope="function", like SessionDep: the session ends before the response is sent.
ReadSession = Annotated[AsyncSession, Depends(_read_session, scope="function")]
PublicReadSession = Annotated[AsyncSession, Depends(_public_read_session, scope="function")]


def _replica_failure(exc: BaseException) -> tuple[bool, bool]:
    """(retry on the primary, the standby is down) for an exception raised while a standby served the request."""
    if isinstance(exc, PoolTimeoutError):
        return True, False  # its pool is exhausted: this read goes to the primary, the standby stays in use
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        sqlstate = str(getattr(getattr(orig, "__cause__", None), "sqlstate", None) or getattr(orig, "sqlstate", ""))
        if exc.connection_invalidated or sqlstate.startswith(("08", "57P")) or not sqlstate:
            return True, True  # connection lost, server shutting down or not accepting connections
        if sqlstate == "40001":
            return True, False  # cancelled by a conflict with recovery: a standby's normal hazard
        return False, False
    if isinstance(exc, OSError | asyncpg.InterfaceError | asyncpg.PostgresConnectionError | TimeoutError):
        return True, True
    return False, False


class ReplicaRoute(APIRoute):
    """A route whose reads may run on a standby: if the standby fails the request, run it again on the primary."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The default handler, retried once on the primary after a standby's failure."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                replica: Replica | None = getattr(request.state, _USED, None)
                replicas = replica_set(request)
                retry, down = _replica_failure(exc)
                if replica is None or replicas is None or not retry:
                    raise
                if down:
                    replicas.mark_down(replica, f"failed a request ({exc.__class__.__name__})")
                log.info("replica %s failed a request (%s); served by the primary", replica.name, type(exc).__name__)
                setattr(request.state, _USED, None)
                setattr(request.state, _EXCLUDED, True)
                return await handler(request)

        return handle
