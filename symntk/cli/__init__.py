"""The ``symntk`` command line.

Each subcommand lives in a module of this package named after it (``symntk/cli/kernel.py`` for
``symntk kernel``), which defines

- ``HELP``: one line for ``symntk --help``;
- ``add_arguments(parser)``: its options, on an :class:`argparse.ArgumentParser`;
- ``run(args) -> int``: the work, returning the exit status.

Command modules import their heavy dependencies (SymPy, NumPy, ...) inside ``run`` so that ``--help`` and
``--version`` stay fast. Bad input raises :class:`symntk.SymntkError`; :func:`main` prints it as one line on
stderr and exits 2. Any other exception is a bug: one line and exit 3, the traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from .._errors import SymntkError

#: The subcommands, in the order ``symntk --help`` lists them.
COMMANDS: tuple[str, ...] = ("check", "converge", "kernel", "report", "verify", "golden")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit 2), without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see '{self.prog} --help')\n")


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``symntk`` and all its subcommands."""
    from .. import __version__

    parser = _Parser(
        prog="symntk",
        description="Symbolic derivation and proof checking for the neural tangent kernel.",
    )
    parser.add_argument("--version", action="version", version=f"symntk {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = _command(name)
        doc = (module.__doc__ or module.HELP).strip()
        p = sub.add_parser(
            name,
            help=module.HELP,
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``symntk`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status = int(args._run(args))
    except SymntkError as exc:
        if args.debug:
            raise
        print(f"symntk {args.command}: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"symntk {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug in symntk, not in the input: say so in one line
        if args.debug:
            raise
        print(
            f"symntk {args.command}: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return 3
    sys.stdout.flush()
    return status


def run() -> NoReturn:  # pragma: no cover - thin wrapper for `python -m symntk`
    sys.exit(main())
