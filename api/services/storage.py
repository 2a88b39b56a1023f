"""File storage behind one small interface; local disk by default (settings.data_dir/uploads)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol

from api.config import Settings


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


def get_storage(settings: Settings) -> LocalDiskStorage:
    """The storage of these settings: local disk under data_dir/uploads."""
    root = Path(settings.data_dir) / "uploads"
    if root not in _storages:
        _storages[root] = LocalDiskStorage(root)
    return _storages[root]
