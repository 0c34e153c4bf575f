"""``symconv prove``, ``symconv list`` and ``symconv check``: output and exit statuses."""

from __future__ import annotations

from pathlib import Path

import catalogue_run
import pytest

from symconv.cli import main


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_prove_one_identity_prints_steps_and_tiers(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, "prove", "down-up-identity", "--n", "3", "--k", "2")
    assert status == 0
    assert "Downsample(6, 2)*Upsample(3, 2, 6)" in out and "[down-up:" in out
    assert (
        "[pass] rewrite" in out and "[pass] exhaustive" in out and "verdict: holds (R S E N)" in out
    )


def test_misprint_exits_1_with_the_counterexample(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, "prove", "transposed-conv-as-transpose", "--misprint")
    assert status == 1
    assert "REFUTED at n=1, k=2: shapes differ: left (3, 1), right (3, 4)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["prove", "nope"], "unknown identity 'nope'; known: up-down-transpose"),
        (
            ["prove", "up-down-transpose", "--s", "2"],
            "--s=2 is not allowed: expected a parameter of up-down-transpose",
        ),
        (["prove", "down-up-identity", "--k", "0"], "k=0 is not allowed: expected an integer >= 1"),
        (["prove"], "an identity name or --all"),
        (["prove", "noble-up", "--misprint"], "only with transposed-conv-as-transpose"),
        (["check", "Flip(3) @ Flip(3", "Flip(3)"], "in the left side: expected ',' or ')'"),
        (["check", "Flip(3)", "Flip(3)", "--kernel", "q3"], "--kernel='q3' is not allowed"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    capsys: pytest.CaptureFixture, argv: list, message: str
) -> None:
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert message in err and "Traceback" not in err


def test_check_caret_points_at_the_offending_character(capsys: pytest.CaptureFixture) -> None:
    status, _, err = run(capsys, "check", "Flip(3) $ Flip(3)", "Flip(3)")
    assert status == 2
    lines = err.splitlines()
    caret = next(line for line in lines if line.strip() == "^")
    source = lines[lines.index(caret) - 1]
    assert source[caret.index("^")] == "$"


def test_check_holds_and_refutes(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, "check", "Downsample(n, 2).T", "Upsample(ceiling(n/2), 2, n)")
    assert status == 0 and ": proven" in out
    status, out, _ = run(
        capsys, "check", "--kernel", "q=3", 'Conv(q, 4, "full").T', 'Conv(q, 6, "valid")'
    )
    assert status == 1 and "entry (0, 0): left q_0, right q_2" in out


def test_prove_all_writes_every_derivation(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    catalogue_run.results()  # the session's run: the CLI below reuses its caches
    status, out, err = run(capsys, "prove", "--all", "--out", str(tmp_path))
    assert status == 0
    assert "21/21 identities proven" in out and "refuted at n=1, k=2" in out
    assert "derivation conv-arithmetic" in err and "/" in err  # the progress display
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 21 and "noble-up.txt" in written
    assert "verdict: holds" in (tmp_path / "noble-up.txt").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_list_prints_the_table(capsys: pytest.CaptureFixture) -> None:
    catalogue_run.results()
    status, out, _ = run(capsys, "list", "--quiet")
    assert status == 0
    assert "up-down-transpose" in out and "R S E N" in out and "conv-arithmetic" in out
