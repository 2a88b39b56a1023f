"""SQLAlchemy models, one module per domain; importing this package registers them all."""

from api.models import aggregates as aggregates  # the report aggregate tables (rpt_*)
from api.models import partition_keys as partition_keys  # the unique keys of the partitioned tables
from api.models import school_reports as school_reports  # indexes of the school reports
from api.models.audit import AuditEvent
from api.models.auth import LoginThrottle, RefreshToken
from api.models.base import Base
from api.models.feed import ChangeLogEntry, ChangeLogHorizon
from api.models.geography import District, Region
from api.models.integration import ApiToken
from api.models.journal import Absence, EducationDocument, JournalChange, Mark, Movement
from api.models.organizations import Organization, OrganizationStructure, OrganizationType, StructuralUnit
from api.models.people import ParentLink, Person, StaffPost, User, Visit
from api.models.profile import (
    Announcement,
    AnnouncementRead,
    AnnouncementRecipient,
    DocumentFolder,
    ForumPost,
    ForumSection,
    ForumTopic,
    NewsPost,
    ProfileAdministrator,
    ProfilePage,
    Question,
    ReceptionHour,
    StoredFile,
    WallMessage,
)
from api.models.school import (
    AcademicYear,
    Assignment,
    Enrolment,
    Homework,
    Lesson,
    Period,
    SchoolClass,
    Subject,
)

__all__ = [
    "Absence",
    "AcademicYear",
    "Announcement",
    "AnnouncementRead",
    "AnnouncementRecipient",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Base",
    "ChangeLogEntry",
    "ChangeLogHorizon",
    "District",
    "DocumentFolder",
    "EducationDocument",
    "Enrolment",
    "ForumPost",
    "ForumSection",
    "ForumTopic",
    "Homework",
    "JournalChange",
    "Lesson",
    "LoginThrottle",
    "Mark",
    "Movement",
    "NewsPost",
    "Organization",
    "OrganizationStructure",
    "OrganizationType",
    "ParentLink",
    "Period",
    "Person",
    "ProfileAdministrator",
    "ProfilePage",
    "Question",
    "ReceptionHour",
    "RefreshToken",
    "Region",
    "SchoolClass",
    "StaffPost",
    "StoredFile",
    "StructuralUnit",
    "Subject",
    "User",
    "Visit",
    "WallMessage",
]
