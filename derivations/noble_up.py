"""The second Noble identity: (↑ₖh)∗(↑ₖx) = ↑ₖ(h∗x).

Filtering a zero-stuffed signal with a zero-stuffed filter is zero-stuffing
the filtered signal — provided both ↑ₖ keep the same number e < k of trailing
zeros, which the finite form makes explicit.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "noble-up"


def build() -> Derivation:
    """The checked derivation of ``noble-up`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
