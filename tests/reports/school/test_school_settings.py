"""The school reports' settings are part of the app's one Settings: read from BILIM_ variables, checked at start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from api.config import Settings, get_settings
from api.services.reports.school.common import DEFAULT_HOMEWORK_NORMS, homework_norm, on_time_days


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_norms_named_in_the_environment_replace_the_recommended_ones(
    monkeypatch: pytest.MonkeyPatch, fresh_settings: None
) -> None:
    monkeypatch.setenv("BILIM_HOMEWORK_NORMS", '{"5": 45, "11": 150}')
    monkeypatch.setenv("BILIM_JOURNAL_ON_TIME_DAYS", "1")
    get_settings.cache_clear()
    assert (homework_norm(5), homework_norm(11)) == (45, 150)
    assert homework_norm(7) == DEFAULT_HOMEWORK_NORMS[7] == 110  # a grade not named keeps the recommended norm
    assert on_time_days() == 1


def test_defaults_are_the_recommended_norms(monkeypatch: pytest.MonkeyPatch, fresh_settings: None) -> None:
    monkeypatch.delenv("BILIM_HOMEWORK_NORMS", raising=False)
    monkeypatch.delenv("BILIM_JOURNAL_ON_TIME_DAYS", raising=False)
    assert [homework_norm(g) for g in (1, 2, 4, 6, 9, 12)] == [0, 50, 70, 90, 110, 130]
    assert on_time_days() == 3


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("BILIM_HOMEWORK_NORMS", '{"5": -1}', "homework_norms.5"),
        ("BILIM_HOMEWORK_NORMS", '{"40": 50}', "homework_norms.40"),
        ("BILIM_JOURNAL_ON_TIME_DAYS", "99", "journal_on_time_days"),
    ],
)
def test_a_bad_value_is_refused_at_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str, field: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as exc:
        Settings()
    assert field in str(exc.value)
