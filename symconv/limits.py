"""The documented limits on the work one call may do, and how to raise them.

A short input can ask for an enormous amount of work: ``Flip(10**12)`` as an
explicit matrix, a kernel of 10¹² taps, eight size symbols each up to 12
(12⁸ combinations), ``Max`` over a thousand names. symconv checks such
requests *before* doing the work and raises :class:`LimitError`, which names
the limit, what was asked for and how to raise the limit:

======================  ===========  ==================================================
limit                   default      bounds
======================  ===========  ==================================================
``size``                10,000,000   rows or columns of an operator made explicit or
                                     compared exactly (``explicit``, ``check``)
``nonzeros``            1,000,000    non-zero entries of an explicit SymPy matrix
``dense``               50,000,000   entries of a dense reference matrix (the numeric
                                     tier of a proof, 400 MB of floats)
``taps``                100,000      taps of one kernel
``terms``               5,000        products expanded by ``convolve`` of two kernels
``instances``           1,000,000    size combinations a proof enumerates
``arguments``           20           arguments of ``Max``/``Min`` in the expression
                                     language (SymPy compares them pairwise)
``items``               10,000       values one listing prints (``symconv shapes`` lists
                                     one input size per stride step)
======================  ===========  ==================================================

Raise a limit for one process with :func:`set_limits`, for a block with
:func:`raised`, or from the environment with ``SYMCONV_LIMIT_<NAME>``
(``SYMCONV_LIMIT_SIZE=100000000``), which also reaches the command line.

Examples
--------
>>> require("taps", 10**12, "kernel('q', 10**12)")
Traceback (most recent call last):
...
symconv.limits.LimitError: kernel('q', 10**12) needs 1,000,000,000,000 taps, above the limit \
taps = 100,000; raise it with symconv.limits.set_limits(taps=...) or SYMCONV_LIMIT_TAPS=...
>>> with raised(taps=10**13):
...     require("taps", 10**12, "kernel('q', 10**12)")
>>> current("taps")
100000
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator

import sympy as sp

from symconv.errors import SymconvError

__all__ = ["DEFAULTS", "LimitError", "current", "raised", "require", "set_limits", "terms"]

#: The default value of every limit, and the unit its count is in.
DEFAULTS: dict[str, tuple[int, str]] = {
    "size": (10_000_000, "rows or columns"),
    "nonzeros": (1_000_000, "non-zero entries"),
    "dense": (50_000_000, "dense entries"),
    "taps": (100_000, "taps"),
    "terms": (5_000, "expanded products"),
    "instances": (1_000_000, "size combinations"),
    "arguments": (20, "arguments"),
    "items": (10_000, "listed values"),
}


def _from_environment(name: str, default: int) -> int:
    text = os.environ.get(f"SYMCONV_LIMIT_{name.upper()}")
    if text is None:
        return default
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise SymconvError(f"SYMCONV_LIMIT_{name.upper()}={text!r}: expected an integer >= 1")
    return value


_CURRENT: dict[str, int] = {
    name: _from_environment(name, value) for name, (value, _) in DEFAULTS.items()
}


class LimitError(SymconvError):
    """A request above one of the documented limits, refused before any work.

    Parameters
    ----------
    limit : str
        The limit's name (a key of :data:`DEFAULTS`).
    needed : int
        How much the request needs, in the limit's unit.
    what : str
        The request, in words (``"explicit(Flip(1000000))"``).
    """

    def __init__(self, limit: str, needed: int, what: str) -> None:
        self.limit, self.needed, self.what = limit, needed, what
        unit = DEFAULTS[limit][1]
        super().__init__(
            f"{what} needs {needed:,} {unit}, above the limit {limit} = {_CURRENT[limit]:,}; "
            f"raise it with symconv.limits.set_limits({limit}=...) or "
            f"SYMCONV_LIMIT_{limit.upper()}=..."
        )


def _check_name(name: str) -> None:
    if name not in DEFAULTS:
        raise SymconvError(f"unknown limit {name!r}; limits: {', '.join(DEFAULTS)}")


def current(name: str) -> int:
    """The value of limit ``name`` now."""
    _check_name(name)
    return _CURRENT[name]


def require(name: str, needed: int, what: str) -> None:
    """Raise :class:`LimitError` if ``needed`` is above limit ``name``."""
    if needed > current(name):
        raise LimitError(name, needed, what)


def set_limits(**values: int) -> dict[str, int]:
    """Set limits for this process; returns their previous values (for restoring).

    Examples
    --------
    >>> previous = set_limits(items=50_000)
    >>> current("items"), previous
    (50000, {'items': 10000})
    >>> _ = set_limits(**previous)
    """
    for name, value in values.items():
        _check_name(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SymconvError(f"limit {name}={value!r}: expected an integer >= 1")
    previous = {name: _CURRENT[name] for name in values}
    _CURRENT.update(values)
    return previous


@contextlib.contextmanager
def raised(**values: int) -> Iterator[None]:
    """Within the ``with`` block, the given limits; restored afterwards."""
    previous = set_limits(**values)
    try:
        yield
    finally:
        _CURRENT.update(previous)


def terms(taps: Iterable[sp.Expr]) -> int:
    """How many additive terms the taps hold in all (the measure of the ``terms`` limit).

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> terms([a + b, 2 * a, sp.Integer(0)])
    3
    """
    return sum(len(sp.Add.make_args(tap)) for tap in taps if tap != 0)
