"""Helpers shared by the CLI tests: run ``eos-theory`` in-process and read its one-line errors."""

from eos_theory.commands import cli


def run(capsys, *argv):
    """``cli.main(argv)`` in this process: (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    """The single ``eos-theory: error: …`` line of stderr, with no traceback."""
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("eos-theory: error: ")
    assert "Traceback" not in err
    return lines[0]
