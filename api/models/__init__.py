"""SQLAlchemy models, one module per domain; importing this package registers them all."""

from api.models import aggregates as aggregates  # the report aggregate tables (rpt_*)
from api.models.audit import AuditEvent
from api.models.auth import LoginThrottle, RefreshToken
from api.models.base import Base
from api.models.geography import District, Region
from api.models.integration import ApiToken
from api.models.journal import Absence, EducationDocument, JournalChange, Mark, Movement
from api.models.organizations import Organization, OrganizationStructure, OrganizationType, StructuralUnit
from api.models.people import ParentLink, Person, StaffPost, User, Visit
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
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Base",
    "District",
    "EducationDocument",
    "Enrolment",
    "Homework",
    "JournalChange",
    "Lesson",
    "LoginThrottle",
    "Mark",
    "Movement",
    "Organization",
    "OrganizationStructure",
    "OrganizationType",
    "ParentLink",
    "Period",
    "Person",
    "RefreshToken",
    "Region",
    "SchoolClass",
    "StaffPost",
    "StructuralUnit",
    "Subject",
    "User",
    "Visit",
]
