"""Short inputs that asked for hours or terabytes now fail at once with a LimitError.

Regression tests for issue 16, item 3: each request below used to hang, run
for minutes or die of a MemoryError; now it is refused within a second with
a :class:`~symconv.limits.LimitError` that names the limit and how to raise it,
and raising the limit lets the same kind of request through.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import sympy as sp

import symconv as sc
from symconv import limits
from symconv.cli import main
from symconv.kernels import convolve
from symconv.limits import LimitError
from symconv.parse import parse
from symconv.proof import oracle
from symconv.proof.prove import prove

ROOT = Path(__file__).resolve().parents[1]

_SIZES = sp.symbols("a b c d e f g h", integer=True, positive=True)

REQUESTS = [
    ("explicit(Flip(10**12))", lambda: sc.explicit(sc.Flip(10**12)), "size"),
    ("explicit(Flip(10**7))", lambda: sc.explicit(sc.Flip(10**7)), "nonzeros"),
    ("kernel('q', 10**12)", lambda: sc.kernel("q", 10**12), "taps"),
    ("Conv of 10**6 taps", lambda: sc.Conv(range(10**6), 4), "taps"),
    (
        "convolve of three 100-tap kernels",
        lambda: parse("Conv(convolve(convolve(kernel(a,100),kernel(b,100)),kernel(c,100)),4)"),
        "terms",
    ),
    ("Max over 1,600 names", lambda: parse(f"Flip(Max({','.join(f'n{i}' for i in range(1600))}))"),
     "arguments"),
    ("8 size symbols up to 12", lambda: prove(sc.Flip(sum(_SIZES)), sc.Flip(sum(_SIZES[::-1]))),
     "instances"),
    ("the dense reference of Flip(10**5)", lambda: oracle.dense(sc.Flip(10**5), {}), "dense"),
]  # fmt: skip


@pytest.mark.parametrize(("request_", "limit"), [r[1:] for r in REQUESTS],
                         ids=[r[0] for r in REQUESTS])  # fmt: skip
def test_requests_above_a_limit_fail_early(request_, limit: str) -> None:
    # Checked before the work: the refusal allocates next to nothing. (Memory, not wall
    # time, so that a loaded machine cannot fail the test.)
    tracemalloc.start()
    try:
        with pytest.raises(LimitError) as caught:
            request_()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # explicit() counts non-zeros on its exact sparse form (about 60 bytes a non-zero, built
    # first); the limit spares the SymPy matrix, several times larger and far slower.
    budget = 1024 if limit == "nonzeros" else 64
    assert peak < budget * 2**20, f"{peak / 2**20:.0f} MiB: the limit came after the work"
    error = caught.value
    assert error.limit == limit
    assert error.needed > limits.current(limit)
    text = str(error)
    assert f"above the limit {limit} = " in text
    assert f"set_limits({limit}=...)" in text and f"SYMCONV_LIMIT_{limit.upper()}" in text
    assert isinstance(error, sc.SymconvError)
    assert str(pickle.loads(pickle.dumps(error))) == text


def test_raising_a_limit_lets_the_request_through() -> None:
    with pytest.raises(LimitError):
        sc.kernel("q", 150_000)
    with limits.raised(taps=200_000):
        assert len(sc.kernel("q", 150_000)) == 150_000
    assert limits.current("taps") == limits.DEFAULTS["taps"][0]
    with limits.raised(nonzeros=10):
        with pytest.raises(LimitError, match="nonzeros"):
            sc.explicit(sc.Flip(11))
        assert sc.explicit(sc.Flip(10)).shape == (10, 10)


def test_below_the_limits_nothing_changes() -> None:
    q = sc.kernel("q", 3)
    assert sc.explicit(sc.Conv(q, 4)).shape == (6, 4)
    assert len(convolve(sc.kernel("a", 50), sc.kernel("b", 100))) == 149
    assert parse("Flip(Max(a, b, c))").shape[0] == sp.Max(*sp.symbols("a b c", integer=True,
                                                                        positive=True))  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [{"taps": 0}, {"taps": -1}, {"taps": 1.5}, {"taps": True}, {"colour": 3}],
    ids=["zero", "negative", "float", "bool", "unknown"],
)
def test_limits_refuse_bad_values(bad: dict) -> None:
    with pytest.raises(sc.SymconvError):
        limits.set_limits(**bad)
    assert limits.current("taps") == limits.DEFAULTS["taps"][0]


@pytest.mark.parametrize(
    ("argv", "limit"),
    [
        (["check", "Flip(a+b+c+d+e+f+g+h)", "Flip(h+g+f+e+d+c+b+a)"], "instances"),
        (["check", "Flip(10**30)", "Flip(10**30)"], "size"),
        (["latex", "--expr", "Flip(10**30)", "--explicit"], "size"),
        (["shapes", "--input", "5", "--kernel", "3", "--stride", "100000000"], "items"),
        (["shapes", "--op", "conv_transpose", "--input", "5", "--kernel", "3", "--stride",
          "100000000"], "items"),
        (["prove", "transposed-conv-as-transpose", "--misprint", "--m", "100000000"], "taps"),
        (["prove", "up-down-transpose", "--N", "100000000", "--k", "3"], "size"),
        (["check", "Flip(n)", "Flip(n)", "--bound", "1000000000"], "instances"),
        (["shapes", "--op", "conv_transpose", "--input", "100000000000", "--kernel", "3",
          "--stride", "2"], "size"),
    ],
)  # fmt: skip
def test_cli_requests_above_a_limit_exit_2_at_once(
    argv: list[str], limit: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing printed before the refusal
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and f"above the limit {limit} = " in lines[0], captured.err


def test_the_environment_raises_a_limit_for_the_command_line() -> None:
    argv = [sys.executable, "-m", "symconv", "shapes", "--input", "5", "--kernel", "3"]
    argv += ["--stride", "20000"]
    refused = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "above the limit items" in refused.stderr
    env = {**os.environ, "SYMCONV_LIMIT_ITEMS": "30000"}
    allowed = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.rstrip().endswith(", 20002")  # the largest input giving output 1
