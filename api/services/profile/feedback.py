"""Вкладка «Обратная связь»: contacts, reception schedule, «Вопросы и ответы» (questions throttled per IP)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import Settings
from api.errors import InvalidInput, TooManyRequests
from api.models import Question
from api.schemas.profile.base import OrgBrief
from api.schemas.profile.feedback import (
    FaqRead,
    FeedbackRead,
    QuestionAccepted,
    QuestionAnswer,
    QuestionList,
    QuestionRead,
    QuestionWrite,
)
from api.schemas.profile.page import Contacts
from api.services.profile.access import (
    can_edit,
    delete_for_edit,
    get_for_edit,
    get_org_for_edit,
    get_public_org,
    paging,
    sanitised,
)
from api.services.profile.structure import list_reception
from api.services.scope import Principal

QUESTIONS_PER_WINDOW = 3
QUESTION_WINDOW = timedelta(minutes=10)


def client_hash(settings: Settings, ip: str | None) -> str:
    """A keyed hash of the client address: throttles without storing the address."""
    return hmac.new(settings.secret_key.encode(), (ip or "unknown").encode(), hashlib.sha256).hexdigest()


async def get_feedback(session: AsyncSession, principal: Principal | None, organization_id: int) -> FeedbackRead:
    """Contacts, the reception schedule and the published questions with answers."""
    org = await get_public_org(session, organization_id)
    faq = await session.scalars(
        select(Question)
        .where(Question.organization_id == org.id, Question.published.is_(True))
        .order_by(Question.answered_at.desc().nulls_last(), Question.id.desc())
        .limit(200)
    )
    return FeedbackRead(
        organization=OrgBrief.model_validate(org),
        contacts=Contacts.model_validate(org),
        reception=await list_reception(session, org.id),
        faq=[FaqRead.model_validate(q) for q in faq],
        can_edit=await can_edit(session, principal, org),
    )


async def ask(
    session: AsyncSession, settings: Settings, organization_id: int, data: QuestionWrite, ip: str | None
) -> QuestionAccepted:
    """Receive a question from anyone; at most QUESTIONS_PER_WINDOW per address in QUESTION_WINDOW (429 beyond)."""
    org = await get_public_org(session, organization_id)
    key = client_hash(settings, ip)
    # Serialise the senders of one address so that parallel requests can't slip past the count.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "question:" + key})
    since = datetime.now(UTC) - QUESTION_WINDOW
    recent = await session.scalar(
        select(func.count()).select_from(Question).where(Question.client_hash == key, Question.created_at > since)
    )
    if (recent or 0) >= QUESTIONS_PER_WINDOW:
        raise TooManyRequests(
            "too many questions from your address, try again in a few minutes",
            headers={"Retry-After": str(int(QUESTION_WINDOW.total_seconds()))},
        )
    q = Question(
        organization_id=org.id,
        author_name=data.author_name,
        author_email=data.author_email,
        question=data.question,
        client_hash=key,
    )
    session.add(q)
    await session.flush()
    return QuestionAccepted(id=q.id)


async def list_questions(
    session: AsyncSession, principal: Principal, organization_id: int, unanswered_only: bool, page: int, page_size: int
) -> QuestionList:
    """All questions of the organization for its administrators, newest first."""
    org = await get_org_for_edit(session, principal, organization_id)
    cond = [Question.organization_id == org.id]
    if unanswered_only:
        cond.append(Question.answer_html.is_(None))
    limit, offset = paging(page, page_size)
    total = await session.scalar(select(func.count()).select_from(Question).where(*cond)) or 0
    rows = await session.scalars(
        select(Question)
        .where(*cond)
        .order_by(Question.created_at.desc(), Question.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return QuestionList(
        items=[QuestionRead.model_validate(q) for q in rows], total=total, page=page, page_size=page_size
    )


async def answer(session: AsyncSession, principal: Principal, question_id: int, data: QuestionAnswer) -> QuestionRead:
    """Answer a question and/or publish it (a question is published only with an answer)."""
    q, _ = await get_for_edit(session, principal, Question, question_id, "question")
    if data.answer_html is not None:
        q.answer_html = sanitised(data.answer_html, "answer_html")
        q.answered_by_user_id = principal.user_id
        q.answered_at = datetime.now(UTC)
    if data.published is not None:
        if data.published and q.answer_html is None:
            raise InvalidInput("published", "answer the question before publishing it")
        q.published = data.published
    await session.flush()
    return QuestionRead.model_validate(q)


async def delete_question(session: AsyncSession, principal: Principal, question_id: int) -> None:
    """Delete a question (spam)."""
    await delete_for_edit(session, principal, Question, question_id, "question")
