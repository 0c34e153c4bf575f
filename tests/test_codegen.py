"""Generated entrywise code (Python executed, C compiled) computes what lambdify computes."""

import ctypes
import shutil
import subprocess

import numpy as np
import pytest
import sympy as sp

from symconv import Conv, ConvTranspose, Corr, Downsample, Upsample, kernel, lambdify
from symconv.codegen import c_source, entrywise, python_function, python_source
from symconv.errors import ParameterError

q, r = kernel("q", 3), kernel("r", 2)
w = sp.Symbol("w")
CASES = [
    (Corr(q, 11, "same", stride=2), (q,)),
    (ConvTranspose(q, 5, (1, 1), 2, 1, 1), (q,)),
    (Conv(q, 6, "same") @ Upsample(3, 2), (q,)),
    (w * Downsample(9, 3) @ Conv(r, 8), (w, r)),
    (Conv((q[0] + q[1], q[2]), 4) @ Conv(r, 5, "valid"), (q, r)),
    (sp.Rational(1, 2) * Corr((1, 2), 5), ()),
]
VALUES = {q: [0.5, -1.25, 2.0], r: [3.0, -0.75], w: 1.5}


@pytest.mark.parametrize("expr, params", CASES, ids=lambda c: str(c)[:40])
def test_generated_python_matches_lambdify(expr, params):
    values = [VALUES[p] for p in params]
    x = np.random.default_rng(1).normal(size=(2, int(expr.cols)))
    generated = python_function(expr, *params, name="generated")(x, *values)
    assert np.allclose(generated, lambdify(expr, *params)(x, *values))
    namespace = {}
    exec(python_source(expr, *params), namespace)  # our own generated source
    assert np.allclose(namespace["apply"](x[0], *values), generated[0])


def test_common_subexpressions_are_computed_once():
    code = entrywise(Conv(q, 64) @ Conv(r, 63), q, r)
    distinct = [v for _, v in code.temporaries]
    assert len(distinct) == len(set(distinct)) == 4  # the 4 taps of q ∗ r, one each
    assert sum(len(row) for row in code.rows) == 63 * 4  # the non-zeros of (q ∗ r)∗ on ℝ⁶³


def test_missing_symbols_and_bad_names_are_refused():
    with pytest.raises(ParameterError, match="r_0, r_1 missing"):
        entrywise(Conv(r, 3), q)
    with pytest.raises(ParameterError, match="identifiers"):
        python_source(Conv((sp.Symbol("x"), 1), 3), (sp.Symbol("x"),))


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to compile the C source")
@pytest.mark.parametrize("expr, params", CASES[:5], ids=lambda c: str(c)[:40])
def test_generated_c_compiles_and_matches_lambdify(expr, params, tmp_path):
    source = tmp_path / "op.c"
    source.write_text(c_source(expr, *params, name="op"))
    library = tmp_path / "op.so"
    subprocess.run(
        ["gcc", "-std=c99", "-Wall", "-Werror", "-O1", "-shared", "-fPIC", "-o", library, source],
        check=True,
    )
    op = ctypes.CDLL(str(library)).op
    x = np.random.default_rng(2).normal(size=int(expr.cols))
    y = np.zeros(int(expr.rows))
    arguments = [x.ctypes.data_as(ctypes.c_void_p)]
    keep = []
    for p in params:
        if isinstance(p, sp.Symbol):
            arguments.append(ctypes.c_double(VALUES[p]))
        else:
            keep.append(np.array(VALUES[p], dtype=np.float64))
            arguments.append(keep[-1].ctypes.data_as(ctypes.c_void_p))
    op(*arguments, y.ctypes.data_as(ctypes.c_void_p))
    values = [VALUES[p] for p in params]
    assert np.allclose(y, lambdify(expr, *params)(x, *values))
