"""The reference lists every install starts with: types and organizational structures of organizations.

The registry import and the integration API match a school's «Тип ОУ» and «Орг. структура» against these (by name,
tolerant of case and «ё», or by code); `init` writes them into an empty install and the demo uses the same. An
install may add its own values; these are upserted by code and never deleted.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import OrganizationStructure, OrganizationType

# code, ru, kk, en, sort order
ORGANIZATION_TYPES = (
    ("general", "Общеобразовательная организация", "Жалпы білім беретін ұйым", "General education organization", 1),
    ("preschool", "Дошкольная организация", "Мектепке дейінгі ұйым", "Preschool organization", 2),
    ("college", "Колледж", "Колледж", "College", 3),
    (
        "additional",
        "Организация дополнительного образования",
        "Қосымша білім беру ұйымы",
        "Supplementary education organization",
        4,
    ),
    ("special", "Специальная (коррекционная) организация", "Арнаулы (түзету) ұйым", "Special needs organization", 5),
    ("boarding", "Интернатная организация", "Интернаттық ұйым", "Boarding school", 6),
)
ORGANIZATION_STRUCTURES = (
    ("independent", "Самостоятельное учреждение", "Дербес мекеме", "Independent institution"),
    ("branch", "Филиал", "Филиал", "Branch"),
    ("subdivision", "Структурное подразделение", "Құрылымдық бөлімше", "Structural subdivision"),
)


async def ensure_reference_values(session: AsyncSession) -> None:
    """Upsert the standard organization types and structures by code (names brought up to date)."""
    types = [
        {"code": code, "name_ru": ru, "name_kk": kk, "name_en": en, "sort_order": order}
        for code, ru, kk, en, order in ORGANIZATION_TYPES
    ]
    stmt = insert(OrganizationType).values(types)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["code"],
            set_={c: stmt.excluded[c] for c in ("name_ru", "name_kk", "name_en", "sort_order")},
        )
    )
    structures = [
        {"code": code, "name_ru": ru, "name_kk": kk, "name_en": en} for code, ru, kk, en in ORGANIZATION_STRUCTURES
    ]
    stmt2 = insert(OrganizationStructure).values(structures)
    await session.execute(
        stmt2.on_conflict_do_update(
            index_elements=["code"], set_={c: stmt2.excluded[c] for c in ("name_ru", "name_kk", "name_en")}
        )
    )
