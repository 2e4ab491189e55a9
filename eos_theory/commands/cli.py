"""The ``eos-theory`` command line: the parser and ``main``; the commands are in :mod:`eos_theory.commands`.

Every user error ends in one line on stderr and exit code 2; a run whose claims do not all come
out as recorded, or whose work did not all finish, ends with exit code 1 and says which.  Nothing
ends in a traceback: an unexpected exception (a bug) is one "internal error" line and exit code 1
(``EOS_THEORY_TRACEBACK=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys

from eos_theory import __version__
from eos_theory.commands import GROUPS, grammar
from eos_theory.commands.common import EXIT_UNEXPECTED, EXIT_USAGE, UsageError, start_clock
from eos_theory.numbers.parse import InputError

_NOT_AN_OPTION = re.compile(r"[*/^()+ ]")  #: characters of an expression, never of an option name
EXIT_BROKEN_PIPE = 141  #: 128 + SIGPIPE, what a shell reports for a command killed by a closed pipe


class _Parser(argparse.ArgumentParser):
    """argparse with exact negative numbers (``--target -1/2``) and expressions (``--loss -r**2``) as
    values, and one-line errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)  # one grammar: an option has the spellings README lists, no prefixes
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(/\d+)?$")

    def _parse_optional(self, arg_string):
        """A word starting with '-' that no option name could be (it holds * / ^ ( ) + or a space) is a value."""
        if arg_string.startswith("-") and _NOT_AN_OPTION.search(arg_string.split("=", 1)[0]):
            return None
        return super()._parse_optional(arg_string)

    def parse_known_args(self, args=None, namespace=None):
        if args is not None:
            self._refuse_repeats(list(args))
        return super().parse_known_args(args, namespace)

    def _refuse_repeats(self, args: list[str]) -> None:
        """An option that holds one value, given twice: argparse keeps the last and drops the first silently."""
        seen: dict[str, str] = {}
        for word in args:
            if word == "--":
                break
            action = self._option_string_actions.get(word.split("=", 1)[0] if word.startswith("--") else word)
            if (
                action is None
                or action.nargs == 0
                or isinstance(action, (argparse._AppendAction, argparse._ExtendAction))
            ):
                continue
            name = word.split("=", 1)[0]
            if action.dest in seen:
                first = seen[action.dest]
                self.error(
                    f"{name} is given twice: give it once"
                    if name == first
                    else f"{first} and {name} are one option, given twice: give it once"
                )
            seen[action.dest] = name

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eos-theory",
        description="Check, symbolically and at high precision, the equations and claims of 'Second-order "
        "regression models exhibit progressive sharpening to the edge of stability' (Agarwala, Pedregosa, "
        "Pennington).",
        epilog="Run 'eos-theory COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for group in GROUPS:
        importlib.import_module(f"eos_theory.commands.{group}").register(sub)
    return parser


def _as_spelled(message: str, parser: argparse.ArgumentParser) -> str:
    """A library's error names its parameter ("lr must be positive", "lr: cannot read 'x'", "params (P) must be
    >= 1"); the command line says the option ("--lr must be positive", "--lr: cannot read 'x'", "--n-params must be
    >= 1") when the parameter is one of the command's options, by its name or, for "name (X)", by its metavar X."""
    options = [a for a in parser._actions if a.option_strings and not isinstance(a, grammar.Deprecated)]
    for sep in (" must ", ": "):
        name, found, rest = message.partition(sep)
        if not found:
            continue
        by_name = [a for a in options if a.dest == name]
        metavar = re.fullmatch(r"\w+ \((\w+)\)", name)
        by_metavar = [a for a in options if metavar and a.metavar == metavar.group(1)]
        for named in (by_name, by_metavar):
            if len(named) == 1:
                return f"{named[0].option_strings[-1]}{sep}{rest}"
    return message


def main(argv: list[str] | None = None) -> int:
    start_clock(process=argv is None)  # the console script: its time budgets include the start-up
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    grammar.print_notes(grammar.resolve(parser, args))
    try:
        return args.func(args)
    except (UsageError, InputError) as exc:
        print(f"eos-theory: error: {_as_spelled(str(exc), grammar.subparser(parser, args))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("eos-theory: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`eos-theory … | head`): stop quietly, as SIGPIPE would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail again
        return EXIT_BROKEN_PIPE
    except MemoryError:
        print("eos-theory: out of memory", file=sys.stderr)
        return EXIT_UNEXPECTED
    except Exception as exc:  # a bug: one line that says so, not a traceback (unless asked for)
        if os.environ.get("EOS_THEORY_TRACEBACK"):
            raise
        what = " ".join(str(exc).split())[:200]
        print(
            f"eos-theory: internal error ({type(exc).__name__}: {what}); please report it with the command line "
            "(EOS_THEORY_TRACEBACK=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
