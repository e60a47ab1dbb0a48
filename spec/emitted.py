"""Turning emitted source into a live module: the code crosscheck runs is exactly what a user
would copy. The source is registered with `linecache`, so tracebacks show its lines."""
from __future__ import annotations

import linecache
import re
import types


def module_from_source(source: str, name: str) -> types.ModuleType:
    filename = f"<generated {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


def imports_used(body: str, candidates: list[tuple[str, str]]) -> list[str]:
    """The import lines of `candidates` ((line, the name it binds)) whose name `body` uses as
    `name.attr`: an emitted module imports only what its code needs."""
    return [line for line, name in candidates if re.search(rf"(?<![\w.]){re.escape(name)}\.", body)]


def from_import(module: str, names: list[str], body: str) -> list[str]:
    """`from module import a, b` with just the names `body` uses (no line when it uses none)."""
    used = [n for n in names if imports_used(body, [("", n)])]
    return [f"from {module} import {', '.join(used)}"] if used else []
