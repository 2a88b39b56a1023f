"""The deterministic demo region: generator (plain Python), COPY loader, set-based rule checks."""

from api.demo.generator import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, DemoParams
from api.demo.loader import (
    DemoError,
    DemoResult,
    DemoValidationError,
    fingerprint,
    is_empty,
    load_demo,
    reset,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DemoAccount",
    "DemoError",
    "DemoParams",
    "DemoResult",
    "DemoValidationError",
    "fingerprint",
    "is_empty",
    "load_demo",
    "reset",
]
