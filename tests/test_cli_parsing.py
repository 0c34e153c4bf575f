"""The command line's parsing: ``list`` without proving, no command, abbreviations, negatives."""

from __future__ import annotations

import pytest

from symconv import catalogue
from symconv.catalogue import entry as entry_module
from symconv.cli import main
from symconv.cli.listing import one_line


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_list_proves_nothing_and_claims_no_verdict(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("symconv list must not prove")

    for name in ("derivation", "rewrite_tier", "symbolic_tier"):
        monkeypatch.setattr(entry_module.Entry, name, refuse)
    monkeypatch.setattr(entry_module, "grid_slice", refuse)
    status, out, _ = run(capsys, "list")
    assert status == 0
    lines = out.splitlines()
    for name in catalogue.names():
        entry = catalogue.get(name)
        row = next(i for i, line in enumerate(lines) if line.split()[:1] == [name])
        assert one_line(entry.statement, 100) in lines[row]
        for p in entry.params:  # every parameter with its default, as `prove` spells it
            default = p.default
            text = ",".join(map(str, default)) if isinstance(default, tuple) else str(default)
            assert f"{p.name}={text}" in lines[row + 1].split()
    for word in ("proven", "verified", "refuted", "unknown", "passed"):
        assert word not in out  # nothing was shown, so nothing is claimed
    assert "symconv prove NAME" in out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture) -> None:
    status, out, err = run(capsys)
    assert status == 2
    assert out == "" and "usage: symconv" in err and "prove" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("prove", "up-down-transpose", "--q", "3"),  # was taken as --quiet
        ("prove", "up-down-transpose", "--jso"),  # a prefix of --json
        ("shapes", "--input", "4", "--kernel", "3", "--po"),  # a prefix of --port
    ],
)
def test_prefixes_of_options_are_not_accepted(
    capsys: pytest.CaptureFixture, argv: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    assert caught.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.parametrize("padding", ["-1:-1", "-1", "0:-1"])
def test_negative_paddings_are_values_with_or_without_equals(
    capsys: pytest.CaptureFixture, padding: str
) -> None:
    common = ["shapes", "--framework", "jax", "--input", "6", "--kernel", "3"]
    assert main([*common, "--padding", padding]) == 0
    separate = capsys.readouterr().out
    assert main([*common, f"--padding={padding}"]) == 0
    assert capsys.readouterr().out == separate
    lo, _, hi = padding.partition(":")
    expected = (int(lo), int(hi or lo))
    assert f"padding (lo, hi): ({expected[0]}, {expected[1]})" in separate
    # jax pads lo and hi (negative: crops): output length 6 + lo + hi - 3 + 1
    assert f"output size: {6 + sum(expected) - 2}\n" in separate


def test_per_axis_negative_padding_reaches_each_axis(capsys: pytest.CaptureFixture) -> None:
    argv = ["shapes", "--framework", "jax", "--input", "6x6", "--kernel", "3"]
    assert main([*argv, "--padding", "-1:-1x1:0"]) == 0
    assert "output size: 2x5\n" in capsys.readouterr().out


def test_prove_help_explains_every_parameter_option_and_its_entries(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100000")  # no wrapping inside hyphenated words
    with pytest.raises(SystemExit):
        main(["prove", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in catalogue.names():
        for p in catalogue.get(name).params:
            # the option, its long alias when it has one, its meaning for this entry
            assert f"--{p.name} {p.name.upper()}" in text
            assert " ".join(p.help.split()) in text
    assert "--kernel-size M" in text and "--stride S" in text and "--pad-start LO" in text
    entries_of_e = [
        n for n in catalogue.names() if "e" in {p.name for p in catalogue.get(n).params}
    ]
    assert f"trailing zeros of ↑ₖ, e < k ({', '.join(entries_of_e)})" in text


def test_long_option_names_are_aliases_of_the_short_ones(capsys: pytest.CaptureFixture) -> None:
    short = run(capsys, "prove", "up-down-transpose", "--N", "7", "--k", "3", "--json")
    long = run(
        capsys, "prove", "up-down-transpose", "--long-length", "7", "--factor", "3", "--json"
    )
    assert short == long and '"N": 7' in short[1] and '"k": 3' in short[1]


def test_an_option_of_another_entry_names_the_entry_s_own(capsys: pytest.CaptureFixture) -> None:
    status, _, err = run(capsys, "prove", "up-down-transpose", "--stride", "2")
    assert status == 2
    assert "--s=2 is not allowed: expected a parameter of up-down-transpose: --N, --k" in err


def test_every_option_of_every_command_has_help_text() -> None:
    import argparse

    from symconv.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == {"list", "prove", "check", "shapes", "latex", "network"}
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, f"symconv {name} {'/'.join(action.option_strings)} has no help"
