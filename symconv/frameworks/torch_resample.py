r"""PyTorch's ``torch.nn.functional.interpolate`` as a symconv operator.

Same argument names, order and defaults as PyTorch, with the input tensor replaced by
its spatial size ``input_size`` and a ``channels`` count; the operator acts on an
(N, C, \*size) tensor flattened channel-major, ``x.reshape(N, -1)``. Resampling is
separable: the operator is ``I_C ⊗ R_1 ⊗ … ⊗ R_d`` with one
:class:`~symconv.operators.resample.Resample` (or, for ``area``,
:class:`~symconv.operators.pooling.AdaptiveAvgPool`) per spatial axis.

What PyTorch computes, per axis with input length n (read from ATen's ``UpSample.h``):

- output length ``size``, or ``⌊n·scale_factor⌋`` computed in double precision;
- the scale s: ``(n − 1)/(N − 1)`` with ``align_corners=True``; else ``1/scale_factor``
  when a scale factor is given and ``recompute_scale_factor`` is not True; else n/N.
  PyTorch computes s in double precision (float32 for the nearest modes); symconv uses the
  exact fraction: n/N, or 1/f for the shortest fraction f that rounds to the float scale
  factor (1.2 stands for 6/5; a float with no short fraction stands for its exact binary
  value). The linear and cubic weights are continuous in s; the nearest index ⌊i·s⌋ that
  PyTorch computes in float32 agrees with the exact one in every case of the conformance
  sweep;
- ``nearest``: ``x[min(⌊i·s⌋, n − 1)]``; in 2-D and 3-D N = n copies and N = 2n reads
  ``x[i // 2]`` whatever s is (the shortcuts of ATen's ``nearest_idx``). The 1-D forward
  does not take them but its backward does: for a 1-D input with a scale factor f whose
  output length N is n or 2n while n/N ≠ 1/f (n = 4, f = 1.2: forward ``x[⌊i/1.2⌋]``,
  backward a copy), PyTorch's gradient is not the transpose of its forward;
  ``nearest-exact``: ``x[min(⌊(i + ½)·s⌋, n − 1)]``;
- ``linear``/``bilinear``/``trilinear``: linear weights at ``src = s·i`` (align_corners)
  or ``s·(i + ½) − ½``, border samples clamped; N = n copies;
- ``bicubic``: Keys' cubic with a = −3/4 at the same ``src``, the four taps clamped to the
  border;
- ``area``: adaptive average pooling (a scale factor is always turned into a size).

``antialias=True`` (2-D ``bilinear``/``bicubic``, as PyTorch allows): ATen's
``_upsample_*_aa`` kernels, the triangle or Keys' cubic with a = −1/2 (not −3/4) stretched
by s on an axis that shrinks, every input it reaches weighted, the weights renormalised;
its centre is ``s·(i + ½)`` even with ``align_corners=True``; N = n copies. PyTorch's CPU
forward with an output width of 1 and more than one output row returns its first output row
in every row (2.13), while its backward is the transpose of the map described here: the
operator is that map.

Examples
--------
>>> from symconv import explicit
>>> explicit(interpolate(3, scale_factor=2, mode="linear", align_corners=False))[:3, :]
Matrix([
[  1,   0, 0],
[3/4, 1/4, 0],
[1/4, 3/4, 0]])
>>> interpolate((2, 3), size=(4, 6), mode="bilinear", channels=2).shape
(48, 12)
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

from symconv import _validate
from symconv.errors import ParameterError
from symconv.frameworks._common import spatial
from symconv.operators.grid import kron
from symconv.operators.pooling import AdaptiveAvgPool
from symconv.operators.resample import Resample, source_map

__all__ = ["interpolate"]

#: The mode names and the ranks PyTorch accepts them for (None: any of 1, 2, 3).
_MODES = {
    "nearest": None,
    "nearest-exact": None,
    "area": None,
    "linear": 1,
    "bilinear": 2,
    "trilinear": 3,
    "bicubic": 2,
}


def _per_axis(name: str, value: object, rank: int) -> list:
    values = list(value) if isinstance(value, (tuple, list)) else [value] * rank
    if len(values) != rank:
        raise ParameterError(name, value, f"one value or {rank} (one per spatial axis)")
    return values


def _reciprocal(factor: float) -> sp.Rational:
    """1/f for the fraction a float scale factor f stands for.

    The shortest fraction (denominator below 2**20) that rounds to f, when there is one
    (1.2 stands for 6/5), else the exact binary value of f. PyTorch computes 1/f in double
    (float32 for the nearest modes); the weights of linear and cubic interpolation are
    continuous in it, and the nearest index ⌊i/f⌋ computed in float32 agrees with this
    fraction's in every case of the conformance sweeps.
    """
    short = Fraction(factor).limit_denominator(1 << 20)
    exact = sp.Rational(short.numerator, short.denominator)
    return 1 / (exact if float(exact) == factor else sp.Rational(factor))


def output_length(n: int, scale_factor: float) -> int:
    """PyTorch's output length ``⌊n·scale_factor⌋``, the product in double precision.

    Examples
    --------
    >>> output_length(5, 1.5), output_length(10, 0.7)
    (7, 7)
    """
    return int(np.floor(float(n) * float(scale_factor)))


def _antialiased(mode: str, n: int, length: int, s: sp.Rational, align_corners: bool) -> Resample:
    """PyTorch's ``_upsample_bilinear2d_aa`` / ``_upsample_bicubic2d_aa`` on one axis.

    ATen's ``_compute_indices_min_size_weights_aa``: centre ``s·(i + ½)`` (half-pixel even
    with align_corners, whose s is (n − 1)/(N − 1)), the triangle or Keys' cubic with
    a = −1/2 stretched by s when s > 1, every input it reaches, weights renormalised.
    """
    if align_corners:
        s = sp.Rational(n - 1, length - 1) if length > 1 else sp.Integer(0)
    kernel = "linear" if mode == "bilinear" else "cubic"
    a = sp.Rational(-1, 2)
    return Resample(n, length, kernel, s, (s - 1) / 2, a, "renormalize", 0, max(s, 1))


def _axis(
    mode: str,
    n: int,
    length: int,
    factor: float | None,
    align_corners: bool,
    shortcuts: bool,
    antialias: bool = False,
) -> Resample | AdaptiveAvgPool:
    """The operator of one axis; ``shortcuts``: PyTorch's nearest copies at N = n, 2n."""
    if mode == "area":
        return AdaptiveAvgPool(n, length)
    s = sp.Rational(n, length) if factor is None else _reciprocal(factor)
    if antialias and length == n:  # the antialiased kernels copy too, whatever the scale
        return Resample(n, length, "linear", 1, 0)
    if antialias:
        return _antialiased(mode, n, length, s, align_corners)
    if mode in ("nearest", "nearest-exact"):
        if mode == "nearest" and shortcuts and length in (n, 2 * n):
            s = sp.Rational(n, length)
        return Resample(n, length, "nearest", s, s / 2 if mode == "nearest-exact" else 0)
    kernel = "cubic" if mode == "bicubic" else "linear"
    if kernel == "linear" and length == n:  # PyTorch copies, whatever the scale factor
        return Resample(n, length, "linear", 1, 0)
    convention = "align_corners" if align_corners else "half_pixel"
    return Resample(
        n, length, kernel, *source_map(convention, n, length, None if align_corners else s)
    )


def interpolate(
    input_size,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
    channels=1,
) -> sp.MatrixExpr:
    """``torch.nn.functional.interpolate(input, size, scale_factor, mode, align_corners,
    recompute_scale_factor, antialias)`` on an input of spatial size ``input_size``.

    Parameters
    ----------
    input_size : int or tuple of 1–3 ints
        The spatial size of the input (its rank picks 1-D, 2-D or 3-D as in PyTorch).
    size, scale_factor, mode, align_corners, recompute_scale_factor
        As in PyTorch; PyTorch's own errors for invalid combinations are ParameterErrors.
    antialias : bool
        As in PyTorch (2-D bilinear and bicubic only).
    channels : int
        C of the (N, C, \\*size) input.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(interpolate(4, size=3, mode="nearest")).T  # x[3] is never read
    Matrix([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [0, 0, 0]])
    """
    rank = len(input_size) if isinstance(input_size, (tuple, list)) else 1
    if rank not in (1, 2, 3):
        raise ParameterError("input_size", input_size, "1, 2 or 3 spatial sizes")
    sizes_in = spatial("input_size", input_size, rank)
    if mode not in _MODES:
        raise ParameterError("mode", mode, f"one of {', '.join(_MODES)}")
    if _MODES[mode] not in (None, rank):
        raise ParameterError("mode", mode, f"a mode for {rank}-D input (got {rank} spatial sizes)")
    if antialias and not (mode in ("bilinear", "bicubic") and rank == 2):
        raise ParameterError(
            "antialias", antialias, "False except for 2-D bilinear and bicubic (PyTorch's rule)"
        )
    interpolating = mode in ("linear", "bilinear", "trilinear", "bicubic")
    if align_corners is not None and not interpolating:
        raise ParameterError(
            "align_corners", align_corners, "None for mode " + repr(mode) + " (PyTorch's rule)"
        )
    align_corners = bool(align_corners)
    if (size is None) == (scale_factor is None):
        raise ParameterError("size", size, "exactly one of size and scale_factor")
    if size is not None:
        if recompute_scale_factor:
            raise ParameterError(
                "recompute_scale_factor", recompute_scale_factor, "not True with size"
            )
        lengths = [int(_validate.size("size", v)) for v in _per_axis("size", size, rank)]
        factors = [None] * rank
    else:
        factors = [float(f) for f in _per_axis("scale_factor", scale_factor, rank)]
        for f in factors:
            if not f > 0:
                raise ParameterError("scale_factor", scale_factor, "positive numbers")
        lengths = [output_length(n, f) for n, f in zip(sizes_in, factors)]
        if any(length < 1 for length in lengths):
            raise ParameterError(
                "scale_factor", scale_factor, f"factors giving output sizes >= 1 (got {lengths})"
            )
        if recompute_scale_factor or mode == "area":
            factors = [None] * rank
    axes = [
        _axis(mode, n, length, f, align_corners, rank > 1, bool(antialias))
        for n, length, f in zip(sizes_in, lengths, factors)
    ]
    c = int(_validate.size("channels", channels))
    return kron(sp.Identity(c), *axes) if c > 1 else kron(*axes)
