"""JAX's ``lax.conv_general_dilated`` and ``lax.conv_transpose`` as symconv operators.

Same argument names, order and defaults as ``jax.lax``, with ``lhs`` replaced
by its spatial size (in the order of the kernel spec's spatial letters) and
``rhs`` the weight in the layout ``dimension_numbers`` names.

``conv_general_dilated`` with ``lhs_dilation`` first inserts ``l − 1`` zeros
between input samples (↑ₗ to length l(n − 1) + 1), then pads (negative
padding crops, as in JAX), then correlates with stride and ``rhs_dilation``:
the operator is ``CorrNd · Crop · ↑`` with the trivial factors left out.
Padding strings: ``VALID``, ``SAME`` (the odd extra at the end) and
``SAME_LOWER`` (the odd extra at the start), computed like JAX from the
*undilated* input size.

``dimension_numbers``: None (``NCH``/``NCHW``…, ``OIH``/``OIHW``…) or three
layout strings such as ``("NHWC", "HWIO", "NHWC")``; the batch letter must
come first. Channels-last layouts get :class:`~symconv.operators.grid.Permute` factors, so an
input sample is flattened in its own memory order.

``conv_transpose`` is JAX's own definition: a ``conv_general_dilated`` with
``lhs_dilation = strides``, window strides 1 and, for ``SAME``/``VALID``,
JAX's transposed padding. Its default layouts are channels-last
(``NHWC``/``HWIO``). Without ``transpose_kernel`` the kernel is *not* flipped
or swapped, so it is the transpose of a convolution with the flipped kernel;
with ``transpose_kernel=True`` and ``VALID`` it equals PyTorch's
``conv_transpose`` with the same spatial kernel.

Examples
--------
>>> from symconv import explicit
>>> explicit(conv_general_dilated([[[1, 2]]], 2, (1,), [(0, 0)], lhs_dilation=(2,)))
Matrix([
[1, 0],
[0, 2]])
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symconv.errors import ParameterError
from symconv.framework_padding import jax_transpose_padding, same_padding
from symconv.frameworks._common import in_layouts, per_axis, spatial, to_sympy, weight_array
from symconv.operators.channels import CorrNd
from symconv.operators.grid import crop_nd, upsample_nd

__all__ = ["conv_general_dilated", "conv_transpose"]

_LETTERS = "HWDXYZ"


def _specs(dimension_numbers: object, rank: int, default: str) -> tuple[str, str, str]:
    if dimension_numbers is None:
        spatial_letters = _LETTERS[:rank]
        if default == "channels_first":
            return "NC" + spatial_letters, "OI" + spatial_letters, "NC" + spatial_letters
        return "N" + spatial_letters + "C", spatial_letters + "IO", "N" + spatial_letters + "C"
    try:
        lhs, rhs, out = (str(s) for s in dimension_numbers)
    except (TypeError, ValueError):
        raise ParameterError(
            "dimension_numbers", dimension_numbers, "None or three layout strings"
        ) from None
    spatial_rhs = [c for c in rhs if c not in "OI"]
    ok = (
        len(lhs) == len(rhs) == len(out) == rank + 2
        and sorted(lhs) == sorted(out) == sorted(["N", "C", *spatial_rhs])
        and "O" in rhs
        and "I" in rhs
        and lhs[0] == "N"
        and out[0] == "N"
    )
    if not ok:
        raise ParameterError(
            "dimension_numbers",
            dimension_numbers,
            f"three layout strings of {rank + 2} letters (N first in lhs and out, O and I in "
            "the kernel, the same spatial letters in all three)",
        )
    return lhs, rhs, out


def _build(rhs, size, window_strides, padding, lhs_dilation, rhs_dilation, specs, groups):
    lhs_spec, rhs_spec, out_spec = specs
    rank = len(rhs_spec) - 2
    letters = [c for c in rhs_spec if c not in "OI"]
    w = weight_array("rhs", rhs, rank + 2)
    w = np.transpose(w, [rhs_spec.index(c) for c in ("O", "I", *letters)])
    size = spatial("lhs size", size, rank)
    strides = per_axis("window_strides", window_strides, rank)
    lhs_d = per_axis("lhs_dilation", (1,) * rank if lhs_dilation is None else lhs_dilation, rank)
    rhs_d = per_axis("rhs_dilation", (1,) * rank if rhs_dilation is None else rhs_dilation, rank)
    kernel = w.shape[2:]
    if isinstance(padding, str):
        if padding not in ("SAME", "SAME_LOWER", "VALID"):
            raise ParameterError("padding", padding, "'SAME', 'SAME_LOWER', 'VALID' or pairs")
        if padding == "VALID":
            pads = [(0, 0)] * rank
        else:  # like JAX: from the undilated input size and the dilated kernel
            pads = [
                tuple(int(v) for v in same_padding(n, k, s, d, lower=padding == "SAME_LOWER"))
                for n, k, s, d in zip(size, kernel, strides, rhs_d)
            ]
    else:
        pads = [tuple(int(v) for v in p) for p in padding]
        if len(pads) != rank or any(len(p) != 2 for p in pads):
            raise ParameterError("padding", padding, f"{rank} pairs (lo, hi)")
    c_in = w.shape[1] * int(groups)
    dilated = [factor * (n - 1) + 1 for factor, n in zip(lhs_d, size)]
    up = None
    if any(factor > 1 for factor in lhs_d):
        up = upsample_nd(size, lhs_d, dilated, channels=c_in)
    crop = None
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        crop = crop_nd(dilated, [(max(-lo, 0), max(-hi, 0)) for lo, hi in pads], channels=c_in)
    cropped = [n - max(-lo, 0) - max(-hi, 0) for n, (lo, hi) in zip(dilated, pads)]
    positive = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    corr = CorrNd(to_sympy(w), cropped, positive, strides, rhs_d, groups)
    c_out = corr.channels[0]
    return in_layouts(
        [corr, crop, up],
        "C" + "".join(letters),
        (lhs_spec[1:], (c_in, *size)),
        (out_spec[1:], (c_out, *corr.output_size)),
    )


def conv_general_dilated(
    rhs,
    size,
    window_strides,
    padding,
    lhs_dilation=None,
    rhs_dilation=None,
    dimension_numbers=None,
    feature_group_count=1,
    batch_group_count=1,
) -> sp.MatrixExpr:
    """``jax.lax.conv_general_dilated(lhs, rhs, window_strides, padding, …)``.

    Parameters
    ----------
    rhs : array-like
        The kernel in the ``dimension_numbers`` kernel layout (default OIHW…).
    size : int or tuple
        The input's spatial size, in the kernel spec's spatial order.
    window_strides, lhs_dilation, rhs_dilation : sequences of ints
    padding : "VALID", "SAME", "SAME_LOWER" or a sequence of (lo, hi), possibly negative
    dimension_numbers : None or (lhs, rhs, out) layout strings
    feature_group_count : int
    batch_group_count : int
        Only 1 (a batch-grouped conv mixes samples: not a map of one sample).

    Examples
    --------
    >>> conv_general_dilated(np.ones((4, 1, 3, 3)), (5, 5), (2, 2), "SAME",
    ...                      feature_group_count=2).shape
    (36, 50)
    """
    if (
        isinstance(padding, str)
        and lhs_dilation is not None
        and any(factor != 1 for factor in lhs_dilation)
    ):
        raise ParameterError(
            "padding", padding, "explicit pairs when lhs_dilation is not 1 (JAX refuses it too)"
        )
    if batch_group_count != 1:
        raise ParameterError(
            "batch_group_count", batch_group_count, "1 (other values mix batch samples)"
        )
    w = weight_array("rhs", rhs)
    specs = _specs(dimension_numbers, w.ndim - 2, "channels_first")
    return _build(
        w, size, window_strides, padding, lhs_dilation, rhs_dilation, specs, feature_group_count
    )


def conv_transpose(
    rhs,
    size,
    strides,
    padding,
    rhs_dilation=None,
    dimension_numbers=None,
    transpose_kernel=False,
    use_consistent_padding=False,
) -> sp.MatrixExpr:
    """``jax.lax.conv_transpose(lhs, rhs, strides, padding, rhs_dilation, …)``.

    Parameters
    ----------
    rhs : array-like
        The kernel in the ``dimension_numbers`` kernel layout (default HWIO…).
    size : int or tuple
        The input's spatial size.
    strides : sequence of ints
    padding : "SAME", "VALID" or a sequence of (lo, hi)
        Pairs are the padding of the dilated input, unless ``use_consistent_padding``.
    transpose_kernel : bool
        Flip the spatial axes and swap I and O, as JAX does.
    use_consistent_padding : bool
        Read pairs as the forward conv's padding p, i.e. pad k − 1 − p (JAX ≥ 0.8).

    Examples
    --------
    >>> conv_transpose(np.ones((3, 3, 1, 1)), (2, 2), (2, 2), "SAME").shape
    (16, 4)
    >>> conv_transpose(np.ones((3, 1, 1)), 2, (2,), "VALID").shape  # k + s - 2 + max(k - s, 0)
    (5, 2)
    """
    w = weight_array("rhs", rhs)
    rank = w.ndim - 2
    specs = _specs(dimension_numbers, rank, "channels_last")
    rhs_spec = specs[1]
    letters = [c for c in rhs_spec if c not in "OI"]
    kernel = [w.shape[rhs_spec.index(c)] for c in letters]
    rhs_d = per_axis("rhs_dilation", (1,) * rank if rhs_dilation is None else rhs_dilation, rank)
    strides = per_axis("strides", strides, rank)
    if use_consistent_padding or isinstance(padding, str):
        modes = [padding] * rank if isinstance(padding, str) else list(padding)
        if len(modes) != rank:
            raise ParameterError("padding", padding, f"'SAME', 'VALID' or {rank} pairs")
        pads = [
            jax_transpose_padding(k, s, d, mode)
            for k, s, d, mode in zip(kernel, strides, rhs_d, modes)
        ]
    else:
        pads = padding  # the dilated input's padding, as given
    if transpose_kernel:
        w = np.flip(w, axis=[rhs_spec.index(c) for c in letters])
        w = np.swapaxes(w, rhs_spec.index("O"), rhs_spec.index("I"))
    return _build(w, size, (1,) * rank, pads, strides, rhs_d, specs, 1)


from symconv.frameworks.jax_padding import pad  # noqa: E402  (re-exported)

__all__ += ["pad"]
from symconv.frameworks.jax_resample import resize  # noqa: E402,F401  (re-export)
