"""Errors that end a command with one line per problem and no traceback (crosscheck.cli prints
them): exit 2 for bad input; `TaskFailed` exits 1 when a run crashed.

Library code raises these; it never imports the CLI. Spec problems are `spec.SpecError`
(file and field), weight-file problems `spec.WeightsError`.
"""


class UserError(Exception):
    """Bad input from the user: printed as one line, exit 2."""


class TaskFailed(Exception):
    """Runs of `crosscheck.runs` that failed: one line each (`lines`), printed without a traceback;
    exit 2 when every failure is bad input (`user`), else 1. `details`: the workers' tracebacks,
    shown with --verbose."""

    def __init__(self, lines: list[str], user: bool, details: list[str]):
        super().__init__("\n".join(lines))
        self.lines, self.user, self.details = lines, user, details
