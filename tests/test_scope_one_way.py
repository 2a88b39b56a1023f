"""The access scope is written in one place: api/services/scope.py says «this organization lies in the caller's
subtree»; every other module asks it (in_subtree, scope_org_ids, in_scope, subtree_sql, org_subtree_sql)."""

from __future__ import annotations

import re
from pathlib import Path

API = Path(__file__).resolve().parent.parent / "api"
# The two spellings of the subtree test: SQLAlchemy's ARRAY contains, and the operator in SQL text.
INLINE_SCOPE = re.compile(r"path\.contains\(|path\s*@>")


def test_the_subtree_test_is_written_only_in_the_scope_module() -> None:
    scope = API / "services" / "scope.py"
    assert INLINE_SCOPE.search(scope.read_text(encoding="utf-8")), "scope.py must hold the subtree test itself"
    offenders = [
        f"{path.relative_to(API)}:{number}: {line.strip()}"
        for path in sorted(API.rglob("*.py"))
        if path != scope
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE_SCOPE.search(line)
    ]
    assert offenders == [], "write the scope through api.services.scope:\n" + "\n".join(offenders)
