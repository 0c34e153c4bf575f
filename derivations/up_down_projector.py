"""↑ₖ↓ₖ is a projector, not the identity.

Down-sampling then up-sampling zeroes every sample whose index is not a
multiple of k: ↑₂↓₂ = diag(1, 0, 1, 0, …). SymPy's own Kronecker-delta sums
get this wrong (they drop the divisibility and return the identity); symconv's
symbolic tier keeps the divisibility explicit.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "up-down-projector"


def build() -> Derivation:
    """The checked derivation of ``up-down-projector`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
