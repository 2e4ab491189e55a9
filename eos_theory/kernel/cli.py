"""The kernel's command line, ``python -m eos_theory.kernel DIR`` (and ``eos-theory check DIR``): replay every
certificate in DIR and say, per claim, what was checked.

Exit status 0 when no certificate is rejected, 1 when one is (the claim and the step are named), 2 for bad
usage (DIR is not a directory, or holds no certificate).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from eos_theory.kernel.replay import check_all, read_directory


def report(checks, out=None, quiet: bool = False) -> None:
    """One line per claim, then the steps not replayed (the trusted base) and the rejected ones, indented; to
    ``out`` (default: sys.stdout as it is when called, so that a redirected stdout gets it)."""
    out = sys.stdout if out is None else out
    for c in checks:
        premises = f"; premises {', '.join(c.premises)}" if c.premises else ""
        if c.status == "kernel-checked":
            if not quiet:
                print(
                    f"{c.claim}: kernel-checked ({c.replayed} step{'s' * (c.replayed != 1)} replayed{premises})",
                    file=out,
                )
            continue
        if c.status == "rejected":
            print(f"{c.claim}: REJECTED", file=out)
            for step, why in c.rejected:
                print(f"    {step}: {why}", file=out)
            continue
        if quiet:
            continue
        weak = f"; premises not kernel-checked: {', '.join(c.weak_premises)}" if c.weak_premises else ""
        print(
            f"{c.claim}: partly replayed: {c.replayed} steps, {len(c.trusted)} not (trusted){premises}{weak}", file=out
        )
        for step, why in c.trusted:
            print(f"    {step}: {why}", file=out)


def summary(checks) -> str:
    counts = {s: sum(c.status == s for c in checks) for s in ("kernel-checked", "partly replayed", "rejected")}
    n = len(checks)
    return (
        f"{n} certificate{'s' * (n != 1)}: {counts['kernel-checked']} kernel-checked, {counts['partly replayed']} "
        f"partly replayed (their trusted steps listed), {counts['rejected']} rejected"
    )


def main(argv=None, prog: str = "python -m eos_theory.kernel") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Replay the certificates in DIR (written by 'eos-theory verify --certificates DIR', or by hand; "
        "docs/certificates.md) with FLINT, independently of the code that found them, and print per claim: "
        "kernel-checked, or the steps it cannot replay and why (its trusted base), or REJECTED with the step; "
        "then the summary. The same report as 'eos-theory check DIR'.",
        epilog="Exit status: 0 when no certificate is rejected, 1 when one is, 2 for bad usage.",
    )
    parser.add_argument("dir", metavar="DIR", help="a directory of certificates (*.json)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print less: only rejected claims and the summary")
    parser.add_argument(
        "--json",
        action="store_true",
        help="the report as one JSON object, {summary, claims: [...]}, on standard output instead of the text (the "
        "summary then goes to stderr; 'eos-theory check DIR --json FILE' writes it to a file)",
    )
    args = parser.parse_args(argv)
    if args.quiet and args.json:
        parser.error("-q is not used with --json, which prints no text to quieten")
    if not Path(args.dir).is_dir():
        print(f"{prog}: error: {args.dir}: not a directory", file=sys.stderr)
        return 2
    certs, unreadable = read_directory(args.dir)
    if not certs and not unreadable:
        print(f"{prog}: error: {args.dir}: no certificates (*.json) there", file=sys.stderr)
        return 2
    checks = unreadable + check_all(certs)
    try:
        if args.json:
            print(json.dumps({"summary": summary(checks), "claims": [c.to_json() for c in checks]}, ensure_ascii=False))
            print(summary(checks), file=sys.stderr)
        else:
            report(checks, quiet=args.quiet)
            print(summary(checks))  # the report's summary goes with the report, on stdout
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly, as SIGPIPE would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return 1 if any(c.status == "rejected" for c in checks) else 0
