"""The methodology files of a report: read per language, lines joined, shared parts put in, mistakes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.services.membership import RULE_TEXT
from api.services.reports.catalogue import REPORTS
from api.services.reports.kit import methodology


def _write(folder: Path, name: str, texts: dict[str, str]) -> str:
    for lang, text in texts.items():
        (folder / f"{name}.{lang}.txt").write_text(text, encoding="utf-8")
    return str(folder / "report.py")


def test_lines_are_joined_and_parts_put_in(tmp_path: Path) -> None:
    beside = _write(
        tmp_path,
        "toy",
        {
            "ru": "Источник: уроки.\n  {rule} Конец.\n",
            "kk": "Дереккөз:\nсабақтар. {rule}\n",
            "en": "Source: {rule}\n\n",
        },
    )
    texts = methodology(beside, "toy", rule=RULE_TEXT)
    assert texts == {
        "ru": f"Источник: уроки. {RULE_TEXT['ru']} Конец.",
        "kk": f"Дереккөз: сабақтар. {RULE_TEXT['kk']}",
        "en": f"Source: {RULE_TEXT['en']}",
    }


def test_a_placeholder_without_a_part_is_refused(tmp_path: Path) -> None:
    beside = _write(tmp_path, "toy", {"ru": "A {rule}", "kk": "B {rule}", "en": "C {rule}"})
    with pytest.raises(ValueError, match="placeholder without a part"):
        methodology(beside, "toy")


def test_a_part_the_text_does_not_use_is_refused(tmp_path: Path) -> None:
    beside = _write(tmp_path, "toy", {"ru": "A", "kk": "B", "en": "C"})
    with pytest.raises(ValueError, match="does not use"):
        methodology(beside, "toy", rule=RULE_TEXT)


def test_a_missing_language_file_is_an_error(tmp_path: Path) -> None:
    beside = _write(tmp_path, "toy", {"ru": "A", "kk": "B"})
    with pytest.raises(FileNotFoundError):
        methodology(beside, "toy")


def test_management_methodologies_are_read_whole() -> None:
    """The management reports' texts come from their files: one paragraph each, no placeholder left."""
    by_id = {r.id: r for r in REPORTS}
    for rid in ("activity", "staff.composition", "performance.organizations", "attendance.organizations"):
        for lang, text in by_id[rid].methodology.items():
            assert text.startswith(("Источник:", "Дереккөз:", "Source:")), (rid, lang)
            assert "{" not in text and "\n" not in text and "  " not in text, (rid, lang)
    assert RULE_TEXT["kk"] in by_id["activity"].methodology["kk"]
