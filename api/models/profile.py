"""The organization profile (public site) and Информирование: news, pages, wall, files, forum, Q&A, announcements."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, TimestampMixin, enum_check


class FileKind(enum.StrEnum):
    """What a stored file belongs to: a public document, a news image or an announcement attachment."""

    document = "document"
    news_image = "news_image"
    attachment = "attachment"


class Importance(enum.StrEnum):
    """Важность объявления."""

    normal = "normal"
    high = "high"
    urgent = "urgent"


class TargetKind(enum.StrEnum):
    """How the recipients of an announcement were chosen: all, by district, by type, or a list."""

    all = "all"
    district = "district"
    type = "type"
    list = "list"


class ProfileAdministrator(Base):
    """Администратор профиля: an employee of a body named by its administrator to keep the body's site."""

    __tablename__ = "profile_administrators"
    __table_args__ = (
        PrimaryKeyConstraint("organization_id", "user_id"),
        Index("ix_profile_administrators_user_id", "user_id"),
    )

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NewsPost(TimestampMixin, Base):
    """Новость in an organization's profile: date, author, title, sanitised text and images."""

    __tablename__ = "profile_news"
    __table_args__ = (Index("ix_profile_news_organization_published", "organization_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(300))
    body_html: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProfilePage(TimestampMixin, Base):
    """Интерактивная страница: a rich text page the administrator creates and orders."""

    __tablename__ = "profile_pages"
    __table_args__ = (Index("ix_profile_pages_organization_sort", "organization_id", "sort_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    body_html: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class WallMessage(Base):
    """Сообщение на стене профиля; administrators of the organization hide them."""

    __tablename__ = "profile_wall_messages"
    __table_args__ = (Index("ix_profile_wall_messages_organization_created", "organization_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(255))
    body_html: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DocumentFolder(TimestampMixin, Base):
    """Папка документов (nested)."""

    __tablename__ = "profile_folders"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_profile_folders_organization_parent", "organization_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("profile_folders.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))


class Announcement(Base):
    """Объявление (Информирование) sent by a management body down to chosen subordinate organizations."""

    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint(enum_check("importance", Importance), name="importance"),
        CheckConstraint(enum_check("target_kind", TargetKind), name="target_kind"),
        Index("ix_announcements_sender_created", "sender_organization_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(300))
    body_html: Mapped[str] = mapped_column(Text)
    importance: Mapped[str] = mapped_column(String(16), default=Importance.normal)
    deadline: Mapped[date | None] = mapped_column(Date)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    target_type_id: Mapped[int | None] = mapped_column(ForeignKey("organization_types.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Отозвано: recipients no longer see a withdrawn announcement; the sender still does.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AnnouncementRecipient(Base):
    """An organization an announcement was sent to (fixed when it is sent)."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (
        PrimaryKeyConstraint("announcement_id", "organization_id"),
        Index("ix_announcement_recipients_organization_id", "organization_id"),
    )

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))


class AnnouncementRead(Base):
    """Прочтение: a user of a recipient organization has opened the announcement."""

    __tablename__ = "announcement_reads"
    __table_args__ = (PrimaryKeyConstraint("announcement_id", "user_id"),)

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StoredFile(Base):
    """A file kept in the storage under a generated key: a document, a news image or an attachment."""

    __tablename__ = "profile_files"
    __table_args__ = (
        CheckConstraint(enum_check("kind", FileKind), name="kind"),
        CheckConstraint("size_bytes >= 0", name="size"),
        CheckConstraint(
            "(kind = 'news_image') = (news_id IS NOT NULL) AND (kind = 'attachment') = (announcement_id IS NOT NULL)"
            " AND (kind = 'document' OR folder_id IS NULL)",
            name="owner_matches_kind",
        ),
        Index("ix_profile_files_organization_folder", "organization_id", "folder_id"),
        Index("ix_profile_files_news_id", "news_id"),
        Index("ix_profile_files_announcement_id", "announcement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("profile_folders.id", ondelete="CASCADE"))
    news_id: Mapped[int | None] = mapped_column(ForeignKey("profile_news.id", ondelete="CASCADE"))
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    content_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ForumSection(Base):
    """Раздел форума."""

    __tablename__ = "forum_sections"
    __table_args__ = (Index("ix_forum_sections_organization_sort", "organization_id", "sort_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(String(1000))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ForumTopic(TimestampMixin, Base):
    """Тема форума in a section; administrators lock or hide it."""

    __tablename__ = "forum_topics"
    __table_args__ = (Index("ix_forum_topics_section_updated", "section_id", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("forum_sections.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(300))
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class ForumPost(TimestampMixin, Base):
    """Сообщение форума (a reply names its parent); `version` backs the ETag of concurrent edits."""

    __tablename__ = "forum_posts"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version"),
        Index("ix_forum_posts_topic_created", "topic_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topics.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    parent_post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="SET NULL"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(255))
    body_html: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ReceptionHour(Base):
    """Личный приём граждан: who receives, on which days, at what hours, where."""

    __tablename__ = "profile_reception_hours"
    __table_args__ = (Index("ix_profile_reception_hours_organization_sort", "organization_id", "sort_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    who: Mapped[str] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))
    days: Mapped[str] = mapped_column(String(255))
    hours: Mapped[str] = mapped_column(String(128))
    place: Mapped[str | None] = mapped_column(String(500))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Question(Base):
    """Вопрос «Вопросы и ответы»: sent by anyone, answered and published by an administrator."""

    __tablename__ = "profile_questions"
    __table_args__ = (
        CheckConstraint("NOT published OR answer_html IS NOT NULL", name="published_has_answer"),
        Index("ix_profile_questions_organization_created", "organization_id", "created_at"),
        Index("ix_profile_questions_client_created", "client_hash", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    author_name: Mapped[str] = mapped_column(String(255))
    author_email: Mapped[str | None] = mapped_column(String(255))
    question: Mapped[str] = mapped_column(Text)
    answer_html: Mapped[str | None] = mapped_column(Text)
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # A keyed hash of the sender's IP address: enough to throttle, without keeping the address.
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
