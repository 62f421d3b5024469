"""Two SQL expressions the metrics need and the backends spell differently.

- ``DaysAfter(column, n)``: a timestamp ``n`` days later, per row (retention windows, the
  pre-period before each user's exposure). SQLite keeps timestamps as text, so it shifts
  with ``strftime``; PostgreSQL adds an interval.
- ``JsonValuesSum(column)``: the sum of a JSON object's values (the per-stage latencies of a
  turn, whatever stages ran); NULL for a NULL or empty object.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, SQLColumnExpression, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.storage import UTCDateTime

# SQLite's own text format for timestamps, to millisecond precision: compares correctly with
# the stored "YYYY-MM-DD HH:MM:SS.ffffff". Sent as a parameter, never inlined, so no driver
# mistakes its percent signs for placeholders.
_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%f"


class DaysAfter(FunctionElement[datetime]):
    type = UTCDateTime()
    inherit_cache = True
    name = "days_after"

    def __init__(self, column: SQLColumnExpression[datetime], days: int) -> None:
        super().__init__(column, literal(int(days)))


class JsonValuesSum(FunctionElement[float]):
    type = Float()
    inherit_cache = True
    name = "json_values_sum"

    def __init__(self, column: SQLColumnExpression[Any]) -> None:
        super().__init__(column)


def _arguments(element: FunctionElement[Any]) -> list[Any]:
    return list(element.clauses)


@compiles(DaysAfter, "sqlite")
def _days_after_sqlite(element: DaysAfter, compiler: SQLCompiler, **kw: Any) -> str:
    column, days = _arguments(element)
    fmt = compiler.process(literal(_SQLITE_FORMAT), **kw)
    return (
        f"strftime({fmt}, {compiler.process(column, **kw)}, "
        f"({compiler.process(days, **kw)} || ' days'))"
    )


@compiles(DaysAfter, "postgresql")
def _days_after_postgresql(element: DaysAfter, compiler: SQLCompiler, **kw: Any) -> str:
    column, days = _arguments(element)
    return (
        f"({compiler.process(column, **kw)} + "
        f"make_interval(days => CAST({compiler.process(days, **kw)} AS INTEGER)))"
    )


@compiles(JsonValuesSum, "sqlite")
def _json_sum_sqlite(element: JsonValuesSum, compiler: SQLCompiler, **kw: Any) -> str:
    [column] = _arguments(element)
    # sum() (not total()) is NULL over no rows: a turn without timings has no latency.
    return f"(SELECT sum(value) FROM json_each({compiler.process(column, **kw)}))"


@compiles(JsonValuesSum, "postgresql")
def _json_sum_postgresql(element: JsonValuesSum, compiler: SQLCompiler, **kw: Any) -> str:
    [column] = _arguments(element)
    return (
        "(SELECT sum(CAST(value AS DOUBLE PRECISION)) "
        f"FROM json_each_text({compiler.process(column, **kw)}))"
    )
