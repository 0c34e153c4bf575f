"""JAX's ``jnp.pad`` (NumPy's ``numpy.pad``) in its linear modes, as symconv operators.

``pad(input_size, pad_width, mode, constant_values)`` mirrors ``jnp.pad(array, pad_width,
mode, constant_values=…)`` with the array replaced by its shape; the operator acts on the
array flattened row-major. Modes: ``constant`` (value 0), ``reflect``, ``symmetric``,
``edge`` (symconv's ``replicate``) and ``wrap`` (``circular``). Unlike PyTorch and
TensorFlow, JAX and NumPy accept pads longer than the axis: the signal is reflected or
wrapped again, which :class:`~symconv.BorderPad` computes exactly; a ``reflect`` of an
axis of size 1 repeats its one sample (mode ``edge``). ``reflect_type='odd'`` and the
statistical modes are not offered.

Examples
--------
>>> pad((2, 1), ((0, 0), (2, 3)), "reflect")  # a size-1 axis reflects as 'edge'
KroneckerProduct(I, BorderPad(1, 2, 3, 'replicate'))
>>> pad(2, 5, "wrap")
BorderPad(2, 5, 5, 'circular')
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symconv.errors import ParameterError
from symconv.frameworks._common import require_zero_fill, spatial
from symconv.operators.grid import kron
from symconv.operators.padding_modes import BorderPad

__all__ = ["pad"]

#: NumPy's mode names → symconv's.
_MODES = {
    "constant": "constant",
    "reflect": "reflect",
    "symmetric": "symmetric",
    "edge": "replicate",
    "wrap": "circular",
}


def _widths(pad_width: object, rank: int) -> list[tuple[int, int]]:
    """NumPy's broadcasting of ``pad_width``: an int, (lo, hi), ((lo, hi),) or one per axis."""
    try:
        array = np.asarray(pad_width)
        if array.dtype.kind not in "iu":
            raise TypeError
        widths = np.broadcast_to(array, (rank, 2))
    except (TypeError, ValueError):
        raise ParameterError(
            "pad_width", pad_width, f"ints broadcastable to ({rank}, 2), as numpy.pad takes"
        ) from None
    if (widths < 0).any():
        raise ParameterError("pad_width", pad_width, "amounts >= 0 (NumPy's rule)")
    return [(int(lo), int(hi)) for lo, hi in widths]


def pad(
    input_size: object, pad_width: object, mode: str = "constant", constant_values: object = 0
) -> sp.MatrixExpr:
    """``jnp.pad(array, pad_width, mode)`` on an array of shape ``input_size``.

    Parameters
    ----------
    input_size : int or tuple of ints
    pad_width : int or sequence
        As in NumPy: ``n``, ``(lo, hi)``, ``((lo, hi),)`` or one ``(lo, hi)`` per axis.
    mode : {"constant", "reflect", "symmetric", "edge", "wrap"}
    constant_values : 0

    Returns
    -------
    sympy.MatrixExpr
        One :class:`~symconv.BorderPad` (or zero :class:`~symconv.Pad`) per axis, their
        Kronecker product; its transpose is ``jax.vjp`` of the padding.
    """
    if mode not in _MODES:
        raise ParameterError(
            "mode", mode, f"one of {', '.join(map(repr, _MODES))} (the linear modes)"
        )
    require_zero_fill("constant_values", constant_values)
    size = spatial("input_size", input_size)
    factors = []
    for n, (lo, hi) in zip(size, _widths(pad_width, len(size))):
        if lo == 0 and hi == 0:
            factors.append(sp.Identity(n))
            continue
        symconv_mode = _MODES[mode]
        if symconv_mode == "reflect" and n == 1:
            symconv_mode = "replicate"  # NumPy's reflection of a single sample repeats it
        factors.append(BorderPad(n, lo, hi, symconv_mode))
    return kron(*factors)
