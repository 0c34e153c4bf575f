r"""PyTorch's ``torch.nn.functional`` convolutions as symconv operators.

Same argument names, order and defaults as PyTorch, with the input tensor
replaced by its spatial size and no bias (a bias is affine, not linear).
Inputs are flattened channel-major, ``x.reshape(N, -1)`` of an (N, C, \*size)
tensor, exactly PyTorch's memory order.

Weights: ``(C_out, C_in/groups, \*k)`` for ``convNd`` and
``(C_in, C_out/groups, \*k)`` for ``conv_transposeNd`` — the same tensor as the
conv weight it transposes, which is why the transposed ops return
:class:`~symconv.operators.channels.ConvTransposeNd` of the *unchanged* weight.

PyTorch also accepts ``stride <= output_padding < dilation`` (e.g. stride 1,
dilation 2, output_padding 1), which is no output padding in the sense of
symconv's conventions (a < stride). PyTorch then keeps ``a`` more rows of the full
scatter result on that axis: while ``a <= padding`` that is the transposed
convolution with the asymmetric padding ``(p, p − a)`` (and output padding 0),
still the transpose of a convolution; rows beyond the full result are
structurally zero, and the adapter returns them honestly as a product
``pad · ConvTransposeNd`` whose first factor appends ``a − p`` zeros at the
end of that axis. That product is not the transpose of any convolution.

Examples
--------
>>> import numpy as np
>>> from symconv import explicit, lambdify
>>> op = conv_transpose2d([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], (1, 1), stride=2,
...                       padding=1, output_padding=1)
>>> explicit(op).T  # output_padding is not zero padding: a 1×1 input of ones gives [[5, 6], [8, 9]]
Matrix([[5, 6, 8, 9]])
>>> conv1d(np.ones((2, 1, 3)), 6, stride=2).shape
(4, 6)
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symconv.errors import ParameterError
from symconv.framework_padding import torch_accepts_output_padding, torch_same_padding
from symconv.frameworks._common import chain, per_axis, spatial, to_sympy, weight_array
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.grid import pad_nd

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
]


def _padding(padding: object, rank: int, kernel: tuple, stride: tuple, dilation: tuple) -> list:
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * rank
        if padding != "same":
            raise ParameterError("padding", padding, "'same', 'valid', an int or a tuple of ints")
        if any(s != 1 for s in stride):
            raise ParameterError(
                "padding", padding, "not 'same' with stride > 1 (PyTorch refuses it too)"
            )
        return [torch_same_padding(k, d) for k, d in zip(kernel, dilation)]
    return [(p, p) for p in per_axis("padding", padding, rank, minimum=0)]


def _arguments(
    rank: int, weight: object, size: object, stride: object, dilation: object
) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The weight as an array, and the size, stride and dilation per axis, checked."""
    return (
        weight_array("weight", weight, rank + 2),
        spatial("size", size, rank),
        per_axis("stride", stride, rank),
        per_axis("dilation", dilation, rank),
    )


def _conv(
    rank: int, weight: object, size: object, stride, padding, dilation, groups, padding_mode
) -> sp.MatrixExpr:
    w, size, stride, dilation = _arguments(rank, weight, size, stride, dilation)
    pads = _padding(padding, rank, w.shape[2:], stride, dilation)
    # A padding_mode other than 'zeros' pads first (torch_padding), then correlates 'valid'.
    extend = conv_padding(size, pads, padding_mode, w.shape[1] * groups)
    if extend is None:
        return CorrNd(to_sympy(w), size, pads, stride, dilation, groups)
    padded = [n + lo + hi for n, (lo, hi) in zip(size, pads)]
    return chain(CorrNd(to_sympy(w), padded, [(0, 0)] * rank, stride, dilation, groups), extend)


def _conv_transpose(
    rank: int, weight: object, size: object, stride, padding, output_padding, groups, dilation
) -> sp.MatrixExpr:
    w, size, stride, dilation = _arguments(rank, weight, size, stride, dilation)
    if isinstance(padding, str):
        raise ParameterError("padding", padding, "an int or a tuple of ints (no presets here)")
    pads = [(p, p) for p in per_axis("padding", padding, rank, minimum=0)]
    a = per_axis("output_padding", output_padding, rank, minimum=0)
    for a_k, s_k, d_k in zip(a, stride, dilation):
        if not torch_accepts_output_padding(a_k, s_k, d_k):
            raise ParameterError(
                "output_padding",
                output_padding,
                f"smaller than either stride {stride} or dilation {dilation} on every axis "
                "(PyTorch's rule)",
            )
    # stride <= a < dilation is not an output padding in symconv's sense (a < stride):
    # PyTorch keeps a more rows of the full result, which first un-crops the hi end
    # (a transposed conv with padding (p, p - a)) and beyond it appends zeros.
    pairs, kept, extra = [], [], []
    for (lo, hi), a_k, s_k in zip(pads, a, stride):
        if a_k < s_k:
            pairs.append((lo, hi)), kept.append(a_k), extra.append(0)
        else:
            cut = min(a_k, hi)
            pairs.append((lo, hi - cut)), kept.append(0), extra.append(a_k - cut)
    op = ConvTransposeNd(to_sympy(w), size, pairs, stride, dilation, kept, groups)
    if not any(extra):
        return op
    zeros = pad_nd(op.output_size, [(0, e) for e in extra], channels=op.channels[0])
    return chain(zeros, op)


def conv1d(
    weight, size, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"
) -> sp.MatrixExpr:
    """``torch.nn.functional.conv1d(input, weight, None, stride, padding, dilation, groups)``.

    Parameters
    ----------
    weight : array-like (C_out, C_in/groups, k)
    size : int
        The input length (the last axis of the input).
    stride, padding, dilation, groups
        As in PyTorch: padding an int, a 1-tuple, ``'same'`` (stride 1 only) or ``'valid'``.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}
        The ``padding_mode`` of ``torch.nn.Conv1d``: other than ``"zeros"``, the result is
        ``CorrNd(valid) @ BorderPad`` (see ``symconv.frameworks.torch_padding``).

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(conv1d([[[1, 2]]], 3, padding="same"))
    Matrix([
    [1, 2, 0],
    [0, 1, 2],
    [0, 0, 1]])
    """
    return _conv(1, weight, size, stride, padding, dilation, groups, padding_mode)


def conv2d(
    weight, size, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"
) -> sp.MatrixExpr:
    """``torch.nn.functional.conv2d``; weight (C_out, C_in/groups, kh, kw), size (H, W)."""
    return _conv(2, weight, size, stride, padding, dilation, groups, padding_mode)


def conv3d(
    weight, size, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"
) -> sp.MatrixExpr:
    """``torch.nn.functional.conv3d``; weight (C_out, C_in/groups, kd, kh, kw), size (D, H, W)."""
    return _conv(3, weight, size, stride, padding, dilation, groups, padding_mode)


def conv_transpose1d(
    weight, size, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> sp.MatrixExpr:
    """``torch.nn.functional.conv_transpose1d(input, weight, None, stride, padding, …)``.

    Parameters
    ----------
    weight : array-like (C_in, C_out/groups, k)
    size : int
        The input length.
    stride, padding, output_padding, groups, dilation
        As in PyTorch (note the order: ``groups`` before ``dilation``).

    Returns
    -------
    ConvTransposeNd, or ``pad · ConvTransposeNd`` when stride <= output_padding < dilation
    and output_padding > padding (see the module notes).

    Examples
    --------
    >>> conv_transpose1d([[[1, 1, 1]]], 2, stride=2, output_padding=1).shape
    (6, 2)
    >>> conv_transpose1d([[[1, 1]]], 2, output_padding=1, dilation=2)
    Pad(4, 0, 1)*ConvTransposeNd((1, 1, 2), (2,), ((0, 0),), (1,), (2,), (0,), 1)
    """
    return _conv_transpose(1, weight, size, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(
    weight, size, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> sp.MatrixExpr:
    """``torch.nn.functional.conv_transpose2d``; weight (C_in, C_out/groups, kh, kw)."""
    return _conv_transpose(2, weight, size, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(
    weight, size, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> sp.MatrixExpr:
    """``torch.nn.functional.conv_transpose3d``; weight (C_in, C_out/groups, kd, kh, kw)."""
    return _conv_transpose(3, weight, size, stride, padding, output_padding, groups, dilation)


from symconv.frameworks.torch_padding import conv_padding, pad  # noqa: E402  (re-exported)

__all__ += ["pad"]
from symconv.frameworks.torch_pooling import *  # noqa: E402,F403  pooling, pixel shuffle, unfold
from symconv.frameworks.torch_resample import interpolate  # noqa: E402,F401  (re-export)
