"""A small synthetic plugin catalog, written to YAML files as a plugin author would."""

from __future__ import annotations

from pathlib import Path

RU = """\
language: ru
slots:
  when:
    type: datetime
    prompt: Когда?
  length:
    type: duration
    prompt: На сколько?
  size:
    type: enum
    prompt: Какой размер?
    values:
      small: [маленький, маленькую, малый]
      large: [большой, большую, огромный]
  count:
    type: number
    prompt: Сколько?
intents:
  set_alarm:
    examples:
      - разбуди меня [завтра в 7 утра](when)
      - поставь будильник [на 6:30](when)
      - будильник [в 8](when)
      - разбуди [в понедельник в 9](when)
      - поставь будильник [через 2 часа](when)
      - заведи будильник [на завтра в 10](when)
      - разбуди меня [в пятницу в 6 утра](when)
      - будильник [на 7 утра](when)
      - поставь будильник пожалуйста
      - мне нужен будильник [в 5:45](when)
  start_timer:
    examples:
      - засеки [5 минут](length)
      - таймер [на 10 минут](length)
      - поставь таймер [на полчаса](length)
      - запусти таймер [на 2 часа](length)
      - таймер [на 45 секунд](length)
      - засеки [три минуты](length)
      - включи таймер [на 20 минут](length)
      - отсчитай [минуту](length)
  order_coffee:
    examples:
      - закажи [большой](size) кофе
      - хочу [маленький](size) капучино
      - свари [два](count) кофе
      - сделай [3](count) [больших](size) латте
      - налей кофе
      - хочу кофе
      - закажи [маленький](size) американо
      - приготовь [одну](count) [большую](size) чашку кофе
    templates:
      - "(закажи|хочу) {count} [чашки|чашек] кофе"
  show_alarms:
    examples:
      - покажи будильники
      - какие у меня будильники
      - список будильников
      - мои будильники
      - во сколько я поставил будильник
      - что там с будильниками
    templates:
      - "(покажи|открой) [все] [мои] будильники"
"""

EN = """\
language: en
slots:
  when:
    type: datetime
    prompt: When?
  length:
    type: duration
    prompt: For how long?
  size:
    type: enum
    prompt: Which size?
    values:
      small: [small, tiny]
      large: [large, big, huge]
  count:
    type: number
    prompt: How many?
intents:
  set_alarm:
    examples:
      - wake me up [tomorrow at 7am](when)
      - set an alarm [for 6:30](when)
      - alarm [at 8](when)
      - wake me [on monday at 9](when)
      - set an alarm [in 2 hours](when)
      - wake me up [at 6 in the morning](when)
      - i need an alarm [at 5:45](when)
      - set an alarm please
  start_timer:
    examples:
      - start a timer [for 5 minutes](length)
      - timer [for 10 minutes](length)
      - set a timer [for half an hour](length)
      - count down [2 hours](length)
      - a [45 second](length) timer please
      - set a timer [for three minutes](length)
      - time [20 minutes](length)
  order_coffee:
    examples:
      - order a [large](size) coffee
      - i want a [small](size) cappuccino
      - make [two](count) coffees
      - make me [3](count) [big](size) lattes
      - pour me a coffee
      - i'd like a coffee
      - get me a [tiny](size) americano
  show_alarms:
    examples:
      - show my alarms
      - what alarms do i have
      - list my alarms
      - which alarms are set
      - when is my alarm
"""

SMALLTALK_EN = """\
language: en
intents:
  greet:
    examples: [hello, hi there, hey, good morning, hiya, hello hello, hey you, greetings]
"""

SMALLTALK_RU = """\
language: ru
intents:
  greet:
    examples: [привет, здравствуй, добрый день, приветик, здравствуйте, хай, доброе утро, салют]
"""


def write_catalog(root: Path) -> list[tuple[str, Path]]:
    """Write two plugins' intent files under `root`; returns the sources for IntentCatalog."""
    home = root / "home" / "intents"
    talk = root / "talk" / "intents"
    home.mkdir(parents=True, exist_ok=True)
    talk.mkdir(parents=True, exist_ok=True)
    (home / "ru.yaml").write_text(RU, encoding="utf-8")
    (home / "en.yaml").write_text(EN, encoding="utf-8")
    (talk / "ru.yaml").write_text(SMALLTALK_RU, encoding="utf-8")
    (talk / "en.yaml").write_text(SMALLTALK_EN, encoding="utf-8")
    return [("home", home), ("talk", talk)]
