"""Checkerboard artifacts: how many taps reach each output of a transposed conv.

The overlap count 1ₘ ∗ (↑ₛ1) is [1, 1, 2, 1, 2, …, 2, 1, 1] for m = 3, s = 2
and uniform away from the borders exactly when s divides m (Odena et al.).
Uneven overlap is what paints the checkerboard.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "checkerboard-overlap"


def build() -> Derivation:
    """The checked derivation of ``checkerboard-overlap`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
