"""``prove NAME``, ``latex NAME`` and ``check`` say on a terminal what they are proving."""

from __future__ import annotations

import io
import sys

import pytest

from symconv.cli import main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "argv",
    [
        ["prove", "up-down-transpose", "--N", "5"],
        ["latex", "up-down-transpose", "--param", "N=5", "--standalone"],
        ["check", "Downsample(n, 2).T", "Upsample(ceiling(n/2), 2, n)"],
    ],
)
def test_one_entry_shows_its_status_on_a_terminal_unless_quiet(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(argv) == 0
    shown = terminal.getvalue()
    label = "checking" if argv[0] == "check" else "proving up-down-transpose"
    assert f"\r{label}: " in shown  # a phase, redrawn in place
    assert f"{label} … done in " in shown
    out = capsys.readouterr().out
    assert "proving" not in out  # stdout carries only the result
    terminal.truncate(0)
    terminal.seek(0)
    assert main([*argv, "--quiet"]) == 0
    assert terminal.getvalue() == ""
    assert capsys.readouterr().out == out


def test_a_bad_parameter_fails_before_any_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["prove", "up-down-transpose", "--N", "0"]) == 2
    assert "proving" not in terminal.getvalue()
    assert "N=0 is not allowed" in terminal.getvalue()
