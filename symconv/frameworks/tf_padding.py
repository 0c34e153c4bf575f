"""TensorFlow's ``tf.pad``: modes CONSTANT, REFLECT and SYMMETRIC, as symconv operators.

``pad(input_size, paddings, mode, constant_values)`` mirrors ``tf.pad(tensor, paddings,
mode, constant_values)`` with the tensor replaced by its shape: the operator acts on the
tensor flattened row-major (whatever its layout, NHWC or NCHW: ``paddings`` names the
axes, one ``[before, after]`` per axis, as in TensorFlow). TensorFlow's limits, checked
here: every amount >= 0; REFLECT at most size − 1, SYMMETRIC at most size (one
reflection; NumPy and JAX accept more, see ``symconv.frameworks.jax_padding``); the
mode name is case-insensitive; ``constant_values`` must be 0 (else the map is affine).

Examples
--------
>>> pad((2, 3), [[0, 0], [2, 2]], "SYMMETRIC")
KroneckerProduct(I, BorderPad(3, 2, 2, 'symmetric'))
>>> pad((3,), [[3, 0]], "REFLECT")
Traceback (most recent call last):
...
symconv.errors.ParameterError: paddings=[[3, 0]] is not allowed: expected amounts at most \
size - 1 = 2 on an axis of size 3 in mode REFLECT (TensorFlow's rule)
"""

from __future__ import annotations

import sympy as sp

from symconv import _validate, sizes
from symconv.errors import ParameterError
from symconv.frameworks._common import require_zero_fill, spatial
from symconv.operators.padding_modes import border_pad_nd

__all__ = ["pad"]

#: TensorFlow's mode → symconv's mode.
_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def pad(
    input_size: object, paddings: object, mode: str = "CONSTANT", constant_values: object = 0
) -> sp.MatrixExpr:
    """``tf.pad(tensor, paddings, mode, constant_values)`` on a tensor of shape ``input_size``.

    Parameters
    ----------
    input_size : int or tuple of ints
        The tensor's shape (every axis, in its own layout).
    paddings : sequence of [before, after], one per axis
    mode : {"CONSTANT", "REFLECT", "SYMMETRIC"} (any case)
    constant_values : 0

    Returns
    -------
    sympy.MatrixExpr
        The Kronecker product of one :class:`~symconv.BorderPad` (or zero
        :class:`~symconv.Pad`) per axis; its transpose is TensorFlow's gradient.
    """
    name = mode.upper() if isinstance(mode, str) else mode
    if name not in _MODES:
        raise ParameterError("mode", mode, "one of 'CONSTANT', 'REFLECT', 'SYMMETRIC'")
    require_zero_fill("constant_values", constant_values)
    size = spatial("input_size", input_size)
    try:
        pairs = [(int(lo), int(hi)) for lo, hi in paddings]
    except (TypeError, ValueError):
        raise ParameterError("paddings", paddings, "one [before, after] pair per axis") from None
    if len(pairs) != len(size):
        raise ParameterError(
            "paddings", paddings, f"{len(size)} [before, after] pairs, one per axis"
        )
    symconv_mode = _MODES[name]
    for n, (lo, hi) in zip(size, pairs):
        _validate.amount("paddings", min(lo, hi))
        largest = None if name == "CONSTANT" else sizes.largest_pad(n, symconv_mode, "tf")
        if largest is not None and max(lo, hi) > largest:
            words = "size - 1" if name == "REFLECT" else "size"
            raise ParameterError(
                "paddings",
                paddings,
                f"amounts at most {words} = {largest} on an axis of size {n} in mode {name} "
                "(TensorFlow's rule)",
            )
    return border_pad_nd(size, pairs, symconv_mode)
