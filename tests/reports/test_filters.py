"""The report filters, declared as a table of specs in the engine: every refusal with the filter it names, and every
applied filter named the one way in each language, a report's default period like a chosen one."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as fx

REPORT = "school.journal.history"  # the school filters, the cascade, a period and a date range


async def _setup(db: AsyncSession) -> dict[str, Any]:
    w = await fx.world(db)
    # A second region with a school under the ministry, for a district that is not in the chosen region.
    r2 = await fx.region(db)
    d2 = await fx.district(db, r2)
    await fx.organization(db, "school", w.ministry, region_id=r2.id, district_id=d2.id, type_id=w.school_type.id)
    year = await fx.academic_year(db)
    cls_a = await fx.school_class(db, w.school_a, year, grade=7, letter="Б")
    cls_b = await fx.school_class(db, w.school_b, year)
    teacher = await fx.person(db, "Сапарова", "Айгерим", patronymic="Нурлановна")
    await fx.staff_post(db, w.school_a, teacher)
    stranger = await fx.person(db, "Ким", "Ольга")
    await fx.staff_post(db, w.school_b, stranger)
    subject = await fx.subject(db, "Алгебра", name_kk="Алгебра (kk)", name_en="Algebra")
    foreign_subject = await fx.subject(db, "Свой предмет", organization_id=w.school_b.id)
    ministry_user = await fx.app_user(db, w.ministry)
    return {
        "w": w,
        "d2": d2,
        "year": year,
        "cls_a": cls_a,
        "cls_b": cls_b,
        "teacher": teacher,
        "stranger": stranger,
        "subject": subject,
        "foreign_subject": foreign_subject,
        "h": fx.auth_headers(ministry_user),
    }


async def test_every_refusal_names_its_filter(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await _setup(db)
    w = s["w"]
    school = {"organization_id": w.school_a.id}
    cases: list[tuple[str, dict[str, Any], int, str, str]] = [
        (REPORT, {"region_id": 999_999}, 404, "region_id", "region_id: region 999999 not found"),
        ("registry", {"body_id": w.school_a.id}, 404, "body_id", f"managing organization {w.school_a.id} not found"),
        (
            REPORT,
            {"region_id": w.region.id, "district_id": s["d2"].id},
            422,
            "district_id",
            f"district {s['d2'].id} is not in region {w.region.id}",
        ),
        (REPORT, {"org_type_id": 999_999}, 404, "org_type_id", "organization type 999999 not found"),
        (
            REPORT,
            {"district_id": w.district_a.id, "organization_id": w.school_b.id},
            422,
            "organization_id",
            f"organization {w.school_b.id} does not match district_id",
        ),
        (
            "registry",
            {"body_id": w.body_a.id, "organization_id": w.school_b.id},
            422,
            "organization_id",
            f"organization {w.school_b.id} is not under body_id",
        ),
        (REPORT, {}, 422, "organization_id", "the report is about one organization: choose it"),
        (REPORT, {**school, "period_id": 999_999}, 404, "period_id", "period_id: period 999999 not found"),
        (REPORT, {**school, "class_id": s["cls_b"].id}, 404, "class_id", f"class {s['cls_b'].id} not found"),
        (REPORT, {**school, "teacher_id": s["stranger"].id}, 404, "teacher_id", "not found"),
        (REPORT, {**school, "subject_id": s["foreign_subject"].id}, 404, "subject_id", "not found"),
        ("registry", {"class_id": s["cls_a"].id}, 422, "class_id", "the report registry has no such filter"),
        (f"{REPORT}/options", {"class_id": s["cls_a"].id}, 422, "class_id", "choose organization_id first"),
        (f"{REPORT}/options", {"teacher_id": s["teacher"].id}, 422, "teacher_id", "choose organization_id first"),
    ]
    for path, query, status, field, message in cases:
        r = await client.get(f"/api/v1/reports/{path}", params=query, headers=s["h"])
        assert r.status_code == status, (query, r.text)
        error = r.json()["error"]
        assert message in error["message"], (query, error)
        assert error["message"].startswith(field) or any(d.get("field") == field for d in error["details"]), error


async def test_applied_filters_are_named_in_each_language(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await _setup(db)
    w = s["w"]
    query = {
        "organization_id": w.school_a.id,
        "class_id": s["cls_a"].id,
        "teacher_id": s["teacher"].id,
        "subject_id": s["subject"].id,
        "period_id": (await _quarter(client, s, 1))["id"],
    }
    year = s["year"].name
    expected = {
        "ru": {"class_id": "7Б", "teacher_id": "Сапарова Айгерим Нурлановна", "subject_id": "Алгебра"},
        "kk": {"class_id": "7Б", "teacher_id": "Сапарова Айгерим Нурлановна", "subject_id": "Алгебра (kk)"},
        "en": {"class_id": "7Б", "teacher_id": "Сапарова Айгерим Нурлановна", "subject_id": "Algebra"},
    }
    period = {"ru": f"1 четверть {year}", "kk": f"1 тоқсан {year}", "en": f"Quarter 1 {year}"}
    for lang, names in expected.items():
        r = await client.get(f"/api/v1/reports/{REPORT}", params={**query, "lang": lang}, headers=s["h"])
        assert r.status_code == 200, r.text
        applied = {f["id"]: f["name"] for f in r.json()["filters"]}
        assert {k: applied[k] for k in names} == names, lang
        assert applied["period_id"] == period[lang]
        assert applied["organization_id"] == w.school_a.name_ru


async def test_a_default_period_is_named_like_a_chosen_one(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """Without period_id a school report and a management report pick a period themselves; the applied filters
    show it with its academic year in the asked language, as when it is chosen."""
    s = await _setup(db)
    w = s["w"]
    year = s["year"].name
    for report, query in (
        ("school.marks.average", {"organization_id": w.school_a.id, "date": "2026-11-06"}),
        ("performance.organizations", {"date": "2026-11-06"}),
    ):
        for lang, name in (("ru", "четверть"), ("kk", "тоқсан"), ("en", "Quarter")):
            params = {k: v for k, v in query.items() if k != "date" or report.startswith("performance")}
            r = await client.get(f"/api/v1/reports/{report}", params={**params, "lang": lang}, headers=s["h"])
            assert r.status_code == 200, (report, r.text)
            shown = {f["id"]: f["name"] for f in r.json()["filters"]}["period_id"]
            assert name in shown and shown.endswith(f" {year}"), (report, lang, shown)


async def _quarter(client: httpx.AsyncClient, s: dict[str, Any], number: int) -> dict[str, Any]:
    """The quarter as the filter options list it (the user picks it there)."""
    r = await client.get(
        f"/api/v1/reports/{REPORT}/options", params={"organization_id": s["w"].school_a.id}, headers=s["h"]
    )
    assert r.status_code == 200, r.text
    return next(p for p in r.json()["periods"] if p["name"].startswith(f"{number} четверть {s['year'].name}"))
