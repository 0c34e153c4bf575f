"""Sphinx configuration for the symconv documentation site.

Build with ``bash scripts/docs.sh`` (warnings are errors, nitpicky). The site
renders its math offline (``_ext/offline_mathjax.py``), runs every derivation
in ``derivations/`` and fails on a failing one (``_ext/derivation_gallery.py``),
and draws its figures from the operators (``_ext/symconv_figure.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import symconv
from symconv.printing.latex import Notation, mathjax_macros

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "symconv"
author = "the symconv developers"
copyright = "2026, the symconv developers"
version = release = symconv.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "offline_mathjax",
    "derivation_gallery",
    "symconv_figure",
]

# Every identity of symconv.catalogue must have a script in derivations/.
derivation_gallery_require_catalogue = True
# The gallery's index links here for what the tiers R, S, E, N mean.
derivation_gallery_tiers_doc = "catalogue"

# --- math: MathJax 3 served from this site (no CDN), with the LaTeX output's macros ----------
mathjax_path = "mathjax/tex-chtml-full.js"

#: The notation of the whole site: the gallery prints its derivations with it (as macro
#: calls), and MathJax gets the macro definitions from the same object, so the site, the
#: ``.sty`` of :func:`symconv.printing.latex.preamble.sty` and the printer's output always agree.
#: Hand-written math on the pages uses these macro names too (``\upsample{k}``, ``\transp``).
symconv_notation = Notation(macros=True)
derivation_gallery_notation = symconv_notation
mathjax3_config = {"tex": {"macros": mathjax_macros(symconv_notation)}}

# --- API reference ---------------------------------------------------------------------------
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_typehints = "none"
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(sympy|numpy|np|sp|matplotlib)\..*"), (r"py:class", r".*")]

exclude_patterns = ["_build", "_generated", "**/.*"]
html_theme = "furo"
html_title = f"symconv {release}"
html_static_path = ["_static"]
html_css_files = ["symconv.css"]


def _resolve_reexport(app, env, node, contnode):
    """Resolve ``symconv.explicit`` and the like to the module that defines the object.

    The API page documents each function under its defining module (Sphinx's
    viewcode links break when one source file is documented under two module
    names), while the docs refer to the short, re-exported names.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("symconv.") or target.count(".") != 1:
        return None
    obj = getattr(symconv, target.split(".", 1)[1], None)
    module, name = getattr(obj, "__module__", None), getattr(obj, "__name__", None)
    if not (module and name) or f"{module}.{name}" == target:
        return None
    return env.get_domain("py").resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], f"{module}.{name}", node, contnode
    )


def setup(app):
    app.connect("missing-reference", _resolve_reexport)
