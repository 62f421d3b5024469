"""What people type and upload: ``/ab create`` designs and analysts' CSV files."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from plugins.abtest.assignment import Variant
from plugins.abtest.csv_input import CsvError, read_samples
from plugins.abtest.design_parser import DesignError, parse_design
from plugins.abtest.metrics import METRICS

# -- CSV ------------------------------------------------------------------------------------


def test_a_conversion_file_with_a_pre_period() -> None:
    data = b"\xef\xbb\xbfGroup,Value,Pre\nB,1,3\ncontrol,0,2\nB,0,1\ncontrol,1,5\ncontrol,1,0\n"
    samples = read_samples(data)
    control, treatment = samples.groups
    assert (control.name, treatment.name) == ("control", "B")  # the control goes first
    assert control.values.tolist() == [0.0, 1.0, 1.0]
    assert control.pre is not None and control.pre.tolist() == [2.0, 5.0, 0.0]
    assert samples.is_conversion and samples.has_pre
    assert samples.assigned == (3, 2)


def test_true_false_columns_extra_columns_and_blank_lines() -> None:
    data = b"user,variant,value,comment\n1,a,True,x\n\n2,a,false,y\n3,b,TRUE,z\n4,b,False,\n"
    samples = read_samples(data)
    assert [g.values.tolist() for g in samples.groups] == [[1.0, 0.0], [1.0, 0.0]]
    assert samples.is_conversion


def test_semicolons_decimal_commas_and_a_windows_export_in_russian() -> None:
    data = "группа;значение\nконтроль;1,5\nтест;2,25\nконтроль;3\nтест;4\n".encode("cp1251")
    samples = read_samples(data)
    assert [g.name for g in samples.groups] == ["контроль", "тест"]
    assert samples.groups[1].values.tolist() == [2.25, 4.0]
    assert not samples.is_conversion


def test_tabs_and_a_thousand_groups_of_rows() -> None:
    rows = "".join(f"{'ab'[i % 2]}\t{i}\n" for i in range(2000))
    samples = read_samples(("group\tvalue\n" + rows).encode())
    assert [g.n for g in samples.groups] == [1000, 1000]
    assert np.isclose(samples.groups[1].values.mean(), 1000.0)


@pytest.mark.parametrize(
    ("data", "key", "values"),
    [
        (b"", "csv_empty", {}),
        (b"   \n\n", "csv_empty", {}),
        (b"\x00\x01\x02\xff\xfe\x00", "csv_binary", {}),
        (b"group,value\n", "csv_no_rows", {}),
        (b"grp,val\na,1\n", "csv_header", {"found": "grp, val"}),
        (b"just some text\n", "csv_header", {"found": "just some text"}),
        (b"group,value\na,1\nb,x\n", "csv_not_a_number",
         {"line": 3, "column": "value", "value": "x"}),
        (b"group,value\na,1\nb,\n", "csv_empty_value", {"line": 3, "column": "value"}),
        (b"group,value,pre\na,1,1\nb,2,n/a\n", "csv_not_a_number",
         {"line": 3, "column": "pre", "value": "n/a"}),
        (b"group,value\na,1\nb,2,3\n", "csv_fields", {"line": 3}),
        (b"group,value\na,1,3\nb,2\n", "csv_fields", {"line": 2}),
        (b"group,value\n,1\nb,2\n", "csv_no_group", {"line": 2}),
        (b"group,value\na,1\na,2\n", "csv_one_group", {"group": "a"}),
        (b"group,value\na,1\na,2\nb,3\n", "csv_small_group", {"group": "b"}),
        (b"group,value\na,inf\nb,1\n", "csv_not_a_number", {"line": 2, "column": "value",
                                                              "value": "inf"}),
        (b"group,value\n" + b"".join(f"g{i},1\ng{i},2\n".encode() for i in range(11)),
         "csv_many_groups", {"count": 11, "max": 10}),
    ],
)  # fmt: skip
def test_bad_files_say_what_and_where(data: bytes, key: str, values: dict[str, Any]) -> None:
    with pytest.raises(CsvError) as caught:
        read_samples(data)
    assert (caught.value.key, caught.value.values) == (key, values)


# -- /ab create -----------------------------------------------------------------------------


def _parse(args: str) -> Any:
    return parse_design(args, METRICS.keys(), default_mde=0.05)


def test_a_full_design() -> None:
    design = _parse(
        "Voice_Test param=voice.reply_mode variants=text:60,voice:40 metric=liked "
        "guardrails=latency_ms,errors mde=3% n=1200"
    )
    assert design.name == "voice_test"
    assert design.parameter == "voice.reply_mode"
    assert design.variants == (Variant("text", 60.0), Variant("voice", 40.0))
    assert (design.primary_metric, design.guardrails) == ("liked", ("latency_ms", "errors"))
    assert design.mde == pytest.approx(0.03)
    assert design.planned_n == 1200


def test_defaults_equal_weights_and_mde_spellings() -> None:
    design = _parse("t param=qa.top_k variants=a,b,c metric=messages")
    assert [v.weight for v in design.variants] == [1.0, 1.0, 1.0]
    assert (design.mde, design.planned_n, design.guardrails) == (0.05, None, ())
    assert _parse("t param=qa.k variants=a,b metric=rating mde=0.1").mde == pytest.approx(0.1)
    assert _parse("t param=qa.k variants=a,b metric=rating mde=10").mde == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ("", "create_usage"),
        ("Bad!Name param=a.b variants=x,y metric=messages", "bad_name"),
        ("t variants=x,y metric=messages", "bad_parameter"),
        ("t param=nodot variants=x,y metric=messages", "bad_parameter"),
        ("t param=a.b variants=x metric=messages", "bad_variant_count"),
        ("t param=a.b variants=a,b,c,d,e,f metric=messages", "bad_variant_count"),
        ("t param=a.b variants=x,x metric=messages", "duplicate_variant"),
        ("t param=a.b variants=x:0,y metric=messages", "bad_weight"),
        ("t param=a.b variants=x:abc,y metric=messages", "bad_weight"),
        ("t param=a.b variants=x!,y metric=messages", "bad_variant"),
        ("t param=a.b variants=x,y metric=happiness", "bad_metric"),
        ("t param=a.b variants=x,y metric=messages guardrails=messages", "bad_guardrail"),
        ("t param=a.b variants=x,y metric=messages mde=lots", "bad_mde"),
        ("t param=a.b variants=x,y metric=messages mde=0", "bad_mde"),
        ("t param=a.b variants=x,y metric=messages n=1", "bad_n"),
        ("t param=a.b variants=x,y metric=messages colour=red", "bad_option"),
        ("t param=a.b variants=x,y metric=messages stray", "bad_option"),
    ],
)
def test_bad_designs_say_what_to_fix(args: str, key: str) -> None:
    with pytest.raises(DesignError) as caught:
        _parse(args)
    assert caught.value.key == key
