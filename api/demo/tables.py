"""The tables the demo writes: the columns of each COPY, the ids it assigns itself and the order of writing."""

from __future__ import annotations

Row = tuple[object, ...]
Rows = dict[str, list[Row]]


def _cols(names: str) -> tuple[str, ...]:
    return tuple(names.split())


# Column lists of the COPY of each table, in the order the rows are built.
COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": _cols("id name_ru name_kk kind"),
    "districts": _cols("id region_id name_ru name_kk kind"),
    "subjects": _cols("id organization_id name_ru name_kk name_en short_name"),
    "organizations": _cols(
        "id parent_id kind region_id district_id type_id structure_id name_ru name_kk short_name description "
        "postal_address building_address phones email website license_number license_date license_issuer "
        "accreditation_number accreditation_date accreditation_valid_until"
    ),
    "persons": _cols("id region_id surname first_name patronymic sex birth_date iin phone email"),
    "staff_posts": _cols("organization_id region_id person_id position role_kind category started_on"),
    "structural_units": _cols("organization_id name_ru name_kk head_person_id phone email sort_order"),
    "parent_links": _cols("region_id parent_person_id child_person_id relation"),
    "users": _cols(
        "id person_id organization_id region_id username password_hash app_role status registered_at last_seen_at"
    ),
    "visits": _cols("user_id organization_id region_id visited_at"),
    "classes": _cols("id organization_id region_id academic_year_id grade letter class_teacher_person_id"),
    "assignments": _cols("id organization_id region_id class_id subject_id teacher_person_id hours_per_week"),
    "enrolments": _cols("organization_id region_id class_id student_person_id starts_on ends_on"),
    "lessons": _cols(
        "id organization_id region_id class_id assignment_id subject_id teacher_person_id date number topic status "
        "substitute_person_id change_reason from_timetable"
    ),
    "homework": _cols("organization_id region_id class_id lesson_id text minutes due_on"),
    "marks": _cols(
        "id organization_id region_id class_id subject_id student_person_id lesson_id period_id kind value "
        "not_attested date entered_by_person_id entered_at"
    ),
    "journal_changes": _cols(
        "organization_id region_id mark_id class_id subject_id student_person_id lesson_date mark_kind action "
        "old_value new_value changed_by_person_id changed_by changed_at"
    ),
    "absences": _cols("organization_id region_id class_id lesson_id student_person_id date reason"),
    "movements": _cols(
        "organization_id region_id class_id student_person_id kind date counterpart reason order_number"
    ),
    "education_documents": _cols(
        "organization_id region_id class_id student_person_id doc_type series number issued_on with_honours"
    ),
}
# Tables whose ids the generator assigns itself (the loader moves their sequences past them afterwards).
EXPLICIT_ID_TABLES = _cols("regions districts subjects organizations persons users classes assignments lessons marks")
# The order in which buffered rows are written, parents before children.
WRITE_ORDER = _cols(
    "persons staff_posts structural_units parent_links users visits classes assignments enrolments "
    "lessons homework marks journal_changes absences movements education_documents"
)


class Ids:
    """Id counters for the tables whose ids the generator assigns."""

    def __init__(self, bases: dict[str, int]) -> None:
        self.next = {t: bases.get(t, 0) + 1 for t in EXPLICIT_ID_TABLES}

    def take(self, table: str) -> int:
        v = self.next[table]
        self.next[table] = v + 1
        return v

    def last(self, table: str) -> int:
        return self.next[table] - 1
