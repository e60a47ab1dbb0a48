"""Turning emitted source into a live module: the code crosscheck runs is exactly what a user
would copy. The source is registered with `linecache`, so tracebacks show its lines."""
from __future__ import annotations

import linecache
import types


def module_from_source(source: str, name: str) -> types.ModuleType:
    filename = f"<generated {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)
    return module
