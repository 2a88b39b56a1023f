"""Field types shared by every route: one validation per field, whatever the route that receives it.

Strings refuse the NUL character (PostgreSQL can't store it) by a pattern checked in pydantic's core, and
integers that land in an `integer` or `bigint` column are bounded to it, so such input is a 422 naming the
field instead of a database error. Contacts (phones, e-mail, website, addresses) are checked alike on the
administrator's profile form and in the integration API.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from api.sanitize import plain_text

# Any text without U+0000; a mismatch is reported as "contains a NUL character" (api.errors.error_message).
NO_NUL = r"^[^\x00]*$"
NUL_MESSAGE = "contains a NUL character"

INT4_MAX = 2_147_483_647
INT8_MAX = 9_223_372_036_854_775_807


def text(*, min_length: int | None = None, max_length: int | None = None, strip: bool = False) -> StringConstraints:
    """Constraints of a text field: its length, and no NUL character."""
    return StringConstraints(min_length=min_length, max_length=max_length, strip_whitespace=strip, pattern=NO_NUL)


# An id of a row (an `integer` column) and a count or number stored in one.
Int4Id = Annotated[int, Field(ge=1, le=INT4_MAX)]
Int8Id = Annotated[int, Field(ge=1, le=INT8_MAX)]


def _no_nul(v: str) -> str:
    if "\x00" in v:
        raise ValueError(NUL_MESSAGE)
    return v


def _plain(v: str) -> str:
    cleaned = plain_text(_no_nul(v))
    if not cleaned:
        raise ValueError("must contain text, not only markup")
    return cleaned


def _no_markup(v: str) -> str:
    if plain_text(_no_nul(v)) != v.strip():
        raise ValueError("must be plain text, without markup")
    return v.strip()


def _email(v: str) -> str | None:
    v = _no_nul(v).strip()
    if v == "":
        return None
    if "@" not in v or v.startswith("@") or v.endswith("@") or any(c.isspace() for c in v) or "<" in v or ">" in v:
        raise ValueError("must be an e-mail address like name@example.kz")
    return v


def _website(v: str) -> str | None:
    v = _no_nul(v).strip()
    if v == "":
        return None
    if not v.lower().startswith(("http://", "https://")) or any(c.isspace() or c in "<>\"'" for c in v):
        raise ValueError("must be a web address starting with http:// or https://")
    return v


# Plain text (titles, names, addresses): tags are removed, so that nothing in it can ever render as markup.
Plain = Annotated[str, AfterValidator(_plain)]
plain_or_empty = AfterValidator(lambda v: plain_text(_no_nul(v)))
PlainOrEmpty = Annotated[str, plain_or_empty]
# Phone numbers: plain text; markup is refused rather than stripped (a number is never meant to have any).
phones_check = AfterValidator(_no_markup)
# An e-mail address ("" means none).
email_check = AfterValidator(_email)
# A web address: http:// or https:// only, so that a link to it can never run script ("" means none).
website_check = AfterValidator(_website)

# Contact fields with their column's length: the length is checked first, then the content.
Address = Annotated[str, text(max_length=500), plain_or_empty]
Phones = Annotated[str, text(max_length=255), phones_check]
Phone = Annotated[str, text(max_length=64), phones_check]
Email = Annotated[str, text(max_length=255), email_check]
Website = Annotated[str, text(max_length=255), website_check]
