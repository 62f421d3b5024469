"""Russian word tables for ``normalise_ru``: units, currencies, abbreviations, noun genders.

Extending the normaliser is mostly adding a row here. Keys are lowercase, as written.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unit:
    """How a noun after a number changes with it."""

    one: str
    """Nominative singular: "один процент"."""
    few: str
    """After 2-4, and the genitive singular (also what a decimal takes): "два процента"."""
    many: str
    """After 5-20, and the genitive plural: "пять процентов"."""
    one_accusative: str = ""
    """Accusative singular where it differs: "через одну минуту"."""
    gender: str = "m"
    """num2words gender for the number before it: 'm', 'f' or 'n'."""
    sub: Unit | None = None
    """Hundredth part for money: рубль -> копейка."""
    scale: bool = False
    """A multiplier (тысяча, миллион) that a currency may follow: "5 млн ₽"."""


KOPECK = Unit("копейка", "копейки", "копеек", "копейку", gender="f")
CENT = Unit("цент", "цента", "центов")
PENNY = Unit("пенс", "пенса", "пенсов")
RUBLE = Unit("рубль", "рубля", "рублей", sub=KOPECK)
DOLLAR = Unit("доллар", "доллара", "долларов", sub=CENT)
EURO = Unit("евро", "евро", "евро", sub=CENT)
POUND = Unit("фунт", "фунта", "фунтов", sub=PENNY)
MINUTE = Unit("минута", "минуты", "минут", "минуту", gender="f")
SECOND = Unit("секунда", "секунды", "секунд", "секунду", gender="f")

CURRENCY_SYMBOLS = {"$": DOLLAR, "€": EURO, "£": POUND, "₽": RUBLE}

# Abbreviations and symbols read only right after a number ("5 км", "15%").
UNITS: dict[str, Unit] = {
    **CURRENCY_SYMBOLS,
    "руб": RUBLE,
    "р": RUBLE,
    "коп": KOPECK,
    "долл": DOLLAR,
    "%": Unit("процент", "процента", "процентов"),
    "°c": Unit("градус Цельсия", "градуса Цельсия", "градусов Цельсия"),
    "°с": Unit("градус Цельсия", "градуса Цельсия", "градусов Цельсия"),  # Cyrillic С
    "℃": Unit("градус Цельсия", "градуса Цельсия", "градусов Цельсия"),
    "°f": Unit("градус по Фаренгейту", "градуса по Фаренгейту", "градусов по Фаренгейту"),
    "°": Unit("градус", "градуса", "градусов"),
    "км/ч": Unit("километр в час", "километра в час", "километров в час"),
    "км": Unit("километр", "километра", "километров"),
    "м": Unit("метр", "метра", "метров"),
    "см": Unit("сантиметр", "сантиметра", "сантиметров"),
    "мм": Unit("миллиметр", "миллиметра", "миллиметров"),
    "кг": Unit("килограмм", "килограмма", "килограммов"),
    "л": Unit("литр", "литра", "литров"),
    "мл": Unit("миллилитр", "миллилитра", "миллилитров"),
    "д": Unit("день", "дня", "дней"),  # Sova's own "1 д 2 ч 5 мин"
    "дн": Unit("день", "дня", "дней"),
    "ч": Unit("час", "часа", "часов"),
    "мин": MINUTE,
    "сек": SECOND,
    "мс": Unit("миллисекунда", "миллисекунды", "миллисекунд", "миллисекунду", gender="f"),
    "шт": Unit("штука", "штуки", "штук", "штуку", gender="f"),
    "кб": Unit("килобайт", "килобайта", "килобайт"),
    "мб": Unit("мегабайт", "мегабайта", "мегабайт"),
    "гб": Unit("гигабайт", "гигабайта", "гигабайт"),
    "тыс": Unit("тысяча", "тысячи", "тысяч", "тысячу", gender="f", scale=True),
    "млн": Unit("миллион", "миллиона", "миллионов", scale=True),
    "млрд": Unit("миллиард", "миллиарда", "миллиардов", scale=True),
}

# Units that may follow a scale: "5 млн руб." -> "пять миллионов рублей".
SCALED_CURRENCIES = ("₽", "$", "€", "£", "руб", "р", "долл")

# Read the same wherever they stand; their dot never ends the sentence, since a name or the
# rest of the sentence follows them ("т.е. завтра", "ул. Ленина").
ABBREVIATIONS = {
    "т.е.": "то есть",
    "т.к.": "так как",
    "т.ч.": "том числе",
    "т.н.": "так называемый",
    "напр.": "например",
    "ул.": "улица",
    "пр-т": "проспект",
    "см.": "смотри",
    "стр.": "страница",
}
# These may close a sentence ("и т.д."), and then their dot is kept as the full stop.
SENTENCE_END_ABBREVIATIONS = {
    "т.д.": "так далее",
    "т.п.": "тому подобное",
    "др.": "другие",
    "пр.": "прочее",
    "руб.": "рублей",
    "коп.": "копеек",
    "гг.": "годы",
}
# Before a number only: "д. 5" is "дом пять", but "Д. Иванов" is an initial.
BEFORE_NUMBER_ABBREVIATIONS = {"д.": "дом", "кв.": "квартира", "корп.": "корпус"}

# Nouns whose gender changes the number before them ("одна минута", "одно напоминание");
# masculine needs no entry. Stems cover every case form.
FEMININE_STEMS = (
    "минут", "секунд", "недел", "копе", "штук", "задач", "заметк", "заметок", "запис",
    "ошибк", "ошибок", "попытк", "попыток", "строк", "строчк", "ноч", "тысяч", "книг",
    "встреч", "таблетк", "таблеток", "чашк", "чашек", "минутк", "минуток", "песн",
)  # fmt: skip
NEUTER_STEMS = ("напоминани", "сообщени", "уведомлени", "событи", "задани", "упражнени")
NEUTER_WORDS = frozenset(
    {"дело", "дела", "дел", "место", "места", "мест", "слово", "слова", "слов", "окно",
     "окна", "окон", "яблоко", "яблока", "яблок", "очко", "очка", "очков"}
)  # fmt: skip

# Case a preposition gives the number after it ("до пяти", "к семи", "через одну минуту").
PREPOSITION_CASES = {
    **dict.fromkeys(
        ("до", "от", "с", "со", "около", "после", "из", "без", "для", "кроме", "более",
         "менее", "свыше", "больше", "меньше", "вместо", "среди"),
        "g",
    ),
    "к": "d",
    "ко": "d",
    **dict.fromkeys(("через", "на", "за", "про"), "a"),
}  # fmt: skip

# Ordinal endings ("2-й", "21-го") -> (case, gender, plural).
ORDINAL_ENDINGS = {
    **dict.fromkeys(("й", "ый", "ий"), ("n", "m", False)),
    **dict.fromkeys(("я", "ая"), ("n", "f", False)),
    **dict.fromkeys(("е", "ое"), ("n", "n", False)),
    "ые": ("n", "m", True),
    **dict.fromkeys(("го", "ого"), ("g", "m", False)),
    **dict.fromkeys(("му", "ому"), ("d", "m", False)),
    **dict.fromkeys(("м", "ом"), ("p", "m", False)),
    "ым": ("i", "m", False),
    **dict.fromkeys(("ю", "ую"), ("a", "f", False)),
    "ой": ("g", "f", False),
    "ых": ("g", "m", True),
    "ыми": ("i", "m", True),
}
# Endings that make a cardinal: "2-х" is "двух", "5-ти" is "пяти", "3-мя" is "тремя".
# "-х" after a round number is a decade instead ("90-х" -> "девяностых"): see normalise_ru.
CARDINAL_ENDINGS = {"х": "g", "ух": "g", "ёх": "g", "ех": "g", "ти": "g", "мя": "i"}

# Words for "год" after a year -> (ordinal case, word to say); a preposition may refine it.
YEAR_WORDS = {
    "год": ("n", "год"),
    "года": ("g", "года"),
    "году": ("p", "году"),
    "годом": ("i", "годом"),
    "г": ("g", "года"),
    "годы": ("n", "годы"),
    "годов": ("g", "годов"),
    "годах": ("p", "годах"),
    "годам": ("d", "годам"),
    "годами": ("i", "годами"),
    "гг": ("n", "годы"),
}
