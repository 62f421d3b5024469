"""models.tts.normalise: written forms become the words a person would read aloud.

Each table row is (category, written, spoken); every row is also checked for idempotence and
for leaving no digit behind, which is what the TTS engines stumble on.
"""

from __future__ import annotations

import pytest

from models.tts.normalise import normalise

RU_CASES = [
    ("integer", "Осталось 5 задач", "Осталось пять задач"),
    ("integer", "У меня 21 задача", "У меня двадцать одна задача"),
    ("integer", "-5", "минус пять"),
    ("integer", "от -5 до +3", "от минус пяти до плюс трёх"),
    ("decimal", "3,5", "три целых пять десятых"),
    ("decimal", "3.5", "три целых пять десятых"),
    ("decimal", "0,25 л", "ноль целых двадцать пять сотых литра"),
    ("thousands", "1 000 000", "один миллион"),
    ("thousands", "1 000 руб.", "тысяча рублей."),
    ("thousands", "2 500 человек", "две тысячи пятьсот человек"),
    ("ordinal", "2-й", "второй"),
    ("ordinal", "21-го", "двадцать первого"),
    ("ordinal", "3-я попытка", "третья попытка"),
    ("ordinal", "в 1990-х", "в тысяча девятьсот девяностых"),
    ("ordinal", "в 2-х экземплярах", "в двух экземплярах"),
    ("percent", "15%", "пятнадцать процентов"),
    ("percent", "до 15%", "до пятнадцати процентов"),
    ("percent", "скидка 3,5%", "скидка три целых пять десятых процента"),
    ("currency", "$5", "пять долларов"),
    ("currency", "5 ₽", "пять рублей"),
    ("currency", "100 руб. 50 коп.", "сто рублей пятьдесят копеек."),
    ("currency", "€3", "три евро"),
    ("currency", "5,50 ₽", "пять рублей пятьдесят копеек"),
    ("currency", "0,99 ₽", "девяносто девять копеек"),
    ("currency", "$1,5 млн", "одна целая пять десятых миллиона долларов"),
    ("currency", "5 млн руб.", "пять миллионов рублей."),
    ("temperature", "+5°C", "плюс пять градусов Цельсия"),
    ("temperature", "-3 °C", "минус три градуса Цельсия"),
    ("temperature", "до -1°C", "до минус одного градуса Цельсия"),
    ("temperature", "21°", "двадцать один градус"),
    ("time", "в 7:30", "в семь тридцать"),
    ("time", "19:05", "девятнадцать ноль пять"),
    ("time", "к 7:30", "к семи тридцати"),
    ("time", "до 19:05", "до девятнадцати ноль пяти"),
    ("time", "в 07:00", "в семь ноль ноль"),
    ("time", "в 7.30", "в семь тридцать"),
    ("time", "с 9:00 до 18:00", "с девяти ноль ноль до восемнадцати ноль ноль"),
    ("time", "9:00–18:00", "с девяти ноль ноль до восемнадцати ноль ноль"),
    ("time", "сработает в 14:05:30.", "сработает в четырнадцать ноль пять тридцать."),
    ("date", "22.11.2026", "двадцать второго ноября две тысячи двадцать шестого года"),
    ("date", "2026-11-22", "двадцать второго ноября две тысячи двадцать шестого года"),
    ("date", "22 ноября 2026 г.", "двадцать второго ноября две тысячи двадцать шестого года."),
    (
        "date",
        "Напомню 22 ноября в 19:05.",
        "Напомню двадцать второго ноября в девятнадцать ноль пять.",
    ),
    ("date", "до 22 ноября", "до двадцать второго ноября"),
    ("date", "к 22 ноября", "к двадцать второму ноября"),
    ("date", "на 1 мая", "на первое мая"),
    ("date", "5-7 мая", "с пятого по седьмое мая"),
    ("year", "в 2026 году", "в две тысячи двадцать шестом году"),
    ("year", "2026 год", "две тысячи двадцать шестой год"),
    ("year", "с 2026 г.", "с две тысячи двадцать шестого года."),
    ("year", "в 2026 г. было", "в две тысячи двадцать шестом году было"),
    ("year", "в 2020–2026 гг.", "в две тысячи двадцатом-две тысячи двадцать шестом годах."),
    (
        "phone",
        "+7 999 123-45-67",
        "плюс семь, девятьсот девяносто девять, сто двадцать три, сорок пять, шестьдесят семь",
    ),
    ("phone", "Код 007", "Код ноль ноль семь"),
    ("phone", "Заказ 4006381333", "Заказ четыре ноль ноль шесть три восемь один три три три"),
    ("range", "5-7 минут", "пять-семь минут"),
    ("range", "2–3 часа", "два-три часа"),
    ("range", "10 – 15 км", "десять-пятнадцать километров"),
    ("agreement", "через 1 минуту", "через одну минуту"),
    ("agreement", "через 21 минуту", "через двадцать одну минуту"),
    ("agreement", "1 минута", "одна минута"),
    ("agreement", "2 минуты", "две минуты"),
    ("agreement", "1 час", "один час"),
    ("agreement", "1 напоминание", "одно напоминание"),
    ("agreement", "3 напоминания", "три напоминания"),
    ("agreement", "5 напоминаний", "пять напоминаний"),
    ("agreement", "из 3 напоминаний", "из трёх напоминаний"),
    ("agreement", "с 2 напоминаниями", "с двумя напоминаниями"),
    ("agreement", "в 5 минутах", "в пяти минутах"),
    ("agreement", "к 5 часам", "к пяти часам"),
    ("abbrev", "т.е. завтра", "то есть завтра"),
    ("abbrev", "т. е. завтра", "то есть завтра"),
    ("abbrev", "молоко, хлеб и т.д.", "молоко, хлеб и так далее."),
    ("abbrev", "и т.п., а потом", "и тому подобное, а потом"),
    ("abbrev", "Иванов и др.", "Иванов и другие."),
    ("abbrev", "ул. Ленина, д. 5", "улица Ленина, дом пять"),
    ("abbrev", "г. Москва", "город Москва"),
    ("abbrev", "см. выше", "смотри выше"),
    ("abbrev", "через 5 мин. потом", "через пять минут потом"),
    ("abbrev", "10 сек.", "десять секунд."),
    ("abbrev", "5 км", "пять километров"),
    ("abbrev", "2 кг", "два килограмма"),
    ("abbrev", "60 км/ч", "шестьдесят километров в час"),
    ("abbrev", "1 д 2 ч 5 мин", "один день два часа пять минут"),
    ("symbol", "№ 5", "номер пять"),
    ("symbol", "#3", "номер три"),
    ("symbol", "Том & Джерри", "Том и Джерри"),
    ("symbol", "2+2=4", "два плюс два равно четыре"),
    ("symbol", "~5 минут", "около пяти минут"),
    ("symbol", "Готово ✅ 🎤", "Готово"),
    ("symbol", "Подробнее: https://example.com/a?b=1.", "Подробнее: ссылка."),
    ("symbol", "Пишите на sova@example.ru", "Пишите на адрес почты"),
    ("markup", "<b>Готово!</b> Напоминание создано", "Готово! Напоминание создано"),
    ("markup", "`код` и **жирный**", "код и жирный"),
    (
        "markup",
        "Ваши напоминания:\n• купить хлеб\n• позвонить маме",
        "Ваши напоминания: купить хлеб. позвонить маме",
    ),
    ("markup", '<a href="https://t.me/x">ссылка</a> &amp; ещё', "ссылка и ещё"),
    (
        "markup",
        "Напомню завтра в 07:00 (через 1 час 15 минут)",
        "Напомню завтра в семь ноль ноль (через один час пятнадцать минут)",
    ),
]

EN_CASES = [
    ("integer", "I have 5 apples.", "I have five apples."),
    ("integer", "-5", "minus five"),
    ("integer", "from -5 to +3", "from minus five to plus three"),
    ("decimal", "3.5", "three point five"),
    ("decimal", "0.25 l", "zero point two five litres"),
    ("thousands", "1,000", "one thousand"),
    ("thousands", "1 000 000", "one million"),
    ("thousands", "2,500 people", "two thousand five hundred people"),
    ("ordinal", "1st", "first"),
    ("ordinal", "2nd place", "second place"),
    ("ordinal", "the 21st century", "the twenty-first century"),
    ("ordinal", "3rd and 4th", "third and fourth"),
    ("percent", "15%", "fifteen percent"),
    ("percent", "3.5%", "three point five percent"),
    ("currency", "$5", "five dollars"),
    ("currency", "$5.50", "five dollars and fifty cents"),
    ("currency", "$1", "one dollar"),
    ("currency", "$0.99", "ninety-nine cents"),
    ("currency", "$1,000", "one thousand dollars"),
    ("currency", "$2 million", "two million dollars"),
    ("currency", "€3", "three euros"),
    ("currency", "£1.01", "one pound and one penny"),
    ("currency", "5 ₽", "five rubles"),
    ("temperature", "+5°C", "plus five degrees Celsius"),
    ("temperature", "-3°F", "minus three degrees Fahrenheit"),
    ("temperature", "1°C", "one degree Celsius"),
    ("time", "7:30", "seven thirty"),
    ("time", "19:05", "nineteen oh five"),
    ("time", "at 7:00", "at seven o'clock"),
    ("time", "at 07:00", "at seven o'clock"),
    ("time", "7:30 pm", "seven thirty PM"),
    ("time", "at 7 p.m.", "at seven PM."),
    ("time", "9:00–17:00", "nine o'clock to seventeen hundred"),
    ("time", "goes off at 14:05:30.", "goes off at fourteen oh five and thirty seconds."),
    ("date", "22.11.2026", "November twenty-second, twenty twenty-six"),
    ("date", "11/22/2026", "November twenty-second, twenty twenty-six"),
    ("date", "22/11/2026", "November twenty-second, twenty twenty-six"),
    ("date", "2026-11-22", "November twenty-second, twenty twenty-six"),
    ("date", "Nov 22", "November twenty-second"),
    ("date", "November 22, 2026", "November twenty-second, twenty twenty-six"),
    ("date", "on 22 November 2026", "on the twenty-second of November, twenty twenty-six"),
    ("date", "the 22nd of November", "the twenty-second of November"),
    ("date", "March 5 2027 at 09:00", "March fifth, twenty twenty-seven at nine o'clock"),
    ("date", "May 5-7", "May fifth to seventh"),
    ("year", "in 2026", "in twenty twenty-six"),
    ("year", "since 1999", "since nineteen ninety-nine"),
    ("year", "by 2030", "by twenty thirty"),
    ("year", "in March 2026", "in March twenty twenty-six"),
    ("year", "the 1990s", "the nineteen nineties"),
    ("year", "the '90s", "the nineties"),
    ("year", "1990-1995", "nineteen ninety to nineteen ninety-five"),
    ("phone", "+1 (555) 123-4567", "plus one, five five five, one two three, four five six seven"),
    ("phone", "Code 007", "Code zero zero seven"),
    ("phone", "Order 4006381333", "Order four zero zero six three eight one three three three"),
    ("range", "5-7", "five to seven"),
    ("range", "5-7 km", "five to seven kilometres"),
    ("range", "10 – 15 min", "ten to fifteen minutes"),
    ("abbrev", "e.g. apples", "for example apples"),
    ("abbrev", "i.e. now", "that is now"),
    ("abbrev", "apples, pears, etc.", "apples, pears, et cetera."),
    ("abbrev", "apples, etc. and more", "apples, et cetera and more"),
    ("abbrev", "Dr. Smith", "Doctor Smith"),
    ("abbrev", "Mr. and Mrs. Smith", "Mister and Missus Smith"),
    ("abbrev", "St. Paul's", "Saint Paul's"),
    ("abbrev", "Baker St., London", "Baker Street, London"),
    ("abbrev", "approx. 5 min", "approximately five minutes"),
    ("abbrev", "10 sec", "ten seconds"),
    ("abbrev", "3 km", "three kilometres"),
    ("abbrev", "1 km", "one kilometre"),
    ("abbrev", "2 kg", "two kilograms"),
    ("abbrev", "60 km/h", "sixty kilometres per hour"),
    ("abbrev", "1 d 2 h 5 min", "one day two hours five minutes"),
    ("abbrev", "Real vs. Madrid", "Real versus Madrid"),
    ("abbrev", "No. 5", "number five"),
    ("symbol", "#5", "number five"),
    ("symbol", "Tom & Jerry", "Tom and Jerry"),
    ("symbol", "2+2=4", "two plus two equals four"),
    ("symbol", "~5 minutes", "about five minutes"),
    ("symbol", "Done ✅ 🎤", "Done"),
    ("symbol", "See https://example.com/x.", "See link."),
    ("symbol", "Write to sova@example.com", "Write to email address"),
    ("markup", "<b>Done!</b> Reminder set", "Done! Reminder set"),
    ("markup", "`code` and **bold**", "code and bold"),
    ("markup", "Your reminders:\n• buy milk\n• call mom", "Your reminders: buy milk. call mom"),
    (
        "markup",
        "I'll remind you at 07:00 (in 1 hour 15 minutes)",
        "I'll remind you at seven o'clock (in one hour fifteen minutes)",
    ),
    (
        "markup",
        'You have 10 reminders. Remove one, e.g. "cancel reminder 1".',
        'You have ten reminders. Remove one, for example "cancel reminder one".',
    ),
]

CASES = [
    pytest.param(lang, written, spoken, id=f"{lang}-{category}-{i}")
    for lang, table in (("ru", RU_CASES), ("en", EN_CASES))
    for i, (category, written, spoken) in enumerate(table)
]

PLAIN = [
    ("ru", "Привет! Как дела? Всё хорошо, спасибо."),
    ("ru", "Напомню позвонить маме — завтра утром, «как договорились»."),
    ("ru", "Отменил: купить хлеб (сегодня вечером)."),
    ("en", "Hello! How are you? I'm fine, thanks."),
    ("en", 'I\'ll remind you to call mom — tomorrow morning, "as agreed".'),
    ("en", "Cancelled: buy bread (tonight)."),
]


@pytest.mark.parametrize(("lang", "written", "spoken"), CASES)
def test_spoken_form(lang: str, written: str, spoken: str) -> None:
    assert normalise(written, lang) == spoken


@pytest.mark.parametrize(("lang", "written", "spoken"), CASES)
def test_idempotent(lang: str, written: str, spoken: str) -> None:
    once = normalise(written, lang)
    assert normalise(once, lang) == once


@pytest.mark.parametrize(("lang", "written", "spoken"), CASES)
def test_no_digits_remain(lang: str, written: str, spoken: str) -> None:
    said = normalise(written, lang)
    assert not any(ch.isdigit() for ch in said), said


@pytest.mark.parametrize(("lang", "text"), PLAIN)
def test_plain_text_passes_through(lang: str, text: str) -> None:
    assert normalise(text, lang) == text


@pytest.mark.parametrize("lang", ["ru", "en", "de"])
def test_empty_string(lang: str) -> None:
    assert normalise("", lang) == ""


def test_whitespace_only_becomes_empty() -> None:
    assert normalise(" \n\t ", "ru") == ""


def test_other_language_only_gets_whitespace_cleanup() -> None:
    assert normalise("  Hallo\n\n  Welt, 5 € <b>x</b> ", "de") == "Hallo Welt, 5 € <b>x</b>"


def test_language_tag_with_region_or_capitals() -> None:
    assert normalise("5 min", "en-US") == "five minutes"
    assert normalise("5 мин", "RU") == "пять минут"
