"""Text and formulas made safe for pdflatex.

Two doors into a report, both guarded:

- :func:`escape_tex` turns any text (a title, a justification, a verdict's evidence, a source) into LaTeX
  that typesets exactly that text: the ten special characters ``\\ { } $ & # ^ _ ~ %`` become their
  printing commands, and the Unicode the derivations write (Greek letters, ∂, ≤, ‖, subscripts ₀…₉,
  superscripts ᵀ, combining accents as in α̃ or Σ̂, …) becomes the LaTeX that pdflatex understands.
  A character it does not know is shown by its code point (``[U+2A0D]``), never passed through.
- :func:`vet_formula` accepts LaTeX math written by a derivation (a step's ``written`` form) only if every
  control sequence is on a list of mathematical commands and the environments are the math ones
  (``cases``, ``pmatrix``, …): nothing in a formula can read or write a file (``\\input``, ``\\openout``,
  ``\\write``), change category codes, define macros or end the math. Unicode is mapped as in text.
"""

from __future__ import annotations

import re
import unicodedata

from .._errors import SymntkError

#: The printing form of each character that is special to TeX in text.
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "%": r"\%",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': "''",
}

_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
    "upsilon phi chi psi omega"
).split()
_GREEK_UPPER = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}


def _greek() -> dict[str, str]:
    table: dict[str, str] = {}
    for offset, name in enumerate(_GREEK):
        lower = chr(0x3B1 + offset + (1 if offset >= 17 else 0))  # U+03C2 is the final sigma
        table[lower] = "o" if name == "omicron" else "\\" + name
        upper_name = name.capitalize()
        upper = chr(0x391 + offset + (1 if offset >= 17 else 0))
        table[upper] = "\\" + upper_name if upper_name in _GREEK_UPPER else _latin_capital(upper)
    table["ς"] = r"\varsigma"
    table["ϕ"] = r"\phi"
    table["φ"] = r"\varphi"
    table["ϵ"] = r"\epsilon"
    table["ε"] = r"\varepsilon"
    table["ϑ"] = r"\vartheta"
    return table


def _latin_capital(upper: str) -> str:
    # The Greek capitals that look like Latin ones (Α, Β, Ε, …) are typeset as those, upright.
    name = unicodedata.name(upper).split()[-1]
    latin = {
        "ALPHA": "A",
        "BETA": "B",
        "EPSILON": "E",
        "ZETA": "Z",
        "ETA": "H",
        "IOTA": "I",
        "KAPPA": "K",
        "MU": "M",
        "NU": "N",
        "OMICRON": "O",
        "RHO": "P",
        "TAU": "T",
        "CHI": "X",
    }
    return r"\mathrm{" + latin[name] + "}"


#: Characters typeset in math mode: the math command of each.
MATH: dict[str, str] = {
    **_greek(),
    "⩽": r"\le",
    "⩾": r"\ge",
    "≦": r"\le",
    "≧": r"\ge",
    "≺": r"\prec",
    "≻": r"\succ",
    "⪯": r"\preceq",
    "⪰": r"\succeq",
    "∥": r"\parallel",
    "∖": r"\setminus",
    "⟹": r"\Longrightarrow",
    "⟸": r"\Longleftarrow",
    "⟺": r"\Longleftrightarrow",
    "∮": r"\oint",
    "∬": r"\iint",
    "≅": r"\cong",
    "⋆": r"\star",
    "∙": r"\bullet",
    "⊖": r"\ominus",
    "∠": r"\angle",
    "ℑ": r"\Im",
    "ℜ": r"\Re",
    "ℵ": r"\aleph",
    "≔": ":=",
    "⊢": r"\vdash",
    "½": r"\tfrac{1}{2}",
    "¼": r"\tfrac{1}{4}",
    "¾": r"\tfrac{3}{4}",
    "∂": r"\partial",
    "∇": r"\nabla",
    "∞": r"\infty",
    "∑": r"\sum",
    "∏": r"\prod",
    "∫": r"\int",
    "√": r"\surd",
    "·": r"\cdot",
    "⋅": r"\cdot",
    "×": r"\times",
    "÷": r"\div",
    "∘": r"\circ",
    "⊗": r"\otimes",
    "⊙": r"\odot",
    "⊕": r"\oplus",
    "±": r"\pm",
    "∓": r"\mp",
    "−": "-",
    "∗": "*",
    "≤": r"\le",
    "≥": r"\ge",
    "≠": r"\ne",
    "≈": r"\approx",
    "≃": r"\simeq",
    "≡": r"\equiv",
    "∼": r"\sim",
    "∝": r"\propto",
    "≪": r"\ll",
    "≫": r"\gg",
    "≍": r"\asymp",
    "→": r"\to",
    "←": r"\leftarrow",
    "↦": r"\mapsto",
    "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow",
    "⟶": r"\longrightarrow",
    "↑": r"\uparrow",
    "↓": r"\downarrow",
    "∈": r"\in",
    "∉": r"\notin",
    "⊂": r"\subset",
    "⊆": r"\subseteq",
    "∪": r"\cup",
    "∩": r"\cap",
    "∀": r"\forall",
    "∃": r"\exists",
    "∅": r"\emptyset",
    "¬": r"\neg",
    "∧": r"\wedge",
    "∨": r"\vee",
    "‖": r"\|",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "⌊": r"\lfloor",
    "⌋": r"\rfloor",
    "⌈": r"\lceil",
    "⌉": r"\rceil",
    "′": "'",
    "″": "''",
    "‴": "'''",
    "ℓ": r"\ell",
    "ℏ": r"\hbar",
    "†": r"\dagger",
    "ℝ": r"\mathbf{R}",
    "ℕ": r"\mathbf{N}",
    "ℤ": r"\mathbf{Z}",
    "ℚ": r"\mathbf{Q}",
    "ℂ": r"\mathbf{C}",
    "𝔼": r"\mathbf{E}",
    "𝓛": r"\mathcal{L}",
    "𝒩": r"\mathcal{N}",
    "𝒪": r"\mathcal{O}",
    "ℒ": r"\mathcal{L}",
    "𝟙": r"\mathbf{1}",
    "°": r"^{\circ}",
    "⊤": r"\top",
    "⊥": r"\perp",
    "⋯": r"\cdots",
    "⋮": r"\vdots",
}

_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "0123456789+-=()aeoxhklmnpstijruv", strict=True))
_SUPERSCRIPTS = dict(
    zip(
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀʳᵏˡᵐᵗᵃᵇᶜᵈᵉᶠᵍʰʲᵒᵖˢᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵁⱽᵂ",
        "0123456789+-=()inTrklmtabcdefghjopsuvwxyzABDEGHIJKLMNOPRUVW",
        strict=True,
    )
)

#: Combining marks: the accent command each puts on the character before it.
_ACCENTS = {
    "\u0300": r"\grave",
    "\u0301": r"\acute",
    "\u0302": r"\hat",
    "\u0303": r"\tilde",
    "\u0304": r"\bar",
    "\u0305": r"\bar",
    "\u0306": r"\breve",
    "\u0307": r"\dot",
    "\u0308": r"\ddot",
    "\u030c": r"\check",
    "\u20d7": r"\vec",
}

#: Characters typeset in text mode.
_TEXT = {
    "–": "--",
    "—": "---",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "…": r"\dots{}",
    "\u00a0": "~",
    "•": r"\textbullet{}",
    "§": r"\S{}",
    "¶": r"\P{}",
    "©": r"\copyright{}",
    "é": r"\'e",
    "è": r"\`e",
    "ê": r"\^e",
    "ë": r"\"e",
    "á": r"\'a",
    "à": r"\`a",
    "â": r"\^a",
    "ä": r"\"a",
    "ó": r"\'o",
    "ô": r"\^o",
    "ö": r"\"o",
    "ú": r"\'u",
    "ü": r"\"u",
    "í": r"\'i",
    "ï": r"\"i",
    "ç": r"\c{c}",
    "ñ": r"\~n",
    "É": r"\'E",
    "Ö": r"\"O",
    "Ü": r"\"U",
    "ß": r"\ss{}",
    "ø": r"\o{}",
    "å": r"\aa{}",
    "\u200b": "",
    **{chr(0x2460 + k - 1): rf"\textcircled{{\scriptsize {k}}}" for k in range(1, 21)},  # ① … ⑳
    "\u2009": r"\,",
    "\u202f": r"\,",
    "\u2002": " ",
    "\u2003": r"\quad{}",
}


_WHITESPACE = re.compile(r"\s+")


def _clusters(text: str) -> list[tuple[str, str]]:
    """``text`` as (base character, combining marks) pairs."""
    out: list[tuple[str, str]] = []
    for ch in text:
        if unicodedata.combining(ch) and out:
            base, marks = out[-1]
            out[-1] = (base, marks + ch)
        else:
            out.append((ch, ""))
    return out


def _unknown(ch: str) -> str:
    return f"[U+{ord(ch):04X}]"


_ALPHANUMERIC = re.compile(
    r"MATHEMATICAL (BOLD |ITALIC |BOLD ITALIC |SCRIPT |BOLD SCRIPT |DOUBLE-STRUCK |SANS-SERIF |FRAKTUR )?"
    r"(CAPITAL|SMALL) ([A-Z])$"
)
_STYLES = {
    "BOLD ": r"\mathbf",
    "SCRIPT ": r"\mathcal",
    "BOLD SCRIPT ": r"\mathcal",
    "DOUBLE-STRUCK ": r"\mathbb",
    "SANS-SERIF ": r"\mathsf",
}


def _alphanumeric(base: str) -> str | None:
    """A mathematical alphanumeric symbol (𝒳, 𝐱, ℝ-like letters) as a styled letter: ``\\mathcal{X}``."""
    m = _ALPHANUMERIC.match(unicodedata.name(base, ""))
    if m is None:
        return None
    style, case, letter = m.groups()
    letter = letter if case == "CAPITAL" else letter.lower()
    command = _STYLES.get(style or "")
    if command is None or (command in (r"\mathcal", r"\mathbb") and case == "SMALL"):
        return letter
    return f"{command}{{{letter}}}"


def _math_of(base: str, marks: str) -> str | None:
    """The math-mode LaTeX of one character with its accents, or None if it has no math form.

    Precomposed letters (ŷ, ċ) are taken apart into a letter and its accents."""
    decomposed = unicodedata.normalize("NFD", base)
    if base in MATH:
        core = MATH[base]
    elif base.isascii() and base.isalnum():
        core = base
    elif len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
        return _math_of(decomposed[0], decomposed[1:] + marks)
    elif (styled := _alphanumeric(base)) is not None:
        core = styled
    else:
        return None
    for mark in marks:
        accent = _ACCENTS.get(mark)
        if accent is None:
            return None
        core = f"{accent}{{{core}}}"
    return core


def escape_tex(text: object) -> str:
    """``text`` as LaTeX that typesets it literally in a text paragraph (see the module docstring).

    Runs of whitespace (newlines included) become one space, so text cannot end a paragraph or a table row.

    >>> escape_tex("100% of $x_1$ & {y}")
    '100\\\\% of \\\\$x\\\\_1\\\\$ \\\\& \\\\{y\\\\}'
    >>> print(escape_tex("∂f/∂w₁"))
    \\ensuremath{\\partial}f/\\ensuremath{\\partial}w\\ensuremath{_{1}}
    >>> print(escape_tex("≤ α̃"))
    \\ensuremath{\\le} \\ensuremath{\\tilde{\\alpha}}
    """
    out: list[str] = []
    clusters = _clusters(_WHITESPACE.sub(" ", str(text)))
    i = 0
    while i < len(clusters):
        base, marks = clusters[i]
        for table, op in ((_SUBSCRIPTS, "_"), (_SUPERSCRIPTS, "^")):
            if base in table and not marks:
                run = ""
                while i < len(clusters) and clusters[i][0] in table and not clusters[i][1]:
                    run += table[clusters[i][0]]
                    i += 1
                out.append(rf"\ensuremath{{{op}{{{run}}}}}")
                break
        else:
            i += 1
            if marks:
                math = _math_of(base, marks)
                out.append(rf"\ensuremath{{{math}}}" if math is not None else _unknown(base + marks))
            elif base in _SPECIAL:
                out.append(_SPECIAL[base])
            elif base.isascii():
                out.append(base)
            elif base in _TEXT:
                out.append(_TEXT[base])
            elif (math := _math_of(base, "")) is not None:
                out.append(rf"\ensuremath{{{math}}}")
            else:
                out.append(_unknown(base))
    return "".join(out)


# -------------------------------------------------------------------------------------------------------
# formulas

#: The control words a written formula may use: mathematics only.
ALLOWED_COMMANDS = frozenset(
    {n.lstrip("\\") for n in MATH.values() if n.startswith("\\") and n[1:].isalpha()}
    | set(
        """
        alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho
        sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi
        Psi Omega
        frac dfrac tfrac sqrt binom left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr middle
        mathrm mathbf mathcal mathbb mathsf mathit mathtt boldsymbol operatorname text textrm
        textit textbf mbox boxed substack
        tilde widetilde hat widehat dot ddot bar overline underline vec check breve acute grave
        overset underset stackrel xrightarrow xleftarrow overbrace underbrace limits nolimits displaystyle
        textstyle scriptstyle
        sum prod int oint iint coprod bigcup bigcap bigotimes bigoplus lim liminf limsup sup inf max min arg
        log ln exp sin cos tan arcsin arccos arctan sinh cosh tanh det dim ker Pr
        partial nabla infty cdot cdots ldots dots vdots ddots times div circ otimes odot oplus pm mp ast star
        le leq ge geq ne neq approx simeq equiv sim propto ll gg asymp
        to rightarrow leftarrow longrightarrow Rightarrow Leftrightarrow Longrightarrow mapsto uparrow
        downarrow iff implies colon not bmod pmod lbrace rbrace
        in notin subset subseteq cup cap forall exists emptyset neg wedge vee setminus mid parallel
        langle rangle lfloor rfloor lceil rceil lvert rvert lVert rVert vert Vert
        prime ell hbar dagger top perp bullet
        diamond ominus oslash bigcirc ddagger amalg uplus sqcap sqcup wr triangleleft triangleright
        bigtriangleup bigtriangledown prec succ preceq succeq supset supseteq sqsubseteq sqsupseteq ni vdash
        dashv models bowtie smile frown doteq cong gets leftrightarrow longleftarrow longleftrightarrow
        Leftarrow Longleftarrow Longleftrightarrow longmapsto hookleftarrow hookrightarrow updownarrow Uparrow
        Downarrow Updownarrow nearrow searrow swarrow nwarrow rightharpoonup rightharpoondown leftharpoonup
        leftharpoondown rightleftharpoons impliedby aleph imath jmath wp Re Im bot angle triangle flat
        natural sharp backslash iiint bigsqcup bigvee bigwedge bigodot biguplus cot coth csc deg gcd hom lg
        sec dddot mathring overrightarrow overleftarrow varpi varrho mathnormal textsf scriptscriptstyle
        dbinom tbinom cfrac phantom smash dotsb dotsc dotsm dotsi mod
        quad qquad
        begin end
        """.split()
    )
)
#: Environments a written formula may open (the ones whose ``&`` and ``\\`` stay inside the formula).
ALLOWED_ENVIRONMENTS = frozenset(
    {
        "cases",
        "matrix",
        "pmatrix",
        "bmatrix",
        "vmatrix",
        "Vmatrix",
        "smallmatrix",
        "aligned",
        "split",
        "array",
    }
)
_CONTROL_SYMBOLS = frozenset(",;:! {}|")
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|\\$|(\s+)|(.)", re.S)


def vet_formula(formula: str, where: str) -> str:
    """``formula`` (LaTeX math) if it is safe to typeset, with its Unicode mapped; else :class:`SymntkError`.

    ``where`` names the formula in the error (``"derivation x, step 2"``).

    >>> vet_formula(r"\\sum_{i} x_i x'_i + β^2", "example")
    "\\\\sum_{i} x_i x'_i + \\\\beta ^2"
    >>> vet_formula(r"\\input{/etc/passwd}", "example")
    Traceback (most recent call last):
    ...
    symntk._errors.SymntkError: example: the LaTeX command \\input is not allowed in a formula
    """
    out: list[str] = []
    depth = 0
    environments: list[str] = []
    for m in _TOKEN.finditer(formula):
        word, symbol, space, char = m.groups()
        if word is not None:
            if word not in ALLOWED_COMMANDS:
                raise SymntkError(f"{where}: the LaTeX command \\{word} is not allowed in a formula")
            if word in ("begin", "end"):
                environments.append(word)
            out.append("\\" + word)
        elif symbol is not None:
            if symbol == "\\" and _inside_environment(environments):
                out.append("\\\\")
                continue
            if symbol not in _CONTROL_SYMBOLS:
                raise SymntkError(f"{where}: the LaTeX control symbol \\{symbol} is not allowed in a formula")
            out.append("\\" + symbol)
        elif space is not None:
            out.append(" ")
        elif char is not None:
            text = _formula_char(char, formula, m.start(), where, _inside_environment(environments))
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    raise SymntkError(f"{where}: unbalanced braces in formula {formula!r}")
            out.append(text)
        else:  # a lone backslash at the end
            raise SymntkError(f"{where}: formula {formula!r} ends with a backslash")
    if depth != 0:
        raise SymntkError(f"{where}: unbalanced braces in formula {formula!r}")
    result = "".join(out)
    _check_environments(result, where)
    return _map_unicode_math(result, where)


def _inside_environment(tokens: list[str]) -> bool:
    return tokens.count("begin") > tokens.count("end")


def _formula_char(char: str, formula: str, pos: int, where: str, in_env: bool) -> str:
    if char in "%#$":
        raise SymntkError(f"{where}: the character {char!r} is not allowed in a formula")
    if char == "&" and not in_env:
        raise SymntkError(f"{where}: '&' is allowed in a formula only inside cases or a matrix")
    if char == "^" and formula[pos + 1 : pos + 2] == "^":
        raise SymntkError(f"{where}: '^^' is not allowed in a formula")
    if ord(char) < 32 or ord(char) == 127:
        raise SymntkError(f"{where}: control character U+{ord(char):04X} in a formula")
    return char


_ENV = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")


def _check_environments(formula: str, where: str) -> None:
    stack: list[str] = []
    found = 0
    for m in _ENV.finditer(formula):
        found += 1
        kind, name = m.groups()
        if name not in ALLOWED_ENVIRONMENTS:
            raise SymntkError(f"{where}: the environment {name!r} is not allowed in a formula")
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise SymntkError(f"{where}: \\end{{{name}}} does not close the environment open in the formula")
    if stack or found != formula.count(r"\begin") + formula.count(r"\end"):
        raise SymntkError(f"{where}: every \\begin needs its {{name}} and its \\end in a formula")


def _map_unicode_math(formula: str, where: str) -> str:
    out: list[str] = []
    for base, marks in _clusters(formula):
        if base.isascii() and not marks:
            out.append(base)
            continue
        if base in _SUBSCRIPTS and not marks:
            out.append(f"_{{{_SUBSCRIPTS[base]}}}")
            continue
        if base in _SUPERSCRIPTS and not marks:
            out.append(f"^{{{_SUPERSCRIPTS[base]}}}")
            continue
        math = _math_of(base, marks)
        if math is None:
            raise SymntkError(f"{where}: no LaTeX for the character {base + marks!r} (U+{ord(base):04X})")
        out.append(math + " " if math[-1].isalpha() else math)
    return "".join(out)
