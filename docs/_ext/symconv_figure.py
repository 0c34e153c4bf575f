"""The ``symconv-figure`` directive: a figure computed by :mod:`symconv.figures` at build time.

Usage::

    .. symconv-figure:: transposed_as_direct(stride=2)
       :alt: example 3 of the daved01/deconvolutions README

       The caption (one paragraph).

The argument is a call of one public function of :mod:`symconv.figures` with
literal keyword arguments only (it is parsed, never ``eval``-ed). The PNG is
written to ``docs/_generated/figures/`` (not committed), named after the call,
so the same call is drawn once per build.
"""

from __future__ import annotations

import ast
import hashlib
import os
import tempfile
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

import symconv.figures

OUTPUT = Path("_generated", "figures")


def parse_call(text: str) -> tuple[str, dict[str, object]]:
    """``"f(a=1, b=(2, 3))"`` -> ``("f", {"a": 1, "b": (2, 3)})``; only public figure functions."""
    try:
        call = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise ValueError(f"not a call: {text!r} ({error.msg})") from None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)) or call.args:
        raise ValueError(f"expected name(keyword=literal, ...), got {text!r}")
    if call.func.id not in symconv.figures.__all__:
        raise ValueError(
            f"{call.func.id!r} is not a figure; expected one of {symconv.figures.__all__}"
        )
    return call.func.id, {k.arg: ast.literal_eval(k.value) for k in call.keywords}


def render(srcdir: str | Path, call: str) -> str:
    """Draw ``call`` into the source tree (atomically); return its path relative to srcdir."""
    name, kwargs = parse_call(call)
    digest = hashlib.sha1(repr((name, sorted(kwargs.items()))).encode()).hexdigest()[:10]
    relative = OUTPUT / f"{name}-{digest}.png"
    target = Path(srcdir, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure = getattr(symconv.figures, name)(**kwargs)
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=target.parent)
    os.close(handle)
    try:
        figure.savefig(temporary, dpi=100)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    return relative.as_posix()


class SymconvFigure(SphinxDirective):
    """Render a :mod:`symconv.figures` call as a figure with a caption."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, object]] = {
        "alt": directives.unchanged_required,
        "width": directives.length_or_percentage_or_unitless,
    }

    def run(self) -> list[nodes.Node]:
        try:
            relative = render(self.env.srcdir, self.arguments[0])
        except (ValueError, TypeError) as error:
            raise self.error(f"symconv-figure: {error}") from None
        self.env.note_dependency(symconv.figures.__file__)
        image = nodes.image(uri="/" + relative, alt=self.options.get("alt", self.arguments[0]))
        if "width" in self.options:
            image["width"] = self.options["width"]
        figure = nodes.figure("", image, classes=["symconv-figure"])
        if self.content:
            holder = nodes.Element()
            self.state.nested_parse(self.content, self.content_offset, holder)
            first = holder.children[0]
            if isinstance(first, nodes.paragraph):
                figure += nodes.caption(first.rawsource, "", *first.children)
                figure += holder.children[1:]
            else:
                figure += holder.children
        return [figure]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("symconv-figure", SymconvFigure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
