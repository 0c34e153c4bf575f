"""The command line's basics: version, help, and running as a module."""

from __future__ import annotations

import subprocess
import sys

import pytest

import symconv
from symconv.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"symconv {symconv.__version__}"


def test_help_lists_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    assert "usage: symconv" in capsys.readouterr().out


def test_unknown_option_exits_2_with_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--no-such-option"])
    assert caught.value.code == 2
    assert "symconv: error: unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "symconv", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"symconv {symconv.__version__}"
