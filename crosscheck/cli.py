"""`crosscheck`: the command line. Each subcommand is one module in `crosscheck/commands/` with
`NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`; this file only dispatches.

Exit codes: 0 success / all checks passed; 1 a check failed; 2 bad input (invalid spec, missing
file, corrupt weights or model, a spec too large for the memory available), reported as one line
per problem without a traceback; a run of report, reproduce or equivalence that crashed
(`crosscheck.runs`) is one line too (exit 1; its traceback with `--verbose`). TensorFlow's, absl's and the frameworks' start-up lines and
warnings stay off stderr unless `--verbose` (before or after the subcommand; `crosscheck.quiet`).
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from spec import SpecError, WeightsError

from . import commands, environment, quiet
from .errors import TaskFailed, UserError


def _commands():
    mods = [importlib.import_module(f"{commands.__name__}.{m.name}") for m in pkgutil.iter_modules(commands.__path__)]
    return sorted((m for m in mods if hasattr(m, "NAME")), key=lambda m: getattr(m, "ORDER", 50))


VERBOSE_HELP = "show TensorFlow's, absl's and the frameworks' start-up lines and warnings on stderr"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crosscheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    # after the subcommand too; SUPPRESS keeps a subcommand without it from resetting the top-level flag
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in _commands():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP, parents=[after])
        mod.add_arguments(p)
        p.set_defaults(run=mod.run)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if not args.verbose:
        quiet.silence_frameworks()
    environment.large_allocations_returned()
    try:
        return args.run(args)
    except SpecError as e:
        for line in e.lines():
            print(line, file=sys.stderr)
        return 2
    except (WeightsError, UserError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except TaskFailed as e:
        for text in (e.details if args.verbose else []) + e.lines:
            print(text.rstrip(), file=sys.stderr)
        return 2 if e.user else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
