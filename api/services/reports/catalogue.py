"""The catalogue of reports, listed explicitly: a report is in it because it is named here, not because its module
was imported. The order is the order of the catalogue the SPA shows."""

from __future__ import annotations

from api.services.reports import org_registry
from api.services.reports.engine import ReportDefinition
from api.services.reports.management.activity import ACTIVITY
from api.services.reports.management.attendance import ATTENDANCE
from api.services.reports.management.performance import PERFORMANCE
from api.services.reports.management.staff import STAFF
from api.services.reports.school import (
    about,
    activity,
    admin,
    attendance,
    attendance_class_teacher,
    completeness,
    homework,
    journal,
    lists,
    marks,
    movement,
    performance,
    performance_classes,
    performance_students,
)

REPORTS: tuple[ReportDefinition, ...] = (
    # Management reports (a body's subtree, by district or organization).
    ACTIVITY,
    STAFF,
    PERFORMANCE,
    ATTENDANCE,
    org_registry.DEFINITION,
    # Reports about one organization.
    lists.LISTS_STUDENTS,
    lists.LISTS_STAFF,
    about.ABOUT,
    activity.ACTIVITY,
    completeness.DATA_COMPLETENESS,
    admin.ADMIN_LESSON_CHANGES,
    admin.ADMIN_DOCUMENTS,
    attendance.ATTENDANCE_SUMMARY,
    attendance.ATTENDANCE_SCHOOL,
    attendance.ATTENDANCE_CLASSES,
    attendance_class_teacher.ATTENDANCE_CLASS_TEACHER,
    homework.HOMEWORK_SCHOOL,
    homework.HOMEWORK_CLASSES,
    journal.JOURNAL_KEEPING,
    journal.JOURNAL_HISTORY,
    marks.MARKS_STATISTICS,
    marks.MARKS_AVERAGE,
    movement.MOVEMENT_SUMMARY,
    *movement.LISTS,
    performance.PERFORMANCE_SCHOOL,
    performance_classes.PERFORMANCE_CLASSES,
    performance_classes.PERFORMANCE_SUBJECT_TEACHER,
    performance_students.PERFORMANCE_STUDENTS,
    performance_students.PERFORMANCE_CLASS_TEACHER,
)
