"""↓ₖ↑ₖ = I: decimation undoes zero insertion.

Up-sampling then down-sampling returns the signal, for every length of ↑ₖ.
The converse fails (see ``up-down-projector``), which is why a transposed
convolution is not an inverse of a convolution.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "down-up-identity"


def build() -> Derivation:
    """The checked derivation of ``down-up-identity`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
