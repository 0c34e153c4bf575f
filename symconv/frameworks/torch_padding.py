r"""PyTorch's padding modes: ``F.pad`` and the ``padding_mode`` of ``nn.Conv1d/2d/3d``.

``pad(input_size, pad, mode, value, channels)`` mirrors
``torch.nn.functional.pad(input, pad, mode, value)`` with the input tensor replaced by
its spatial size and a channel count: it returns the operator on the flattened,
channel-major input ``x.reshape(N, -1)`` of an (N, C, \*input_size) tensor.

PyTorch's pad tuple is **last axis first**: ``(left, right)`` of the last axis, then
``(top, bottom)`` of the one before, and so on. Its limits, checked here with PyTorch's
own reasons:

- ``"constant"``: any amounts, negative ones crop; ``value`` must be 0 (a non-zero
  value makes the map affine, not linear); pads the last ``len(pad) // 2`` axes.
- ``"reflect"``: every amount smaller than the axis size (one reflection).
- ``"replicate"``: any amount >= 0.
- ``"circular"``: every amount at most the axis size (one wrap).
- the non-constant modes pad every spatial axis (``len(pad) == 2 · len(input_size)``,
  1 to 3 spatial axes), and symconv does not model their negative amounts.

Examples
--------
>>> from symconv import explicit
>>> op = pad(3, (2, 1), mode="reflect")
>>> op
BorderPad(3, 2, 1, 'reflect')
>>> explicit(op.T)  # the backward of reflect padding folds the border gradients back
Matrix([
[0, 0, 1, 0, 0, 0],
[0, 1, 0, 1, 0, 1],
[1, 0, 0, 0, 1, 0]])
>>> pad((2, 3), (1, 0, 0, 1), mode="circular")  # width padded (1, 0), height (0, 1)
KroneckerProduct(BorderPad(2, 0, 1, 'circular'), BorderPad(3, 1, 0, 'circular'))
"""

from __future__ import annotations

import sympy as sp

from symconv import _validate, sizes
from symconv.errors import ParameterError
from symconv.frameworks._common import chain, require_zero_fill, spatial
from symconv.operators.grid import _separable
from symconv.operators.padding import Crop, Pad
from symconv.operators.padding_modes import BorderPad

__all__ = ["PADDING_MODES", "conv_padding", "pad"]

#: ``padding_mode`` of the Conv modules: PyTorch's name → symconv's mode.
PADDING_MODES = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _check_amount(mode: str, n: int, amount: int, pad: object) -> None:
    """PyTorch's limit on one amount of one axis of size n in mode ``mode``."""
    if mode == "constant":
        return
    if amount < 0:
        raise ParameterError(
            "pad", pad, f"amounts >= 0 in mode {mode!r} (symconv does not model negative ones)"
        )
    largest = sizes.largest_pad(n, mode, "torch")
    if largest is not None and amount > largest:
        reason = {
            "reflect": f"smaller than the axis size {n} in mode 'reflect' (PyTorch's rule)",
            "circular": f"at most the axis size {n} in mode 'circular' "
            "(PyTorch refuses to wrap around more than once)",
        }[mode]
        raise ParameterError("pad", pad, f"amounts {reason}")


def _axis(mode: str, n: int, lo: int, hi: int) -> sp.MatrixExpr:
    """One axis padded by (lo, hi) in ``mode``; a negative constant amount crops."""
    if lo == 0 and hi == 0:
        return sp.Identity(n)
    if mode != "constant":
        return BorderPad(n, lo, hi, mode)
    grown = n + max(lo, 0) + max(hi, 0)
    padded = Pad(n, max(lo, 0), max(hi, 0))
    if lo >= 0 and hi >= 0:
        return padded
    _validate.require(
        grown - max(-lo, 0) - max(-hi, 0) >= 1,
        "pad",
        (lo, hi),
        f"amounts that leave at least one sample of an axis of size {n}",
    )
    return chain(Crop(grown, max(-lo, 0), max(-hi, 0)), padded)


def _pairs_last_first(pad: object, rank: int, mode: str) -> list[tuple[int, int]]:
    """PyTorch's flat, last-axis-first pad tuple as (lo, hi) per axis, first axis first."""
    if isinstance(pad, (str, bytes)) or not hasattr(pad, "__len__"):
        raise ParameterError("pad", pad, "a tuple of ints (left, right, top, bottom, …)")
    amounts = [int(_validate.integer("pad", v)) for v in pad]
    if len(amounts) % 2 or not amounts or len(amounts) > 2 * rank:
        raise ParameterError(
            "pad", pad, f"an even number (2 to {2 * rank}) of ints, two per padded axis"
        )
    if mode != "constant" and len(amounts) != 2 * rank:
        raise ParameterError(
            "pad",
            pad,
            f"{2 * rank} ints in mode {mode!r}: PyTorch's non-constant modes pad every spatial "
            "axis of an (N, C, *spatial) input",
        )
    pairs = [(0, 0)] * (rank - len(amounts) // 2)
    pairs += [(amounts[2 * k], amounts[2 * k + 1]) for k in reversed(range(len(amounts) // 2))]
    return pairs


def pad(
    input_size: object,
    pad: object,
    mode: str = "constant",
    value: object = None,
    channels: int = 1,
) -> sp.MatrixExpr:
    """``torch.nn.functional.pad(input, pad, mode, value)`` on an ``(N, C, *input_size)`` input.

    Parameters
    ----------
    input_size : int or tuple of ints
        The spatial size (1 to 3 axes for the non-constant modes).
    pad : tuple of ints
        Last axis first: ``(left, right)``, then ``(top, bottom)``, then ``(front, back)``.
    mode : {"constant", "reflect", "replicate", "circular"}
    value : None or 0
        The fill value of ``"constant"``; anything else is affine, not linear.
    channels : int
        C: an identity on the channel axis (channel-major flattening).

    Returns
    -------
    sympy.MatrixExpr
        A :class:`~symconv.BorderPad` (or :class:`~symconv.Pad`) per axis, their Kronecker
        product in N-D; its transpose is PyTorch's backward of the padding.

    Examples
    --------
    >>> pad(4, (1, 1), value=2.5)
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: value=2.5 is not allowed: expected None or 0 ...
    >>> pad(3, (3, 0), mode="reflect")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: pad=(3, 0) is not allowed: expected amounts smaller than \
the axis size 3 in mode 'reflect' (PyTorch's rule)
    """
    if mode not in _PAD_MODES:
        raise ParameterError("mode", mode, f"one of {', '.join(map(repr, _PAD_MODES))}")
    require_zero_fill("value", value, none_too=True)
    size = spatial("input_size", input_size)
    if mode != "constant" and not 1 <= len(size) <= 3:
        raise ParameterError(
            "input_size", input_size, f"1 to 3 spatial axes in mode {mode!r} (PyTorch's rule)"
        )
    pairs = _pairs_last_first(pad, len(size), mode)
    for n, (lo, hi) in zip(size, pairs):
        _check_amount(mode, n, lo, pad)
        _check_amount(mode, n, hi, pad)
    return _separable(size, channels, lambda k, n: _axis(mode, n, *pairs[k]))


def conv_padding(
    size: tuple[int, ...], pairs: list[tuple[int, int]], padding_mode: str, channels: int
) -> sp.MatrixExpr | None:
    """The padding a Conv module with ``padding_mode`` applies before its valid correlation.

    None for ``"zeros"`` (the correlation pads with zeros itself). The limits are
    PyTorch's, checked through :func:`pad`.

    Examples
    --------
    >>> conv_padding((4,), [(1, 1)], "circular", channels=2)
    KroneckerProduct(I, BorderPad(4, 1, 1, 'circular'))
    >>> conv_padding((4,), [(1, 1)], "mirror", channels=1)
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: padding_mode='mirror' is not allowed: expected one of \
'zeros', 'reflect', 'replicate', 'circular'
    """
    if padding_mode not in PADDING_MODES:
        allowed = ", ".join(map(repr, PADDING_MODES))
        raise ParameterError("padding_mode", padding_mode, f"one of {allowed}")
    if padding_mode == "zeros" or all(lo == hi == 0 for lo, hi in pairs):
        return None
    flat = tuple(v for lo_hi in reversed(pairs) for v in lo_hi)
    return pad(size, flat, PADDING_MODES[padding_mode], channels=channels)
