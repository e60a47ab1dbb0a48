"""Errors that name where in a spec the problem is.

Every problem found in a spec (JSON syntax, schema, graph, shapes, weights) is reported as a
`SpecError` carrying the file it came from and the JSON path of the offending field, written the
way a person would type it (`layers[3].filters`), so the CLI can print one line per problem.
"""
from __future__ import annotations


def json_path(parts) -> str:
    """Render a jsonschema-style path (deque/list of keys and indices) as `a.b[3].c`."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "(root)"


class SpecError(Exception):
    """One or more problems in one spec, each as (field path, message)."""

    def __init__(self, problems, source: str | None = None):
        if isinstance(problems, tuple):
            problems = [problems]
        self.problems: list[tuple[str, str]] = list(problems)
        self.source = source
        super().__init__(self.__str__())

    @classmethod
    def merge(cls, errors: list["SpecError"]) -> "SpecError":
        """One error carrying the problems of several specs, each line keeping its own file."""
        merged = cls([])
        merged._lines = [line for e in errors for line in e.lines()]
        merged.problems = [p for e in errors for p in e.problems]
        return merged

    def lines(self) -> list[str]:
        if getattr(self, "_lines", None) is not None:
            return self._lines
        src = self.source or "<spec>"
        return [f"{src}: {path}: {msg}" for path, msg in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class WeightsError(Exception):
    """A neutral weight file that is missing, corrupt, or does not fit its spec."""
