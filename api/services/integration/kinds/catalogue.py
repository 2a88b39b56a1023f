"""Every entity kind of the integration API, in the order of its documentation."""

from __future__ import annotations

from typing import cast

from api.schemas import integration as s
from api.services.integration.kinds.journal import ABSENCES, HOMEWORK, LESSONS, MARK_TABLE, prepare_marks
from api.services.integration.kinds.organizations import ORG_TABLE, prepare_organizations
from api.services.integration.kinds.persons import PARENT_LINKS, PERSON_TABLE, USERS, prepare_persons
from api.services.integration.kinds.records import DOCUMENTS, MOVEMENTS, VISITS
from api.services.integration.kinds.school import ASSIGNMENTS, CLASSES, ENROLMENTS, STAFF_POSTS, SUBJECTS
from api.services.integration.kinds.spec import Kind, Prepare

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("organizations", s.OrganizationItem, ORG_TABLE, cast(Prepare, prepare_organizations)),
        Kind("persons", s.PersonItem, PERSON_TABLE, cast(Prepare, prepare_persons)),
        STAFF_POSTS.kind("staff-posts", s.StaffPostItem, deletable=True),
        CLASSES.kind("classes", s.ClassItem),
        SUBJECTS.kind("subjects", s.SubjectItem),
        ASSIGNMENTS.kind("assignments", s.AssignmentItem),
        ENROLMENTS.kind("enrolments", s.EnrolmentItem, deletable=True),
        PARENT_LINKS.kind("parent-links", s.ParentLinkItem, deletable=True),
        USERS.kind("users", s.UserItem),
        LESSONS.kind("lessons", s.LessonItem, deletable=True),
        HOMEWORK.kind("homework", s.HomeworkItem, deletable=True),
        Kind("marks", s.MarkItem, MARK_TABLE, cast(Prepare, prepare_marks), deletable=True),
        ABSENCES.kind("absences", s.AbsenceItem, deletable=True),
        MOVEMENTS.kind("movements", s.MovementItem, deletable=True),
        DOCUMENTS.kind("documents", s.DocumentItem, deletable=True),
        VISITS.kind("visits", s.VisitItem),
    )
}
