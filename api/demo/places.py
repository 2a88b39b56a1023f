"""The demo region's places: management bodies, named organizations, streets, schools students move between."""

from __future__ import annotations

from dataclasses import dataclass

MINISTRY = ("Білім министрлігі (тестовое)", "Білім министрлігі (тестілік)")
REGION = ("Тестовый регион", "Тест өңірі")
REGIONAL_BODY = ("Управление образования Тестового региона", "Тест өңірінің білім басқармасы")
CITY_DISTRICT = ("Тест (город регионального значения)", "Тест (облыстық маңызы бар қала)")
RURAL_DISTRICT = ("Тестовый район", "Тест ауданы")
CITY_BODY = ("Отдел образования города Тест", "Тест қаласының білім бөлімі")
RURAL_BODY = ("Отдел образования Тестового района", "Тест ауданының білім бөлімі")


@dataclass(frozen=True)
class OrgSpec:
    """One named educational organization of the demo."""

    name_ru: str
    name_kk: str
    district: str  # "city" or "rural"
    grades: tuple[int, int] | None  # first and last grade taught; None: no classes (kindergarten, college, …)
    type_code: str = "general"
    structure_code: str = "independent"
    regional: bool = False  # subordinate to the regional body, not the district one
    missing: frozenset[str] = frozenset()  # registry fields left empty: license, accreditation, head, contacts


def _m(*fields: str) -> frozenset[str]:
    return frozenset(fields)


# The 24 organizations of the default demo, in the order they are created; the first ones come
# first when fewer schools are asked for, so that a small demo still has a mix.
NAMED_ORGANIZATIONS = (
    OrgSpec("№1 Мектеп-гимназия", "№1 мектеп-гимназиясы", "city", (1, 11)),
    OrgSpec("Берёзовская средняя школа", "Берёзовка орта мектебі", "rural", (1, 11)),
    OrgSpec(
        "Средняя общеобразовательная школа №2",
        "№2 жалпы білім беретін орта мектеп",
        "city",
        (1, 11),
        missing=_m("license"),
    ),
    OrgSpec(
        "Ақкөльская основная школа", "Ақкөл негізгі мектебі", "rural", (1, 9), missing=_m("accreditation", "contacts")
    ),
    OrgSpec("Школа-лицей №3", "№3 мектеп-лицей", "city", (1, 11)),
    OrgSpec(
        "Ясли-сад №1 «Балдырған»",
        "№1 «Балдырған» бөбекжай-бақшасы",
        "city",
        None,
        type_code="preschool",
        missing=_m("accreditation"),
    ),
    OrgSpec("Средняя школа №4 имени Абая", "Абай атындағы №4 орта мектеп", "city", (1, 11)),
    OrgSpec(
        "Тестовский педагогический колледж",
        "Тест педагогикалық колледжі",
        "city",
        None,
        type_code="college",
        regional=True,
        missing=_m("head"),
    ),
    OrgSpec(
        "Жаңаталапская средняя школа",
        "Жаңаталап орта мектебі",
        "rural",
        (1, 11),
        missing=_m("license", "accreditation"),
    ),
    OrgSpec("Гимназия №5", "№5 гимназия", "city", (1, 11)),
    OrgSpec(
        "Степная начальная школа",
        "Степной бастауыш мектебі",
        "rural",
        (1, 4),
        missing=_m("license", "accreditation", "head", "contacts"),
    ),
    OrgSpec("Дворец школьников", "Оқушылар сарайы", "city", None, type_code="additional"),
    OrgSpec("Средняя школа №6", "№6 орта мектеп", "city", (1, 11)),
    OrgSpec(
        "Специальная школа-интернат №1",
        "№1 арнаулы мектеп-интернат",
        "city",
        (1, 9),
        type_code="special",
        regional=True,
    ),
    OrgSpec("Қарасуская средняя школа", "Қарасу орта мектебі", "rural", (1, 11)),
    OrgSpec(
        "Филиал средней школы №2 в микрорайоне Восток",
        "№2 орта мектептің Шығыс шағынауданындағы филиалы",
        "city",
        (1, 4),
        structure_code="branch",
        missing=_m("license", "accreditation", "head"),
    ),
    OrgSpec("Школа-гимназия №8 имени Ы. Алтынсарина", "Ы. Алтынсарин атындағы №8 мектеп-гимназия", "city", (1, 11)),
    OrgSpec(
        "Школа-интернат села Талды",
        "Талды ауылының мектеп-интернаты",
        "rural",
        (1, 11),
        type_code="boarding",
        missing=_m("contacts"),
    ),
    OrgSpec(
        "Детский сад «Балапан»",
        "«Балапан» балабақшасы",
        "rural",
        None,
        type_code="preschool",
        missing=_m("license", "contacts"),
    ),
    OrgSpec(
        "Детская музыкальная школа",
        "Балалар музыка мектебі",
        "city",
        None,
        type_code="additional",
        missing=_m("accreditation"),
    ),
    OrgSpec("Средняя школа №9", "№9 орта мектеп", "city", (1, 11)),
    OrgSpec(
        "Филиал Берёзовской средней школы в селе Ащысай",
        "Берёзовка орта мектебінің Ащысай ауылындағы филиалы",
        "rural",
        (1, 9),
        structure_code="branch",
        missing=_m("license", "accreditation", "head"),
    ),
    OrgSpec(
        "Тестовский политехнический колледж",
        "Тест политехникалық колледжі",
        "city",
        None,
        type_code="college",
        regional=True,
    ),
    OrgSpec(
        "Лицей «Дарын» для одарённых детей",
        "Дарынды балаларға арналған «Дарын» лицейі",
        "city",
        (5, 11),
        structure_code="subdivision",
        regional=True,
    ),
)
assert len(NAMED_ORGANIZATIONS) == 24

STREETS = (
    "ул. Абая",
    "пр. Республики",
    "ул. Ленина",
    "ул. Гоголя",
    "ул. Сатпаева",
    "ул. Жамбыла",
    "ул. Пушкина",
    "ул. Мира",
    "ул. Назарбаева",
    "ул. Ауэзова",
    "ул. Байтурсынова",
    "ул. Кунаева",
    "ул. Школьная",
)

# Where students come from and go to, and why (student movements during the year).
SCHOOL_COUNTERPARTS = (
    "СОШ №12 г. Караганды",
    "Школа-лицей №7 г. Астаны",
    "СОШ №25 г. Алматы",
    "Гимназия №3 г. Павлодара",
    "СОШ №5 г. Костаная",
    "Школа из Российской Федерации (г. Омск)",
    "НИШ г. Кокшетау",
    "СОШ №1 г. Петропавловска",
)
DEPART_REASONS = (
    "Смена места жительства",
    "Перевод в другую школу",
    "Выезд за пределы Республики Казахстан",
    "Поступление в колледж",
)
ARRIVE_REASONS = ("Смена места жительства", "Перевод из другой школы", "Прибытие из-за рубежа")
