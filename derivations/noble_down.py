"""The first Noble identity: filter with ↑ₖh then decimate = decimate then filter with h.

↓ₖ((↑ₖh)∗x) = h∗(↓ₖx) for full convolutions: a filter whose taps sit only at
multiples of k commutes with decimation. This is the basis of efficient
polyphase decimators.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "noble-down"


def build() -> Derivation:
    """The checked derivation of ``noble-down`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
