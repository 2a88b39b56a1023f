"""Вкладка «Вопросы» of the organization profile: questions to the organization and its FAQ."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Email, Plain
from api.schemas.profile.base import HTML_MAX, OrgBrief, ReadModel, WriteModel
from api.schemas.profile.page import Contacts
from api.schemas.profile.structure import ReceptionRead


class QuestionWrite(WriteModel):
    """A question from anyone: name, optional e-mail, the question (plain text)."""

    author_name: Plain = Field(min_length=1, max_length=255)
    author_email: Email | None = None
    question: Plain = Field(min_length=5, max_length=5000)


class QuestionAnswer(WriteModel):
    """An administrator's answer (rich text) and whether the Q&A is published."""

    answer_html: str | None = Field(default=None, min_length=1, max_length=HTML_MAX)
    published: bool | None = None


class FaqRead(ReadModel):
    """A published question with its answer."""

    id: int
    author_name: str
    question: str
    answer_html: str | None
    answered_at: datetime | None
    created_at: datetime


class QuestionRead(FaqRead):
    """A question as administrators see it."""

    author_email: str | None
    published: bool


class QuestionAccepted(BaseModel):
    """The question was received; it appears publicly once answered and published."""

    id: int
    status: Literal["received"] = "received"


class FeedbackRead(BaseModel):
    """Вкладка «Обратная связь»: contacts, reception schedule, published questions and answers."""

    organization: OrgBrief
    contacts: Contacts
    reception: list[ReceptionRead]
    faq: list[FaqRead]
    can_edit: bool


class QuestionList(BaseModel):
    """Questions for administrators, newest first."""

    items: list[QuestionRead]
    total: int
    page: int
    page_size: int
