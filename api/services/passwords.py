"""Password hashing with Argon2id (pwdlib over argon2-cffi).

Parameters: OWASP's Password Storage Cheat Sheet minimum for Argon2id — m=19 MiB (19456 KiB), t=2, p=1.
argon2-cffi's own default (RFC 9106 low-memory: m=64 MiB, t=3, p=4) costs ~8 times the CPU per check
(~190 ms against ~25 ms on this 2-core machine) and made a burst of logins queue for seconds; p=1 leaves
the other cores to other logins. Stored hashes with other parameters still verify and are replaced on
the next successful login (`verify_and_update`, argon2-cffi's `check_needs_rehash`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MEMORY_COST_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

log = logging.getLogger("api.auth")


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


@lru_cache
def _dummy_hash() -> str:
    # Unknown users are checked against this, so that they cost the same time as a wrong password.
    return hash_password(secrets.token_urlsafe(24))


def _check_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Argon2id verification and, on a match with outdated parameters, the new hash to store.

    Unknown accounts and unreadable hashes verify against a dummy hash (same timing) and fail.
    """
    if password_hash is None:
        verify_password(password, _dummy_hash())
        return False, None
    try:
        return verify_and_update(password, password_hash)
    except Exception:  # an unreadable stored hash is a failed login, not a 500
        log.warning("unreadable password hash; treating the login as failed")
        verify_password(password, _dummy_hash())
        return False, None


# Argon2id is CPU-bound (argon2-cffi releases the GIL): one dedicated thread per worker process, so that a burst
# of logins (or a flood of guesses) queues here, takes at most one core per worker away from the requests being
# served, and never fills the default executor that other blocking work (exports) shares. ~25 ms of CPU per
# check at the parameters above: ~40 logins/s per worker.
HASHING_THREADS = 1


@lru_cache
def _hashing_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="argon2")


async def check_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """`_check_password` on the hashing threads, off the event loop; call it holding no database connection."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hashing_pool(), _check_password, password, password_hash)


async def hash_password_off_loop(password: str) -> str:
    """A new Argon2id hash on the hashing threads, off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_hashing_pool(), hash_password, password)
