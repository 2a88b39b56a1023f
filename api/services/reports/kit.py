"""Small helpers shared by the report modules: texts in three languages, methodology files, two-decimal values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from api.services.reports.engine import LANGS, Text


def T(ru: str, kk: str, en: str) -> Text:  # noqa: N802
    """A text in the three languages."""
    return {"ru": ru, "kk": kk, "en": en}


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
