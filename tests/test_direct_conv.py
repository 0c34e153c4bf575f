"""``as_direct_conv``: a transposed conv as zero insertion, padding and a flipped-kernel conv.

The oracle is the frameworks' scatter form of the transposed convolution
(symconv.proof.oracle), which shares no code with the operators; the direct form is
evaluated through its exact matrix.
"""

from __future__ import annotations

import numpy as np
import pytest

from symconv import ConvTransposeNd, ParameterError, explicit
from symconv.operators.grid import as_direct_conv
from symconv.proof.oracle import conv_transpose_nd

CASES = [
    # weight shape, size, padding, stride, dilation, output_padding, groups
    ((1, 1, 3, 3), (2, 2), 0, 1, 1, 0, 1),  # Dumoulin & Visin: 2×2 padded to 6×6
    ((1, 1, 3, 3), (2, 2), 0, 2, 1, 0, 1),  # stride ½: 7×7 → 5×5
    ((1, 1, 3, 2), (3, 2), ((1, 0), (0, 1)), (2, 3), 1, (1, 0), 1),
    ((2, 3, 2, 2), (2, 3), 1, 2, (1, 2), (1, 0), 1),
    ((4, 1, 3), (3,), ((2, 1),), 2, 1, 1, 2),  # grouped, 1-D
    ((2, 2, 2, 2, 2), (2, 1, 2), 0, (1, 2, 1), 1, 0, 1),  # 3-D
]


@pytest.mark.parametrize("shape, size, padding, stride, dilation, output_padding, groups", CASES)
def test_direct_form_equals_the_scatter(
    shape, size, padding, stride, dilation, output_padding, groups
) -> None:
    rng = np.random.default_rng(sum(shape))
    w = rng.integers(-4, 5, shape)
    op = ConvTransposeNd(w.tolist(), size, padding, stride, dilation, output_padding, groups)
    direct = as_direct_conv(op)
    y = rng.integers(-4, 5, (op.channels[1], *size))
    rank = len(size)

    def per_axis(value):
        return list(value) if isinstance(value, tuple) else [value] * rank

    pads = [p if isinstance(p, tuple) else (p, p) for p in per_axis(padding)]
    expected = conv_transpose_nd(
        w, y, pads, per_axis(stride), per_axis(dilation), per_axis(output_padding), groups
    )
    got = np.array(explicit(direct) * np.array(y.ravel(), dtype=object)[:, None], dtype=float)
    assert direct.shape == op.shape
    np.testing.assert_array_equal(got.ravel(), expected.ravel())


def test_the_factors_are_the_textbook_ones() -> None:
    """Stride 2 on 2×2 with a 3×3 kernel: 3×3 after zero insertion, 7×7 after padding."""
    op = ConvTransposeNd([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], (2, 2), stride=2)
    conv, pad, spread = as_direct_conv(op).args
    assert spread.shape == (9, 4) and pad.shape == (49, 9) and conv.shape == (25, 49)
    assert conv.weight.tolist() == [[[[9, 8, 7], [6, 5, 4], [3, 2, 1]]]]
    spread_out = explicit(pad * spread) * np.array([[1], [2], [3], [4]], dtype=object)
    grid = np.array(spread_out, dtype=int).reshape(7, 7)
    assert grid[2:5, 2:5].tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]]
    assert grid.sum() == 10 and grid[:2].sum() == grid[5:].sum() == 0


def test_padding_beyond_the_kernel_reach_is_refused() -> None:
    op = ConvTransposeNd([[[1, 1]]], 4, padding=2, stride=2)
    with pytest.raises(ParameterError, match="crop the direct conv's output"):
        as_direct_conv(op)


def test_other_operators_are_refused() -> None:
    with pytest.raises(ParameterError, match="ConvTransposeNd"):
        as_direct_conv(explicit(ConvTransposeNd([[[1, 1]]], 2)))
