"""No backend module grows past 450 lines (issue #19): a file that needs more is split by job."""

from __future__ import annotations

from pathlib import Path

API = Path(__file__).resolve().parent.parent / "api"
MAX_LINES = 450


def test_no_module_in_api_is_over_450_lines() -> None:
    sizes = {
        path.relative_to(API).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in API.rglob("*.py")
    }
    assert len(sizes) > 100, "the walk must see the backend's modules"
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert too_long == {}, f"split these modules (over {MAX_LINES} lines): {too_long}"
