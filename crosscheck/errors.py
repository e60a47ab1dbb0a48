"""Errors that end a command with exit 2 and one line (crosscheck.cli prints them).

Library code raises these; it never imports the CLI. Spec problems are `spec.SpecError`
(file and field), weight-file problems `spec.WeightsError`.
"""


class UserError(Exception):
    """Bad input from the user: printed as one line, exit 2."""
