"""school data schema

Revision ID: 0001_base
Revises: 
Create Date: 2026-11-28 14:12:52.677804+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db import split_sql
from sqlalchemy.dialects import postgresql
revision: str = '0001_base'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


PRE_SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- ИИН: 12 digits, the 12th a check digit (two weight rounds, mod 11; 10 twice is invalid).
CREATE OR REPLACE FUNCTION iin_is_valid(iin text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  s int := 0;
  c int;
  w2 int[] := ARRAY[3,4,5,6,7,8,9,10,11,1,2];
BEGIN
  IF iin !~ '^[0-9]{12}$' THEN RETURN false; END IF;
  FOR i IN 1..11 LOOP s := s + i * substr(iin, i, 1)::int; END LOOP;
  c := s % 11;
  IF c = 10 THEN
    s := 0;
    FOR i IN 1..11 LOOP s := s + w2[i] * substr(iin, i, 1)::int; END LOOP;
    c := s % 11;
    IF c = 10 THEN RETURN false; END IF;
  END IF;
  RETURN c = substr(iin, 12, 1)::int;
END $$;

-- The first 7 digits of an ИИН encode the birth date and, with the century, the sex.
CREATE OR REPLACE FUNCTION iin_matches_birth(iin text, birth date, sex text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  cs int;
  century int;
BEGIN
  IF iin !~ '^[0-9]{12}$' THEN RETURN false; END IF;
  cs := substr(iin, 7, 1)::int;
  IF cs NOT BETWEEN 1 AND 6 THEN RETURN true; END IF;  -- foreigners and legacy numbers: no birth encoding
  century := 1800 + ((cs - 1) / 2) * 100;
  IF to_char(birth, 'YYMMDD') <> substr(iin, 1, 6) THEN RETURN false; END IF;
  IF extract(year FROM birth)::int / 100 * 100 <> century THEN RETURN false; END IF;
  IF sex IS NOT NULL AND sex <> (CASE WHEN cs % 2 = 1 THEN 'M' ELSE 'F' END) THEN
    RETURN false;
  END IF;
  RETURN true;
END $$;
"""

POST_SQL = """
-- organizations.path: ids from the root down to the row; a subtree is `path @> ARRAY[id]`.
CREATE OR REPLACE FUNCTION organizations_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE parent_path int[];
BEGIN
  IF NEW.parent_id IS NULL THEN
    NEW.path := ARRAY[NEW.id];
  ELSE
    SELECT path INTO parent_path FROM organizations WHERE id = NEW.parent_id;
    IF parent_path IS NULL THEN
      RAISE EXCEPTION 'parent organization % does not exist', NEW.parent_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.id = ANY(parent_path) THEN
      RAISE EXCEPTION 'organization % cannot be placed under its own subtree', NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_organizations_no_cycle';
    END IF;
    NEW.path := parent_path || NEW.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trg_organizations_set_path BEFORE INSERT OR UPDATE OF parent_id ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_set_path();

CREATE OR REPLACE FUNCTION organizations_move_subtree() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.path IS DISTINCT FROM OLD.path THEN
    UPDATE organizations
       SET path = NEW.path || path[array_position(path, NEW.id) + 1:]
     WHERE path @> ARRAY[NEW.id] AND id <> NEW.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER trg_organizations_move_subtree AFTER UPDATE OF parent_id ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_move_subtree();

-- A management body cannot sit under a school; schools cannot have children.
CREATE OR REPLACE FUNCTION organizations_check_parent_kind() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pk text;
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    SELECT kind INTO pk FROM organizations WHERE id = NEW.parent_id;
    IF pk = 'school' THEN
      RAISE EXCEPTION 'an educational organization cannot be the parent of organization %', NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_organizations_parent_is_body';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trg_organizations_check_parent_kind BEFORE INSERT OR UPDATE OF parent_id ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_check_parent_kind();

-- A period lies inside its academic year.
CREATE OR REPLACE FUNCTION periods_check_in_year() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM academic_years y WHERE y.id = NEW.academic_year_id
                  AND NEW.starts_on >= y.starts_on AND NEW.ends_on <= y.ends_on) THEN
    RAISE EXCEPTION 'period % - % lies outside its academic year', NEW.starts_on, NEW.ends_on
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_periods_in_academic_year';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trg_periods_check_in_year BEFORE INSERT OR UPDATE ON periods
  FOR EACH ROW EXECUTE FUNCTION periods_check_in_year();

-- A lesson is dated inside its class's academic year.
CREATE OR REPLACE FUNCTION lessons_check_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM classes c JOIN academic_years y ON y.id = c.academic_year_id
                  WHERE c.id = NEW.class_id AND NEW.date BETWEEN y.starts_on AND y.ends_on) THEN
    RAISE EXCEPTION 'lesson date % lies outside the academic year of class %', NEW.date, NEW.class_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_lessons_date_in_academic_year';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trg_lessons_check_date BEFORE INSERT OR UPDATE OF date, class_id ON lessons
  FOR EACH ROW EXECUTE FUNCTION lessons_check_date();

-- No marks on a cancelled lesson.
CREATE OR REPLACE FUNCTION marks_check_lesson() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.lesson_id IS NOT NULL AND EXISTS (SELECT 1 FROM lessons l WHERE l.id = NEW.lesson_id
                                            AND l.status = 'cancelled') THEN
    RAISE EXCEPTION 'lesson % was cancelled and cannot carry marks', NEW.lesson_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_marks_lesson_not_cancelled';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trg_marks_check_lesson BEFORE INSERT OR UPDATE OF lesson_id ON marks
  FOR EACH ROW EXECUTE FUNCTION marks_check_lesson();
CREATE TRIGGER trg_absences_check_lesson BEFORE INSERT OR UPDATE OF lesson_id ON absences
  FOR EACH ROW EXECUTE FUNCTION marks_check_lesson();

-- A cancelled lesson cannot keep marks.
CREATE OR REPLACE FUNCTION lessons_check_cancel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled'
     AND EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = NEW.id) THEN
    RAISE EXCEPTION 'lesson % has marks and cannot be cancelled', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_marks_lesson_not_cancelled';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trg_lessons_check_cancel BEFORE UPDATE OF status ON lessons
  FOR EACH ROW EXECUTE FUNCTION lessons_check_cancel();

-- A mark or absence belongs to a student enrolled in the class on that date.
CREATE OR REPLACE FUNCTION check_student_enrolled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.student_person_id = NEW.student_person_id
                  AND e.class_id = NEW.class_id) THEN
    RAISE EXCEPTION 'student % is not enrolled in class %', NEW.student_person_id, NEW.class_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_student_enrolled_in_class';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER trg_marks_check_student BEFORE INSERT OR UPDATE OF student_person_id, class_id ON marks
  FOR EACH ROW EXECUTE FUNCTION check_student_enrolled();
CREATE TRIGGER trg_absences_check_student BEFORE INSERT OR UPDATE OF student_person_id, class_id ON absences
  FOR EACH ROW EXECUTE FUNCTION check_student_enrolled();
"""

DROP_SQL = """
DROP FUNCTION IF EXISTS check_student_enrolled() CASCADE;
DROP FUNCTION IF EXISTS lessons_check_cancel() CASCADE;
DROP FUNCTION IF EXISTS marks_check_lesson() CASCADE;
DROP FUNCTION IF EXISTS lessons_check_date() CASCADE;
DROP FUNCTION IF EXISTS periods_check_in_year() CASCADE;
DROP FUNCTION IF EXISTS organizations_check_parent_kind() CASCADE;
DROP FUNCTION IF EXISTS organizations_move_subtree() CASCADE;
DROP FUNCTION IF EXISTS organizations_set_path() CASCADE;
"""


def upgrade() -> None:
    for stmt in split_sql(PRE_SQL):
        op.get_bind().exec_driver_sql(stmt)
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('academic_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_academic_years_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academic_years')),
    sa.UniqueConstraint('name', name=op.f('uq_academic_years_name'))
    )
    op.create_table('organization_structures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_ru', sa.String(length=255), nullable=False),
    sa.Column('name_kk', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_structures')),
    sa.UniqueConstraint('code', name=op.f('uq_organization_structures_code'))
    )
    op.create_table('organization_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_ru', sa.String(length=255), nullable=False),
    sa.Column('name_kk', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_types')),
    sa.UniqueConstraint('code', name=op.f('uq_organization_types_code'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_ru', sa.String(length=255), nullable=False),
    sa.Column('name_kk', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("kind IN ('oblast', 'city')", name=op.f('ck_regions_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_regions_external_system_external_id'))
    )
    op.create_table('districts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name_ru', sa.String(length=255), nullable=False),
    sa.Column('name_kk', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("kind IN ('district', 'city')", name=op.f('ck_districts_kind')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_districts_region_id_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_districts')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_districts_external_system_external_id')),
    sa.UniqueConstraint('id', 'region_id', name=op.f('uq_districts_id_region_id'))
    )
    op.create_index('ix_districts_region_id', 'districts', ['region_id'], unique=False)
    op.create_table('periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('academic_year_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('number', sa.SmallInteger(), nullable=False),
    sa.Column('name_ru', sa.String(length=64), nullable=False),
    sa.Column('name_kk', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint("kind IN ('quarter', 'half', 'year')", name=op.f('ck_periods_kind')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_periods_dates')),
    sa.CheckConstraint('number BETWEEN 1 AND 4', name=op.f('ck_periods_number')),
    sa.ForeignKeyConstraint(['academic_year_id'], ['academic_years.id'], name=op.f('fk_periods_academic_year_id_academic_years'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periods')),
    sa.UniqueConstraint('academic_year_id', 'kind', 'number', name=op.f('uq_periods_academic_year_id_kind_number'))
    )
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('surname', sa.String(length=128), nullable=False),
    sa.Column('first_name', sa.String(length=128), nullable=False),
    sa.Column('patronymic', sa.String(length=128), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('iin', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('search_name', sa.String(length=400), sa.Computed("lower(translate(surname || ' ' || first_name || ' ' || coalesce(patronymic, ''), 'Ёё', 'Ее'))", persisted=True), nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("birth_date IS NULL OR birth_date > DATE '1900-01-01'", name=op.f('ck_persons_birth_date_range')),
    sa.CheckConstraint("sex IN ('M', 'F')", name=op.f('ck_persons_sex')),
    sa.CheckConstraint('iin IS NULL OR birth_date IS NULL OR iin_matches_birth(iin, birth_date, sex)', name=op.f('ck_persons_iin_matches_birth')),
    sa.CheckConstraint('iin IS NULL OR iin_is_valid(iin)', name=op.f('ck_persons_iin_valid')),
    sa.CheckConstraint('length(btrim(surname)) > 0 AND length(btrim(first_name)) > 0', name=op.f('ck_persons_names_present')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_persons_region_id_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_persons_external_system_external_id')),
    sa.UniqueConstraint('iin', name=op.f('uq_persons_iin'))
    )
    op.create_index('ix_persons_region_id', 'persons', ['region_id'], unique=False)
    op.create_index('ix_persons_search_name_trgm', 'persons', ['search_name'], unique=False, postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', postgresql.ARRAY(sa.Integer()), server_default='{}', nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('type_id', sa.Integer(), nullable=True),
    sa.Column('structure_id', sa.Integer(), nullable=True),
    sa.Column('name_ru', sa.String(length=500), nullable=False),
    sa.Column('name_kk', sa.String(length=500), nullable=True),
    sa.Column('short_name', sa.String(length=255), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('postal_address', sa.String(length=500), nullable=True),
    sa.Column('building_address', sa.String(length=500), nullable=True),
    sa.Column('phones', sa.String(length=255), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('website', sa.String(length=255), nullable=True),
    sa.Column('head_person_id', sa.Integer(), nullable=True),
    sa.Column('license_number', sa.String(length=128), nullable=True),
    sa.Column('license_date', sa.Date(), nullable=True),
    sa.Column('license_issuer', sa.String(length=500), nullable=True),
    sa.Column('accreditation_number', sa.String(length=128), nullable=True),
    sa.Column('accreditation_date', sa.Date(), nullable=True),
    sa.Column('accreditation_valid_until', sa.Date(), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("email IS NULL OR email LIKE '%_@_%'", name=op.f('ck_organizations_email_format')),
    sa.CheckConstraint("kind <> 'district_body' OR district_id IS NOT NULL", name=op.f('ck_organizations_district_body_has_district')),
    sa.CheckConstraint("kind <> 'school' OR (region_id IS NOT NULL AND type_id IS NOT NULL)", name=op.f('ck_organizations_school_has_region_and_type')),
    sa.CheckConstraint("kind = 'ministry' OR parent_id IS NOT NULL", name=op.f('ck_organizations_parent_required')),
    sa.CheckConstraint("kind IN ('ministry', 'regional_body', 'district_body', 'school')", name=op.f('ck_organizations_kind')),
    sa.CheckConstraint("kind NOT IN ('regional_body', 'district_body') OR region_id IS NOT NULL", name=op.f('ck_organizations_body_has_region')),
    sa.CheckConstraint('accreditation_valid_until IS NULL OR accreditation_date IS NULL OR accreditation_valid_until >= accreditation_date', name=op.f('ck_organizations_accreditation_dates')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_organizations_not_own_parent')),
    sa.ForeignKeyConstraint(['district_id', 'region_id'], ['districts.id', 'districts.region_id'], name='fk_organizations_district_in_region'),
    sa.ForeignKeyConstraint(['head_person_id'], ['persons.id'], name=op.f('fk_organizations_head_person_id_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['organizations.id'], name=op.f('fk_organizations_parent_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_organizations_region_id_regions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['structure_id'], ['organization_structures.id'], name=op.f('fk_organizations_structure_id_organization_structures'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['type_id'], ['organization_types.id'], name=op.f('fk_organizations_type_id_organization_types'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_organizations_external_system_external_id')),
    sa.UniqueConstraint('id', 'region_id', name=op.f('uq_organizations_id_region_id'))
    )
    op.create_index('ix_organizations_parent_id', 'organizations', ['parent_id'], unique=False)
    op.create_index('ix_organizations_path', 'organizations', ['path'], unique=False, postgresql_using='gin')
    op.create_index('ix_organizations_region_district', 'organizations', ['region_id', 'district_id'], unique=False)
    op.create_table('parent_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('parent_person_id', sa.Integer(), nullable=False),
    sa.Column('child_person_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("relation IN ('mother', 'father', 'guardian', 'other')", name=op.f('ck_parent_links_relation')),
    sa.CheckConstraint('parent_person_id <> child_person_id', name=op.f('ck_parent_links_not_self')),
    sa.ForeignKeyConstraint(['child_person_id'], ['persons.id'], name=op.f('fk_parent_links_child_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_person_id'], ['persons.id'], name=op.f('fk_parent_links_parent_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_parent_links_region_id_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_links')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_parent_links_external_system_external_id')),
    sa.UniqueConstraint('parent_person_id', 'child_person_id', name=op.f('uq_parent_links_parent_person_id_child_person_id'))
    )
    op.create_index('ix_parent_links_child_person_id', 'parent_links', ['child_person_id'], unique=False)
    op.create_table('classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('academic_year_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.SmallInteger(), nullable=False),
    sa.Column('letter', sa.String(length=8), nullable=False),
    sa.Column('class_teacher_person_id', sa.Integer(), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('grade BETWEEN 0 AND 12', name=op.f('ck_classes_grade')),
    sa.ForeignKeyConstraint(['academic_year_id'], ['academic_years.id'], name=op.f('fk_classes_academic_year_id_academic_years'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['class_teacher_person_id'], ['persons.id'], name=op.f('fk_classes_class_teacher_person_id_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id', 'region_id'], ['organizations.id', 'organizations.region_id'], name='fk_classes_organization_region'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classes')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_classes_external_system_external_id')),
    sa.UniqueConstraint('id', 'organization_id', name=op.f('uq_classes_id_organization_id')),
    sa.UniqueConstraint('organization_id', 'academic_year_id', 'grade', 'letter', name=op.f('uq_classes_organization_id_academic_year_id_grade_letter'))
    )
    op.create_table('journal_changes',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('mark_id', sa.BigInteger(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('student_person_id', sa.Integer(), nullable=False),
    sa.Column('lesson_date', sa.Date(), nullable=True),
    sa.Column('mark_kind', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('old_value', sa.String(length=8), nullable=True),
    sa.Column('new_value', sa.String(length=8), nullable=True),
    sa.Column('changed_by_person_id', sa.Integer(), nullable=True),
    sa.Column('changed_by', sa.String(length=255), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("action IN ('created', 'changed', 'deleted')", name=op.f('ck_journal_changes_action')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_journal_changes_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_changes'))
    )
    op.create_index('ix_journal_changes_mark_id', 'journal_changes', ['mark_id'], unique=False)
    op.create_index('ix_journal_changes_organization_changed_at', 'journal_changes', ['organization_id', 'changed_at'], unique=False)
    op.create_table('staff_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=255), nullable=False),
    sa.Column('role_kind', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("category IN ('master', 'researcher', 'expert', 'moderator', 'pedagogue', 'none')", name=op.f('ck_staff_posts_category')),
    sa.CheckConstraint("role_kind IN ('head', 'deputy', 'teacher', 'additional_teacher', 'psychologist', 'social_pedagogue', 'librarian', 'administrator', 'specialist', 'other')", name=op.f('ck_staff_posts_role_kind')),
    sa.CheckConstraint('ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on', name=op.f('ck_staff_posts_dates')),
    sa.ForeignKeyConstraint(['organization_id', 'region_id'], ['organizations.id', 'organizations.region_id'], name='fk_staff_posts_organization_region'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_staff_posts_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_posts')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_staff_posts_external_system_external_id'))
    )
    op.create_index('ix_staff_posts_organization_id', 'staff_posts', ['organization_id'], unique=False)
    op.create_index('ix_staff_posts_person_id', 'staff_posts', ['person_id'], unique=False)
    op.create_table('structural_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('parent_unit_id', sa.Integer(), nullable=True),
    sa.Column('name_ru', sa.String(length=500), nullable=False),
    sa.Column('name_kk', sa.String(length=500), nullable=True),
    sa.Column('head_person_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['head_person_id'], ['persons.id'], name=op.f('fk_structural_units_head_person_id_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_structural_units_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_unit_id'], ['structural_units.id'], name=op.f('fk_structural_units_parent_unit_id_structural_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structural_units'))
    )
    op.create_index('ix_structural_units_organization_id', 'structural_units', ['organization_id'], unique=False)
    op.create_table('subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('name_ru', sa.String(length=255), nullable=False),
    sa.Column('name_kk', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=True),
    sa.Column('short_name', sa.String(length=64), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_subjects_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subjects')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_subjects_external_system_external_id'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=128), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('app_role', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('token_version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("app_role IS NULL OR app_role IN ('employee', 'admin')", name=op.f('ck_users_app_role')),
    sa.CheckConstraint("status IN ('active', 'disabled')", name=op.f('ck_users_status')),
    sa.CheckConstraint('app_role IS NULL OR (username IS NOT NULL AND password_hash IS NOT NULL)', name=op.f('ck_users_app_user_has_credentials')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_users_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_users_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_users_region_id_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_users_external_system_external_id')),
    sa.UniqueConstraint('person_id', name=op.f('uq_users_person_id')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_index('ix_users_last_seen_at', 'users', ['last_seen_at'], unique=False)
    op.create_index('ix_users_organization_id', 'users', ['organization_id'], unique=False)
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('teacher_person_id', sa.Integer(), nullable=True),
    sa.Column('hours_per_week', sa.SmallInteger(), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint('hours_per_week IS NULL OR hours_per_week BETWEEN 0 AND 40', name=op.f('ck_assignments_hours')),
    sa.ForeignKeyConstraint(['class_id', 'organization_id'], ['classes.id', 'classes.organization_id'], name='fk_assignments_class_organization', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_assignments_subject_id_subjects'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['teacher_person_id'], ['persons.id'], name=op.f('fk_assignments_teacher_person_id_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('class_id', 'subject_id', 'teacher_person_id', name=op.f('uq_assignments_class_id_subject_id_teacher_person_id')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_assignments_external_system_external_id')),
    sa.UniqueConstraint('id', 'class_id', name=op.f('uq_assignments_id_class_id'))
    )
    op.create_index('ix_assignments_teacher_person_id', 'assignments', ['teacher_person_id'], unique=False)
    op.create_table('education_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('student_person_id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('series', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('with_honours', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("doc_type IN ('basic_certificate', 'general_certificate', 'other')", name=op.f('ck_education_documents_doc_type')),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_education_documents_class_id_classes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_education_documents_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_person_id'], ['persons.id'], name=op.f('fk_education_documents_student_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_documents')),
    sa.UniqueConstraint('doc_type', 'series', 'number', name=op.f('uq_education_documents_doc_type_series_number')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_education_documents_external_system_external_id'))
    )
    op.create_index('ix_education_documents_organization_id', 'education_documents', ['organization_id'], unique=False)
    op.create_table('enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('student_person_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    postgresql.ExcludeConstraint((sa.column('student_person_id'), '='), (sa.text("daterange(starts_on, coalesce(ends_on, 'infinity'::date), '[]')"), '&&'), using='gist', name='ex_enrolments_one_class_at_a_time'),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_enrolments_dates')),
    sa.ForeignKeyConstraint(['class_id', 'organization_id'], ['classes.id', 'classes.organization_id'], name='fk_enrolments_class_organization', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_person_id'], ['persons.id'], name=op.f('fk_enrolments_student_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_enrolments_external_system_external_id'))
    )
    op.create_index('ix_enrolments_class_id', 'enrolments', ['class_id'], unique=False)
    op.create_index('ix_enrolments_organization_id', 'enrolments', ['organization_id'], unique=False)
    op.create_table('movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('student_person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('counterpart', sa.String(length=500), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('order_number', sa.String(length=64), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("kind IN ('arrived', 'departed')", name=op.f('ck_movements_kind')),
    sa.ForeignKeyConstraint(['class_id', 'organization_id'], ['classes.id', 'classes.organization_id'], name='fk_movements_class_organization', ondelete='SET NULL (class_id)'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_movements_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_person_id'], ['persons.id'], name=op.f('fk_movements_student_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movements')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_movements_external_system_external_id'))
    )
    op.create_index('ix_movements_organization_date', 'movements', ['organization_id', 'date'], unique=False)
    op.create_table('visits',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('visited_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_visits_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_visits_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_visits_external_system_external_id'))
    )
    op.create_index('ix_visits_organization_visited_at', 'visits', ['organization_id', 'visited_at'], unique=False)
    op.create_index('ix_visits_region_id', 'visits', ['region_id'], unique=False)
    op.create_index('ix_visits_user_visited_at', 'visits', ['user_id', 'visited_at'], unique=False)
    op.create_table('lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('teacher_person_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('number', sa.SmallInteger(), nullable=False),
    sa.Column('topic', sa.String(length=1000), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('substitute_person_id', sa.Integer(), nullable=True),
    sa.Column('change_reason', sa.String(length=500), nullable=True),
    sa.Column('from_timetable', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("status <> 'replaced' OR substitute_person_id IS NOT NULL", name=op.f('ck_lessons_replaced_has_substitute')),
    sa.CheckConstraint("status IN ('held', 'cancelled', 'replaced')", name=op.f('ck_lessons_status')),
    sa.CheckConstraint('number BETWEEN 0 AND 12', name=op.f('ck_lessons_number')),
    sa.ForeignKeyConstraint(['assignment_id', 'class_id'], ['assignments.id', 'assignments.class_id'], name='fk_lessons_assignment_class', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['class_id', 'organization_id'], ['classes.id', 'classes.organization_id'], name='fk_lessons_class_organization', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_lessons_subject_id_subjects'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['substitute_person_id'], ['persons.id'], name=op.f('fk_lessons_substitute_person_id_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['teacher_person_id'], ['persons.id'], name=op.f('fk_lessons_teacher_person_id_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_lessons_external_system_external_id')),
    sa.UniqueConstraint('id', 'class_id', name=op.f('uq_lessons_id_class_id'))
    )
    op.create_index('ix_lessons_class_date', 'lessons', ['class_id', 'date'], unique=False)
    op.create_index('ix_lessons_organization_date', 'lessons', ['organization_id', 'date'], unique=False)
    op.create_index('ix_lessons_teacher_date', 'lessons', ['teacher_person_id', 'date'], unique=False)
    op.create_table('absences',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('student_person_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("reason IN ('illness', 'valid', 'unexcused', 'late')", name=op.f('ck_absences_reason')),
    sa.ForeignKeyConstraint(['lesson_id', 'class_id'], ['lessons.id', 'lessons.class_id'], name='fk_absences_lesson_class', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_absences_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_person_id'], ['persons.id'], name=op.f('fk_absences_student_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absences')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_absences_external_system_external_id')),
    sa.UniqueConstraint('student_person_id', 'lesson_id', name=op.f('uq_absences_student_person_id_lesson_id'))
    )
    op.create_index('ix_absences_class_date', 'absences', ['class_id', 'date'], unique=False)
    op.create_index('ix_absences_organization_date', 'absences', ['organization_id', 'date'], unique=False)
    op.create_table('homework',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('minutes', sa.SmallInteger(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint('minutes IS NULL OR minutes BETWEEN 0 AND 600', name=op.f('ck_homework_minutes')),
    sa.ForeignKeyConstraint(['lesson_id', 'class_id'], ['lessons.id', 'lessons.class_id'], name='fk_homework_lesson_class', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_homework_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homework')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_homework_external_system_external_id'))
    )
    op.create_index('ix_homework_class_due', 'homework', ['class_id', 'due_on'], unique=False)
    op.create_index('ix_homework_lesson_id', 'homework', ['lesson_id'], unique=False)
    op.create_table('marks',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('student_person_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=True),
    sa.Column('not_attested', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('entered_by_person_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('external_system', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.CheckConstraint("NOT not_attested OR kind IN ('quarter', 'year', 'exam')", name=op.f('ck_marks_not_attested_period_only')),
    sa.CheckConstraint("kind <> 'current' OR lesson_id IS NOT NULL", name=op.f('ck_marks_current_mark_has_lesson')),
    sa.CheckConstraint("kind IN ('current', 'sor', 'soch', 'quarter', 'year', 'exam')", name=op.f('ck_marks_kind')),
    sa.CheckConstraint("kind NOT IN ('quarter', 'year') OR period_id IS NOT NULL", name=op.f('ck_marks_period_mark_has_period')),
    sa.CheckConstraint('(value IS NOT NULL) <> not_attested', name=op.f('ck_marks_value_or_not_attested')),
    sa.CheckConstraint('value IS NULL OR value BETWEEN 1 AND 5', name=op.f('ck_marks_value_scale')),
    sa.ForeignKeyConstraint(['class_id', 'organization_id'], ['classes.id', 'classes.organization_id'], name='fk_marks_class_organization', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_person_id'], ['persons.id'], name=op.f('fk_marks_entered_by_person_id_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lesson_id', 'class_id'], ['lessons.id', 'lessons.class_id'], name='fk_marks_lesson_class', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_marks_period_id_periods'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['student_person_id'], ['persons.id'], name=op.f('fk_marks_student_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_marks_subject_id_subjects'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marks')),
    sa.UniqueConstraint('external_system', 'external_id', name=op.f('uq_marks_external_system_external_id'))
    )
    op.create_index('ix_marks_class_subject_date', 'marks', ['class_id', 'subject_id', 'date'], unique=False)
    op.create_index('ix_marks_lesson_id', 'marks', ['lesson_id'], unique=False)
    op.create_index('ix_marks_organization_date', 'marks', ['organization_id', 'date'], unique=False)
    op.create_index('ix_marks_student_id', 'marks', ['student_person_id'], unique=False)
    # ### end Alembic commands ###
    for stmt in split_sql(POST_SQL):
        op.get_bind().exec_driver_sql(stmt)


def downgrade() -> None:
    for stmt in split_sql(DROP_SQL):
        op.get_bind().exec_driver_sql(stmt)
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index('ix_marks_student_id', table_name='marks')
    op.drop_index('ix_marks_organization_date', table_name='marks')
    op.drop_index('ix_marks_lesson_id', table_name='marks')
    op.drop_index('ix_marks_class_subject_date', table_name='marks')
    op.drop_table('marks')
    op.drop_index('ix_homework_lesson_id', table_name='homework')
    op.drop_index('ix_homework_class_due', table_name='homework')
    op.drop_table('homework')
    op.drop_index('ix_absences_organization_date', table_name='absences')
    op.drop_index('ix_absences_class_date', table_name='absences')
    op.drop_table('absences')
    op.drop_index('ix_lessons_teacher_date', table_name='lessons')
    op.drop_index('ix_lessons_organization_date', table_name='lessons')
    op.drop_index('ix_lessons_class_date', table_name='lessons')
    op.drop_table('lessons')
    op.drop_index('ix_visits_user_visited_at', table_name='visits')
    op.drop_index('ix_visits_region_id', table_name='visits')
    op.drop_index('ix_visits_organization_visited_at', table_name='visits')
    op.drop_table('visits')
    op.drop_index('ix_movements_organization_date', table_name='movements')
    op.drop_table('movements')
    op.drop_index('ix_enrolments_organization_id', table_name='enrolments')
    op.drop_index('ix_enrolments_class_id', table_name='enrolments')
    op.drop_table('enrolments')
    op.drop_index('ix_education_documents_organization_id', table_name='education_documents')
    op.drop_table('education_documents')
    op.drop_index('ix_assignments_teacher_person_id', table_name='assignments')
    op.drop_table('assignments')
    op.drop_index('ix_users_organization_id', table_name='users')
    op.drop_index('ix_users_last_seen_at', table_name='users')
    op.drop_table('users')
    op.drop_table('subjects')
    op.drop_index('ix_structural_units_organization_id', table_name='structural_units')
    op.drop_table('structural_units')
    op.drop_index('ix_staff_posts_person_id', table_name='staff_posts')
    op.drop_index('ix_staff_posts_organization_id', table_name='staff_posts')
    op.drop_table('staff_posts')
    op.drop_index('ix_journal_changes_organization_changed_at', table_name='journal_changes')
    op.drop_index('ix_journal_changes_mark_id', table_name='journal_changes')
    op.drop_table('journal_changes')
    op.drop_table('classes')
    op.drop_index('ix_parent_links_child_person_id', table_name='parent_links')
    op.drop_table('parent_links')
    op.drop_index('ix_organizations_region_district', table_name='organizations')
    op.drop_index('ix_organizations_path', table_name='organizations', postgresql_using='gin')
    op.drop_index('ix_organizations_parent_id', table_name='organizations')
    op.drop_table('organizations')
    op.drop_index('ix_persons_search_name_trgm', table_name='persons', postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})
    op.drop_index('ix_persons_region_id', table_name='persons')
    op.drop_table('persons')
    op.drop_table('periods')
    op.drop_index('ix_districts_region_id', table_name='districts')
    op.drop_table('districts')
    op.drop_table('regions')
    op.drop_table('organization_types')
    op.drop_table('organization_structures')
    op.drop_table('academic_years')
    # ### end Alembic commands ###
    op.execute('DROP FUNCTION IF EXISTS iin_matches_birth(text, date, text)')
    op.execute('DROP FUNCTION IF EXISTS iin_is_valid(text)')
