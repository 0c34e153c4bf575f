r"""Plain Unicode text (statements, notes, names) as safe LaTeX math-mode material.

Statements and notes in symconv are written in Unicode (``↑ₖ = ↓ₖᵀ``). In
LaTeX they must neither break compilation (pdflatex has no ``↑`` in text
mode) nor inject markup (``\input``, ``}``, ``%``). :func:`text_math` turns
such a string into math-mode LaTeX: runs of ASCII text go into ``\text{…}``
with every special character escaped, and the mathematical characters
symconv's statements use become their math commands. A character outside
the table is printed as its code point (``\text{[U+263A]}``): visible,
harmless, never a compile error.

Examples
--------
>>> text_math("↑ₖ = ↓ₖᵀ")
'\\mathord{\\uparrow}_{k}\\text{ = }\\mathord{\\downarrow}_{k}^{\\mathsf{T}}'
>>> text_math("50% of {x}")
'\\text{50\\% of \\{x\\}}'
"""

from __future__ import annotations

__all__ = ["escape_text", "text_math"]

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}

#: ASCII characters set as math, not text: delimiters, so that (q∗) spaces like math
_MATH_ASCII = set("()[]")

_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₖᵢⱼₙₘₛₜₐₑₒₓₕₗₚ₊₋", "0123456789kijnmstaeoxhlp+-"))
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ᵀᴺⁿᵏ⁺⁻", "0123456789TNnk+-"))
_SUPERSCRIPTS["ᵀ"] = r"\mathsf{T}"

_MATH = {
    "↑": r"\mathord{\uparrow}",
    "↓": r"\mathord{\downarrow}",
    "∗": r"\ast",
    "⋆": r"\star",
    "·": r"\cdot",
    "×": r"\times",
    "⊗": r"\otimes",
    "∘": r"\circ",
    "ℝ": r"\mathbb{R}",
    "ℤ": r"\mathbb{Z}",
    "ℕ": r"\mathbb{N}",
    "≤": r"\le",
    "≥": r"\ge",
    "≠": r"\ne",
    "≡": r"\equiv",
    "→": r"\to",
    "↦": r"\mapsto",
    "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow",
    "∈": r"\in",
    "∑": r"\sum",
    "Σ": r"\Sigma",
    "∇": r"\nabla",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "⌊": r"\lfloor",
    "⌋": r"\rfloor",
    "⌈": r"\lceil",
    "⌉": r"\rceil",
    "…": r"\dots",
    "−": "-",
    "–": "-",
    "δ": r"\delta",
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "λ": r"\lambda",
    "μ": r"\mu",
    "σ": r"\sigma",
    "τ": r"\tau",
    "∞": r"\infty",
    "±": r"\pm",
    "∣": r"\mid",
    "⊆": r"\subseteq",
    "∀": r"\forall",
    "∃": r"\exists",
    "¬": r"\neg",
    "∧": r"\wedge",
    "∨": r"\vee",
}


def escape_text(text: str) -> str:
    """Escape the ten LaTeX special characters of an ASCII text-mode string.

    Examples
    --------
    >>> escape_text(r"q}\\input{x}")
    'q\\\\}\\\\textbackslash{}input\\\\{x\\\\}'
    """
    return "".join(_TEXT_ESCAPES.get(c, c) for c in text)


def text_math(text: str) -> str:
    r"""``text`` as math-mode LaTeX that compiles with pdflatex and injects nothing.

    Consecutive sub- or superscript characters form one group (``ₖ₁`` is
    ``_{k1}``); line breaks and other control characters become spaces.

    Examples
    --------
    >>> print(text_math("xₙ₋₁ ∈ ℝᴺ"))
    \text{x}_{n-1}\in\mathbb{R}^{N}
    """
    out: list[str] = []
    run: list[str] = []  # pending ASCII text
    script: list[str] = []  # pending "_"/"^" group: [marker, chars...]
    scripted: set[str] = set()  # markers already attached to the current nucleus

    def flush(keep: str = "") -> None:
        if run and keep != "text":
            if "".join(run).strip():  # blanks between math pieces: math spacing does it
                out.append(r"\text{" + escape_text("".join(run)) + "}")
                scripted.clear()
            run.clear()
        if script and keep != script[0]:
            if script[0] in scripted:  # a second subscript needs a new (empty) nucleus
                out.append("{}")
                scripted.clear()
            out.append(script[0] + "{" + "".join(script[1:]) + "}")
            scripted.add(script[0])
            script.clear()

    for char in text:
        if char in _SUBSCRIPTS or char in _SUPERSCRIPTS:
            marker, value = (
                ("_", _SUBSCRIPTS[char]) if char in _SUBSCRIPTS else ("^", _SUPERSCRIPTS[char])
            )
            flush(keep=marker)
            if not script:
                script.append(marker)
            script.append(value)
        elif char in _MATH_ASCII:
            flush()
            out.append(char)
            scripted.clear()
        elif " " <= char <= "~" or char.isspace() or ord(char) < 32:
            flush(keep="text")
            run.append(char if " " <= char <= "~" else " ")
        else:
            flush()
            out.append(_MATH.get(char, rf"\text{{[U+{ord(char):04X}]}}"))
            scripted.clear()
    flush()
    return "".join(out)
