"""Schemas of the integration API: tokens, batch items per entity kind (keyed by external ids), batch results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, Literal, NotRequired, TypeVar

from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic needs this one on Python 3.11

from api.models.journal import AbsenceReason, DocumentType, MovementKind
from api.models.people import AccountStatus, QualificationCategory, RoleKind, Sex
from api.models.school import LessonStatus
from api.schemas.common import Address, Email, Int4Id, Phone, Phones, Website, text
from api.schemas.dates import RecordDate, SaneDate, SaneDateTime

MAX_BATCH = 10_000
MarkKindName = Literal["current", "sor", "soch", "quarter", "year", "exam"]

ExtId = Annotated[str, text(min_length=1, max_length=128)]
Name = Annotated[str, text(min_length=1, max_length=128, strip=True)]
Text255 = Annotated[str, text(max_length=255)]
Text500 = Annotated[str, text(max_length=500)]


# ---- tokens -------------------------------------------------------------------------------------------------


TokenScope = Literal["read", "write"]


def _write_only() -> list[TokenScope]:
    return ["write"]


class TokenCreate(BaseModel):
    """A new API token for the subtree of organization_id: its source system, its scopes and the kinds it may write.

    `write` (the default) lets it send data of `kinds` (at least one kind); `read` lets it read the reports of its
    subtree (JSON and CSV), as a user of the organization would; a read-only token needs no kinds.
    """

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, text(min_length=1, max_length=255, strip=True)]
    organization_id: Int4Id
    external_system: Annotated[str, text(min_length=1, max_length=64, strip=True)]
    scopes: list[TokenScope] = Field(default_factory=_write_only, min_length=1, max_length=2)
    kinds: list[str] = Field(default_factory=list, max_length=32)


class TokenRead(BaseModel):
    """An API token without its secret (only the first characters, to tell tokens apart)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    token_prefix: str
    organization_id: Int4Id
    external_system: str
    scopes: list[TokenScope]
    kinds: list[str]
    created_by_user_id: int | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    organization_name_ru: str | None = None


class TokenCreated(TokenRead):
    """The created token; `token` is shown this once and never again."""

    token: str


class TokenList(BaseModel):
    """Tokens of the administrator's subtree, and the kinds of data a write token may be given."""

    items: list[TokenRead]
    kinds: list[str]


# ---- batches ------------------------------------------------------------------------------------------------


class Item(BaseModel):
    """Common part of every batch item: the source system's id of the row."""

    model_config = ConfigDict(extra="forbid")

    external_id: ExtId


ItemT = TypeVar("ItemT")


class Batch(BaseModel, Generic[ItemT]):
    """A batch of up to 10,000 items, written all-or-nothing."""

    items: list[ItemT] = Field(max_length=MAX_BATCH)


class DeleteBatch(BaseModel):
    """External ids of the rows to delete (up to 10,000), all-or-nothing."""

    model_config = ConfigDict(extra="forbid")

    external_ids: list[ExtId] = Field(max_length=MAX_BATCH)


class BatchResult(BaseModel):
    """What a batch did: rows created, updated, left unchanged (already so) and deleted."""

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


class OrganizationItem(Item):
    """An organization (usually a school) under a parent named by external id, or by our id when it pre-exists."""

    id: Int4Id | None = Field(default=None, description="our id of an existing organization to bind to external_id")
    parent_external_id: ExtId | None = None
    parent_id: Int4Id | None = Field(default=None, description="our id of the parent (a management body)")
    kind: Literal["school", "district_body", "regional_body"] = "school"
    type_code: Annotated[str, text(max_length=64)] | None = None
    structure_code: Annotated[str, text(max_length=64)] | None = None
    region_id: Int4Id | None = Field(
        default=None,
        description="the region (geography) of a body or school directly under the ministry; below, the parent's",
    )
    district_id: Int4Id | None = None
    name_ru: Annotated[str, text(min_length=1, max_length=500, strip=True)]
    name_kk: Annotated[str, text(max_length=500)] | None = None
    short_name: Text255 | None = None
    # Contacts: the same checks as the administrator's profile form (api.schemas.common).
    postal_address: Address | None = None
    building_address: Address | None = None
    phones: Phones | None = None
    email: Email | None = None
    website: Website | None = None
    head_external_id: ExtId | None = None
    license_number: Annotated[str, text(max_length=128)] | None = None
    license_date: RecordDate | None = None
    license_issuer: Text500 | None = None
    accreditation_number: Annotated[str, text(max_length=128)] | None = None
    accreditation_date: RecordDate | None = None
    accreditation_valid_until: RecordDate | None = None


class PersonItem(Item):
    """A person: student, parent or member of staff."""

    surname: Name
    first_name: Name
    patronymic: Annotated[str, text(max_length=128)] | None = None
    sex: Sex | None = None
    birth_date: RecordDate | None = None
    iin: Annotated[str, text(min_length=12, max_length=12)] | None = None
    phone: Phone | None = None
    email: Email | None = None


class StaffPostItem(Item):
    """A post of a person in an organization."""

    organization_external_id: ExtId
    person_external_id: ExtId
    position: Annotated[str, text(min_length=1, max_length=255)]
    role_kind: RoleKind
    category: QualificationCategory = QualificationCategory.none
    started_on: RecordDate | None = None
    ended_on: RecordDate | None = None


class ClassItem(Item):
    """A class of a school in an academic year (named by its name, e.g. 2026-2027)."""

    organization_external_id: ExtId
    academic_year: Annotated[str, text(min_length=1, max_length=32)]
    grade: int = Field(ge=0, le=12)
    letter: Annotated[str, text(max_length=8)] = ""
    class_teacher_external_id: ExtId | None = None


class SubjectItem(Item):
    """A subject, of one organization or (without organization) of the system's common list."""

    organization_external_id: ExtId | None = None
    name_ru: Annotated[str, text(min_length=1, max_length=255)]
    name_kk: Annotated[str, text(min_length=1, max_length=255)]
    name_en: Text255 | None = None
    short_name: Annotated[str, text(max_length=64)] | None = None


class AssignmentItem(Item):
    """A subject taught in a class by a teacher."""

    class_external_id: ExtId
    subject_external_id: ExtId
    teacher_external_id: ExtId | None = None
    hours_per_week: int | None = Field(default=None, ge=0, le=40)


class EnrolmentItem(Item):
    """A student in a class from a date (until a date)."""

    class_external_id: ExtId
    student_external_id: ExtId
    starts_on: SaneDate
    ends_on: SaneDate | None = None


class ParentLinkItem(Item):
    """A parent (or guardian) of a child."""

    parent_external_id: ExtId
    child_external_id: ExtId
    relation: Literal["mother", "father", "guardian", "other"] = "other"


class UserItem(Item):
    """A registered school user (teacher, student, parent): an account without access to this app."""

    person_external_id: ExtId
    organization_external_id: ExtId
    status: AccountStatus = AccountStatus.active
    registered_at: SaneDateTime | None = None
    last_seen_at: SaneDateTime | None = None


class LessonItem(Item):
    """A lesson of an assignment on a date; held, cancelled or replaced."""

    assignment_external_id: ExtId
    date: SaneDate
    number: int = Field(default=1, ge=0, le=12)
    topic: Annotated[str, text(max_length=1000)] | None = None
    status: LessonStatus = LessonStatus.held
    teacher_external_id: ExtId | None = None
    substitute_external_id: ExtId | None = None
    change_reason: Text500 | None = None
    from_timetable: bool = True


class HomeworkItem(Item):
    """Homework given on a lesson, with expected minutes."""

    lesson_external_id: ExtId
    text: Annotated[str, text(min_length=1, max_length=20_000)]
    minutes: int | None = Field(default=None, ge=0, le=600)
    due_on: SaneDate | None = None


@with_config(ConfigDict(extra="forbid"))
class MarkItem(TypedDict):
    """A mark of a student: current (on a lesson), СОР/СОЧ, or a period mark (quarter, year, exam).

    A TypedDict, not a model: marks come by the hundred thousand and validating into dicts is several
    times faster than building model instances.
    """

    external_id: ExtId
    student_external_id: ExtId
    class_external_id: ExtId
    subject_external_id: ExtId
    lesson_external_id: NotRequired[ExtId | None]
    kind: NotRequired[Annotated[MarkKindName, Field(description="current (default), sor, soch, quarter, year, exam")]]
    value: NotRequired[Annotated[int, Field(ge=1, le=5)] | None]
    not_attested: NotRequired[Annotated[bool, Field(description="«н/а» instead of a value (period marks only)")]]
    period_number: NotRequired[Annotated[int, Field(ge=1, le=4, description="the quarter, for quarter marks")] | None]
    date: NotRequired[Annotated[SaneDate, Field(description="defaults to the lesson's date")] | None]
    entered_by_external_id: NotRequired[ExtId | None]
    entered_at: NotRequired[SaneDateTime | None]


class AbsenceItem(Item):
    """A student missed (or was late to) a lesson."""

    student_external_id: ExtId
    lesson_external_id: ExtId
    reason: AbsenceReason


class MovementItem(Item):
    """A student arrived at or departed from a school."""

    organization_external_id: ExtId
    student_external_id: ExtId
    class_external_id: ExtId | None = None
    kind: MovementKind
    date: SaneDate
    counterpart: Text500 | None = None
    reason: Text500 | None = None
    order_number: Annotated[str, text(max_length=64)] | None = None


class DocumentItem(Item):
    """An issued education document (certificate of basic or general secondary education)."""

    organization_external_id: ExtId
    student_external_id: ExtId
    class_external_id: ExtId | None = None
    doc_type: DocumentType
    series: Annotated[str, text(max_length=16)] = ""
    number: Annotated[str, text(min_length=1, max_length=32)]
    issued_on: SaneDate
    with_honours: bool = False


class VisitItem(Item):
    """A user's visit to the school system."""

    user_external_id: ExtId
    organization_external_id: ExtId | None = Field(default=None, description="defaults to the user's organization")
    visited_at: SaneDateTime
