"""Password hashing with Argon2id (pwdlib over argon2-cffi).

Parameters: OWASP's Password Storage Cheat Sheet minimum for Argon2id — m=19 MiB (19456 KiB), t=2, p=1.
argon2-cffi's own default (RFC 9106 low-memory: m=64 MiB, t=3, p=4) costs ~8 times the CPU per check
(~190 ms against ~25 ms on this 2-core machine) and made a burst of logins queue for seconds; p=1 leaves
the other cores to other logins. Stored hashes with other parameters still verify and are replaced on
the next successful login (`verify_and_update`, argon2-cffi's `check_needs_rehash`).
"""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MEMORY_COST_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM),))


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when the password matches the stored hash."""
    return _hasher().verify(password, password_hash)


def verify_and_update(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one has other parameters (else None)."""
    return _hasher().verify_and_update(password, password_hash)
