"""Printers: one package for every way symconv writes an expression or a derivation out.

- :mod:`symconv.printing.latex`: paper-ready LaTeX of operators, matrices,
  kernels and derivations (its entry point :func:`symconv.printing.latex.latex`
  is exported as ``symconv.latex``);
- :mod:`symconv.printing.text`: derivations as plain text, as ``symconv prove``
  prints them;
- :mod:`symconv.printing.expression`: expressions in the expression language
  that :mod:`symconv.parse` reads (:func:`~symconv.printing.expression.unparse`).

The package imports none of them, so that importing one printer does not pull
in the others.
"""
