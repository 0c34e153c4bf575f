"""Serve MathJax from the built site itself, so the math renders with no network.

Sphinx's ``sphinx.ext.mathjax`` points at a CDN by default; our machines and CI
have no internet. MathJax 3 comes from the PyPI package ``django-static-mathjax``
(in the ``docs`` extra; it is a plain copy of the MathJax distribution and needs
no Django). This extension copies the one bundle the site loads
(``es5/tex-chtml-full.js``: TeX input with every extension built in, so nothing
is fetched lazily) and the web fonts it loads next to it into
``_static/mathjax/``; ``conf.py`` sets ``mathjax_path`` to that copy.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

BUNDLE = "tex-chtml-full.js"
FONTS = Path("output", "chtml", "fonts", "woff-v2")


def mathjax_distribution() -> Path:
    """The ``es5`` directory of the installed MathJax distribution."""
    spec = importlib.util.find_spec("mathjax")  # not imported: its __init__ is for Django
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        es5 = Path(location, "static", "mathjax", "es5")
        if (es5 / BUNDLE).is_file() and (es5 / FONTS).is_dir():
            return es5
    raise ExtensionError(
        "offline MathJax not found: install the docs extra "
        "(pip install '.[docs]', which brings django-static-mathjax)"
    )


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    es5 = mathjax_distribution()
    target = Path(app.outdir, "_static", "mathjax")
    (target / FONTS).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(es5 / BUNDLE, target / BUNDLE)
    shutil.copytree(es5 / FONTS, target / FONTS, dirs_exist_ok=True)
    licence = es5.parent / "LICENSE"
    if licence.is_file():
        shutil.copyfile(licence, target / "LICENSE")


def _check(app: Sphinx) -> None:
    # Fail at the start of the build, not after minutes of reading.
    if app.builder.format == "html":
        mathjax_distribution()


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _check)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
