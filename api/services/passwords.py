"""Password hashing with Argon2id (pwdlib)."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when the password matches the stored hash."""
    return _hasher().verify(password, password_hash)
