r"""JAX's ``jax.image.resize`` as a symconv operator.

``resize(input_size, shape, method, antialias)`` is
``jax.image.resize(image, shape, method, antialias)`` on an array of shape ``input_size``
(every axis, batch and channels included: JAX resamples each axis whose size changes and
leaves the others alone, so an unchanged axis is an identity factor). The array is
flattened in its own row-major order and the operator is ``R_1 ⊗ … ⊗ R_d``.

What JAX computes per changed axis, from ``jax/_src/image/scale.py`` (half-pixel centres
``src = (i + ½)·n/N − ½``):

- ``nearest``: ``x[⌊(i + ½)·n/N⌋]`` (PyTorch's ``nearest-exact``, TensorFlow's ``nearest``);
- ``linear`` (also ``bilinear``, ``trilinear``, ``triangle``): linear weights; a tap
  outside the input is dropped and the weights renormalised, which is the same as
  clamping it for the triangle kernel;
- ``cubic`` (also ``bicubic``, ``tricubic``): Keys' cubic with a = −1/2, taps outside
  dropped and the rest renormalised (TensorFlow without its table);
- ``cubic-pytorch``: a = −3/4 with the taps clamped to the border (PyTorch's ``bicubic``,
  ``align_corners=False``) — but only with ``antialias=False``: with ``antialias=True``
  (JAX's default) JAX switches it to ``cubic`` even when no axis shrinks;
- ``area``: the overlap of each input pixel with the output cell ``[i·n/N, (i+1)·n/N)``,
  normalised (TensorFlow's ``area``; ``antialias`` does not change it).

``antialias=True`` (JAX's default) stretches the linear and cubic kernels by n/N on an
axis that shrinks: row i is ``Σ_j K((src − j)·N/n)·x_j`` over every input the stretched
kernel reaches, divided by the sum of those weights (exact rationals too); on axes that keep
or grow their size it changes nothing. ``lanczos3``/``lanczos5`` weights are not rational
and are not supported.

Examples
--------
>>> from symconv import explicit
>>> explicit(resize((2,), (4,), "linear"))
Matrix([
[  1,   0],
[3/4, 1/4],
[1/4, 3/4],
[  0,   1]])
>>> resize((1, 3, 3), (1, 5, 3), "cubic-pytorch", antialias=False).args[1]
Resample(3, 5, 'cubic', 3/5, -1/5, -3/4, 'clamp', 0, 1)
"""

from __future__ import annotations

import sympy as sp

from symconv import _validate
from symconv.errors import ParameterError
from symconv.operators.grid import kron
from symconv.operators.resample import AreaResample, Resample, source_map

__all__ = ["resize"]

#: JAX's method names and the kernel each stands for.
_METHODS = {
    "nearest": "nearest",
    "linear": "linear",
    "bilinear": "linear",
    "trilinear": "linear",
    "triangle": "linear",
    "cubic": "cubic",
    "bicubic": "cubic",
    "tricubic": "cubic",
    "cubic-pytorch": "cubic-pytorch",
    "bicubic-pytorch": "cubic-pytorch",
    "area": "area",
}


def _axis(kernel: str, n: int, length: int, antialias: bool) -> sp.MatrixExpr:
    if n == length:
        return sp.Identity(n)
    if kernel == "area":
        return AreaResample(n, length)
    scale, offset = source_map("half_pixel", n, length)
    if kernel == "nearest":
        return Resample(n, length, "nearest", scale, scale / 2)
    if kernel == "cubic-pytorch":
        return Resample(n, length, "cubic", scale, offset)
    width = max(scale, 1) if antialias else 1  # the kernel stretched by n/N when shrinking
    a = sp.Rational(-1, 2)
    return Resample(n, length, kernel, scale, offset, a, "renormalize", 0, width)


def resize(input_size, shape, method, antialias=True) -> sp.MatrixExpr:
    """``jax.image.resize(image, shape, method, antialias)`` on an array of shape ``input_size``.

    Parameters
    ----------
    input_size, shape : tuple of ints
        The input and output shapes (the same number of axes).
    method : str
        One of JAX's names: nearest, linear, bilinear, trilinear, triangle, cubic, bicubic,
        tricubic, cubic-pytorch, bicubic-pytorch, area.
    antialias : bool
        JAX's default True: the linear and cubic kernels stretched on shrinking axes.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(resize((4,), (2,), "linear"))  # antialiased: the triangle of width 2
    Matrix([
    [3/7, 3/7, 1/7,   0],
    [  0, 1/7, 3/7, 3/7]])
    >>> resize((4, 4), (2, 4), "linear", antialias=False).shape
    (8, 16)
    """
    sizes_in, sizes_out = (
        tuple(
            int(_validate.size(name, v))
            for v in (value if isinstance(value, (tuple, list)) else [value])
        )
        for name, value in (("input_size", input_size), ("shape", shape))
    )
    if len(sizes_in) != len(sizes_out):
        raise ParameterError("shape", shape, f"{len(sizes_in)} sizes, one per axis of the input")
    if method not in _METHODS:
        raise ParameterError("method", method, f"one of {', '.join(_METHODS)}")
    kernel = _METHODS[method]
    if antialias and kernel == "cubic-pytorch":
        kernel = "cubic"  # as JAX does
    axes = [_axis(kernel, n, length, antialias) for n, length in zip(sizes_in, sizes_out)]
    return kron(*axes)
