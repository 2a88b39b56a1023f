"""Names realistic for Kazakhstan: Kazakh and Russian surnames, first names and patronymics."""

from __future__ import annotations

import random

# Kazakh surnames in the male form; the female form adds «а» (Ахметов → Ахметова).
KAZAKH_SURNAMES = (
    "Ахметов",
    "Абдрахманов",
    "Жумабаев",
    "Нурланов",
    "Касымов",
    "Искаков",
    "Сейтказин",
    "Ермеков",
    "Омаров",
    "Тулегенов",
    "Бекмаганбетов",
    "Садыков",
    "Кенжебаев",
    "Мукашев",
    "Байжанов",
    "Оспанов",
    "Калиев",
    "Есенов",
    "Мусин",
    "Жакупов",
    "Токтаров",
    "Ибраев",
    "Рахимов",
    "Сарсенбаев",
    "Утепов",
    "Шайхин",
    "Әбенов",
    "Төлеуов",
    "Қасенов",
    "Серікбаев",
    "Досмухамедов",
    "Амангельдин",
    "Бейсенов",
    "Жанибеков",
    "Смагулов",
    "Нургалиев",
    "Турсынов",
    "Алиев",
    "Кудайбергенов",
    "Айтжанов",
    "Баймуханов",
    "Габдуллин",
    "Даулетов",
    "Ережепов",
    "Исабеков",
    "Карибаев",
    "Мамырбеков",
    "Нуржанов",
    "Рысбеков",
    "Сулейменов",
    "Темирханов",
    "Уалиханов",
    "Жолдасбеков",
    "Қожахметов",
    "Мырзахметов",
    "Шарипов",
)
# Russian (and Ukrainian, German) surnames common in the north of Kazakhstan; «-ов/-ев/-ин» get «а».
RUSSIAN_SURNAMES = (
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Белов",
    "Тихонов",
    "Шевченко",
    "Бондаренко",
    "Коваленко",
    "Ткаченко",
    "Кравченко",
    "Шмидт",
    "Вебер",
    "Миллер",
    "Гайдук",
)

KAZAKH_MALE = (
    "Нурлан",
    "Ерлан",
    "Данияр",
    "Арман",
    "Ержан",
    "Асхат",
    "Бауыржан",
    "Айдос",
    "Алихан",
    "Нұрсұлтан",
    "Әлихан",
    "Темірлан",
    "Ернұр",
    "Дамир",
    "Мирас",
    "Ансар",
    "Амир",
    "Санжар",
    "Ақжол",
    "Серік",
    "Бекзат",
    "Жандос",
    "Айбек",
    "Марат",
    "Қанат",
    "Ербол",
    "Руслан",
    "Диас",
    "Нұрбол",
    "Ислам",
    "Алмас",
    "Ерасыл",
    "Бақытжан",
    "Талгат",
    "Мұхтар",
    "Дастан",
    "Аслан",
    "Айдар",
    "Ильяс",
    "Азамат",
)
KAZAKH_FEMALE = (
    "Айгерим",
    "Динара",
    "Гүлнар",
    "Жанар",
    "Айжан",
    "Меруерт",
    "Аружан",
    "Әйгерім",
    "Жансая",
    "Томирис",
    "Аяла",
    "Інжу",
    "Сабина",
    "Дана",
    "Асель",
    "Камила",
    "Алина",
    "Назерке",
    "Жулдыз",
    "Гаухар",
    "Сауле",
    "Ботагоз",
    "Айнур",
    "Маржан",
    "Салтанат",
    "Лаура",
    "Мадина",
    "Дильназ",
    "Аиша",
    "Ақбота",
    "Гульмира",
    "Айсулу",
    "Мөлдір",
    "Зарина",
    "Карина",
    "Раушан",
    "Индира",
    "Бибигүл",
    "Әсем",
    "Нұрай",
)
RUSSIAN_MALE = (
    "Александр",
    "Дмитрий",
    "Сергей",
    "Андрей",
    "Алексей",
    "Максим",
    "Иван",
    "Никита",
    "Артём",
    "Михаил",
    "Владимир",
    "Евгений",
    "Николай",
    "Павел",
    "Роман",
    "Кирилл",
    "Денис",
    "Игорь",
    "Олег",
    "Виктор",
    "Егор",
    "Матвей",
    "Тимофей",
    "Глеб",
    "Антон",
    "Юрий",
    "Вадим",
    "Константин",
    "Степан",
    "Фёдор",
)
RUSSIAN_FEMALE = (
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Мария",
    "Екатерина",
    "Анастасия",
    "Дарья",
    "Софья",
    "Виктория",
    "Полина",
    "Светлана",
    "Юлия",
    "Ксения",
    "Алёна",
    "Вероника",
    "Людмила",
    "Валентина",
    "Галина",
    "Надежда",
    "Маргарита",
    "Алиса",
    "Варвара",
    "Ева",
    "Кристина",
    "Оксана",
    "Любовь",
    "Жанна",
)

# Patronymic stems that do not follow the regular «+ович / +овна» rule.
_IRREGULAR = {
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Николай": ("Николаевич", "Николаевна"),
    "Никита": ("Никитич", "Никитична"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Артём": ("Артёмович", "Артёмовна"),
    "Матвей": ("Матвеевич", "Матвеевна"),
    "Тимофей": ("Тимофеевич", "Тимофеевна"),
    "Ильяс": ("Ильясович", "Ильясовна"),
}


def surname_form(surname: str, sex: str) -> str:
    """The surname in the form for the sex (Ахметов → Ахметова; Шевченко and Шмидт stay the same)."""
    if sex == "F" and surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


def patronymic(father_name: str, sex: str, kazakh_style: bool = False) -> str:
    """Patronymic from the father's first name: «Нурланович / Нурлановна», or «Нурланұлы / Нурланқызы»."""
    if kazakh_style:
        return father_name + ("ұлы" if sex == "M" else "қызы")
    if father_name in _IRREGULAR:
        male, female = _IRREGULAR[father_name]
        return male if sex == "M" else female
    return father_name + ("ович" if sex == "M" else "овна")


class Family:
    """A family: surname stem, ethnicity and the father's first name (for the children's patronymic)."""

    __slots__ = ("kazakh", "surname", "father_name", "kazakh_style")

    def __init__(self, rnd: random.Random) -> None:
        self.kazakh = rnd.random() < 0.62
        self.surname = rnd.choice(KAZAKH_SURNAMES if self.kazakh else RUSSIAN_SURNAMES)
        self.father_name = rnd.choice(KAZAKH_MALE if self.kazakh else RUSSIAN_MALE)
        self.kazakh_style = self.kazakh and rnd.random() < 0.15


def first_name(rnd: random.Random, sex: str, kazakh: bool) -> str:
    """A first name for the sex and ethnicity."""
    if kazakh:
        return rnd.choice(KAZAKH_MALE if sex == "M" else KAZAKH_FEMALE)
    return rnd.choice(RUSSIAN_MALE if sex == "M" else RUSSIAN_FEMALE)


def adult(rnd: random.Random, sex: str) -> tuple[str, str, str]:
    """Surname, first name and patronymic of an adult from an unrelated family."""
    fam = Family(rnd)
    return (
        surname_form(fam.surname, sex),
        first_name(rnd, sex, fam.kazakh),
        patronymic(rnd.choice(KAZAKH_MALE if fam.kazakh else RUSSIAN_MALE), sex, fam.kazakh_style),
    )
