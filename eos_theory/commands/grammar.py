"""The one command-line grammar: options that several commands share are added here, so that each has one
spelling and one meaning on every command; old spellings stay accepted, with a one-line notice on stderr.

README's "Command-line grammar" table lists every option of every command and every old spelling;
``tests/test_grammar.py`` walks the parsers and checks that the table is true.

* ``--json [FILE]`` – the report as one JSON object: on stdout *instead of* the text (no FILE, or ``-``), or
  written to FILE *as well as* the text on stdout (:func:`add_json`, :func:`json_target`, :func:`emit`);
* ``-o, --out PATH`` – where the files a command makes go (:func:`add_out`);
* ``--timeout SECONDS``, ``--seed S``, ``--digits D``, ``--steps S``, ``--lr ETA``, ``--target E``,
  ``--omega W…``, ``--model FILE``, ``--claim ID``, ``--claims PATH…``, ``-j N``, ``--scheduler ADDR``,
  ``--format png|pdf``: one helper each, below;
* :class:`Deprecated` – an old spelling: its value goes to the new option, and :func:`resolve` prints the
  notice (after a successful parse) or refuses old and new spellings given together.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

#: the control parameter's one symbol, and its ASCII spelling (option names, JSON keys)
EPS, EPS_ASCII = "ε", "epsilon"

JSON_HELP = (
    "the report as one JSON object: on standard output instead of the text (no FILE, or -), or written to FILE as "
    "well as the text on standard output (atomically; a symlink is written through, a device or FIFO refused)"
)


#: the phrase every command's help of a shared option contains: its one meaning (tests/test_grammar.py checks)
MEANS = {
    "--json": JSON_HELP,
    "--out": "where the files the command makes go",
    "--timeout": "time limit in seconds",
    "--seed": "seed of the random draws",
    "--digits": "significant digits printed",
    "--steps": "GD steps",
    "--lr": "step size η > 0",
    "--target": "regression target",
    "--omega": "eigenvalues of Q",
    "--model": "your own model, a TOML file (keys: 'eos-theory analyze --help')",
    "--claim": "one claim, by id (repeatable)",
    "--claims": "your own claims",
    "--jobs": "run in N local worker processes (default: every core this process may use; 1: in this process)",
    "--scheduler": "run on the Dask cluster whose scheduler is at ADDR instead of local processes",
    "--format": "figure file format",
    "--quiet": "print less",
    "--budget": "the longest run accepted, in seconds",
}


def add_json(p: argparse.ArgumentParser, keys: str = "") -> None:
    """``--json [FILE]``; ``keys`` describes the object (appended to the help)."""
    p.add_argument("--json", metavar="FILE", nargs="?", const="-", help=JSON_HELP + (f". {keys}" if keys else ""))


def json_target(args: argparse.Namespace, made: tuple[Path, ...] = (), writable_now: bool = True) -> Path | None:
    """The file ``--json FILE`` names, checked writable before any work (None: no file; ``writable_now`` False: the
    caller checks it once the directory it goes in is made); it may not be one of the files ``made`` by the
    command's ``-o`` (the JSON, written last, would replace it)."""
    from eos_theory.commands.common import UsageError, writable

    if args.json is not None and not args.json.strip():
        raise UsageError("--json: give a file name, or - (or nothing) for standard output")
    if args.json in (None, "-"):
        return None
    if any(Path(args.json).resolve() == Path(m).resolve() for m in made):
        raise UsageError(f"--json {args.json}: -o writes that file too; give the JSON a file of its own")
    not_an_input(args, "--json", args.json)
    return writable(args.json, "--json") if writable_now else Path(args.json)


def in_directory(path: str, directory: str) -> bool:
    """``path`` names a file in ``directory``, however either is spelled (a JSON report there would be read, or
    written before the directory is made)."""
    return Path(path).resolve().parent == Path(directory).resolve()


def not_an_input(args: argparse.Namespace, flag: str, output: str) -> None:
    """Refuse an output file that is one of the command's inputs: the --model file, or a --claims file (given, or
    one a --claims directory holds); writing it would replace the researcher's own file."""
    from eos_theory.commands.common import UsageError
    from eos_theory.core.loader import PATTERNS

    inputs = [("--model", getattr(args, "model", None))]
    for given in getattr(args, "claims", None) or []:
        found = sorted(p for pattern in PATTERNS for p in Path(given).glob(pattern))
        inputs += [("--claims", str(p)) for p in (found if Path(given).is_dir() else [Path(given)])]
    target = Path(output).resolve()
    for option, path in inputs:
        if path and Path(path).resolve() == target:
            raise UsageError(
                f"{flag} {output}: that is the {option} file, which it would replace; write to another file"
            )


def emit(args: argparse.Namespace, data: dict, show_text: Callable[[], None], target: Path | None = None) -> None:
    """Report ``data``: as JSON on stdout instead of ``show_text()``, or the text and, with ``--json FILE``,
    the JSON written atomically to ``target`` (from :func:`json_target`)."""
    from eos_theory.commands.common import output_error
    from eos_theory.outputs.files import write_json_atomic

    if args.json == "-":
        print(json.dumps(data, ensure_ascii=False, allow_nan=False))
        return
    show_text()
    if target is not None:
        try:
            write_json_atomic(target, data)
        except OSError as exc:
            raise output_error("--json", args.json, exc) from None


def path(value: str) -> str:
    """An argparse ``type`` for paths: an empty one is refused (``-o ''`` would mean the current directory, and
    ``--model ''`` no model at all)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("give a path, not an empty string")
    return value


def add_out(p: argparse.ArgumentParser, what: str, default: str | None = None, dest: str = "out") -> None:
    """``-o, --out PATH``: where the command's files go (``what`` says: a file, or a directory of files)."""
    tail = f" (default: {default})" if default is not None else ""
    p.add_argument(
        "-o", "--out", dest=dest, metavar="PATH", type=path, default=default, help=f"{MEANS['--out']}: {what}{tail}"
    )


def add_timeout(p: argparse.ArgumentParser, default: str | None, what: str) -> None:
    """``--timeout SECONDS``: a time limit, in seconds (``what``: of what)."""
    p.add_argument("--timeout", metavar="SECONDS", default=default, help=f"time limit in seconds {what}")


def add_seed(p: argparse.ArgumentParser, what: str) -> None:
    """``--seed S``: the seed of the random draws (default 0: None when not given, so an unused seed is refused)."""
    p.add_argument(
        "--seed",
        metavar="S",
        type=int,
        help=f"seed of the random draws: {what} (default 0); the same seed gives the same numbers",
    )


def add_digits(p: argparse.ArgumentParser, default: int, what: str) -> None:
    """``--digits D``: how many significant digits every printed number has."""
    p.add_argument(
        "--digits",
        metavar="D",
        type=int,
        default=default,
        help=f"significant digits printed, {what} (default {default})",
    )


def add_steps(p: argparse.ArgumentParser, default, what: str, type_=None) -> None:
    """``--steps S``: how many GD steps (per run)."""
    kwargs = {} if type_ is None else {"type": type_}
    p.add_argument("--steps", metavar="S", default=default, help=f"GD steps {what} (default {default})", **kwargs)


def add_lr(p: argparse.ArgumentParser, what: str = "", required: bool = True) -> None:
    """``--lr ETA``: the step size η > 0, read exactly."""
    p.add_argument("--lr", metavar="ETA", required=required, help="step size η > 0 (exact: 0.8 or 4/5)" + what)


def add_target(p: argparse.ArgumentParser, what: str = "", **kwargs) -> None:
    """``--target E``: the regression target, read exactly."""
    p.add_argument("--target", metavar="E", help="regression target E, read exactly" + what, **kwargs)


def add_omega(p: argparse.ArgumentParser, nargs, what: str, **kwargs) -> None:
    """``--omega W…``: eigenvalues of Q."""
    p.add_argument("--omega", metavar="W", nargs=nargs, help=f"eigenvalues of Q: {what}", **kwargs)


def add_model(p: argparse.ArgumentParser, what: str) -> None:
    """``--model FILE``: your own model, a TOML model file (as for ``analyze``)."""
    p.add_argument("--model", metavar="FILE", type=path, help=f"{MEANS['--model']}: {what}")


def add_claim(p: argparse.ArgumentParser, what: str) -> None:
    """``--claim ID`` (repeatable): select registered claims by id."""
    p.add_argument(
        "--claim",
        metavar="ID",
        action="append",
        help=f"{MEANS['--claim']}: {what}; 'eos-theory verify --list' shows the ids (with --claims, yours too)",
    )


def add_claims(p: argparse.ArgumentParser) -> None:
    """``--claims PATH…``: load your own claim files, or the claim files in directories."""
    p.add_argument(
        "--claims",
        metavar="PATH",
        nargs="+",
        action="extend",
        help="also load your own claims: Python files, or directories whose files named *_claims.py or claims_*.py "
        "are loaded (docs/your-claims.md); an import error, a duplicate id or a file without a claim is an error",
    )


def add_jobs(p: argparse.ArgumentParser, what: str) -> None:
    """``-j, --jobs N``: local worker processes."""
    p.add_argument(
        "-j",
        "--jobs",
        metavar="N",
        help=f"{MEANS['--jobs']}: {what}",
    )


def add_budget(p: argparse.ArgumentParser, default: float, what: str) -> None:
    """``--budget SECONDS``: the longest estimated run accepted; a larger estimate is refused before anything runs."""
    p.add_argument(
        "--budget",
        metavar="SECONDS",
        default=str(int(default)),
        help=f"{MEANS['--budget']} (default {int(default)}): estimated before anything runs, from measured costs per "
        "step (benchmarks/estimates.py); a run estimated longer is refused with the estimate. The time "
        f"{what} would take is estimated on the local processes or the cluster's worker threads; raise the budget "
        "to run a longer one",
    )


def add_scheduler(p: argparse.ArgumentParser, what: str) -> None:
    """``--scheduler ADDR``: a Dask cluster instead of local processes."""
    p.add_argument(
        "--scheduler",
        metavar="ADDR",
        help=f"{MEANS['--scheduler']} (docs/dask.md): {what}; ADDR is e.g. tcp://host:8786 (needs "
        "pip install 'eos-theory[dask]'); an unreachable scheduler is an error after 10 s",
    )


def add_format(p: argparse.ArgumentParser) -> None:
    """``--format png|pdf``: the figures' file format."""
    p.add_argument("--format", choices=("png", "pdf"), default="png", help="figure file format (default png)")


# -- old spellings --------------------------------------------------------------------------------------------

OLD_SPELLINGS = "old spellings (still accepted, each with a one-line notice on stderr)"  #: their --help section
_OLD = "deprecated_"  #: namespace attributes holding what an old spelling was given, by the new option's dest


class Deprecated(argparse.Action):
    """An old spelling of an option: accepted, its value handed to the new spelling ``now`` by :func:`resolve`,
    which also prints the one-line notice.  ``meaning`` says when the old spelling meant something else."""

    def __init__(self, option_strings, dest, *, now: str, meaning: str = "", moves: str | None = None, **kwargs):
        #: moves: given together with the new spelling, the old one keeps its old grammar, in which the new
        #: spelling meant what is now the option stored in ``moves`` (gd: --show S --digits W)
        self.now, self.meaning, self.moves = now, meaning, moves
        kwargs.setdefault("help", f"old spelling of {now}" + (f" ({meaning})" if meaning else ""))
        super().__init__(option_strings, _OLD + dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, (option_string, values))


def deprecated(p: argparse.ArgumentParser, old: str, now: str, dest: str, **kwargs) -> None:
    """Accept ``old`` as an old spelling of the option ``now`` (whose value is stored in ``dest``)."""
    new = next(a for a in p._actions if a.dest == dest)
    kwargs.setdefault("type", new.type)  # the old spelling's value is read as the new one's
    group = next((g for g in p._action_groups if g.title == OLD_SPELLINGS), None) or p.add_argument_group(OLD_SPELLINGS)
    group.add_argument(old, action=Deprecated, now=now, dest=dest, default=None, **kwargs)


def resolve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """Move each old spelling's value to its new option; return the notices (one line each) to print.

    Old and new spellings of one option given together are refused, as any option given twice would be
    ambiguous."""
    notes = []
    sub = subparser(parser, args)
    for name in [n for n in vars(args) if n.startswith(_OLD)]:
        given = getattr(args, name)
        delattr(args, name)
        if given is None:
            continue
        old, value = given
        dest = name[len(_OLD) :]
        action = next(a for a in sub._actions if isinstance(a, Deprecated) and a.dest == name)
        default = next((a.default for a in sub._actions if a.dest == dest), None)
        if getattr(args, dest, None) != default:
            if action.moves is None:
                sub.error(f"{old} is the old spelling of {action.now}: give one of them")
            setattr(args, action.moves, getattr(args, dest))
        setattr(args, dest, value)
        notes.append(
            f"eos-theory: note: {old} is deprecated; use {action.now}"
            + (f" ({action.meaning})" if action.meaning else "")
        )
    return notes


def subparser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the subcommand ``args`` are for (the top parser when there is none)."""
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction) and getattr(args, "command", None) in a.choices:
            return a.choices[args.command]
    return parser


def print_notes(notes: list[str]) -> None:
    for line in notes:
        print(line, file=sys.stderr)


def refuse(args: argparse.Namespace, pairs: list[tuple[str, bool, str]]) -> None:
    """Refuse, with a reason, an option that was given but would not be used: ``(option, given, why)``."""
    from eos_theory.commands.common import UsageError

    for option, given, why in pairs:
        if given:
            raise UsageError(f"{option} is not used {why}")
