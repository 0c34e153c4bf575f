"""The command line under bad paths, bad values, odd encodings: exit 2 and one line, never a trace.

Regression tests for issue 16, items 4 and 5: ``latex --out``/``--sty`` at a
directory, a missing directory, under a file or where nothing can be written;
``prove --all --out FILE`` failing only after every proof ran; ``--out ''``
printing to stdout; ``prove NAME --out X`` ignoring ``--out``; ``--jobs -4``;
``--misprint --m 0`` taken as 3; ``PYTHONIOENCODING=ascii`` crashing; files
from ``prove --all --out`` private (0600) while ``latex --out`` follows the umask.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from symconv.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _fails_cleanly(argv: list[str], capsys: pytest.CaptureFixture, *needles: str) -> str:
    """Run the CLI; it must return 2 with one ``symconv: error:`` line naming ``needles``."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symconv: error: "), captured.err
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-directory").mkdir()
    return {
        "empty": "",
        "directory": str(tmp_path / "a-directory"),
        "missing directory": str(tmp_path / "missing" / "out.tex"),
        "under a file": str(tmp_path / "a-file" / "out.tex"),
        "unwritable": "/proc/symconv-out.tex",  # no file can be created there, even by root
    }


@pytest.mark.parametrize("option", ["--out", "--sty"])
@pytest.mark.parametrize(
    "place", ["empty", "directory", "missing directory", "under a file", "unwritable"]
)
def test_latex_output_paths_are_checked(
    option: str, place: str, places: dict[str, str], capsys: pytest.CaptureFixture
) -> None:
    path = places[place]
    _fails_cleanly(["latex", "--expr", "Flip(3)", option, path], capsys, f"{option}={path!r}")


def test_latex_checks_the_path_before_the_work(capsys: pytest.CaptureFixture) -> None:
    # The expression alone would be refused too; the path is reported, so it came first.
    _fails_cleanly(["latex", "--expr", "Flip(", "--out", ""], capsys, "--out=''")


def test_latex_out_follows_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert main(["latex", "--expr", "Flip(3)", "--out", str(tmp_path / "f.tex")]) == 0
    finally:
        os.umask(umask)
    assert (tmp_path / "f.tex").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("place", ["empty", "under a file", "unwritable"])
def test_prove_all_out_fails_before_proving(
    place: str,
    places: dict[str, str],
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = places[place].removesuffix("/out.tex").removesuffix("/symconv-out.tex") or ""
    if place == "unwritable":
        path = "/proc/symconv-out"
    import symconv.catalogue.runner

    def no_proofs(*args: object, **kwargs: object) -> None:
        raise AssertionError("the proofs ran before the path was checked")

    monkeypatch.setattr(symconv.catalogue.runner, "prove_all", no_proofs)
    _fails_cleanly(["prove", "--all", "--out", path], capsys, f"--out={path!r}")


def test_prove_all_out_files_follow_the_umask(tmp_path: Path) -> None:
    from symconv.cli.prove import _write_atomically

    umask = os.umask(0o022)
    try:
        _write_atomically(tmp_path / "d" / "name.txt", "text\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "d" / "name.txt").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["prove", "up-down-transpose", "--out", "x"], ["--out='x'", "--all"]),
        (["prove", "--all", "--jobs", "-4"], ["--jobs=-4", ">= 1"]),
        (["prove", "--all", "--jobs", "0"], ["--jobs=0"]),
        (["prove", "up-down-transpose", "--jobs", "2"], ["--jobs=2", "--all"]),
        (["prove", "transposed-conv-as-transpose", "--misprint", "--m", "0"], ["m=0"]),
        (["prove", "transposed-conv-as-transpose", "--misprint", "--m", "-2"], ["m=-2"]),
    ],
)
def test_prove_refuses_values_it_used_to_ignore(
    argv: list[str], needles: list[str], capsys: pytest.CaptureFixture
) -> None:
    _fails_cleanly(argv, capsys, *needles)


@pytest.mark.parametrize(
    "argv",
    [
        ["shapes", "--op", "conv_transpose", "--input", "2", "--kernel", "3", "--stride", "2"],
        ["prove", "transposed-conv-as-transpose", "--misprint"],
        ["latex", "--expr", "Flip(3)"],
    ],
)
def test_ascii_output_encoding_does_not_crash(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "symconv", *argv],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=120,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode in (0, 1), done.stderr.decode()
    done.stdout.decode("ascii")  # only ASCII came out
    assert done.stdout


def test_ascii_output_shows_non_ascii_as_escapes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "symconv", "prove", "transposed-conv-as-transpose", "--misprint"],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=120,
    )
    assert b"\\u2191" in done.stdout  # ↑, escaped rather than dropped


def test_closed_pipe_exits_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "symconv", "latex", "--expr", "Flip(3)"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader is gone before the first line (``| head -0``)
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert stderr == b"", stderr.decode()
    assert process.returncode == 141
