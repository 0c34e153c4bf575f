"""``symconv prove`` and ``symconv check``: output and exit statuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import catalogue_run
import pytest

from symconv import catalogue
from symconv.cli import main


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_prove_one_identity_prints_steps_tiers_scope_and_verdict(
    capsys: pytest.CaptureFixture,
) -> None:
    status, out, _ = run(capsys, "prove", "down-up-identity", "--n", "3", "--k", "2")
    derivation = catalogue.get("down-up-identity").derivation(n=3, k=2)
    assert status == {"proven": 0, "verified": 3}[derivation.verdict.value]
    assert "Downsample(6, 2)*Upsample(3, 2, 6)" in out and "[down-up:" in out
    assert "rewrite    passed     scope: " in out and "exhaustive passed     scope: bounded" in out
    assert f"verdict: {derivation.verdict.value} (" in out


def test_prove_up_down_transpose_is_proven_exit_0(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, "prove", "up-down-transpose")
    assert status == 0
    assert "scope: for all N, k\n" in out and "verdict: proven (R S E N)" in out


def test_prove_json_of_one_entry(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, "prove", "up-down-transpose", "--N", "7", "--json")
    document = json.loads(out)
    assert status == 0
    assert set(document) == {"name", "statement", "parameters", "verdict", "tiers"}
    assert document["name"] == "up-down-transpose" and document["verdict"] == "proven"
    assert document["parameters"] == {"N": 7, "k": 2}
    assert list(document["tiers"]) == ["rewrite", "symbolic", "exhaustive", "numeric"]
    for name, tier in document["tiers"].items():
        assert set(tier) == {"result", "scope", "fixed", "detail"}
        assert tier["result"] == "passed"
        assert tier["scope"] == ("all" if name in ("rewrite", "symbolic") else "bounded")
        assert tier["fixed"] == {}


def test_a_fixed_parameter_is_in_the_json_and_exits_3(capsys: pytest.CaptureFixture) -> None:
    # noble-down at k = 3: whatever its symbolic tier leaves as a number is listed fixed,
    # and then the entry is verified (exit 3), not proven.
    status, out, _ = run(capsys, "prove", "noble-down", "--k", "3", "--json")
    document = json.loads(out)
    fixed = document["tiers"]["symbolic"]["fixed"]
    assert document["parameters"] == {"n": 6, "k": 3, "m": 3}
    assert all(document["parameters"][p] == v for p, v in fixed.items())
    arguments = [document["tiers"][t] for t in ("rewrite", "symbolic")]
    proven = any(
        t["result"] == "passed" and t["scope"] == "all" and not t["fixed"] for t in arguments
    )
    assert document["verdict"] == ("proven" if proven else "verified")
    assert status == (0 if proven else 3)
    if fixed:
        words = ", ".join(f"{p} = {v}" for p, v in fixed.items())
        assert f"at {words}: " in document["tiers"]["symbolic"]["detail"]


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


def _verdicts() -> dict[str, str]:
    return {name: d.verdict.value for name, d in catalogue_run.results().items()}


def test_prove_all_writes_every_derivation(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    verdicts = _verdicts()  # the session's run: the CLI below reuses its caches
    status, out, err = run(
        capsys, "prove", "--all", "--out", str(tmp_path), "--require", "verified"
    )
    assert status == 0 and set(verdicts.values()) <= {"proven", "verified"}
    assert "refuted at n=1, k=2" in out
    for name, verdict in verdicts.items():
        assert re.search(rf"^{name} +[-RSENrsx ]{{7}}  {verdict}$", out, re.MULTILINE)
    proven = sum(v == "proven" for v in verdicts.values())
    total = len(verdicts)  # every catalogue entry
    assert f"{total} identities: {proven} proven, {total - proven} verified" in out
    assert "derivation conv-arithmetic" in err and "/" in err  # the progress display
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == total and "noble-up.txt" in written
    text = (tmp_path / "noble-up.txt").read_text(encoding="utf-8")
    assert f"verdict: {verdicts['noble-up']} (" in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_prove_all_exit_status_is_the_weakest_verdict(capsys: pytest.CaptureFixture) -> None:
    verdicts = set(_verdicts().values())
    status, _, _ = run(capsys, "prove", "--all", "--quiet")
    assert status == (3 if "verified" in verdicts else 0)


def test_prove_all_json(capsys: pytest.CaptureFixture) -> None:
    verdicts = _verdicts()
    status, out, _ = run(capsys, "prove", "--all", "--quiet", "--json", "--require", "verified")
    document = json.loads(out)
    assert status == 0
    assert [e["name"] for e in document["entries"]] == catalogue.names()
    assert {e["name"]: e["verdict"] for e in document["entries"]} == verdicts
    assert document["misprint"]["refuted"] is True
    assert "n=1, k=2" in document["misprint"]["counterexample"]
    for entry in document["entries"]:
        assert entry["parameters"] == {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in catalogue.get(entry["name"]).resolve().items()
        }
        for tier in entry["tiers"].values():
            assert tier["result"] in ("passed", "failed", "n/a")
            assert tier["scope"] in ("all", "bounded")
        if entry["verdict"] == "proven":  # some all-scope argument fixed nothing
            assert any(
                t["result"] == "passed" and t["scope"] == "all" and t["fixed"] == {}
                for name, t in entry["tiers"].items()
                if name in ("rewrite", "symbolic")
            )


def test_require_takes_only_proven_or_verified(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["prove", "--all", "--require", "unknown"])
    assert caught.value.code == 2
    assert "--require: invalid choice: 'unknown'" in capsys.readouterr().err


def test_prove_all_exits_4_when_the_misprint_is_not_refuted(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue_run.results()
    from symconv.catalogue import transposed

    monkeypatch.setattr(transposed, "misprint", lambda m=3: ("a misprint", None, "no difference"))
    status, out, _ = run(capsys, "prove", "--all", "--quiet", "--require", "verified")
    assert status == 4 and "NOT refuted: no difference" in out


def test_prove_at_rank_2_takes_per_axis_options(capsys: pytest.CaptureFixture) -> None:
    """``--rank 2`` states the identity on images: per-axis values, the N-D sides."""
    catalogue_run.results()  # the session's grid tiers (both ranks) are shared
    status, out, _ = run(
        capsys, "prove", "subpixel-conv", "--rank", "2", "--m", "3", "--s", "2,1", "--json"
    )
    document = json.loads(out)
    assert status == 0 and document["verdict"] == "proven"
    assert document["parameters"] == {"rank": 2, "n": [2, 2], "m": [3, 3], "s": [2, 1]}
    symbolic = document["tiers"]["symbolic"]
    assert symbolic["fixed"] == {} and "row (c, i_1, i_2)" in symbolic["detail"]
    status, _, err = run(capsys, "prove", "subpixel-conv", "--rank", "3")
    assert status == 2 and "rank=3 is not allowed: expected one of 1, 2" in err
