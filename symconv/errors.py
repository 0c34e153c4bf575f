"""The exceptions symconv raises.

Every error is a :class:`ValueError` subclass, so ``except ValueError`` catches
them all, and every message names the parameter, the value that was given and
what would have been allowed.
"""

from __future__ import annotations

from sympy.matrices.exceptions import ShapeError

__all__ = ["ParameterError", "ShapeMismatchError", "SymconvError"]


class SymconvError(ValueError):
    """Base class of every error symconv raises on purpose."""


class ParameterError(SymconvError):
    """A parameter has a value outside its allowed range.

    Parameters
    ----------
    name : str
        The parameter's name as the user wrote it (``"stride"``, ``"length"``).
    value : object
        The value that was given.
    allowed : str
        What would have been accepted, in words.

    Examples
    --------
    >>> str(ParameterError("stride", 0, "an integer >= 1"))
    'stride=0 is not allowed: expected an integer >= 1'
    """

    def __init__(self, name: str, value: object, allowed: str) -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{name}={value!r} is not allowed: expected {allowed}")


class ShapeMismatchError(SymconvError, ShapeError):
    """Two operators were combined whose shapes do not fit together."""
