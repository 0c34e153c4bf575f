"""The proof engine: named rewrite rules, four tiers of evidence, counterexamples.

- :mod:`symconv.proof.rules` and :mod:`symconv.proof.rewrite`: named rules and the rewriter;
- :mod:`symconv.proof.symbolic`: entrywise equality with symbolic sizes;
- :mod:`symconv.proof.counterexample`: exact comparison and the first difference;
- :mod:`symconv.proof.oracle`: the independent NumPy oracle;
- :mod:`symconv.proof.tiers`: the four tiers;
- :mod:`symconv.proof.prove`: :func:`prove` for a user's own identity, with a verdict
  (:class:`symconv.derivation.Verdict`) that never claims more than the tiers showed.
"""

from symconv.proof.counterexample import Counterexample, Difference, Undefined
from symconv.proof.prove import Proof, prove

__all__ = ["Counterexample", "Difference", "Proof", "Undefined", "prove"]
