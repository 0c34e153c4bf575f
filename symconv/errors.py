"""The exceptions symconv raises.

Every error is a :class:`ValueError` subclass, so ``except ValueError`` catches
them all, and every message names the parameter, the value that was given and
what would have been allowed.
"""

from __future__ import annotations

from sympy.matrices.exceptions import ShapeError

__all__ = ["ParameterError", "ShapeMismatchError", "SymconvError"]


def _rebuild(cls: type, args: tuple, state: dict) -> BaseException:
    """Unpickle an error without calling its ``__init__`` (whose signature varies)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class SymconvError(ValueError):
    """Base class of every error symconv raises on purpose.

    Every subclass pickles (so an error raised in a worker process reaches the
    parent instead of hanging ``multiprocessing.Pool.map``): the default
    pickling of exceptions calls ``cls(*args)``, which fails for subclasses
    whose ``__init__`` takes other arguments than the message, so errors are
    rebuilt from their message and attributes instead.

    Examples
    --------
    >>> import pickle
    >>> error = pickle.loads(pickle.dumps(ParameterError("n", 0, "an integer >= 1")))
    >>> error.name, error.value, str(error)
    ('n', 0, 'n=0 is not allowed: expected an integer >= 1')
    """

    def __reduce__(self) -> tuple:
        return _rebuild, (type(self), self.args, dict(self.__dict__))


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
