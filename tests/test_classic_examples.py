"""The 1-D facts of the classic examples (Stack Exchange answers, lecture slides), exactly."""

from __future__ import annotations

import sympy as sp

import symconv as sc


def test_same_matrix_of_a_three_tap_kernel() -> None:
    q0, q1, q2 = sc.kernel("q", 3)
    expected = sp.Matrix([[q1, q0, 0, 0], [q2, q1, q0, 0], [0, q2, q1, q0], [0, 0, q2, q1]])
    assert sc.explicit(sc.Conv((q0, q1, q2), 4, "same")) == expected


def test_downsample_by_two_on_r4() -> None:
    assert sc.explicit(sc.Downsample(4, 2)) == sp.Matrix([[1, 0, 0, 0], [0, 0, 1, 0]])


def test_upsample_by_two_on_r2_is_the_transpose_of_downsample() -> None:
    up = sc.explicit(sc.Upsample(2, 2))
    assert up == sp.Matrix([[1, 0], [0, 0], [0, 1], [0, 0]])
    assert up == sc.explicit(sc.Downsample(4, 2)).T
    assert sc.Upsample(2, 2) == sc.Downsample(4, 2).T


def test_transposed_conv_as_transpose_at_n_2_3_4() -> None:
    """q∗(↑₂x) = (↓₂(q∗)ᵀ)ᵀx with symbolic taps, as the Q&A's matrix chain."""
    q = sc.kernel("q", 3)
    for n in (2, 3, 4):
        conv = sc.Conv(q, 2 * n, "same")
        lhs = conv @ sc.Upsample(n, 2)
        rhs = sp.Transpose(sp.MatMul(sc.Downsample(2 * n, 2), sp.Transpose(conv)))
        assert sc.explicit(lhs) == sc.explicit(rhs)
        x = sc.signal("x", n)
        assert (sc.explicit(lhs) * x).applyfunc(sp.expand) == (sc.explicit(rhs) * x).applyfunc(
            sp.expand
        )


def test_qa_matrix_chain_at_n_2() -> None:
    """The Q&A's middle line: the 4×4 transposed q-matrix and the 2×4 ↓₂, both transposed."""
    q0, q1, q2 = q = sc.kernel("q", 3)
    transposed_q = sp.Matrix([[q1, q2, 0, 0], [q0, q1, q2, 0], [0, q0, q1, q2], [0, 0, q0, q1]])
    assert sc.explicit(sc.Conv(q, 4, "same").T) == transposed_q
    x = sc.signal("x", 2)
    lhs = sc.explicit(sc.Conv(q, 4, "same") @ sc.Upsample(2, 2)) * x
    assert lhs == sp.Matrix([q1 * x[0], q2 * x[0] + q0 * x[1], q1 * x[1], q2 * x[1]])


def _slides_row(values: list) -> sp.Matrix:
    return sp.Matrix(values)


def test_slides_example_without_zeros() -> None:
    """Input a…f, kernel w₁w₂w₃ flipped and slid: w₂a + w₁b, w₃a + w₂b + w₁c, …"""
    a, b, c, d, e, f = sp.symbols("a b c d e f")
    w1, w2, w3 = sp.symbols("w_1 w_2 w_3")
    x = sp.Matrix([a, b, c, d, e, f])
    y = sc.explicit(sc.Conv((w1, w2, w3), 6, "same")) * x
    assert y == _slides_row(
        [
            w2 * a + w1 * b,
            w3 * a + w2 * b + w1 * c,
            w3 * b + w2 * c + w1 * d,
            w3 * c + w2 * d + w1 * e,
            w3 * d + w2 * e + w1 * f,
            w3 * e + w2 * f,
        ]
    )


def test_slides_example_with_zeros_inserted() -> None:
    """a 0 b 0 … 0 f (↑₂ to length 11): w₂a, w₃a + w₁b, w₂b, …, w₂f."""
    a, b, c, d, e, f = sp.symbols("a b c d e f")
    w1, w2, w3 = sp.symbols("w_1 w_2 w_3")
    x = sp.Matrix([a, b, c, d, e, f])
    op = sc.Conv((w1, w2, w3), 11, "same") @ sc.Upsample(6, 2, length=11)
    y = sc.explicit(op) * x
    assert y == _slides_row(
        [
            w2 * a,
            w3 * a + w1 * b,
            w2 * b,
            w3 * b + w1 * c,
            w2 * c,
            w3 * c + w1 * d,
            w2 * d,
            w3 * d + w1 * e,
            w2 * e,
            w3 * e + w1 * f,
            w2 * f,
        ]
    )
