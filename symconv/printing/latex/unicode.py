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
'\\mathord{\\uparrow}_{k}=\\mathord{\\downarrow}_{k}^{\\mathsf{T}}'
>>> text_math("50% of {x}")
'\\text{50\\% of \\{x\\}}'
"""

from __future__ import annotations

import re

__all__ = ["escape_text", "text_math", "text_paragraph"]

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

_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₖᵢⱼₙₘₛₜₐₑₒₓₕₗₚᵤᵥ₊₋", "0123456789kijnmstaeoxhlpuv+-"))
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
    "↔": r"\leftrightarrow",
    "↦": r"\mapsto",
    "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow",
    "∈": r"\in",
    "∑": r"\sum",
    "Σ": r"\sum",
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


#: ASCII relations written as two characters, and what they mean in math.
_RELATIONS = {">=": r"\geq", "<=": r"\leq", "!=": r"\neq"}
#: ASCII characters that are mathematics wherever they stand.
_MATH_SIGNS = {"=": "=", "<": "<", ">": ">", "+": "+", "|": r"\mid"}
#: A ``_{…}`` or ``_x`` subscript written in ASCII (``↑_d``, ``Σ_{u,v}``).
_ASCII_SCRIPT = re.compile(r"_(\{[^{}\\$%&#^_~]*\}|[A-Za-z0-9])")
#: Single-letter words that are English, not variables, unless they touch a relation.
_ENGLISH_LETTERS = {"a", "A", "I", "D"}
_ABBREVIATION = re.compile(r"\b([a-z])\.([a-z])\.")


def _script(content: str) -> str:
    """The math of a script's content (``u,v``, ``k₁×k₂``)."""
    out = []
    for char in content:
        if char in _SUBSCRIPTS:
            out.append(f"_{{{_SUBSCRIPTS[char]}}}")
        elif char in _MATH:
            out.append(_MATH[char] + " ")
        elif char.isascii() and (char.isalnum() or char in ",:+- "):
            out.append(char)
        else:
            out.append(rf"\text{{[U+{ord(char):04X}]}}")
    return "".join(out).strip()


Token = list  # [kind, value]: kind "text" (raw ASCII), "math" (LaTeX), "_" or "^" (a script)


def _tokens(text: str) -> list[Token]:
    """Split Unicode text into raw ASCII text, math pieces and script groups."""
    tokens: list[Token] = []

    def add(kind: str, value: str) -> None:
        if tokens and tokens[-1][0] == kind and kind in ("text", "_", "^"):
            tokens[-1][1] += ("" if kind == "text" else ",") * 0 + value
        else:
            tokens.append([kind, value])

    position = 0
    while position < len(text):
        char, pair = text[position], text[position : position + 2]
        script = _ASCII_SCRIPT.match(text, position) if char == "_" and position else None
        if pair in _RELATIONS:
            add("math", _RELATIONS[pair])
            position += 2
            continue
        if script is not None and not text[position - 1].isspace():
            add("_", _script(script.group(1).strip("{}")))
            position = script.end()
            continue
        if char in _SUBSCRIPTS:
            add("_", _SUBSCRIPTS[char])
        elif char in _SUPERSCRIPTS:
            add("^", _SUPERSCRIPTS[char])
        elif char in _MATH_ASCII:
            tokens.append(["paren", char])
        elif char in _MATH_SIGNS:
            add("math", _MATH_SIGNS[char])
        elif " " <= char <= "~" or char.isspace() or ord(char) < 32:
            add("text", char if " " <= char <= "~" else " ")
        else:
            add("math", _MATH.get(char, rf"\text{{[U+{ord(char):04X}]}}"))
        position += 1
    return tokens


def text_math(text: str) -> str:
    r"""``text`` as math-mode LaTeX that compiles with pdflatex and injects nothing.

    Consecutive sub- or superscript characters form one group (``ₖ₁`` is
    ``_{k1}``), and so does an ASCII ``_{u,v}`` or ``_d`` after a symbol;
    ``>=``, ``<=`` and ``!=`` are ``\geq``, ``\leq`` and ``\neq``; line breaks
    and other control characters become spaces.

    Examples
    --------
    >>> print(text_math("xₙ₋₁ ∈ ℝᴺ"))
    \text{x}_{n-1}\in\mathbb{R}^{N}
    >>> print(text_math("n >= 1, ↑_d q"))
    \text{n}\geq\text{1, }\mathord{\uparrow}_{d}\text{ q}
    """
    out: list[str] = []
    scripted: set[str] = set()  # markers already attached to the current nucleus
    tokens = _tokens(text)
    spaced = set(_RELATIONS.values()) | set(_MATH_SIGNS.values())
    for index, (kind, value) in enumerate(tokens):
        if kind == "text":  # a relation brings its own spaces
            if index + 1 < len(tokens) and tokens[index + 1][1] in spaced:
                value = value.rstrip(" ")
            if index and tokens[index - 1][1] in spaced:
                value = value.lstrip(" ")
        if kind in ("_", "^"):
            if kind in scripted:  # a second subscript needs a new (empty) nucleus
                out.append("{}")
                scripted.clear()
            out.append(f"{kind}{{{value}}}")
            scripted.add(kind)
            continue
        scripted.clear()
        if kind == "text":
            if value.strip():  # blanks between math pieces: math spacing does it
                out.append(r"\text{" + escape_text(value) + "}")
        else:
            out.append(value)
    return "".join(out)


def _word_math(word: str) -> str:
    """An ASCII word set in math: a variable, a number, or a name in upright letters."""
    if len(word) == 1 or word.isdigit():
        return word
    letters = re.fullmatch(r"([A-Za-z]+)([0-9]*)", word)
    if letters and letters.group(2):  # q0, s1: a name with a trailing index
        return f"{letters.group(1)}_{{{letters.group(2)}}}"
    return rf"\mathrm{{{word}}}" if word[0].isupper() or len(word) > 3 else rf"\mathit{{{word}}}"


def text_paragraph(text: str) -> str:
    r"""``text`` as text-mode LaTeX that breaks into lines: words as text, mathematics in ``$…$``.

    The mathematical characters, scripts and relations become inline math
    (``$\geq$``, never a raw ``>=``, which pdflatex's text fonts print as
    "¿="); a word that carries a script or touches a mathematical symbol
    (``q∗``, ``↑ₖx``), and a single-letter word (``n, k``; not the article
    "a" unless it stands next to a relation), is set as a variable. Every
    other character is escaped, so nothing can be injected.

    Examples
    --------
    >>> print(text_paragraph("q∗(↑ₖx) = x for all n, k >= 1"))
    $q\ast(\mathord{\uparrow}_{k}x) = x$ for all $n$, $k \geq 1$
    >>> print(text_paragraph("a conv with 0 <= a < s"))
    a conv with $0 \leq a < s$
    """
    # Words: split the text tokens into words and separators, each marked math or not.
    items: list[list] = []  # [is_math, latex or raw text, kind]
    for kind, value in _tokens(text):
        if kind == "text":
            for part in re.findall(r"[A-Za-z0-9]+|::|[^A-Za-z0-9]", value):
                items.append([False, part, "word" if part[0].isalnum() else "sep"])
        elif kind in ("_", "^"):
            items.append([True, f"{kind}{{{value}}}", "script"])
        else:
            items.append([kind == "math", value, kind])

    def neighbour(index: int, step: int, skip_space: bool = False) -> list | None:
        index += step
        while 0 <= index < len(items) and skip_space and items[index][1] == " ":
            index += step
        return items[index] if 0 <= index < len(items) else None

    def touches_math(index: int, skip_space: bool = False) -> bool:
        sides = (neighbour(index, -1, skip_space), neighbour(index, 1, skip_space))
        return any(side is not None and side[0] for side in sides)

    relation = {r"\geq", r"\leq", r"\neq", "=", "<", ">"}
    english = {m.start(g) for m in _ABBREVIATION.finditer(text) for g in (1, 2)}
    offset = 0
    for index, item in enumerate(items):  # single-letter variables
        before = neighbour(index, -1)
        if (
            item[2] == "word"
            and len(item[1]) == 1
            and item[1] not in _ENGLISH_LETTERS
            and not (before is not None and before[1] in ("'", "-"))
        ):
            item[0] = item[1].isalpha() and text.find(item[1], offset) not in english
        if item[2] == "word" and item[1] in text[offset:]:
            offset = text.index(item[1], offset) + len(item[1])
    for _ in range(4):  # words and brackets touching mathematics join it
        for index, item in enumerate(items):
            if item[0] or item[2] not in ("word", "paren"):
                continue
            after = neighbour(index, 1)
            scripted = item[2] == "word" and after is not None and after[2] == "script"
            signs = relation | {"+", "-"} if item[1].isdigit() else relation
            by_relation = (item[1] in _ENGLISH_LETTERS or item[1].isdigit()) and any(
                side is not None and side[0] and side[1] in signs
                for side in (neighbour(index, -1, True), neighbour(index, 1, True))
            )
            item[0] = scripted or by_relation or touches_math(index)
    # Blanks between two math items, and a colon or slash inside one (q[v::s]), stay in it.
    for index, item in enumerate(items):
        if not item[0] and item[1] in (" ", ":", "::", "/"):
            skip = item[1] == " "
            before, after = neighbour(index, -1, skip), neighbour(index, 1, skip)
            if before is not None and after is not None and before[0] and after[0]:
                item[0] = True
    out: list[str] = []
    math: list[str] = []
    for is_math, value, kind in items:
        if is_math:
            piece = _word_math(value) if kind == "word" else value
            if kind == "sep" and ":" in value:  # q[v::s]: a colon, not a relation
                piece = "{:}" * len(value)
            if math and re.search(r"\\[A-Za-z]+\Z", math[-1]) and piece[:1].isalpha():
                piece = " " + piece  # \ast x, not \astx
            math.append(piece)
            continue
        if math:
            out.append("$" + "".join(math).strip() + "$")
            math.clear()
        out.append(escape_text(value))
    if math:
        out.append("$" + "".join(math).strip() + "$")
    return "".join(out)
