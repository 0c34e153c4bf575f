"""symconv.framework_padding against brute-force definitions (index loops, no symconv code)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

from symconv.errors import ParameterError
from symconv.framework_padding import (
    crop_as_transpose,
    full_transposed_length,
    gradient_crop,
    jax_transpose_padding,
    preset_transposed_length,
    same_padding,
    same_split,
    same_transposed_crop,
    torch_accepts_output_padding,
    torch_output_padding,
    torch_same_padding,
    transposed_crop,
)

SMALL = list(itertools.product(range(1, 9), range(1, 5), range(1, 4), range(1, 3)))  # n, k, s, d


def positions(n: int, k: int, lo: int, hi: int, s: int, d: int) -> int:
    """How many windows of a k-tap kernel with dilation d fit the padded input at stride s."""
    return sum(1 for start in range(0, n + lo + hi, s) if start + d * (k - 1) < n + lo + hi)


def corr_matrix(n: int, q: np.ndarray, lo: int, hi: int, s: int, d: int) -> np.ndarray:
    """The conv y_i = Σ_t q_t x_{i·s + t·d − lo}, from its definition."""
    out = np.zeros((positions(n, len(q), lo, hi, s, d), n))
    for i, t in itertools.product(range(out.shape[0]), range(len(q))):
        j = i * s + t * d - lo
        if 0 <= j < n:
            out[i, j] += q[t]
    return out


def scatter_matrix(n: int, q: np.ndarray, s: int, d: int) -> np.ndarray:
    """The full transposed conv: input i adds q_t at output i·s + t·d, nothing cropped."""
    out = np.zeros(((n - 1) * s + d * (len(q) - 1) + 1, n))
    for i, t in itertools.product(range(n), range(len(q))):
        out[i * s + t * d, i] += q[t]
    return out


def window(matrix: np.ndarray, start: int, end: int) -> np.ndarray:
    """Rows start … len − end of ``matrix``; a negative amount adds zero rows instead."""
    padded = np.vstack(
        [
            np.zeros((max(-start, 0), matrix.shape[1])),
            matrix,
            np.zeros((max(-end, 0), matrix.shape[1])),
        ]
    )
    first = max(start, 0)
    return padded[first : padded.shape[0] - max(end, 0)]


def test_same_split_puts_the_odd_extra_at_the_end_or_start():
    for total in range(9):
        lo, hi = same_split(total)
        assert lo + hi == total and hi - lo in (0, 1)
        assert same_split(total, lower=True) == (hi, lo)


@pytest.mark.parametrize(("n", "k", "s", "d"), SMALL)
def test_same_padding_is_the_least_padding_giving_ceil_n_over_s(n, k, s, d):
    target = -(-n // s)
    total = next(t for t in range(4 * k * d + s) if positions(n, k, 0, t, s, d) == target)
    assert same_padding(n, k, s, d) == (total // 2, total - total // 2)
    assert same_padding(n, k, s, d, lower=True) == (total - total // 2, total // 2)
    if s == 1:
        assert torch_same_padding(k, d) == same_padding(n, k, 1, d)


def test_same_padding_takes_symbolic_lengths():
    n = sp.Symbol("n", integer=True, positive=True)
    lo, hi = same_padding(n, 3)
    assert (lo, hi) == (1, 1)
    lo, hi = same_padding(n, 3, stride=2)
    assert [(lo.subs(n, v), hi.subs(n, v)) for v in (11, 12)] == [(1, 1), (0, 1)]


@pytest.mark.parametrize(("n_out", "k", "s", "d"), SMALL)
@pytest.mark.parametrize("padding", ["SAME", "VALID", (1, 0), (0, 2)])
def test_gradient_crop_keeps_the_rows_of_the_transposed_conv(n_out, k, s, d, padding):
    if padding == "SAME":
        lo, hi = (int(v) for v in same_padding(n_out, k, s, d))
    else:
        lo, hi = (0, 0) if padding == "VALID" else padding
    n = positions(n_out, k, lo, hi, s, d)
    if n < 1:
        return  # the conv has no output: no transposed conv either
    q = np.arange(1.0, k + 1)
    start, end = gradient_crop(n_out, k, padding, s, d)
    expected = corr_matrix(n_out, q, lo, hi, s, d).T
    assert np.array_equal(window(scatter_matrix(n, q, s, d), start, end), expected)


@pytest.mark.parametrize(("n", "k", "s", "d"), SMALL)
def test_same_transposed_crop_is_tf_and_jax_same(n, k, s, d):
    span = d * (k - 1) + 1
    crop = same_transposed_crop(n, k, n * s, s, d)
    assert (
        full_transposed_length(n, k, s, d) - sum(crop)
        == n * s
        == preset_transposed_length(n, k, s, d, "SAME")
    )
    lo, hi = jax_transpose_padding(k, s, d, "SAME")
    assert crop == (span - 1 - lo, span - 1 - hi)
    # TensorFlow's SAME transposed conv on every output length it accepts
    for n_out in range((n - 1) * s + 1, n * s + 1):
        assert same_transposed_crop(n, k, n_out, s, d) == gradient_crop(n_out, k, "SAME", s, d)


@pytest.mark.parametrize(("n", "k", "s", "d"), SMALL)
def test_jax_valid_transposed_length_and_crop(n, k, s, d):
    span = d * (k - 1) + 1
    lo, hi = jax_transpose_padding(k, s, d, "VALID")
    length = full_transposed_length(n, k, s, d) - (span - 1 - lo) - (span - 1 - hi)
    assert length == preset_transposed_length(n, k, s, d, "VALID")
    # Keras's VALID default output_shape gives the same crop through TF's definition
    assert gradient_crop(length, k, "VALID", s, d) == (span - 1 - lo, span - 1 - hi)
    assert jax_transpose_padding(k, s, d, (1, 0)) == (span - 2, span - 1)


@pytest.mark.parametrize(("n", "k", "s", "d"), SMALL)
@pytest.mark.parametrize("lower", [False, True])
def test_same_transposed_crop_follows_the_onnx_rule(n, k, s, d, lower):
    # ONNX ConvTranspose: total_padding = s(n−1) + a + d(k−1) + 1 − output_shape,
    # SAME_UPPER: begin = total/2, end = total − total/2 (SAME_LOWER swaps them).
    for a in range(s):
        full = (n - 1) * s + d * (k - 1) + 1
        for out in range(max(full + a - 4, 1), full + a + 1):
            total = s * (n - 1) + a + d * (k - 1) + 1 - out
            begin, end = (
                (total - total // 2, total // 2) if lower else (total // 2, total - total // 2)
            )
            crop = same_transposed_crop(n, k, out, s, d, output_padding=a, lower=lower)
            assert crop == (begin, end - a)
            assert full - sum(crop) == out


def test_same_transposed_crop_appends_zeros_past_the_full_result():
    assert same_transposed_crop(3, 2, 10, stride=3) == (0, -2)  # full length 8


@pytest.mark.parametrize(("n", "k", "s", "d"), SMALL)
def test_torch_output_padding_spans_the_preimage(n, k, s, d):
    p = 1
    accepted = []
    for size in range(1, (n + 1) * s + d * k + 2):
        try:
            a = torch_output_padding(n, k, size, (p, p), s, d)
        except ParameterError as error:
            assert "output_size" in str(error)
            continue
        accepted.append(size)
        assert transposed_crop((p, p), a) == (p, p - a)
    preimage = [m for m in range(1, (n + 1) * s + d * k + 2) if positions(m, k, p, p, s, d) == n]
    assert accepted == preimage


def test_torch_accepts_output_padding_below_stride_or_dilation():
    assert torch_accepts_output_padding(1, 2, 1) and torch_accepts_output_padding(1, 1, 2)
    assert not torch_accepts_output_padding(2, 2, 2)


@pytest.mark.parametrize(("n", "k", "s", "d"), SMALL)
@pytest.mark.parametrize(("start", "end"), [(0, 0), (1, 0), (0, -1), (2, -2), (-1, 0)])
def test_crop_as_transpose_names_a_conv_with_that_matrix(n, k, s, d, start, end):
    q = np.arange(1.0, k + 1)
    kept = window(scatter_matrix(n, q, s, d), start, end)
    spec = crop_as_transpose((start, end), s)
    if spec is None:
        assert start < 0 or end < -(s - 1)
        return
    (lo, hi), a = spec
    n_out = kept.shape[0]
    assert a < s and positions(n_out, k, lo, hi, s, d) == n
    assert np.array_equal(kept, corr_matrix(n_out, q, lo, hi, s, d).T)


def test_bad_presets_name_the_parameter():
    with pytest.raises(ParameterError, match="padding='FULL'"):
        jax_transpose_padding(3, 2, 1, "FULL")
    with pytest.raises(ParameterError, match="padding='SAME_LOWER'"):
        preset_transposed_length(3, 3, 2, 1, "SAME_LOWER")
