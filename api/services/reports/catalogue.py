"""The catalogue of reports, listed explicitly: a report is in it because it is named here, not because its module
was imported. The order is the order of the catalogue the SPA shows."""

from __future__ import annotations

from api.services.reports import management, org_registry
from api.services.reports.engine import ReportDefinition
from api.services.reports.school import (
    about,
    admin,
    attendance,
    homework,
    journal,
    lists,
    marks,
    movement,
    performance,
)

REPORTS: tuple[ReportDefinition, ...] = (
    # Management reports (a body's subtree, by district or organization).
    management.ACTIVITY,
    management.STAFF,
    management.PERFORMANCE,
    management.ATTENDANCE,
    org_registry.DEFINITION,
    # Reports about one organization.
    lists.LISTS_STUDENTS,
    lists.LISTS_STAFF,
    about.ABOUT,
    about.ACTIVITY,
    about.DATA_COMPLETENESS,
    admin.ADMIN_LESSON_CHANGES,
    admin.ADMIN_DOCUMENTS,
    attendance.ATTENDANCE_SUMMARY,
    attendance.ATTENDANCE_SCHOOL,
    attendance.ATTENDANCE_CLASSES,
    attendance.ATTENDANCE_CLASS_TEACHER,
    homework.HOMEWORK_SCHOOL,
    homework.HOMEWORK_CLASSES,
    journal.JOURNAL_KEEPING,
    journal.JOURNAL_HISTORY,
    marks.MARKS_STATISTICS,
    marks.MARKS_AVERAGE,
    movement.MOVEMENT_SUMMARY,
    *movement.LISTS,
    performance.PERFORMANCE_SCHOOL,
    performance.PERFORMANCE_CLASSES,
    performance.PERFORMANCE_SUBJECT_TEACHER,
    performance.PERFORMANCE_STUDENTS,
    performance.PERFORMANCE_CLASS_TEACHER,
)
