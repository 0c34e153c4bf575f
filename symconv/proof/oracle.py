"""An independent NumPy oracle: the dense float matrix of an expression, from the definitions.

The numeric tier checks identities against this module, so it deliberately
shares no code with :mod:`symconv.numeric` or :mod:`symconv.matrices`: each
operator is applied to the unit vectors by a direct reading of its
definition in ``DESIGN.md`` §2 (``numpy.convolve`` for true convolution,
explicit loops for correlation), and products, sums and transposes are plain
NumPy algebra on the resulting dense matrices. Small sizes only.

Examples
--------
>>> from symconv import Conv, Upsample
>>> dense((Conv((1, 2), 3, "full") @ Upsample(2, 2, length=3)), {})
array([[1., 0.],
       [2., 0.],
       [0., 1.],
       [0., 2.]])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import sympy as sp
from sympy.matrices.expressions import (
    Identity,
    KroneckerProduct,
    MatAdd,
    MatMul,
    Transpose,
    ZeroMatrix,
)

from symconv import limits
from symconv.errors import ParameterError

__all__ = ["dense", "register"]

Values = Mapping[sp.Symbol, float]


def _number(value: object, values: Values) -> float:
    # A tap is almost always a symbol or a number: look it up rather than ``subs`` (which
    # walks the whole mapping and dominated the numeric tier's time).
    if value in values:
        return float(values[value])
    value = sp.sympify(value)
    if value.is_Number:
        return float(value)
    return float(
        value.xreplace({s: sp.Float(values[s]) for s in value.free_symbols if s in values})
    )


def _int(value: object) -> int:
    value = sp.sympify(value)
    if not value.is_Integer:
        raise ParameterError("size", value, "a concrete integer (substitute symbolic sizes first)")
    return int(value)


def _taps(kernel: object, values: Values) -> np.ndarray:
    return np.array([_number(t, values) for t in kernel])


def _columns(apply: Callable[[np.ndarray], np.ndarray], n: int) -> np.ndarray:
    """The matrix of a linear map given by its action, column by column."""
    return np.column_stack([apply(e) for e in np.eye(n)])


def _downsample(op: object, values: Values) -> np.ndarray:
    return _columns(lambda x: x[:: _int(op.k)], _int(op.n))


def _upsample(op: object, values: Values) -> np.ndarray:
    k, length = _int(op.k), _int(op.length)

    def apply(x: np.ndarray) -> np.ndarray:
        out = np.zeros(length)
        for j, v in enumerate(x):
            out[j * k] = v
        return out

    return _columns(apply, _int(op.n))


def _pad(op: object, values: Values) -> np.ndarray:
    return _columns(lambda x: np.pad(x, (_int(op.lo), _int(op.hi))), _int(op.n))


def _crop(op: object, values: Values) -> np.ndarray:
    n, lo, hi = _int(op.n), _int(op.lo), _int(op.hi)
    return _columns(lambda x: x[lo : n - hi], n)


def _flip(op: object, values: Values) -> np.ndarray:
    return _columns(lambda x: x[::-1], _int(op.n))


def _conv(op: object, values: Values) -> np.ndarray:
    q = _taps(op.kernel, values)
    return _columns(lambda x: np.convolve(x, q, op.mode), _int(op.n))


def _correlation(q: np.ndarray, n: int, lo: int, hi: int, s: int, d: int) -> np.ndarray:
    """y_i = Σ_t q_t x_{i·s + t·d − lo}, looping over the definition.

    Applied to all unit vectors at once (the columns of the identity), so that
    the loops run over outputs and taps only.
    """
    x = np.eye(n)
    padded = np.concatenate([np.zeros((lo, n)), x, np.zeros((hi, n))])
    out = []
    i = 0
    while i * s + d * (len(q) - 1) < len(padded):
        row = np.zeros(n)
        for t in range(len(q)):
            row += q[t] * padded[i * s + t * d]
        out.append(row)
        i += 1
    return np.array(out).reshape(-1, n)


def _corr(op: object, values: Values) -> np.ndarray:
    lo, hi = (_int(p) for p in op.padding)
    q = _taps(op.kernel, values)
    return _correlation(q, _int(op.n), lo, hi, _int(op.stride), _int(op.dilation))


def _conv_transpose(op: object, values: Values) -> np.ndarray:
    # Defined as the transpose of the forward correlation on the output length.
    lo, hi = (_int(p) for p in op.padding)
    q = _taps(op.kernel, values)
    forward = _correlation(q, _int(op.rows), lo, hi, _int(op.stride), _int(op.dilation))
    return forward.T


_OPERATORS: dict[str, Callable[[object, Values], np.ndarray]] = {
    "Downsample": _downsample,
    "Upsample": _upsample,
    "Pad": _pad,
    "Crop": _crop,
    "Flip": _flip,
    "Conv": _conv,
    "Corr": _corr,
    "ConvTranspose": _conv_transpose,
}


def register(class_name: str, builder: Callable[[object, Values], np.ndarray]) -> None:
    """Teach the oracle a new operator class (by class name, to stay import-free)."""
    _OPERATORS[class_name] = builder


def dense(expr: object, values: Values) -> np.ndarray:
    """The dense float matrix of ``expr`` with the symbols in ``values`` substituted.

    Parameters
    ----------
    expr : matrix expression
        symconv operators, explicit SymPy matrices, ``Identity``, ``ZeroMatrix``,
        products, sums, scalar multiples, transposes and Kronecker products, at
        concrete sizes.
    values : mapping of Symbol to float
        Values of the kernel taps and any other scalar symbols.
    """
    rows, cols = (_int(size) for size in expr.shape)
    limits.require("dense", rows * cols, f"the dense {rows}x{cols} reference matrix")
    name = type(expr).__name__
    if name in _OPERATORS:
        return _OPERATORS[name](expr, values)
    if isinstance(expr, sp.MatrixBase):
        out = np.zeros(_int(expr.rows) * _int(expr.cols))
        for (i, j), v in expr.todok().items():
            out[i * expr.cols + j] = _number(v, values)
        return out.reshape(expr.shape)
    if isinstance(expr, Identity):
        return np.eye(_int(expr.rows))
    if isinstance(expr, ZeroMatrix):
        return np.zeros((_int(expr.rows), _int(expr.cols)))
    if isinstance(expr, Transpose):
        return dense(expr.arg, values).T
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        result = dense(factors[0], values)
        for factor in factors[1:]:
            result = result @ dense(factor, values)
        return _number(coeff, values) * result
    if isinstance(expr, MatAdd):
        return sum(dense(arg, values) for arg in expr.args)
    if isinstance(expr, KroneckerProduct):
        result = dense(expr.args[0], values)
        for factor in expr.args[1:]:
            result = np.kron(result, dense(factor, values))
        return result
    raise ParameterError("expr", expr, "an expression the NumPy oracle knows")
