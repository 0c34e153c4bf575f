r"""TensorFlow's ``tf.image.resize`` as a symconv operator.

``resize(input_size, size, method, antialias, channels)`` is
``tf.image.resize(images, size, method, antialias=antialias)`` on images of spatial size
``input_size = (H, W)`` with ``channels`` channels. TensorFlow stores images channels-last
(N, H, W, C); as in :mod:`symconv.frameworks.tf`, an image is flattened in that memory
order, ``x.reshape(N, -1)``, and the operator is ``Permute · (I_C ⊗ R_H ⊗ R_W) · Permute``
(channels-last to channel-major and back; the permutations are left out for one channel).

What ``tf.image.resize`` (TensorFlow 2) computes per axis, with s = n/N and
half-pixel centres ``src = (i + ½)·s − ½`` (read from TensorFlow's ``image_ops_impl.py``,
``resize_bilinear_op.cc``, ``resize_nearest_neighbor_op.cc``, ``resize_bicubic_op.cc``):

- ``bilinear``: linear weights at src, the two taps clamped to the border (PyTorch's
  ``align_corners=False`` exactly);
- ``nearest``: ``x[min(⌊(i + ½)·s⌋, n − 1)]`` (PyTorch's ``nearest-exact``);
- ``bicubic``: Keys' cubic with a = −1/2 (PyTorch: −3/4), its weights looked up in a table
  of 1024 steps (t rounded to a multiple of 1/1024, ties to even), taps outside the image
  dropped and the remaining weights divided by their sum (PyTorch clamps the taps);
- ``area``: each output averages the input over ``[i·s, (i + 1)·s)``, a pixel weighted by
  the length of its overlap (:class:`~symconv.operators.resample.AreaResample`; PyTorch's
  ``area`` averages whole pixels instead).

With ``antialias=True`` bilinear and bicubic go through ``scale_and_translate`` with the
``triangle`` and ``keyscubic`` (a = −1/2) kernels: stretched by n/N on an axis that
shrinks, every input the kernel reaches weighted and the weights renormalised, with no
table (so an antialiased bicubic up-sampling differs from the plain one by the table's
rounding); nearest and area ignore ``antialias``.

TensorFlow computes in float32 (bilinear, bicubic and area return float32 even for float64
images). The methods ``lanczos3``, ``lanczos5``, ``gaussian``, ``mitchellcubic`` are not
supported (not rational, or not asked for).

Examples
--------
>>> from symconv import explicit
>>> explicit(resize((1, 2), (1, 4)))
Matrix([
[  1,   0],
[3/4, 1/4],
[1/4, 3/4],
[  0,   1]])
"""

from __future__ import annotations

import sympy as sp

from symconv import _validate
from symconv.errors import ParameterError
from symconv.frameworks._common import in_layouts, spatial
from symconv.operators.grid import kron
from symconv.operators.resample import AreaResample, Resample, source_map

__all__ = ["resize"]

METHODS = ("bilinear", "nearest", "bicubic", "area")


def _axis(method: str, n: int, length: int, antialias: bool) -> Resample | AreaResample:
    if method == "area":
        return AreaResample(n, length)
    if method == "nearest":
        s = sp.Rational(n, length)
        return Resample(n, length, "nearest", s, s / 2)
    scale, offset = source_map("half_pixel", n, length)
    if antialias:  # scale_and_translate: 'triangle' / 'keyscubic', stretched when shrinking
        kernel = "linear" if method == "bilinear" else "cubic"
        a = sp.Rational(-1, 2)
        return Resample(n, length, kernel, scale, offset, a, "renormalize", 0, max(scale, 1))
    if method == "bilinear":
        return Resample(n, length, "linear", scale, offset)
    return Resample(n, length, "cubic", scale, offset, sp.Rational(-1, 2), "renormalize", 1024)


def resize(input_size, size, method="bilinear", antialias=False, channels=1) -> sp.MatrixExpr:
    """``tf.image.resize(images, size, method, antialias=antialias)``; images (N, H, W, C).

    Parameters
    ----------
    input_size : (int, int)
        (H, W) of the images.
    size : (int, int)
        (new_height, new_width).
    method : {"bilinear", "nearest", "bicubic", "area"}
    antialias : bool
        As in TensorFlow (bilinear and bicubic only).
    channels : int
        C.

    Examples
    --------
    >>> op = resize((2, 3), (4, 5), "bicubic", channels=3)
    >>> op.shape
    (60, 18)
    >>> op.args[1].args[1]  # Permute · (I ⊗ R_H ⊗ R_W) · Permute
    Resample(2, 4, 'cubic', 1/2, -1/4, -1/2, 'renormalize', 1024, 1)
    """
    sizes_in = spatial("input_size", input_size, 2)
    sizes_out = spatial("size", size, 2)
    if method not in METHODS:
        raise ParameterError("method", method, f"one of {', '.join(METHODS)}")
    c = int(_validate.size("channels", channels))
    axes = [_axis(method, n, length, bool(antialias)) for n, length in zip(sizes_in, sizes_out)]
    op = kron(sp.Identity(c), *axes) if c > 1 else kron(*axes)
    return in_layouts([op], "CHW", ("HWC", (c, *sizes_in)), ("HWC", (c, *sizes_out)))
