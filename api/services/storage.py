"""File storage behind one small interface; local disk by default (settings.data_dir/uploads).

The bytes follow the database transaction that records them (`put_in_transaction`,
`delete_after_commit`): bytes written for a row that is never committed are removed when the
transaction ends, and bytes of a deleted row are removed only once the deletion has committed. A
failed commit therefore leaves the row with its bytes, and a rolled-back upload leaves nothing.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from api.config import Settings

log = logging.getLogger(__name__)


class Storage(Protocol):
    """Where uploaded bytes live; keys are generated here, never taken from a file name."""

    def put(self, data: bytes) -> str:
        """Store the bytes under a new generated key and return the key."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under the key (FileNotFoundError when absent)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the key; absent keys are ignored."""
        ...

    def exists(self, key: str) -> bool:
        """Whether the key holds data."""
        ...


class LocalDiskStorage:
    """Files in a directory tree: <root>/<first two hex digits>/<key>, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError("storage key: not a generated key")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        """Store the bytes under a new random key."""
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{key}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        """The stored bytes."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the stored bytes if present."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether bytes are stored under the key."""
        return self._path(key).is_file()

    def count(self) -> int:
        """How many files are stored (for checks that a refused upload left nothing behind)."""
        if not self.root.is_dir():
            return 0
        return sum(1 for p in self.root.glob("*/*") if p.is_file() and not p.name.startswith("."))


_storages: dict[Path, LocalDiskStorage] = {}


def uploads_root(settings: Settings) -> Path:
    """Where the uploaded files of these settings live: data_dir/uploads."""
    return Path(settings.data_dir) / "uploads"


def get_storage(settings: Settings) -> LocalDiskStorage:
    """The storage of these settings: local disk under data_dir/uploads."""
    root = uploads_root(settings)
    if root not in _storages:
        _storages[root] = LocalDiskStorage(root)
    return _storages[root]


@dataclass
class _Pending:
    """Storage work bound to the transaction (or savepoint) that was current when it was asked for."""

    storage: Storage
    key: str
    transaction: SessionTransaction
    written: bool  # True: bytes written in the transaction; False: bytes to delete once it commits


@dataclass
class _Ledger:
    items: list[_Pending] = field(default_factory=list)


_LEDGER = "storage_ledger"


def _remove(storage: Storage, key: str) -> None:
    try:
        storage.delete(key)
    except OSError:
        # The database is already right; an orphaned file is only wasted space, never a wrong answer.
        log.warning("storage: could not remove %s", key, exc_info=True)


def _ledger(session: AsyncSession | Session) -> tuple[_Ledger, SessionTransaction]:
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    ledger = sync.info.get(_LEDGER)
    if ledger is None:
        ledger = sync.info[_LEDGER] = _Ledger()
        event.listen(sync, "after_commit", _after_commit)
        event.listen(sync, "after_soft_rollback", _after_soft_rollback)
        event.listen(sync, "after_transaction_end", _after_transaction_end)
    current = sync.get_nested_transaction() or sync.get_transaction()
    if current is None:
        current = sync.begin()
    return ledger, current


def _settle(ledger: _Ledger, done: list[_Pending], committed: bool) -> None:
    """Committed: deletions happen, written bytes stay. Not committed: written bytes go, deletions are dropped."""
    for item in done:
        ledger.items.remove(item)
        if item.written != committed:
            _remove(item.storage, item.key)


def _within(item: _Pending, transaction: SessionTransaction) -> bool:
    t: SessionTransaction | None = item.transaction
    while t is not None:
        if t is transaction:
            return True
        t = t.parent
    return False


def _after_commit(session: Session) -> None:
    # Also fired when a savepoint is released: its work then waits for the enclosing transaction.
    if session.get_nested_transaction() is None:
        ledger: _Ledger = session.info[_LEDGER]
        _settle(ledger, list(ledger.items), committed=True)


def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    ledger: _Ledger = session.info[_LEDGER]
    _settle(ledger, [i for i in ledger.items if _within(i, previous_transaction)], committed=False)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A session closed without commit or rollback: its transaction did not commit.
    if transaction.parent is None:
        ledger: _Ledger = session.info[_LEDGER]
        _settle(ledger, [i for i in ledger.items if _within(i, transaction)], committed=False)


def put_in_transaction(session: AsyncSession | Session, storage: Storage, data: bytes) -> str:
    """Store the bytes now; they are removed again unless the session's current transaction commits."""
    ledger, current = _ledger(session)
    key = storage.put(data)
    ledger.items.append(_Pending(storage, key, current, written=True))
    return key


def delete_after_commit(session: AsyncSession | Session, storage: Storage, keys: list[str] | str) -> None:
    """Remove the keys' bytes once the session's current transaction has committed (never if it rolls back)."""
    ledger, current = _ledger(session)
    for key in [keys] if isinstance(keys, str) else keys:
        ledger.items.append(_Pending(storage, key, current, written=False))
