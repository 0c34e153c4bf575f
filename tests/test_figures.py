"""symconv.figures: the drawn numbers are the operators', checked against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from symconv import ParameterError, figures


def _oracle_overlap(m: int, s: int, n: int) -> list[int]:
    """1ₘ ∗ (↑ₛ 1ₙ) by NumPy: zero insertion to length s(n−1)+1, then a full convolution."""
    up = np.zeros(s * (n - 1) + 1)
    up[::s] = 1
    return np.convolve(np.ones(m), up).astype(int).tolist()


@pytest.mark.parametrize("cases", [((3, 2), (2, 2), (4, 2)), ((3, 3), (5, 3), (1, 1))])
def test_checkerboard_bars_are_the_overlap_counts(cases: tuple) -> None:
    fig = figures.checkerboard_overlap(cases=cases, n=6)
    for ax, (m, s) in zip(fig.axes, cases):
        heights = [int(p.get_height()) for p in ax.patches]
        assert heights == _oracle_overlap(m, s, 6)


def test_checkerboard_matches_the_design_notes() -> None:
    # Checkerboard counts: m=3, s=2 gives [1,1,2,1,2,…,2,1,1]; uniform inside for m=4, s=2.
    fig = figures.checkerboard_overlap(cases=((3, 2), (4, 2)), n=4)
    three, four = ([int(p.get_height()) for p in ax.patches] for ax in fig.axes)
    assert three == [1, 1, 2, 1, 2, 1, 2, 1, 1]
    assert four[2:-2] == [2] * (len(four) - 4)


def test_2d_overlap_is_the_outer_product() -> None:
    fig = figures.checkerboard_overlap_2d(m=3, s=2, n=3)
    counts = _oracle_overlap(3, 2, 3)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == [str(a * b) for a in counts for b in counts]
    assert sorted({int(v) for v in labels}) == [1, 2, 4]


def test_convolution_matrix_shows_the_readme_matrix() -> None:
    fig = figures.convolution_matrix(n=4, m=3)
    # Frame 0's matrix panel: 4×16 cells; row 0 holds the nine taps of the first window.
    matrix = fig.axes[2]
    texts = [t.get_text() for t in matrix.texts]
    assert len(texts) == 4 * 9  # nine non-zero taps per row of C
    assert texts[:3] == ["$w_{00}$", "$w_{01}$", "$w_{02}$"]
    assert fig.legends, "the figure has a legend"


def test_sampling_and_transposed_figures_draw() -> None:
    fig = figures.sampling_matrices(n=2, k=3)
    assert [ax.get_title().split("  ")[1] for ax in fig.axes] == ["(2×6)", "(6×2)", "(4×2)"]
    for stride, side in ((1, 6), (2, 7)):
        fig = figures.transposed_as_direct(stride=stride)
        assert fig.axes[1].get_title().endswith(f"{side}×{side}")
        assert fig.legends
    fig = figures.subpixel_decomposition(m=4, s=2, n=3)
    assert len(fig.axes) == 3


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(ParameterError, match="m="):
        figures.subpixel_decomposition(m=3, s=2)
    with pytest.raises(ParameterError, match="n="):
        figures.sampling_matrices(n=0)
    with pytest.raises(ParameterError, match="m="):
        figures.convolution_matrix(n=2, m=3)
