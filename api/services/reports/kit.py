"""Small helpers shared by the report modules: texts in three languages, methodology files, full names,
two-decimal values,
the attendance columns and rates, the visits columns (management and school reports alike)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from api.models.people import full_name as full_name  # the reports take it from the kit
from api.services.reports.engine import LANGS, Col, Text, percent


def T(ru: str, kk: str, en: str) -> Text:  # noqa: N802
    """A text in the three languages."""
    return {"ru": ru, "kk": kk, "en": en}


def same(text: str) -> Text:
    """A name that reads the same in every language (a subject's or a mark's own name)."""
    return {lang: text for lang in LANGS}


def joined(*texts: Text) -> Text:
    """Texts one after another in each language, a space between them (a report's own lead, then shared rules)."""
    return {lang: " ".join(text[lang] for text in texts) for lang in LANGS}


def methodology(beside: str, name: str, **parts: Text) -> Text:
    """The methodology of a report from the files `<name>.<lang>.txt` in the folder of the module `beside`.

    A file holds one paragraph wrapped at spaces (its lines are joined by one space); `{part}` in it is replaced by
    the same language's text of that part (e.g. the shared membership rule). A placeholder without a part, or a
    part the text does not use, is an error at import."""
    folder = Path(beside).parent
    texts: Text = {}
    for lang in LANGS:
        lines = (folder / f"{name}.{lang}.txt").read_text(encoding="utf-8").splitlines()
        text = " ".join(line.strip() for line in lines if line.strip())
        for key, part in parts.items():
            placeholder = "{" + key + "}"
            if placeholder not in text:
                raise ValueError(f"{name}.{lang}.txt does not use {placeholder}")
            text = text.replace(placeholder, part[lang])
        if "{" in text:
            raise ValueError(f"{name}.{lang}.txt has a placeholder without a part: {text[text.index('{') :][:40]}")
        texts[lang] = text
    return texts


def dec2(num: int | Decimal | None, den: int | None) -> Decimal | None:
    """num / den with two decimals, half up; None when den is zero."""
    if num is None or not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def q2(value: Decimal | float | None) -> Decimal | None:
    """A value with two decimals, half up."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def absence_columns(group: str = "missed", with_lessons: bool = True) -> tuple[Col, ...]:
    """Lessons, student-lessons, missed lessons by reason (a column group named `group`), late, % attendance."""
    cols: list[Col] = []
    if with_lessons:
        cols.append(Col("lessons", T("Проведено уроков", "Өткізілген сабақтар", "Lessons held"), "int"))
    cols += [
        Col("student_lessons", T("Ученико-уроков", "Оқушы-сабақтар", "Student-lessons"), "int"),
        Col(
            group,
            T("Пропущено уроков", "Жіберілген сабақтар", "Missed lessons"),
            children=(
                Col("abs_illness", T("По болезни", "Ауруына байланысты", "Illness"), "int"),
                Col("abs_valid", T("По уважительной", "Дәлелді себеппен", "Valid reason"), "int"),
                Col("abs_unexcused", T("Без уважительной", "Дәлелсіз", "Unexcused"), "int"),
                Col("abs_total", T("Всего", "Барлығы", "Total"), "int"),
            ),
        ),
        Col("abs_late", T("Опоздания", "Кешігулер", "Late"), "int"),
        Col("pct_attendance", T("% посещаемости", "Қатысу %", "% attendance"), "percent"),
    ]
    return tuple(cols)


def visit_columns(day: str, week: str, month: str) -> Col:
    """The column group «Визиты»: distinct visitors over the day, week and month up to the report date (column
    ids as the report names them)."""
    return Col(
        "visits",
        T("Визиты", "Кірулер", "Visits"),
        children=(
            Col(day, T("День", "Күн", "Day"), "int"),
            Col(week, T("Неделя", "Апта", "Week"), "int"),
            Col(month, T("Месяц", "Ай", "Month"), "int"),
        ),
    )


def attendance_rates(row: dict[str, Any]) -> None:
    """Add to a row of counts its absences in all (`abs_total`) and % attendance (truncated)."""
    row["abs_total"] = row["abs_illness"] + row["abs_valid"] + row["abs_unexcused"]
    row["pct_attendance"] = percent(row["student_lessons"] - row["abs_total"], row["student_lessons"])
