"""The expression parser under fuzzed input, each input within a time and memory budget.

Every input either parses or raises a :class:`~symconv.errors.SymconvError`
(a ``ParseError``, ``ParameterError``, ``ShapeMismatchError`` or
``LimitError``) — nothing else — and does so within :data:`SECONDS` of CPU
time (enforced by a profiling interval timer, which counts this process's CPU time and
not the wall clock, so a loaded machine cannot fail it; so a runaway input fails the test instead
of hanging it) and :data:`MEGABYTES` of newly allocated Python memory
(measured by :mod:`tracemalloc`). The inputs are built from the language's own
tokens, so that most of them reach the evaluator, plus the pathological inputs
of issue 16 (368 s for a 75-character ``convolve`` chain, ``Max`` over 1,600
names).
"""

from __future__ import annotations

import signal
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.errors import SymconvError
from symconv.parse import _CALLS, parse

#: Wall time one input may take.
SECONDS = 3.0
#: Peak of newly allocated Python memory one input may take.
MEGABYTES = 64
#: Fuzzed inputs per run (Hypothesis examples).
EXAMPLES = 1500

TRIED: list[str] = []


class _OverBudgetError(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _OverBudgetError


def within_budget(text: str) -> str:
    """Parse ``text``; the outcome (``"parsed"`` or the error's class); fail beyond budget."""
    TRIED.append(text)
    previous = signal.signal(signal.SIGPROF, _on_alarm)
    tracemalloc.start()
    start = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, SECONDS)
    try:
        parse(text)
        outcome = "parsed"
    except SymconvError as error:
        outcome = type(error).__name__
    except _OverBudgetError:
        pytest.fail(f"over {SECONDS} s: {text[:200]!r}")
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    elapsed = time.process_time() - start
    assert elapsed < SECONDS, f"{elapsed:.1f} s: {text[:200]!r}"
    assert peak < MEGABYTES * 2**20, f"{peak / 2**20:.0f} MB: {text[:200]!r}"
    return outcome


#: Pieces of inputs: every function of the language, names, numbers from tiny to huge,
#: operators, brackets, keywords, strings and a few characters it does not know.
TOKENS = [
    *(f"{name}(" for name in _CALLS),
    *"()[],=.+-*/@%",
    "**", "//", ".T", ")", ")", "(", "n", "k", "q", "a", "b", "x_1", "_", "lambda", "__import__",
    "0", "1", "2", "3", "7", "12", "-1", "10**100", "9**9**9", "2**64", "10**12", "1" * 120,
    "0.5", "'same'", "'valid'", "'full'", '"x"', "stride=", "dilation=", "padding=",
    "length=", "mode=", "output_padding=", " ", "\n", "\t", "#", "$", "\\", "é", "\x00",
]  # fmt: skip

fragments = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30).map("".join)

#: Well-formed expressions with odd values, so that most inputs reach the evaluator.
sizes = st.one_of(
    st.integers(-2, 12).map(str),
    st.sampled_from(
        ["n", "k", "n + 1", "2*n", "n*k", "floor(n/2)", "Max(n, k)", "Mod(n, 3)", "10**6",
         "10**12", "10**100", "2**64", "-n", "0", "k - k"]
    ),
)  # fmt: skip
kernels = st.one_of(
    st.builds("kernel(q, {})".format, sizes),
    st.builds("[{}, {}, 3]".format, sizes, sizes),
    st.builds("ones({})".format, sizes),
    st.builds("dilate(kernel(r, 3), {})".format, sizes),
    st.builds("convolve(kernel(a, {}), kernel(b, {}))".format, sizes, sizes),
    st.builds("flip([{}, 1])".format, sizes),
)
modes = st.sampled_from(["'full'", "'valid'", "'same'", "'middle'", "1"])
operators = st.one_of(
    st.builds("Flip({})".format, sizes),
    st.builds("Downsample({}, {})".format, sizes, sizes),
    st.builds("Upsample({}, {})".format, sizes, sizes),
    st.builds("Upsample({}, {}, length={})".format, sizes, sizes, sizes),
    st.builds("Pad({}, {}, {})".format, sizes, sizes, sizes),
    st.builds("Crop({}, {}, {})".format, sizes, sizes, sizes),
    st.builds("Conv({}, {}, {})".format, kernels, sizes, modes),
    st.builds("Corr({}, {}, stride={}, dilation={})".format, kernels, sizes, sizes, sizes),
    st.builds("ConvTranspose({}, {}, stride={})".format, kernels, sizes, sizes),
    st.builds("I({})".format, sizes),
    st.builds("Zero({}, {})".format, sizes, sizes),
)
expressions = st.recursive(
    operators,
    lambda inner: st.one_of(
        st.builds("{} @ {}".format, inner, inner),
        st.builds("({}).T".format, inner),
        st.builds("{} + {}".format, inner, inner),
        st.builds("{} - {}".format, inner, inner),
        st.builds("{}*{}".format, sizes, inner),
        st.builds("{} @ {}".format, inner, sizes),
    ),
    max_leaves=6,
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=st.one_of(expressions, expressions, fragments, st.text(max_size=60)))
def test_fuzzed_inputs_parse_or_fail_cleanly_within_budget(text: str) -> None:
    within_budget(text)


@pytest.mark.parametrize(
    "text",
    [
        "Conv(convolve(convolve(kernel(a,100),kernel(b,100)),kernel(c,100)),4)",
        f"Flip(Max({','.join(f'n{i}' for i in range(1600))}))",
        "Flip(" * 60 + "3" + ")" * 60,
        "Flip(9**9**9**9)",
        "Flip(10**10**10)",
        "kernel(q, 10**12)",
        "Conv(kernel(q, 100000000), 4)",
        "Conv(ones(10**9), 4)",
        "Flip(" + "+".join(f"n{i}" for i in range(3000)) + ")",
        "Flip(3)" + " @ Flip(3)" * 1200,
        "x" * 20_000,
    ],
    ids=[
        "convolve-chain", "max-1600", "deep-nesting", "tower", "huge-power", "kernel-1e12",
        "kernel-1e8", "ones-1e9", "sum-3000", "product-1200", "long-name",
    ],
)  # fmt: skip
def test_pathological_inputs_fail_cleanly_within_budget(text: str) -> None:
    assert within_budget(text) != "parsed" or text.startswith("Flip(3) @")


def test_the_budget_catches_a_slow_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: an input that takes too long fails the test (the alarm fires)."""
    import test_parse_fuzz as module

    def spin(text: str) -> None:
        while True:  # burns CPU time, which the timer counts
            pass

    monkeypatch.setattr(module, "parse", spin)
    monkeypatch.setattr(module, "SECONDS", 0.2)
    with pytest.raises(pytest.fail.Exception, match=r"over 0\.2 s"):
        within_budget("Flip(3)")


def test_the_budget_catches_a_greedy_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: an input that allocates too much fails the test."""
    import test_parse_fuzz as module

    monkeypatch.setattr(module, "parse", lambda text: bytearray(100 * 2**20))
    with pytest.raises(AssertionError, match="MB"):
        within_budget("Flip(3)")
