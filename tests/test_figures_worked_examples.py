"""The figures of the worked-examples page: the drawn numbers are the operators', checked by hand.

The expected values are the published ones (the lecture slides' 1-D example,
the TensorFlow result quoted in the Data Science Stack Exchange question), not
recomputed with symconv.
"""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from symconv import ParameterError, figures


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_transposed_1d_shows_the_lecture_outputs() -> None:
    fig = figures.transposed_1d()
    stride1, stride2 = fig.axes
    # Stride 1: 8 cells of padded input, 3 taps, then the 6 outputs.
    outputs1 = _texts(stride1)[8 + 3 :]
    assert outputs1[0] == "$a w_{2} + b w_{1}$"
    assert outputs1[-1] == "$e w_{3} + f w_{2}$"
    assert len(outputs1) == 6
    # Stride 2: 13 cells (a 0 b 0 … f and one padding zero each side), 11 outputs.
    texts2 = _texts(stride2)
    assert texts2[:5] == ["0", "$a$", "0", "$b$", "0"]
    outputs2 = texts2[13 + 3 :]
    assert outputs2[:3] == ["$a w_{2}$", "$a w_{3} + b w_{1}$", "$b w_{2}$"]
    assert len(outputs2) == 11
    assert texts2[13:16] == ["$w_{3}$", "$w_{2}$", "$w_{1}$"]  # the flipped kernel


def test_transposed_scatter_2d_is_tensorflows_result() -> None:
    fig = figures.transposed_scatter_2d()
    _, full, out = fig.axes
    assert [int(t) for t in _texts(out)] == [1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4]
    assert [int(t) for t in _texts(full)][:5] == [1, 1, 3, 2, 2]
    assert len(_texts(full)) == 25


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(ParameterError, match="padding"):
        figures.transposed_1d(m=3, padding=3)
    with pytest.raises(ParameterError, match="values"):
        figures.transposed_scatter_2d(values=((1, 2), (3,)))
    with pytest.raises(ParameterError, match="crop"):
        figures.transposed_scatter_2d(crop=((0, 5), (0, 1)))
