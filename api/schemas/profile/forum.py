"""Вкладка «Форум» of the organization profile: sections, topics, posts, moderation."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.common import Plain
from api.schemas.profile.base import HTML_MAX, OrgBrief, ReadModel, WriteModel


class SectionWrite(WriteModel):
    """A forum section."""

    title: Plain = Field(min_length=1, max_length=300)
    description: Plain | None = Field(default=None, max_length=1000)
    sort_order: int = Field(default=0, ge=0, le=100_000)


class SectionRead(ReadModel):
    """Раздел форума with its number of topics."""

    id: int
    title: str
    description: str | None
    sort_order: int
    topic_count: int = 0


class TopicWrite(WriteModel):
    """A new topic: its title and first post."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(min_length=1, max_length=HTML_MAX)


class TopicRead(ReadModel):
    """Тема форума."""

    id: int
    section_id: int
    title: str
    author_name: str
    locked: bool
    hidden: bool
    created_at: datetime
    updated_at: datetime
    post_count: int = 0


class PostWrite(WriteModel):
    """A post or a reply (parent_post_id) in a topic."""

    body_html: str = Field(min_length=1, max_length=HTML_MAX)
    parent_post_id: int | None = None


class PostUpdate(WriteModel):
    """New text of a post (send the post's ETag in If-Match)."""

    body_html: str = Field(min_length=1, max_length=HTML_MAX)


class PostRead(ReadModel):
    """Сообщение форума; `etag` is what If-Match must carry to edit it."""

    id: int
    topic_id: int
    parent_post_id: int | None
    author_name: str
    author_user_id: int | None
    body_html: str
    hidden: bool
    version: int
    etag: str
    created_at: datetime
    updated_at: datetime


class TopicDetail(BaseModel):
    """A topic with its posts in order."""

    topic: TopicRead
    section: SectionRead
    posts: list[PostRead]
    can_moderate: bool
    can_post: bool


class ForumRead(BaseModel):
    """Вкладка «Форум»: sections with their latest topics."""

    organization: OrgBrief
    sections: list[SectionRead]
    can_moderate: bool
    can_post: bool


class TopicList(BaseModel):
    """A page of topics of a section, most recently active first."""

    section: SectionRead
    items: list[TopicRead]
    total: int
    page: int
    page_size: int


class Moderation(WriteModel):
    """Moderation of a topic or a post: hide, lock (topics)."""

    hidden: bool | None = None
    locked: bool | None = None
