"""Обратная связь: contacts, reception schedule and «Вопросы и ответы»."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from api.deps import CurrentUser, OptionalUser, SessionDep
from api.replicas import PublicReadSession, ReplicaRoute
from api.routers.owned import RowRoutes, settings_of
from api.routers.profile import Page, PageSize
from api.schemas.profile import feedback as schemas
from api.services.audit import client_ip
from api.services.profile import feedback

router = APIRouter(tags=["profile: feedback"], route_class=ReplicaRoute)


@router.get("/organizations/{organization_id}/feedback", response_model=schemas.FeedbackRead)
async def get_feedback(
    organization_id: int, session: PublicReadSession, principal: OptionalUser
) -> schemas.FeedbackRead:
    """Contacts, the reception schedule and the published questions with answers (public)."""
    return await feedback.get_feedback(session, principal, organization_id)


@router.post(
    "/organizations/{organization_id}/questions",
    response_model=schemas.QuestionAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses={429: {"description": "too many questions from this address"}},
)
async def ask_question(
    organization_id: int, data: schemas.QuestionWrite, request: Request, session: SessionDep
) -> schemas.QuestionAccepted:
    """Send a question (anyone; a few per address every ten minutes)."""
    return await feedback.ask(session, settings_of(request), organization_id, data, client_ip(request))


@router.get("/organizations/{organization_id}/questions", response_model=schemas.QuestionList)
async def list_questions(
    organization_id: int,
    session: SessionDep,
    principal: CurrentUser,
    unanswered: Annotated[bool, Query(description="only questions without an answer")] = False,
    page: Page = 1,
    page_size: PageSize = 20,
) -> schemas.QuestionList:
    """All questions of the organization (administrators)."""
    return await feedback.list_questions(session, principal, organization_id, unanswered, page, page_size)


question_row = RowRoutes(router, "/questions/{question_id}", schemas.QuestionRead)
question_row.write(
    "patch",
    "answer_question",
    feedback.answer,
    schemas.QuestionAnswer,
    "Answer and/or publish a question (administrators).",
)
question_row.delete("delete_question", feedback.delete_question, "Delete a question (administrators).")
