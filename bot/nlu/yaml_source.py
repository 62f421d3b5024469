"""YAML loading that remembers line numbers, so data errors can point at the offending line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.nlu.errors import NluDataError


class LocatedStr(str):
    """A string scalar from a YAML file that knows its 1-based line number."""

    line: int | None = None


class _LocatingLoader(yaml.SafeLoader):
    pass


def _construct_located_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> LocatedStr:
    value = LocatedStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


_LocatingLoader.add_constructor("tag:yaml.org,2002:str", _construct_located_str)


def line_of(value: object) -> int | None:
    return value.line if isinstance(value, LocatedStr) else None


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; string scalars (keys included) come back as `LocatedStr`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NluDataError(f"cannot read file: {error}", path=path) from error
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # a SafeLoader subclass: no tags
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise NluDataError(f"invalid YAML: {error}", path=path, line=line) from error
