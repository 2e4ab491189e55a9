"""The command-line grammar: README's two tables are true of every command's parser.

The tables are read from README.md ("### Command-line grammar"); the parsers are walked as ``eos-theory`` builds
them. Every option of every command is in the first table with exactly the commands that take it, every old
spelling in the second, and an old spelling still parses, says so in one line and means the new option.
"""

import argparse
import re
from pathlib import Path

import pytest

from eos_theory.commands import cli, grammar

README = Path(__file__).resolve().parent.parent / "README.md"


def _table(heading: str, first: str) -> list[list[str]]:
    """The rows (cells) of the README table under ``heading`` whose header starts with ``first``."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    start = section.index(f"| {first} |")
    rows = []
    for line in section[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def _options(cell: str) -> list[tuple[str, str]]:
    """(option string, the rest: its argument) for each code span of a cell: `-o, --out PATH` → -o and --out."""
    out = []
    for span in re.findall(r"`([^`]*)`", cell):
        words = span.replace("\\|", "|").split(" ")
        names = [w.rstrip(",") for w in words if w.startswith("-")]
        rest = " ".join(w for w in words if not w.startswith("-"))
        out += [(n, rest) for n in names]
    return out


def _commands(cell: str) -> set[str]:
    return {c.strip() for c in cell.split(",")}


def _parsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _takes(parsers) -> tuple[dict, dict]:
    """option string ↦ {command: action}, for current and for old spellings."""
    current: dict[str, dict] = {}
    old: dict[str, dict] = {}
    for name, p in parsers.items():
        for a in p._actions:
            if isinstance(a, argparse._HelpAction):
                continue
            for o in a.option_strings:
                (old if isinstance(a, grammar.Deprecated) else current).setdefault(o, {})[name] = a
    return current, old


GRAMMAR = _table("### Command-line grammar", "option")
OLD = _table("### Command-line grammar", "old spelling")


def test_the_tables_were_found():
    assert len(GRAMMAR) > 30 and len(OLD) >= 5


def test_every_option_of_every_command_is_in_the_table_with_exactly_its_commands():
    current, _ = _takes(_parsers())
    listed: dict[str, set[str]] = {}
    for options, _means, commands in GRAMMAR:
        for o, _arg in _options(options):
            assert o not in listed, f"{o} has two rows"
            listed[o] = _commands(commands)
    assert set(listed) == set(current), f"missing from the table: {set(current) - set(listed)}; not an option: " + str(
        set(listed) - set(current)
    )
    for o, commands in listed.items():
        assert set(current[o]) == commands, f"{o}: the table says {sorted(commands)}, the parsers {sorted(current[o])}"


def _spelled(action: argparse.Action) -> str:
    """An option's argument as the tables write it: ``FILE``, ``[FILE]``, ``W…``, ``LO HI``, ``png|pdf`` or nothing."""
    if action.nargs == 0:
        return ""
    if action.choices:
        return "|".join(action.choices)
    metavar = action.metavar or action.dest.upper()
    if isinstance(metavar, tuple):
        return " ".join(metavar)
    if action.nargs == "?":
        return f"[{metavar}]"
    many = action.nargs in ("+", "*") or (isinstance(action.nargs, int) and action.nargs > 1)
    return f"{metavar}…" if many else metavar


def test_an_option_takes_the_argument_the_table_shows():
    current, old = _takes(_parsers())
    for table, by_option in ((GRAMMAR, current), (OLD, old)):
        for options, *_ in table:
            for o, arg in _options(options):
                for command, action in by_option[o].items():
                    assert _spelled(action) == arg, (
                        f"{command} {o}: the table shows {arg!r}, the parser {_spelled(action)!r}"
                    )


COMMANDS = ("verify", "check", "gd", "orbit", "cascade", "atlas", "analyze", "ensemble", "latex", "plot")


def _words(text: str) -> str:
    """Text as compared: no code quotes (` or '), whitespace collapsed."""
    return " ".join(text.replace("`", "").replace("'", "").replace("\\|", "|").split())


def _meaning(cell: str) -> str:
    """A "means" cell without its asides for particular commands: "(verify: …; analyze: …)" or "(atlas, ensemble: …)"."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(cell):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and re.match(rf"\((?:{'|'.join(COMMANDS)})[,:]", cell[start:]):
                out.append((start, i + 1))
    for a, b in reversed(out):
        cell = cell[:a].rstrip() + cell[b:]
    return cell


def test_every_command_explains_an_option_in_the_tables_words():
    """The help of each command's option says what README's table says (less its asides for other commands)."""
    current, _ = _takes(_parsers())
    for options, means, _commands in GRAMMAR:
        meaning = _words(_meaning(means))
        for o, _arg in _options(options):
            for command, action in current[o].items():
                assert meaning in _words(action.help), f"{command} {o}: {action.help!r} does not say {meaning!r}"


def test_the_meaning_check_would_see_a_table_that_says_something_else():
    assert _meaning("time limit in seconds (verify: per claim; gd: for (all) of it)") == "time limit in seconds"
    assert _meaning("GD steps (atlas, ensemble: per run)") == "GD steps"
    assert _meaning("seed (default 0)") == "seed (default 0)"  # an aside for no command stays, and is checked


def test_every_old_spelling_is_in_the_second_table():
    _, old = _takes(_parsers())
    listed = {}
    for spellings, now, commands in OLD:
        for o, _arg in _options(spellings):
            listed[o] = (_commands(commands), [n for n, _ in _options(now)])
    assert set(listed) == set(old)
    for o, (commands, now) in listed.items():
        assert set(old[o]) == commands
        for action in old[o].values():
            assert set(action.now.split("/")) & set(now), f"{o}: the table says {now}, the parser {action.now}"


def _required(p: argparse.ArgumentParser) -> list[str]:
    argv = []
    for a in p._actions:
        if a.required:
            n = a.nargs if isinstance(a.nargs, int) else 1
            argv += [a.option_strings[0], *["1"] * n]
    return argv


def test_an_old_spelling_parses_says_so_in_one_line_and_means_the_new_option(capsys):
    parser = cli.build_parser()
    _, old = _takes(_parsers())
    for o, by_command in old.items():
        for command, action in by_command.items():
            p = _parsers()[command]
            n = action.nargs if isinstance(action.nargs, int) else 1
            value = ["7"] * n
            args = parser.parse_args([command, *_required(p), o, *value])
            notes = grammar.resolve(parser, args)
            dest = action.dest.removeprefix("deprecated_")
            expected = action.type(value[0]) if action.type and n == 1 else value[0] if n == 1 else value
            assert len(notes) == 1 and o in notes[0] and "deprecated" in notes[0], notes
            assert getattr(args, dest) == expected, (command, o)
            assert not any(k.startswith("deprecated_") for k in vars(args))


def test_an_old_and_a_new_spelling_together_are_refused(capsys):
    parser = cli.build_parser()
    args = parser.parse_args(["latex", "--output", "a.tex", "-o", "b.tex"])
    with pytest.raises(SystemExit) as exit_:
        grammar.resolve(parser, args)
    assert exit_.value.code == 2 and "old spelling of -o/--out" in capsys.readouterr().err


def test_gd_show_keeps_the_old_meaning_of_digits():
    parser = cli.build_parser()
    argv = ["gd", "--omega", "1", "-1", "--theta", "1", "1", "--target", "1", "--lr", "1/4"]
    args = parser.parse_args([*argv, "--digits", "30", "--show", "10"])
    grammar.resolve(parser, args)
    assert (args.precision, args.digits) == (30, 10)


def test_a_shared_option_has_one_meaning_wherever_it_appears():
    current, _ = _takes(_parsers())
    for o, phrase in grammar.MEANS.items():
        for command, action in current.get(o, {}).items():
            assert phrase in action.help, f"{command} {o}: {action.help!r} does not say {phrase!r}"
    shared = [o for o, by in current.items() if len(by) > 1 and o.startswith("--")]
    assert set(shared) <= set(grammar.MEANS), set(shared) - set(grammar.MEANS)


def test_no_abbreviations():
    parser = cli.build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["orbit", "--ome", "-1", "1", "--target", "1", "--lr", "1"])


@pytest.mark.parametrize(
    "argv, option",
    [
        (["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--no-attractor", "--seed", "3"], "--seed"),
        (["atlas", "--grid", "2", "2", "--seed", "3"], "--seed"),
        (["analyze", "--model", "m.toml", "--loss", "r^2"], "--loss"),
        (["verify", "--list", "--claim", "gf-z"], "--claim"),
        (["verify", "--list", "-j", "2"], "-j"),
        (["verify", "-q", "-v", "--claim", "gf-z"], "-v"),
        (["verify", "--json", "-v", "--claim", "gf-z"], "-v"),
        (["verify", "--json", "-q", "--claim", "gf-z"], "-q"),
        (["latex", "--model", "m.toml", "--claim", "gf-z"], "--claim"),
        (["latex", "--model", "m.toml", "--claims", "."], "--claims"),
        (["verify", "--list", "--timeout", "60"], "--timeout"),  # the default's value, given: still refused
        (["analyze", "--params", "v", "w", "--output", "v*tanh(w)", "--target", "1", "--no-check"], "--no-check"),
    ],
)
def test_an_option_that_would_do_nothing_is_refused_with_its_reason(capsys, argv, option):
    """Every option a command accepts is used, or refused with the reason: never dropped."""
    from clitools import one_line_error, run

    code, out, err = run(capsys, *argv)
    line = one_line_error(err)
    assert code == 2 and out == "" and (f"{option} is not used" in line or "not both" in line), line


def test_analyze_no_check_with_nothing_to_skip_says_so(capsys):
    """On the exact path without a least-sharp minimum there is no series to check: a notice, not silence."""
    from clitools import run

    code, out, err = run(capsys, "analyze", "--params", "u", "v", "--output", "u^2+v^2", "--target", "-1", "--no-check")
    assert code == 0 and "least sharpness: inconclusive" in out
    assert err.strip() == (
        "eos-theory: note: --no-check had nothing to skip: the exact path found no least-sharp minimum, so there "
        "is no exact flip series to check"
    )


def test_check_json_taking_the_directory_is_explained(capsys, tmp_path):
    """`check --json DIR` (an optional FILE takes DIR): one line that says so and how to write it."""
    from clitools import one_line_error, run

    code, out, err = run(capsys, "check", "--json", str(tmp_path))
    assert code == 2 and out == ""
    assert f"--json took {tmp_path} as its FILE: give DIR first" in one_line_error(err)
    code, out, err = run(capsys, "check")
    assert code == 2 and "give DIR, a directory of certificates" in one_line_error(err)
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    code, out, err = run(capsys, "check", str(tmp_path), "--json", str(tmp_path / "report.json"))
    assert code == 2 and "in DIR, whose every *.json is read as a certificate" in one_line_error(err)


SYNOPSES = _table("## Commands", "command")


def _synopsis_argument(action: argparse.Action, shown: str) -> bool:
    """A synopsis may say more than the metavar: FILE.toml for FILE, ID… for a repeatable ID, and for -o's PATH
    what the path is (FILE, FILE.png: a file; DIR: a directory), which the option's help must say too."""
    metavar = action.metavar or action.dest.upper()
    shown = shown.removesuffix("…") if isinstance(action, argparse._AppendAction) else shown
    if shown == metavar or shown.startswith(metavar + "."):
        return True
    kind = {"FILE": "a file", "DIR": "a directory"}.get(shown.split(".")[0])
    return metavar == "PATH" and kind is not None and kind in action.help


def test_every_command_synopsis_names_every_option_with_its_argument():
    """README's "Commands" table: each command's line names each of its options (old spellings aside), and
    only those, with the argument the parser takes."""
    parsers = _parsers()
    seen = set()
    for cells in SYNOPSES:
        synopsis = re.findall(r"`([^`]*)`", cells[0])[0].replace("\\|", "|")
        words = synopsis.split()
        if words[:1] != ["eos-theory"]:
            continue
        command = words[1]
        seen.add(command)
        actions = {o: a for a in parsers[command]._actions for o in a.option_strings}
        tokens = re.findall(r"-{1,2}[A-Za-z][\w-]*|[^\s\[\]()|]+", synopsis)
        for i, word in enumerate(tokens):
            if not word.startswith("-"):
                continue
            assert word in actions, f"{command}: the synopsis names {word}, which it does not take"
            a = actions[word]
            single = a.nargs is None and not a.choices and not isinstance(a.metavar, tuple)
            if single:
                shown = tokens[i + 1]
                assert _synopsis_argument(a, shown), (
                    f"{command} {word}: the synopsis shows {shown}, the parser {a.metavar}"
                )
        options = {
            a.option_strings[-1]
            for a in parsers[command]._actions
            if a.option_strings and not isinstance(a, (argparse._HelpAction, grammar.Deprecated))
        }
        left_out = {o for o in options if not any(s in tokens for s in actions[o].option_strings)}
        assert left_out == set(), f"{command}: the synopsis leaves out {sorted(left_out)}"
    assert seen == set(parsers), set(parsers) - seen


@pytest.mark.parametrize(
    "argv, line",
    [
        (["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "-1"], "--lr must be positive"),
        (["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "nan"], "--lr: cannot read 'nan'"),
        (["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1.1", "--seed", "-3"], "--seed must be >= 0"),
        (["gd", "--omega", "-1", "1", "--theta", "1", "--target", "1", "--lr", "1/4"], "--theta must have length 2"),
        (["atlas", "--grid", "2", "2", "--starts", "-1"], "--starts must be >= 0"),
        (["atlas", "--grid", "2", "2", "--steps", "10"], "--steps must be at least 384"),
        (["ensemble", "--n-params", "0", "--n-outputs", "1", "--lr", "1", "--seeds", "2"], "--n-params must be >= 1"),
        (["ensemble", "--n-params", "5", "--n-outputs", "1", "--lr", "1", "--seeds", "2", "--q", "-1"], "--q must lie"),
        (
            ["ensemble", "--n-params", "5", "--n-outputs", "1", "--lr", "1", "--seeds", "2", "--seed", "-1"],
            "--seed must",
        ),
        (["analyze", "--params", "u", "v", "--output", "u*v", "--target", "1", "--degree", "7"], "--degree must be"),
    ],
)
def test_an_error_names_the_option_as_the_command_line_spells_it(capsys, argv, line):
    """The library says "lr must be positive"; the command line says which option: "--lr must be positive"."""
    from clitools import one_line_error, run

    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and one_line_error(err).startswith(f"eos-theory: error: {line}"), err


@pytest.mark.parametrize(
    "argv",
    [
        [
            "ensemble",
            "--n-params",
            "5",
            "--n-outputs",
            "1",
            "--lr",
            "1",
            "--seeds",
            "2",
            "-o",
            "f.png",
            "--json",
            "f.png",
        ],
        ["atlas", "--grid", "2", "2", "--steps", "400", "-o", "out", "--json", "out/atlas.npz"],
        ["atlas", "--grid", "2", "2", "--steps", "400", "-o", "out", "--format", "pdf", "--json", "./out/atlas.pdf"],
        ["atlas", "--grid", "2", "2", "--steps", "400", "-o", "out", "--json", "out"],  # the directory itself
    ],
)
def test_the_json_may_not_replace_a_file_the_command_makes(capsys, tmp_path, monkeypatch, argv):
    """`-o f.png --json f.png` wrote the figure, then the JSON over it: now one line, before any work."""
    from clitools import one_line_error, run

    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    line = one_line_error(err)
    assert code == 2 and out == "" and ("-o writes that file too" in line or "that is the -o directory" in line)
    assert list(tmp_path.iterdir()) == []  # nothing made


def test_the_json_may_go_in_the_directory_atlas_makes(capsys, tmp_path, monkeypatch):
    """--json FILE inside the -o directory not made yet: checked once it is made, not refused."""
    from clitools import run

    from eos_theory.outputs import plots

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plots, "draw_atlas", lambda result, path: None)
    code, out, err = run(
        capsys, "atlas", "--grid", "2", "2", "--steps", "400", "-j", "1", "-o", "out", "--json", "out/report.json"
    )
    assert code == 0 and "data: out/atlas.npz" in out, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["atlas.npz", "report.json"]


@pytest.mark.parametrize(
    "argv, line",
    [
        (
            ["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1", "--json", "--json", "x.json"],
            "--json is given",
        ),
        (["orbit", "--omega", "-1", "1", "--target", "1", "--lr", "1", "--lr=2"], "--lr is given twice"),
        (["latex", "-o", "a.tex", "--out", "b.tex"], "-o and --out are one option, given twice"),
        (["gd", "--omega", "1", "--omega", "2", "--theta", "1", "--target", "1", "--lr", "1"], "--omega is given"),
    ],
)
def test_an_option_given_twice_is_refused_not_half_dropped(capsys, argv, line):
    """argparse keeps the last of two values and drops the first silently; here that is one line and exit 2."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == "" and line in err and len(err.strip().splitlines()) == 1, err


def test_repeatable_options_and_flags_may_be_repeated():
    parser = cli.build_parser()
    args = parser.parse_args(["verify", "--claim", "a", "--claim", "b", "--claims", "x", "--claims", "y", "-q", "-q"])
    assert args.claim == ["a", "b"] and args.claims == ["x", "y"]


def test_help_lists_old_spellings_apart():
    """A new reader of --help tells the current options from the old spellings, which come last, under a heading."""
    _, old = _takes(_parsers())
    for command, p in _parsers().items():
        olds = [o for o, by in old.items() if command in by]
        text = p.format_help()
        if not olds:
            assert grammar.OLD_SPELLINGS not in text
            continue
        tail = text[text.index(grammar.OLD_SPELLINGS) :]
        head = text[: text.index(grammar.OLD_SPELLINGS)].split("\noptions:", 1)[1]
        assert all(f"  {o} " in tail and f"  {o} " not in head for o in olds), command


@pytest.mark.parametrize("command", ["analyze", "latex", "plot"])
def test_an_error_in_a_model_file_names_the_file(capsys, tmp_path, command):
    """'target 1: cannot read' alone did not say it came from the --model file."""
    from clitools import one_line_error, run

    model = tmp_path / "m.toml"
    model.write_text('params = ["u", "v"]\noutput = "u*v"\ntarget = "x"\n', encoding="utf-8")
    code, out, err = run(capsys, command, "--model", str(model), *(["-o", str(tmp_path)] if command == "plot" else []))
    assert code == 2 and out == ""
    assert one_line_error(err).startswith(f"eos-theory: error: --model {model}: target 1: cannot read")


def test_the_kernels_command_line_gives_check_s_report(capsys, tmp_path):
    """README: `eos-theory check DIR` is the same as `python -m eos_theory.kernel DIR`: the same text, summary on
    stdout, and the same JSON object (the kernel's --json was a list, its summary on stderr)."""
    import json

    from clitools import run

    from eos_theory.kernel import cli as kernel_cli

    good = {"claim": "good", "steps": [{"kind": "citation", "text": "Weyl", "reference": "Horn & Johnson"}]}
    (tmp_path / "good.json").write_text(json.dumps(good), encoding="utf-8")
    for args in ([], ["-q"], ["--json"]):
        code, out, err = run(capsys, "check", str(tmp_path), *args)
        assert kernel_cli.main([str(tmp_path), *args]) == code == 0
        assert capsys.readouterr() == (out, err), args
    assert (
        json.loads(out)["summary"]
        == err.strip()
        == "1 certificate: 0 kernel-checked, 1 partly replayed (their trusted steps listed), 0 rejected"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "--model", "m.toml", "--json", "./m.toml"],
        ["latex", "--model", "m.toml", "-o", "m.toml"],
        ["latex", "--claims", "my_claims.py", "-o", "my_claims.py"],
        ["verify", "--claims", ".", "--json", "my_claims.py"],  # a file the --claims directory holds
        ["verify", "--claim", "gf-z", "--certificates", "certs", "--json", "certs"],  # ran every claim, then failed
        [
            "verify",
            "--claim",
            "gf-z",
            "--certificates",
            "certs",
            "--json",
            "certs/report.json",
        ],  # read as a certificate
    ],
)
def test_an_output_may_not_replace_an_input(capsys, tmp_path, monkeypatch, argv):
    """`analyze --model m.toml --json m.toml` wrote the JSON over the researcher's model file: now one line."""
    from clitools import one_line_error, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.toml").write_text('params = ["u"]\noutput = "u^2"\ntarget = 1\n', encoding="utf-8")
    (tmp_path / "my_claims.py").write_text("# a claims file\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, out, err = run(capsys, *argv)
    line = one_line_error(err)
    assert code == 2 and out == "" and ("which it would replace" in line or "in the --certificates directory" in line)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_help_writes_the_control_parameter_as_epsilon():
    """ε in every --help (cascade --levels said 'ε_1, …, e_K'); 'epsilon' only in option names and JSON keys."""
    for command, p in _parsers().items():
        text = " ".join(p.format_help().split())
        words = re.sub(r'--epsilon-range|"epsilon"', "", text)
        assert "epsilon" not in words, command
        assert not re.search(r"(?<![\w.'\"-])e(?:_[0-9KkN]|\s?[=<>≤≥]\s?\d)", words), (
            command,
            re.findall(r".{20}\be_.{5}", words),
        )
