"""Reading one JSON value of an OKW document: its type checked, its JSON path named."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from maillage.interop.okw.model import OkwError
from maillage.interop.okw.vocabulary import fold_key


def join(path: str, key: str) -> str:
    """`join("facilities[0]", "name")` → `facilities[0].name`; indices attach without a dot."""
    if not path:
        return key
    if not key:
        return path
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def read_object(data: object, path: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise OkwError(path, "Expected a JSON object.")
    return data


def read_text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise OkwError(join(path, key), "Expected text.")
    return str(value).strip()


def read_strings(
    obj: Mapping[str, Any], key: str, path: str, allow_single: bool = False
) -> list[tuple[str, str]]:
    """(value, path) of each string of a list; a lone string counts when `allow_single`."""
    value = obj.get(key)
    if value is None or value == "":
        return []
    if allow_single and isinstance(value, str):
        return [(value, join(path, key))]
    if not isinstance(value, list):
        raise OkwError(join(path, key), "Expected a list of texts.")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise OkwError(join(path, f"{key}[{i}]"), "Expected text.")
        out.append((item, join(path, f"{key}[{i}]")))
    return out


def read_choice(obj: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...]) -> str:
    text = read_text(obj, key, path)
    if not text:
        return ""
    for choice in choices:
        if fold_key(choice) == fold_key(text):
            return choice
    raise OkwError(join(path, key), "Use one of: " + ", ".join(choices) + ".")


def as_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def read_number(
    obj: Mapping[str, Any],
    key: str,
    path: str,
    *,
    unit: str,
    positive: bool = False,
    minimum: float | None = None,
) -> float | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    number = as_float(value)
    if number is None:
        raise OkwError(join(path, key), f"Expected a number of {unit}.")
    if positive and not number > 0:
        raise OkwError(join(path, key), f"Expected a positive number of {unit}.")
    if minimum is not None and number < minimum:
        raise OkwError(join(path, key), f"Expected at least {minimum:g} {unit}.")
    return number


def read_integer(
    obj: Mapping[str, Any], key: str, path: str, *, minimum: int, maximum: int
) -> int | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    number = as_float(value)
    if number is None or not number.is_integer():
        raise OkwError(join(path, key), "Expected a whole number.")
    if not minimum <= number <= maximum:
        raise OkwError(join(path, key), f"Expected a whole number from {minimum} to {maximum}.")
    return int(number)


def read_boolean(obj: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "0"):
        return False
    raise OkwError(join(path, key), "Expected true or false.")
