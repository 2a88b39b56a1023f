"""The name search of «Люди» (api.services.profile.people): search words, their SQL conditions, planner settings.

The query is lower-cased with ё→е like `persons.search_name`, split into words, and every word must be a
substring of the name (GIN trigram index); with `fuzzy`, long words may match by trigram word similarity.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import ColumnElement, and_, literal, or_, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Person

MAX_WORDS = 5
# word_similarity threshold: 0.4 lets one wrong letter in the middle of a 6-letter word through
# (3 of its 7 trigrams change); ranking by similarity keeps the close matches first.
WORD_SIMILARITY = 0.4
# Shorter words match by substring only: a typo in a 4-letter word leaves too few trigrams to tell, and
# similarity on them matches a large part of a region (e.g. «анна» ~ every Анна, Жанна, Ханна, …).
TYPO_MIN_LENGTH = 5
# A search needs one word of at least this length (shorter ones would match a good part of a region).
MIN_WORD = 3


def normalize(q: str) -> list[str]:
    """The search words: lower case, ё→е, letters/digits/hyphens only, at most MAX_WORDS."""
    q = q.lower().replace("ё", "е")
    words = [w for w in re.split(r"[^\w-]+", q) if w.strip("-_")]
    return words[:MAX_WORDS]


def like_escape(w: str) -> str:
    return w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_condition(words: list[str], fuzzy: bool = False) -> ColumnElement[bool]:
    """Every word is a substring of search_name; with `fuzzy`, long words may match by trigram word similarity."""
    conds = []
    for w in words:
        like = Person.search_name.like(f"%{like_escape(w)}%", escape="\\")
        if fuzzy and len(w) >= TYPO_MIN_LENGTH:
            conds.append(or_(like, Person.search_name.op("%>")(literal(w))))
        else:
            conds.append(like)
    return and_(*conds)


# The order of the list: the name in the C collation (code point order, the same on every server), then id.
NAME = Person.search_name.collate("C")


def starts(word: str) -> ColumnElement[bool]:
    """The name starts with the word (the surname does): a range of the (search_name COLLATE "C", id) index."""
    return NAME.like(f"{like_escape(word)}%", escape="\\")


@asynccontextmanager
async def planner(session: AsyncSession, **values: str) -> AsyncIterator[None]:
    """Planner settings for the statements inside the block (transaction-local, restored after)."""
    await planner_settings(session, **values)
    try:
        yield
    finally:
        await planner_settings(session, **dict.fromkeys(values, "on"))


async def planner_settings(session: AsyncSession, **values: str) -> None:
    """Transaction-local planner settings (one round trip)."""
    calls = ", ".join(f"set_config('{k.replace('__', '.')}', :{k}, true)" for k in values)
    await session.execute(text(f"SELECT {calls}"), values)  # noqa: S608 (names are this module's constants)
