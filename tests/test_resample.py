"""symconv.operators.resample against loop references written from the frameworks' C++.

The references below share no code with symconv: plain Python with ``fractions.Fraction``,
one loop per output sample, following ATen's ``UpSample.h`` (PyTorch) and TensorFlow's
``resize_bicubic_op.cc`` line by line (``Bound``, the 1024-step coefficient table, the
renormalisation).
"""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symconv import ParameterError, explicit, lambdify
from symconv.frameworks.torch_resample import interpolate
from symconv.operators.pooling import AdaptiveAvgPool
from symconv.operators.resample import AreaResample, Resample, ResampleTranspose, source_map


def _keys(x: Fraction, a: Fraction) -> Fraction:
    x = abs(x)
    if x <= 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return Fraction(0)


def torch_row(kernel, n, i, scale, offset, a=Fraction(-3, 4)):
    """{column: weight} of output i, PyTorch style: taps clamped to [0, n)."""
    src = scale * i + offset
    f = math.floor(src)
    t = src - f
    row = {}
    if kernel == "nearest":
        taps = [(f, Fraction(1))]
    elif kernel == "linear":
        taps = [(f, 1 - t), (f + 1, t)]
    else:
        taps = [(f - 1 + k, _keys(t - (k - 1), a)) for k in range(4)]
    for column, weight in taps:
        column = min(max(column, 0), n - 1)
        row[column] = row.get(column, 0) + weight
    return row


def tf_cubic_row(n, i, scale, offset):
    """TensorFlow's GetWeightsAndIndices with use_keys_cubic: a table of 1024 steps,
    taps outside the input dropped, the rest divided by their sum."""
    src = scale * i + offset
    f = math.floor(src)
    table_index = round((src - f) * 1024)  # Python rounds ties to even, like lrintf
    tq = Fraction(table_index, 1024)
    weights = {}
    for k in range(4):
        column = f - 1 + k
        if 0 <= column < n:
            weights[column] = _keys(tq - (k - 1), Fraction(-1, 2))
    total = sum(weights.values())
    return {c: w / total for c, w in weights.items()}


def dense(rows, n):
    out = sp.zeros(len(rows), n)
    for i, row in enumerate(rows):
        for column, weight in row.items():
            out[i, column] += sp.Rational(weight.numerator, weight.denominator)
    return out


def _frac(r):
    return Fraction(int(r.p), int(r.q))


SIZES = [(1, 1), (1, 4), (2, 1), (2, 5), (3, 3), (4, 7), (5, 2), (6, 4), (7, 3), (3, 8)]


@pytest.mark.parametrize("n, length", SIZES)
@pytest.mark.parametrize("kernel", ["nearest", "linear", "cubic"])
@pytest.mark.parametrize("convention", ["align_corners", "half_pixel", "asymmetric"])
def test_clamped_resampling_matches_the_loop_reference(n, length, kernel, convention):
    scale, offset = source_map(convention, n, length)
    op = Resample(n, length, kernel, scale, offset)
    rows = [torch_row(kernel, n, i, _frac(scale), _frac(offset)) for i in range(length)]
    assert explicit(op) == dense(rows, n)
    assert explicit(op.T) == dense(rows, n).T


@pytest.mark.parametrize("n, length", SIZES)
def test_tensorflow_bicubic_matches_the_loop_reference(n, length):
    scale, offset = source_map("half_pixel", n, length)
    op = Resample(n, length, "cubic", scale, offset, sp.Rational(-1, 2), "renormalize", 1024)
    rows = [tf_cubic_row(n, i, _frac(scale), _frac(offset)) for i in range(length)]
    assert explicit(op) == dense(rows, n)
    assert explicit(op.T) == dense(rows, n).T


@pytest.mark.parametrize("n, length", SIZES)
def test_torch_area_is_adaptive_average_pooling(n, length):
    # ATen's AdaptiveAveragePooling.cpp: window i is [⌊i·n/N⌋, ⌈(i+1)·n/N⌉), whole pixels.
    rows = []
    for i in range(length):
        start, end = (i * n) // length, -((-(i + 1) * n) // length)
        rows.append({j: Fraction(1, end - start) for j in range(start, end)})
    area = interpolate(n, size=length, mode="area")
    assert area == AdaptiveAvgPool(n, length)
    assert explicit(area) == dense(rows, n)
    assert explicit(area.T) == dense(rows, n).T


def test_nearest_rounding_variants():
    # nearest-exact: round half up of the half-pixel centre, ⌊(i + ½)·n/N⌋.
    s = sp.Rational(5, 3)
    exact = explicit(Resample(5, 3, "nearest", s, s / 2))
    assert [list(exact.row(i)).index(1) for i in range(3)] == [0, 2, 4]
    floor = explicit(Resample(5, 3, "nearest", s, 0))
    assert [list(floor.row(i)).index(1) for i in range(3)] == [0, 1, 3]


def test_the_rows_sum_to_one():
    for kernel, (n, length) in itertools.product(["linear", "cubic"], SIZES):
        for border in ["clamp", "renormalize"]:
            op = Resample(n, length, kernel, *source_map("half_pixel", n, length), border=border)
            assert explicit(op) * sp.ones(n, 1) == sp.ones(length, 1)


def test_dot_test_and_numeric_functions():
    rng = np.random.default_rng(3)
    op = Resample(5, 8, "cubic", *source_map("half_pixel", 5, 8))
    u, v = rng.standard_normal(5), rng.standard_normal(8)
    assert np.isclose(lambdify(op)(u) @ v, u @ lambdify(op.T)(v))
    matrix = np.array(explicit(op), dtype=float)
    np.testing.assert_allclose(lambdify(op)(u), matrix @ u)


def test_float_parameters_are_their_exact_binary_values():
    op = Resample(3, 4, "linear", 0.1, 0)
    assert op.scale == sp.Rational(0.1) and op.scale != sp.Rational(1, 10)


def test_transpose_closed_form():
    op = Resample(3, 5, "linear", *source_map("align_corners", 3, 5))
    assert isinstance(op.T, ResampleTranspose) and op == op.T.T
    assert op.T.shape == (3, 5)
    n, m = sp.symbols("n m", integer=True, positive=True)
    assert Resample(n, m, "linear", 1, 0).shape == (m, n)


@pytest.mark.parametrize(
    "args, name",
    [
        ((3, 4, "quadratic", 1, 0), "kernel"),
        ((3, 4, "linear", -1, 0), "scale"),
        ((3, 4, "linear", sp.sqrt(2), 0), "scale"),
        ((3, 0, "linear", 1, 0), "length"),
        ((3, 4, "linear", 1, 0, -1, "wrap"), "border"),
        ((3, 4, "linear", 1, "x"), "offset"),
    ],
)
def test_bad_parameters_are_named(args, name):
    with pytest.raises(ParameterError, match=name):
        Resample(*args)


def test_bad_conventions_are_named():
    with pytest.raises(ParameterError, match="convention"):
        source_map("corner", 3, 4)
    with pytest.raises(ParameterError, match="scale"):
        source_map("align_corners", 3, 4, 2)
    with pytest.raises(ParameterError, match="forward"):
        ResampleTranspose(sp.Identity(3))


def _symbolic_column(op, j: int) -> dict:
    """Row j of ``op`` from its index map at a symbolic row, every bound index enumerated."""
    from symconv.operators.index_map import guard_holds

    row = sp.Symbol("j", integer=True)
    out: dict = {}
    for c, (col,), guards in op.index_map((row,)):
        bound = sorted(
            set().union(*(sp.sympify(x).atoms(sp.Dummy) for g in guards for x in g[1:])), key=str
        )
        for values in itertools.product(range(max(op.shape) + 1), repeat=len(bound)):
            env = {row: sp.Integer(j), **dict(zip(bound, map(sp.Integer, values)))}
            if all(guard_holds(g, env) for g in guards):
                column = int(sp.sympify(col).xreplace(env))
                out[column] = out.get(column, 0) + sp.sympify(c).xreplace(env).doit()
    return {k: v for k, v in out.items() if v != 0}


@pytest.mark.parametrize(
    "forward",
    [
        Resample(3, 7, "cubic", *source_map("half_pixel", 3, 7)),
        Resample(5, 3, "linear", *source_map("align_corners", 5, 3)),
        Resample(4, 6, "nearest", sp.Rational(2, 3), sp.Rational(1, 3)),
        Resample(4, 9, "cubic", *source_map("half_pixel", 4, 9), -sp.Rational(1, 2), "renormalize"),
        AreaResample(5, 3),
        AreaResample(4, 6),
    ],
)
def test_the_symbolic_transpose_index_map_agrees(forward):
    # The transpose's index map at a symbolic row (a bound index over a window of
    # forward rows) against the explicit matrix, which uses its concrete-row form.
    matrix = explicit(forward)
    for j in range(forward.cols):
        expected = {i: matrix[i, j] for i in range(forward.rows) if matrix[i, j] != 0}
        assert _symbolic_column(forward.T, j) == expected


def test_tensorflow_area_is_pixel_coverage():
    # resize_area_op.cc: output i covers [i·s, (i+1)·s), s = n/N; a pixel weighs its overlap.
    for n, length in SIZES:
        s = Fraction(n, length)
        rows = []
        for i in range(length):
            lo, hi = i * s, (i + 1) * s
            rows.append(
                {
                    j: (min(j + 1, hi) - max(j, lo)) / s
                    for j in range(n)
                    if min(j + 1, hi) > max(j, lo)
                }
            )
        assert explicit(AreaResample(n, length)) == dense(rows, n)
        assert explicit(AreaResample(n, length).T) == dense(rows, n).T


def test_the_oracle_agrees_with_the_exact_matrices():
    from symconv.proof import oracle

    for op in [
        Resample(3, 7, "cubic", *source_map("half_pixel", 3, 7)),
        Resample(
            6, 4, "cubic", *source_map("half_pixel", 6, 4), -sp.Rational(1, 2), "renormalize", 1024
        ),
        Resample(5, 3, "nearest", sp.Rational(5, 3), sp.Rational(5, 6)),
        AreaResample(7, 3),
        AreaResample(3, 7),
    ]:
        for side in (op, op.T):
            np.testing.assert_allclose(
                oracle.dense(side, {}), np.array(explicit(side), dtype=float), atol=1e-12
            )


def test_shapes_cli_answers_resampling_sizes(capsys):
    from symconv.cli import main

    status = main(
        ["shapes", "--input", "5x4", "--interpolate", "bilinear", "--scale-factor", "1.5x2"]
    )
    out = capsys.readouterr().out
    assert status == 0 and "output size: 7x8" in out
    assert "src(i) = 2*i/3 - 1/6" in out and "src(i) = i/2 - 1/4" in out
    status = main(["shapes", "--framework", "tf", "--input", "3x4", "--interpolate", "nearest",
                   "--size", "5x2"])  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0 and "output size: 5x2" in out and "src(i) = 3*i/5 + 3/10" in out
    assert main(["shapes", "--input", "4", "--interpolate", "linear", "--scale-factor", "0.1"]) == 2
    assert "output sizes >= 1" in capsys.readouterr().err
    assert main(["shapes", "--input", "4"]) == 2
    assert "--kernel" in capsys.readouterr().err


def test_interpolate_length():
    from symconv.sizes import interpolate_length

    n = sp.Symbol("n", integer=True, positive=True)
    assert interpolate_length(n, sp.Rational(3, 2)).subs(n, 5) == 7
    assert [interpolate_length(k, sp.Rational(3, 10)) for k in (3, 4, 7)] == [0, 1, 2]


def aten_aa_row(kernel, n, i, scale):
    """ATen's _compute_indices_min_size_weights_aa for float input (align_corners_delta 0)."""
    interp_size = 2 if kernel == "linear" else 4
    support = interp_size / 2 * scale if scale >= 1 else Fraction(interp_size, 2)
    center = scale * (i + Fraction(1, 2))
    invscale = 1 / scale if scale >= 1 else Fraction(1)
    xmin = max(int(center - support + Fraction(1, 2)), 0)
    xsize = min(int(center + support + Fraction(1, 2)), n) - xmin

    def filter_fn(x):
        x = abs(x)
        if kernel == "linear":
            return 1 - x if x < 1 else Fraction(0)
        return _keys(x, Fraction(-1, 2))

    weights = {
        xmin + j: filter_fn((j + xmin - center + Fraction(1, 2)) * invscale) for j in range(xsize)
    }
    total = sum(weights.values())
    return {j: w / total for j, w in weights.items() if w != 0}


@pytest.mark.parametrize("n, length", [*SIZES, (9, 2), (8, 3), (7, 1), (12, 5)])
@pytest.mark.parametrize("kernel", ["linear", "cubic"])
def test_antialiased_resampling_matches_atens_loop(n, length, kernel):
    s = sp.Rational(n, length)
    op = Resample(
        n, length, kernel, s, (s - 1) / 2, -sp.Rational(1, 2), "renormalize", 0, max(s, 1)
    )
    rows = [aten_aa_row(kernel, n, i, _frac(s)) for i in range(length)]
    assert explicit(op) == dense(rows, n)
    assert explicit(op.T) == dense(rows, n).T
    assert _symbolic_column(op.T, n - 1) == {
        i: v for i, v in enumerate(dense(rows, n)[:, n - 1]) if v != 0
    }


def test_width_needs_a_renormalised_interpolating_kernel():
    with pytest.raises(ParameterError, match="width"):
        Resample(4, 2, "linear", 2, sp.Rational(1, 2), width=2)
    with pytest.raises(ParameterError, match="width"):
        Resample(
            4, 2, "linear", 2, sp.Rational(1, 2), border="renormalize", width=sp.Rational(1, 2)
        )


def test_latex_names_the_kernel_sizes_and_coordinate_map():
    from symconv import latex

    op = Resample(
        4, 8, "cubic", *source_map("half_pixel", 4, 8), -sp.Rational(1, 2), "renormalize", 1024
    )
    text = latex(op)
    assert text == (
        r"\operatorname{Resample}^{\mathrm{cubic},\, a = - \frac{1}{2},\, \mathrm{renormalize},"
        r"\, \mathrm{table}\ 1024}_{4 \to 8}[\frac{i}{2} - \frac{1}{4}]"
    )
    assert latex(op.T) == f"({text})^{{\\mathsf{{T}}}}"
    assert latex(AreaResample(5, 3)) == r"\operatorname{Resample}^{\mathrm{area}}_{5 \to 3}"


def test_the_residue_argument_refutes_wrong_statements():
    from symconv.catalogue import resample as cat
    from symconv.operators import ConvTranspose

    def without_border(size):
        return cat._half_pixel(size, 2), ConvTranspose(cat.bilinear_kernel(2), size, 1, 2)

    verdict = cat.residue_argument(2, without_border)
    assert not verdict.passed and verdict.detail == "row 0 at n = 1: left {0: 1}, right {0: 3/4}"
    with_border = cat.residue_argument(2, without_border, lambda n, i: cat._border_row(n, i, 2))
    assert with_border.passed and with_border.scope == "all" and dict(with_border.fixed) == {"k": 2}
    assert not cat.residue_argument(3, lambda size: cat._align_corners_sides(size, 2)).passed
