"""Sphinx configuration for the symconv documentation site."""

from __future__ import annotations

import symconv

project = "symconv"
author = "the symconv developers"
copyright = "2026, the symconv developers"
version = release = symconv.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
]

numpydoc_show_class_members = False
autodoc_typehints = "none"
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(sympy|numpy|np|sp)\..*"), (r"py:class", r".*")]
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = f"symconv {release}"
