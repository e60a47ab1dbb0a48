"""A spec file's bytes → a JSON value: UTF-8 text, standard JSON syntax, finite numbers.

A leading UTF-8 byte-order mark (Windows editors write one) is skipped, as RFC 8259 §8.1 lets a
parser do. Python's `json` accepts `NaN`, `Infinity` and `-Infinity`, and reads a number too
large for a float (`1e999`) as infinity; none of them is a JSON number (RFC 8259 §6), and a
spec holding one would validate and train on it. They are parsed with their spelling kept and
reported by `non_finite` at their JSON path.
"""
from __future__ import annotations

import codecs
import json
import math
import sys

from .errors import SpecError, json_path

_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        hint = "; it starts with a UTF-16 byte-order mark, save it as UTF-8" if data.startswith(_UTF16_MARKS) else ""
        raise SpecError(("(file)", f"not UTF-8 text (invalid byte 0x{data[e.start]:02x} at offset {e.start}{hint})"),
                        source) from None
    return text.removeprefix("\ufeff")


class _NonFinite(float):
    """A number JSON cannot hold, with the spelling the file gave it (for the message)."""

    def __new__(cls, text: str):
        number = super().__new__(cls, text)  # float() reads NaN, Infinity, -Infinity and 1e999 alike
        number.text = text
        return number


def _number(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def parse(text: str, source: str):
    try:
        return json.loads(text, parse_constant=_NonFinite, parse_float=_number)
    except json.JSONDecodeError as e:
        raise SpecError(("(file)", f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"), source) from None
    except ValueError:  # json's one other complaint: an integer longer than int() reads
        raise SpecError(("(file)", f"invalid JSON: an integer has more than {sys.get_int_max_str_digits()} digits"),
                        source) from None
    except RecursionError:
        raise SpecError(("(file)", "invalid JSON: arrays or objects nested too deeply"), source) from None


def non_finite(value) -> list[tuple[str, str]]:
    """(JSON path, message) for every NaN or infinite number in `value`, in document order.
    Iterative: a deeply nested free-form field (`source`, `reported`) must not hit the recursion limit."""
    problems, stack = [], [((), value)]
    while stack:
        parts, v = stack.pop()
        if isinstance(v, dict):
            stack.extend(((*parts, k), c) for k, c in reversed(v.items()))
        elif isinstance(v, list):
            stack.extend(((*parts, i), c) for i, c in reversed(list(enumerate(v))))
        elif isinstance(v, float) and not math.isfinite(v):
            name = "NaN" if math.isnan(v) else "-Infinity" if v < 0 else "Infinity"
            text = getattr(v, "text", name)
            why = "" if text == name else f" (too large to be finite: it reads as {name})"
            problems.append((json_path(parts), f"{text} is not allowed{why}"))
    return problems
