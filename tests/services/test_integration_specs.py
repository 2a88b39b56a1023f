"""Integration kinds declared as specs: tables follow the models, and a column nothing gives is refused at import."""

from __future__ import annotations

import pytest

from api.models import Homework, Mark
from api.schemas.integration import HomeworkItem
from api.services.integration.kinds.catalogue import KINDS
from api.services.integration.kinds.spec import Spec, ref, table_of


def test_a_table_takes_the_models_columns_and_their_unnest_types() -> None:
    marks = dict(table_of(Mark).columns)
    assert "id" not in marks and "external_id" not in marks and "external_system" not in marks
    assert (marks["student_person_id"], marks["value"], marks["not_attested"]) == ("int", "int", "bool")
    assert (marks["date"], marks["entered_at"], marks["kind"]) == ("date", "timestamptz", "text")
    assert [c for c, _ in KINDS["marks"].table.columns] == [c for c, _ in table_of(Mark).columns]


def test_a_spec_whose_column_nothing_gives_is_refused() -> None:
    lesson = ref("lesson_external_id", "lessons", organization_id="organization_id", region_id="region_id")
    incomplete = Spec(table_of(Homework), refs=(lesson,))
    with pytest.raises(TypeError, match="class_id.*lesson_id"):
        incomplete.kind("homework", HomeworkItem)
    whole = ref(
        "lesson_external_id",
        "lessons",
        organization_id="organization_id",
        region_id="region_id",
        class_id="class_id",
        lesson_id="id",
    )
    assert Spec(table_of(Homework), refs=(whole,)).kind("homework", HomeworkItem).table.name == "homework"
