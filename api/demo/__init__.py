"""The deterministic demo region: generator (plain Python), COPY loader, set-based rule checks."""

from api.demo.loader import (
    DemoError,
    DemoResult,
    DemoValidationError,
    fingerprint,
    is_empty,
    load_demo,
    reset,
)
from api.demo.params import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, DemoParams

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
