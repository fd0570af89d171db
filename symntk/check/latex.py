"""LaTeX to SymPy: a small recursive-descent parser that reads mathematics and never evaluates text.

``symntk verify`` (issue 5) takes an equality written in LaTeX. This module turns the user's text into SymPy
objects by parsing it against a grammar we control; nothing is ever handed to ``eval``, ``sympify`` or
``parse_expr``, and anything outside the grammar is rejected with one line saying what and where.

The grammar (whitespace and the spacing commands ``\\, \\; \\! \\quad ~`` are ignored)::

    condition := expr (REL expr)+              REL: < > \\le \\leq \\ge \\geq \\neq ≤ ≥ ≠ (no =)
    expr      := [+|-] term ((+|-) term)*
    term      := factor ((\\cdot | \\times | * | /) factor | factor)*     juxtaposition is a product
    factor    := primary (^ script | _ script | ' | !)*
    primary   := number | symbol | constant | ( expr ) | [ expr ] | { expr } | \\left( expr \\right) | |expr|
               | \\frac{A}{B} | \\sqrt[n]{x} | function | \\sum_{i=a}^{b} term | \\prod_{i=a}^{b} term
               | \\frac{d}{dx} term | \\frac{\\partial^2}{\\partial x \\partial y} term | \\frac{d f}{d x}
               | \\int_{a}^{b} expr dx | \\int expr dx | \\iint expr dx dy | \\lim_{x \\to a} term
               | \\left. expr \\right|_{x=a} | \\lfloor expr \\rfloor | \\lceil expr \\rceil | \\binom{n}{k}

What the symbols mean:

- Numbers are exact: ``0.1`` is 1/10. ``\\pi`` is π, ``\\infty`` is ∞, ``e`` (and ``\\mathrm{e}``) is Euler's
  number, so ``e^{x}`` is exp(x), unless ``e`` is declared (positive or a function) or bounds a sum; ``i`` is
  an ordinary symbol (an index, never the imaginary unit).
- Symbols are real. A symbol is a letter or Greek letter with decorations and scripts, named as SymPy
  names them so that ``latex()`` prints them back: ``\\alpha`` is ``alpha``, ``\\tilde{\\alpha}`` is
  ``alphatilde``, ``\\dot{\\sigma}`` is ``sigmadot``, ``W_{ik}`` is ``W_ik``, ``n_{\\ell}`` is ``n_ell``,
  ``x'`` is ``x'``, and a superscript in parentheses is a label, not a power: ``\\alpha^{(\\ell)}`` is
  ``alpha^(ell)`` (but ``e^{(x+1)}`` is exp(x + 1)).
- A letter before parentheses is a product: ``c \\left(x+1\\right)`` and ``n (n+1)`` multiply. Only names
  declared as functions (``functions=("sigma", "f")``) are applied: ``\\sigma(u)``, ``f{\\left(x \\right)}``,
  ``f^{2}(x)`` = f(x)², ``f'(u)`` = f′(u).
- Known functions: sin … csc, their inverses (``\\arcsin`` or ``\\operatorname{asin}``), the hyperbolic
  ones and their inverses, ``\\exp``, ``\\log`` = ``\\ln`` (natural; ``\\log_{b}`` for base b),
  ``\\operatorname{erf}``, erfc, erfi, sign, ``\\max``, ``\\min``, ``\\operatorname{atan}_{2}``, ``|x|``.
  ``\\sin^{2} x`` is sin(x)²; ``\\sin^{-1}`` is rejected as ambiguous. Without parentheses a function takes
  one factor (``\\sin x^{2}`` is sin(x²)), and a further juxtaposed factor (``\\sin x y``) is rejected.
- ``\\sum_{i=a}^{b}``, ``\\prod_{i=a}^{b}`` and the derivative operators ``\\frac{d}{dt}``,
  ``\\frac{\\partial}{\\partial w}`` apply to the rest of the product term (up to the next + or − at their
  level), as SymPy prints them. A summation index is an integer symbol; every symbol in the bounds of a sum is
  a positive integer. Inside a sum over i, ``x_{i}`` is the indexed ``x[i]`` (and then ``x_{1}`` is ``x[1]``
  everywhere), so that Σ_{i=1}^{2} x_i = x_1 + x_2 holds.
- An integral's integrand runs to its differential ``dx`` (or ``\\mathrm{d}x``), so inside an integrand a
  ``d`` followed by a letter always closes it.
- Letters written together that spell a command (``sqrt(x)``, ``alpha``, ``pi``, ``ln``) and scientific
  notation (``1e-3``) are errors rather than products of letters; ``ab`` is a·b, and subscripts may spell
  words (``\\lambda_{min}``).
- ``/`` followed by a juxtaposed factor (``a/b c``), two numbers in a row (``2 3``, ``x^23``), a trailing
  operator (``x -``), unbalanced delimiters, unknown commands and any character outside the grammar are
  errors.

The result of parsing several texts together (the two sides and the ``--where`` conditions of one claim) uses
one symbol table, so a symbol that bounds a sum on one side is the same positive integer on the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from .._errors import SymntkError

__all__ = ["Parsed", "parse_condition", "parse_latex", "parse_texts"]

#: Longest text accepted, in characters, and deepest nesting of groups.
MAX_LENGTH = 20_000
MAX_DEPTH = 100
#: Largest exact integer power or factorial built while parsing, in bits (beyond it the text is rejected).
MAX_BITS = 100_000

_GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa lambda mu nu xi "
    "omicron rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi "
    "Sigma Upsilon Phi Psi Omega ell hbar".split()
)
_UNICODE = {
    **dict(
        zip(
            "αβγδεζηθικλμνξρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ",
            (
                "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau "
                "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
            ).split(),
            strict=True,
        )
    ),
    "ℓ": "ell",
    "π": "pi",
    "∞": "infty",
    "·": "cdot",
    "×": "times",
    "≤": "leq",
    "≥": "geq",
    "≠": "neq",
    "→": "to",
}
_MINUS = "−"  # U+2212, read as '-'
#: Decorations: command → the suffix SymPy uses in a symbol's name (sympy.printing.latex.modifier_dict).
_MODIFIERS = {
    "hat": "hat",
    "widehat": "hat",
    "tilde": "tilde",
    "widetilde": "tilde",
    "bar": "bar",
    "overline": "bar",
    "dot": "dot",
    "ddot": "ddot",
    "dddot": "dddot",
    "vec": "vec",
    "check": "check",
    "breve": "breve",
    "acute": "acute",
    "grave": "grave",
    "mathring": "mathring",
    "boldsymbol": "bold",
    "mathbf": "bold",
    "bm": "bold",
    "mathcal": "cal",
    "mathscr": "scr",
    "mathfrak": "frak",
}
_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "cot": sp.cot,
    "sec": sp.sec,
    "csc": sp.csc,
    "asin": sp.asin,
    "arcsin": sp.asin,
    "acos": sp.acos,
    "arccos": sp.acos,
    "atan": sp.atan,
    "arctan": sp.atan,
    "acot": sp.acot,
    "arccot": sp.acot,
    "asec": sp.asec,
    "arcsec": sp.asec,
    "acsc": sp.acsc,
    "arccsc": sp.acsc,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "coth": sp.coth,
    "sech": sp.sech,
    "csch": sp.csch,
    "asinh": sp.asinh,
    "arsinh": sp.asinh,
    "arcsinh": sp.asinh,
    "acosh": sp.acosh,
    "arcosh": sp.acosh,
    "arccosh": sp.acosh,
    "atanh": sp.atanh,
    "artanh": sp.atanh,
    "arctanh": sp.atanh,
    "acoth": sp.acoth,
    "arcoth": sp.acoth,
    "arccoth": sp.acoth,
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "erf": sp.erf,
    "erfc": sp.erfc,
    "erfi": sp.erfi,
    "sign": sp.sign,
    "sgn": sp.sign,
    "max": sp.Max,
    "min": sp.Min,
    "atan2": sp.atan2,
}
#: Functions LaTeX itself has a command for (the others are written \operatorname{erf} or \mathrm{erf}).
_FUNCTION_COMMANDS = frozenset(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh coth exp log ln max min".split()
)
_MULTI_ARGUMENT = frozenset({"max", "min", "atan2"})
#: Commands that, written without their backslash, would silently read as a product of letters.
_SPELLED = frozenset("sqrt frac sum prod int lim infty partial cdot times abs pi".split())
_RELATIONS = {
    "<": sp.StrictLessThan,
    ">": sp.StrictGreaterThan,
    "lt": sp.StrictLessThan,
    "gt": sp.StrictGreaterThan,
    "le": sp.LessThan,
    "leq": sp.LessThan,
    "leqslant": sp.LessThan,
    "ge": sp.GreaterThan,
    "geq": sp.GreaterThan,
    "geqslant": sp.GreaterThan,
    "neq": sp.Ne,
    "ne": sp.Ne,
}
_SPACES = frozenset({",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "limits"})
_SIZES = frozenset(
    {
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "Bigl",
        "biggl",
        "Biggl",
        "bigr",
        "Bigr",
        "biggr",
        "Biggr",
        "bigm",
        "Bigm",
    }
)
_OPENERS = {
    "(": ")",
    "[": "]",
    "\\{": "\\}",
    "|": "|",
    "\\lvert": "\\rvert",
    "\\langle": "\\rangle",
    "\\lfloor": "\\rfloor",
    "\\lceil": "\\rceil",
    ".": "|",  # \left. f \right|_{x=a}: f at x = a
}


# --------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # num, letter, cmd, op, open, close, bar, lbrace, rbrace, end
    text: str
    col: int  # 1-based column in the source text
    sized: bool = False  # \left( ... \right) rather than ( ... )

    def show(self) -> str:
        if self.kind == "end":
            return "the end"
        if self.kind == "cmd":
            return f"'\\{self.text}'"
        size = ("\\left" if self.kind == "open" else "\\right") if self.sized else ""
        return f"'{size}{self.text}'"


_TOKEN = re.compile(
    r"(?P<space>\s+|~)|(?P<num>\d+(?:\.\d+)?)|(?P<letter>[A-Za-z])|\\(?P<cmd>[A-Za-z]+|[^A-Za-z])"
    r"|(?P<op>[-+*/^_'!,=<>])|(?P<open>[(\[])|(?P<close>[)\]])|(?P<bar>\|)|(?P<lbrace>\{)|(?P<rbrace>\})"
)


_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][-+]?\d+")  # 1.5e-3: not LaTeX, and 1.5·e − 3 if read as such


def _tokenize(text: str) -> list[_Token]:
    if len(text) > MAX_LENGTH:
        raise SymntkError(f"LaTeX text is too long ({len(text)} characters; at most {MAX_LENGTH})")
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch in _UNICODE:
            name = _UNICODE[ch]
            tokens.append(_Token("cmd", name, pos + 1))
            pos += 1
            continue
        if ch == _MINUS:
            tokens.append(_Token("op", "-", pos + 1))
            pos += 1
            continue
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _error(text, pos + 1, f"unexpected character {ch!r}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        col = pos + 1
        pos = m.end()
        if kind == "space":
            continue
        scientific = _SCIENTIFIC.match(text, col - 1) if kind == "num" else None
        if scientific:
            raise _error(text, col, f"{scientific.group(0)} is not LaTeX: write it as 1.5 \\cdot 10^{{-3}}")
        if kind == "cmd":
            if value in _SPACES:
                continue
            if value in _SIZES:
                continue  # \big( is (
            if value in ("left", "right"):
                delim, pos = _delimiter(text, pos, value)
                if delim not in (_OPENERS if value == "left" else _OPENERS.values()):
                    raise _error(text, col, f"'\\{value}{delim}' is not a {value}-hand delimiter")
                if value == "left":
                    tokens.append(_Token("open", delim, col, sized=True))
                else:
                    tokens.append(_Token("close", delim, col, sized=True))
                continue
            if value in ("{", "}"):
                tokens.append(_Token("open" if value == "{" else "close", "\\" + value, col))
                continue
            if value in ("lvert", "langle", "lfloor", "lceil"):
                tokens.append(_Token("open", "\\" + value, col))
                continue
            if value in ("rvert", "rangle", "rfloor", "rceil"):
                tokens.append(_Token("close", "\\" + value, col))
                continue
        tokens.append(_Token(kind, value, col))
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _delimiter(text: str, pos: int, which: str) -> tuple[str, int]:
    """The delimiter after ``\\left`` or ``\\right`` starting at ``pos``, and the position after it."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    m = re.compile(
        r"[()\[\]|.]|\\[{}]|\\(?:lvert|rvert|langle|rangle|vert|lfloor|rfloor|lceil|rceil)(?![A-Za-z])"
    ).match(text, pos)
    if m is None:
        raise _error(text, pos + 1, f"'\\{which}' must be followed by a delimiter such as ( [ \\{{ |")
    delim = m.group(0)
    if delim == "." and which == "right":
        raise _error(text, pos + 1, "'\\right.' (an invisible delimiter) is not supported")
    if delim == "\\vert":
        delim = "|"
    if delim in ("\\lvert", "\\rvert"):
        delim = "|"
    return delim, m.end()


def _error(text: str, col: int, message: str) -> SymntkError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    shown = " ".join(shown.split())
    return SymntkError(f"cannot read LaTeX {shown!r}: {message} (column {col})")


# --------------------------------------------------------------------------------------------- names


@dataclass
class _Name:
    """A symbol as written: a base letter with decorations, primes, labels ``^{(ℓ)}`` and subscripts."""

    base: str
    col: int
    primes: int = 0
    labels: list[str] = field(default_factory=list)
    subscripts: list[list[_Token]] = field(default_factory=list)
    power: list[_Token] | None = None  # x^{2}_{1}: the power written before the subscript

    @property
    def stem(self) -> str:
        """The name without subscripts (an IndexedBase's name when subscripts are indices)."""
        return self.base + "'" * self.primes + "".join(f"^{label}" for label in self.labels)

    def full(self) -> str:
        return self.stem + "".join(f"_{_render(sub)}" for sub in self.subscripts)

    @property
    def plain(self) -> bool:
        return not (self.primes or self.labels or self.subscripts)


def _render(tokens: Sequence[_Token]) -> str:
    """A subscript or label as it appears in a SymPy symbol name: ``{\\ell+1}`` → ``ell+1``."""
    out = []
    for tok in tokens:
        if tok.kind in ("letter", "num") or (tok.kind == "op" and tok.text in "+-,'"):
            out.append(tok.text)
        elif tok.kind == "cmd" and tok.text in _GREEK:
            out.append(tok.text)
        elif tok.kind in ("open", "close") and tok.text in "()" and not tok.sized:
            out.append(tok.text)
        elif tok.kind in ("lbrace", "rbrace"):
            continue
        else:
            raise SymntkError(f"{tok.show()} cannot appear in a subscript or label (column {tok.col})")
    return "".join(out)


# --------------------------------------------------------------------------------------------- context


@dataclass(frozen=True)
class _Vocabulary:
    """What the parser knows about names: declared functions, positive symbols, sum bounds, indexed bases."""

    functions: frozenset[str] = frozenset()
    positive: frozenset[str] = frozenset()
    bounds: frozenset[str] = frozenset()
    indexed: frozenset[str] = frozenset()

    def symbol(self, name: str) -> sp.Symbol:
        if name in self.bounds:
            return sp.Symbol(name, integer=True, positive=True)
        if name in self.positive:
            return sp.Symbol(name, positive=True)
        return sp.Symbol(name, real=True)

    def indexed_base(self, name: str) -> sp.IndexedBase:
        if name in self.positive:
            return sp.IndexedBase(name, positive=True)
        return sp.IndexedBase(name, real=True)


@dataclass
class _Usage:
    """What parsing found: free symbol names, functions applied, names bounding sums, indexed bases."""

    symbols: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    bounds: set[str] = field(default_factory=set)
    indexed: set[str] = field(default_factory=set)
    multiplied: set[str] = field(default_factory=set)  # symbols written before parentheses, read as products


# --------------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(
        self,
        text: str,
        tokens: list[_Token],
        vocabulary: _Vocabulary,
        usage: _Usage,
        scope: dict[str, sp.Symbol],
        depth: int = 0,
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.vocabulary = vocabulary
        self.usage = usage
        self.scope = scope  # summation indices in force: name → integer symbol
        self.depth = depth
        self.bars = 0  # open |...| without \left
        self.integrals = 0  # open integrals, each waiting for the dx that closes it

    # ---- token helpers

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> _Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def next(self) -> _Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        return self.tok.kind == kind and (text is None or self.tok.text == text)

    def error(self, message: str, tok: _Token | None = None) -> SymntkError:
        return _error(self.text, (tok or self.tok).col, message)

    def expect(self, kind: str, text: str | None = None, what: str = "") -> _Token:
        if not self.at(kind, text):
            raise self.error(f"expected {what or repr(text)}, found {self.tok.show()}")
        return self.next()

    def child(self, tokens: list[_Token]) -> _Parser:
        end = _Token("end", "", tokens[-1].col + len(tokens[-1].text) if tokens else self.tok.col)
        self.nest()
        self.depth -= 1
        return _Parser(self.text, [*tokens, end], self.vocabulary, self.usage, self.scope, self.depth + 1)

    def group_tokens(self) -> list[_Token]:
        """The tokens of a ``{...}`` group (the braces consumed, not returned)."""
        start = self.expect("lbrace", "{", "'{'")
        level, begin = 1, self.i
        while level:
            tok = self.next()
            if tok.kind == "end":
                raise self.error("unbalanced braces: '{' is never closed", start)
            level += {"lbrace": 1, "rbrace": -1}.get(tok.kind, 0)
        return self.tokens[begin : self.i - 1]

    def argument_tokens(self) -> list[_Token]:
        """A TeX macro argument: a ``{...}`` group, or a single token (one digit of a number)."""
        if self.at("lbrace"):
            tokens = self.group_tokens()
            if not tokens:
                raise self.error("empty group '{}'")
            return tokens
        tok = self.tok
        if tok.kind in ("num", "letter", "cmd"):
            if tok.kind == "num" and len(tok.text) > 1:  # TeX reads x^23 as x^{2}3
                if tok.text[1] == ".":
                    raise self.error(f"write the argument {tok.text} in braces: {{{tok.text}}}")
                self.tokens[self.i] = _Token("num", tok.text[1:], tok.col + 1)
                return [_Token("num", tok.text[0], tok.col)]
            self.next()
            return [tok]
        raise self.error(f"expected an argument, found {tok.show()}")

    # ---- grammar

    def parse_all(self, relations: bool) -> sp.Basic:
        if self.at("end"):
            raise self.error("empty expression")
        result = self.condition() if relations else self.expr()
        if not self.at("end"):
            tok = self.tok
            if not relations and ((tok.kind == "op" and tok.text in "<>=") or tok.text in _RELATIONS):
                raise self.error(f"expected an expression, found the relation {tok.show()}")
            if tok.kind == "close" or tok.kind == "rbrace":
                raise self.error(f"unbalanced {tok.show()}")
            raise self.error(f"unexpected {tok.show()} after a complete expression")
        return result

    def condition(self) -> sp.Basic:
        sides = [self.expr()]
        relations = []
        while self.relation_ahead():
            relations.append(_RELATIONS[self.next().text])
            sides.append(self.expr())
        if self.at("op", "="):
            raise self.error("an equation is not a domain condition: use <, >, \\leq, \\geq or \\neq")
        if not relations:
            raise self.error("expected a relation such as < or \\leq")
        parts = [rel(a, b) for rel, a, b in zip(relations, sides, sides[1:], strict=False)]
        for part in parts:
            if part in (sp.true, sp.false):
                raise self.error(f"the condition is always {str(part).lower()}", self.tokens[0])
        return sp.And(*parts) if len(parts) > 1 else parts[0]

    def relation_ahead(self) -> bool:
        tok = self.tok
        return (tok.kind == "op" and tok.text in "<>") or (tok.kind == "cmd" and tok.text in _RELATIONS)

    def nest(self) -> None:
        """Count one level of nesting: a text nested too deeply is rejected, not a stack overflow."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep")

    def expr(self) -> sp.Expr:
        self.nest()
        sign = 1
        if self.at("op", "-") or self.at("op", "+"):
            sign = -1 if self.next().text == "-" else 1
        terms = [sign * self.term()]
        while self.at("op", "+") or self.at("op", "-"):
            op = self.next()
            if self.tok.kind == "end" or not self.starts_factor():
                raise self.error(f"expected a term after '{op.text}', found {self.tok.show()}")
            term = self.term()
            terms.append(term if op.text == "+" else -term)
        self.depth -= 1
        return sp.Add(*terms)

    def starts_factor(self) -> bool:
        tok = self.tok
        if self.integrals and self.differential_ahead():
            return False  # the dx that closes an integral
        if tok.kind in ("num", "letter", "lbrace"):
            return True
        if tok.kind == "open":
            return True
        if tok.kind == "bar":
            return self.bars == 0
        if tok.kind == "cmd":
            return tok.text not in _RELATIONS and tok.text not in ("cdot", "times")
        return False

    def term(self) -> sp.Expr:
        if not self.starts_factor():
            raise self.error(f"expected a term, found {self.tok.show()}")
        factors: list[sp.Expr] = [self.factor()]
        divided = False
        while True:
            tok = self.tok
            if (tok.kind == "cmd" and tok.text in ("cdot", "times")) or (
                tok.kind == "op" and tok.text in "*/"
            ):
                self.next()
                if not self.starts_factor():
                    raise self.error(f"expected a factor after {tok.show()}, found {self.tok.show()}")
                value = self.factor()
                divided = tok.text == "/"
                factors.append(1 / value if divided else value)
            elif self.starts_factor():
                if divided:
                    raise self.error("ambiguous product after '/': write \\frac{a}{b c} or \\frac{a}{b} c")
                if tok.kind == "num":
                    raise self.error("a number after a factor is ambiguous: write \\cdot or braces")
                factors.append(self.factor())
            else:
                break
        return sp.Mul(*factors)

    def factor(self) -> sp.Expr:
        self.nest()
        value = self.unnested_factor()
        self.depth -= 1
        return value

    def unnested_factor(self) -> sp.Expr:
        start = self.tok
        if start.kind == "letter":
            self.refuse_spelled_command()
        if start.kind == "letter" or (
            start.kind == "cmd"
            and (start.text in _GREEK or start.text in _MODIFIERS or start.text == "mathrm")
        ):
            name = self.name_atom()
            if name is not None:
                return self.named(name)
        if start.kind == "lbrace":
            name = self.braced_name()
            if name is not None:
                return self.named(name)
        value = self.primary()
        return self.postfix(value)

    def postfix(self, value: sp.Expr, powered: bool = False) -> sp.Expr:
        while True:
            if self.at("op", "^"):
                hat = self.next()
                if powered:
                    raise self.error("double superscript: write {x^{a}}^{b} or x^{a b}", hat)
                exponent = self.script(hat)
                value = _power(value, exponent, self, hat)
                powered = True
            elif self.at("op", "!"):
                bang = self.next()
                value = _factorial(value, self, bang)
                powered = False
            elif self.at("op", "_") or self.at("op", "'"):
                raise self.error(f"{self.tok.show()} applies to a symbol, not to an expression")
            else:
                return value

    def script(self, after: _Token) -> sp.Expr:
        if self.at("op", "-") or self.at("op", "+"):
            raise self.error(f"write the signed exponent in braces: {after.text}{{{self.tok.text}...}}")
        return self.child(self.argument_tokens()).parse_all(relations=False)

    # ---- symbols and functions

    def name_atom(self) -> _Name | None:
        """A symbol's base (letter, Greek letter, decorated letter, \\mathrm{word}) with its scripts."""
        tok = self.tok
        if tok.kind == "letter":
            self.next()
            name = _Name(tok.text, tok.col)
        elif tok.kind != "cmd":
            return None
        elif tok.text in _GREEK:
            self.next()
            name = _Name(tok.text, tok.col)
        elif tok.text in _MODIFIERS:
            self.next()
            inner = self.child(self.argument_tokens())
            base = inner.name_atom()
            if base is None or not base.plain or not inner.at("end"):
                raise self.error(f"'\\{tok.text}' must decorate a single letter", tok)
            name = _Name(base.base + _MODIFIERS[tok.text], tok.col)
        elif tok.text != "mathrm":
            return None
        else:  # \mathrm{...} or \text{...}
            word_tokens = self.peek_group_word()
            if word_tokens is None:
                return None
            word = "".join(t.text for t in word_tokens)
            if word in _FUNCTIONS or word == "d":
                return None  # a function, or the differential d (only inside a derivative)
            self.next()
            self.group_tokens()
            name = _Name(word, tok.col)
        self.scripts(name)
        return name

    def peek_group_word(self) -> list[_Token] | None:
        """For ``\\mathrm{word}``: the letters of the word, or None if the group is not a plain word."""
        if self.peek().kind != "lbrace":
            raise self.error(f"'\\{self.tok.text}' needs a braced argument")
        j, letters = self.i + 2, []
        while self.tokens[j].kind in ("letter", "num"):
            letters.append(self.tokens[j])
            j += 1
        if self.tokens[j].kind != "rbrace" or not letters or letters[0].kind != "letter":
            raise self.error(f"'\\{self.tok.text}{{...}}' must hold a word")
        return letters

    def refuse_spelled_command(self) -> None:
        """Letters written together that spell a command (``sqrt(x)``, ``alpha``, ``pi``) are an error, not
        the product s·q·r·t·x: the user meant ``\\sqrt``, or a product written with spaces."""
        before = self.tokens[self.i - 1] if self.i else None
        if before is not None and before.kind == "letter" and before.col + 1 == self.tok.col:
            return  # inside a run already checked
        j, word = self.i, ""
        while self.tokens[j].kind == "letter" and (
            j == self.i or self.tokens[j].col == self.tokens[j - 1].col + 1
        ):
            word += self.tokens[j].text
            j += 1
        if len(word) > 1 and (word in _SPELLED or word in _FUNCTIONS or word in _GREEK):
            raise self.error(
                f"'{word}' spells a command: write \\{word}, or separate the letters of a product"
            )

    def braced_name(self) -> _Name | None:
        """``{x}_{i}`` as SymPy prints an indexed symbol: a group holding exactly one symbol."""
        save = self.i
        tokens = self.group_tokens()
        inner = self.child(tokens)
        if inner.tok.kind == "letter" or inner.tok.text in _GREEK or inner.tok.text in _MODIFIERS:
            name = inner.name_atom()
            if name is not None and inner.at("end"):
                self.scripts(name)
                return name
        self.i = save
        return None

    def scripts(self, name: _Name) -> None:
        """Primes, ``^{(label)}`` and ``_{subscript}`` that belong to a symbol's name (not powers)."""
        while True:
            if self.at("op", "'"):
                self.next()
                name.primes += 1
            elif (
                self.at("op", "^")
                and self.peek().kind == "lbrace"
                and name.base != "e"
                and self.label_ahead()
            ):
                self.next()
                label = self.group_tokens()
                name.labels.append(_render(label))
            elif self.at("op", "^") and self.prime_ahead():
                self.next()
                tokens = self.argument_tokens()
                name.primes += len(tokens)
            elif self.at("op", "_"):
                under = self.next()
                if name.subscripts:
                    raise self.error("double subscript: write both indices in one group", under)
                name.subscripts.append(self.argument_tokens())
            elif (
                self.at("op", "^")
                and name.power is None
                and not name.subscripts
                and self.subscript_after_power()
            ):
                self.next()
                name.power = self.argument_tokens()
            else:
                return

    def subscript_after_power(self) -> bool:
        """Is this ``^{a}`` followed by ``_``, as in ``x^{2}_{1}`` = (x₁)²?"""
        j = self.i + 1
        if self.tokens[j].kind == "lbrace":
            level = 0
            while self.tokens[j].kind != "end":
                level += {"lbrace": 1, "rbrace": -1}.get(self.tokens[j].kind, 0)
                if level == 0:
                    break
                j += 1
        elif self.tokens[j].kind == "num" and len(self.tokens[j].text) > 1:
            return False
        if self.tokens[j].kind == "end":
            return False
        return self.tokens[j + 1].kind == "op" and self.tokens[j + 1].text == "_"

    def label_ahead(self) -> bool:
        """Is the group after ``^`` a parenthesized label like ``{(\\ell+1)}``?"""
        j = self.i + 2
        if not (self.tokens[j].kind == "open" and self.tokens[j].text == "(" and not self.tokens[j].sized):
            return False
        level = 0
        while self.tokens[j].kind != "end":
            tok = self.tokens[j]
            if tok.kind == "open" and tok.text == "(":
                level += 1
            elif tok.kind == "close" and tok.text == ")":
                level -= 1
                if level == 0:
                    return self.tokens[j + 1].kind == "rbrace"
            elif tok.kind in ("lbrace", "rbrace"):
                return False
            j += 1
        return False

    def prime_ahead(self) -> bool:
        nxt = self.peek()
        if nxt.kind == "cmd" and nxt.text == "prime":
            return True
        if nxt.kind != "lbrace":
            return False
        j = self.i + 2
        while self.tokens[j].kind == "cmd" and self.tokens[j].text == "prime":
            j += 1
        return j > self.i + 2 and self.tokens[j].kind == "rbrace"

    def named(self, name: _Name) -> sp.Expr:
        """The value of a written symbol: a function application, a constant, an index or a symbol."""
        full = name.full()
        function = _Name(name.base, name.col, 0, name.labels, name.subscripts).full()
        if function in self.vocabulary.functions:
            if name.power is not None:
                raise self.error(
                    f"write the power of {function} after its subscript: {function}_{{..}}^{{..}}"
                )
            return self.postfix(self.user_function(name, function))
        if full in self.scope:
            value: sp.Expr = self.scope[full]
        elif name.plain and name.base == "e" and "e" not in self.vocabulary.positive:
            value = sp.E
        elif name.subscripts and self.indexed(name):
            value = self.indexed_value(name)
        else:
            self.usage.symbols.add(full)
            value = self.vocabulary.symbol(full)
            if self.at("open", "(") or (
                self.at("lbrace") and self.peek().kind == "open" and self.peek().text == "("
            ):
                self.usage.multiplied.add(full)
        if name.power is not None:
            value = _power(value, self.child(name.power).parse_all(relations=False), self, self.tok)
            return self.postfix(value, powered=True)
        return self.postfix(value)

    def indexed(self, name: _Name) -> bool:
        if name.stem in self.vocabulary.indexed:
            return True
        used = {t.text for t in name.subscripts[0] if t.kind == "letter" or t.text in _GREEK}
        if used & set(self.scope):
            self.usage.indexed.add(name.stem)
            return True
        return False

    def indexed_value(self, name: _Name) -> sp.Expr:
        tokens = name.subscripts[0]
        if any(t.kind == "op" and t.text == "," for t in tokens):
            parts: list[list[_Token]] = [[]]
            for t in tokens:
                if t.kind == "op" and t.text == ",":
                    parts.append([])
                else:
                    parts[-1].append(t)
        elif all(t.kind in ("letter", "num") or (t.kind == "cmd" and t.text in _GREEK) for t in tokens):
            parts = [[t] for t in tokens]  # W_{ik}: one index per letter
        else:
            parts = [tokens]
        if any(not part for part in parts):
            raise self.error("empty index in a subscript", tokens[0])
        indices = [self.child(part).parse_all(relations=False) for part in parts]
        self.usage.symbols.add(name.stem)
        return self.vocabulary.indexed_base(name.stem)[tuple(indices)]

    def user_function(self, name: _Name, full: str) -> sp.Expr:
        self.usage.functions.add(full)
        power: sp.Expr | None = None
        if self.at("op", "^"):
            hat = self.next()
            power = self.script(hat)
            if power == -1:
                raise self.error(f"'{full}^{{-1}}' is ambiguous (the inverse function, or 1/{full}?)", hat)
        args = self.call_arguments()
        if args is None:
            raise self.error(f"{full} is declared a function: write its arguments in parentheses, {full}(x)")
        function = sp.Function(full, real=True)
        if name.primes:
            if len(args) != 1:
                raise self.error(f"{full}' needs exactly one argument")
            value = _nth_derivative(function, args[0], name.primes)
        else:
            value = function(*args)
        return value if power is None else _power(value, power, self, self.tok)

    def call_arguments(self, braces: bool = False) -> list[sp.Expr] | None:
        """``(a, b)``, ``\\left(a, b\\right)`` or SymPy's ``{\\left(a, b \\right)}`` (and ``\\{a, b\\}`` when
        ``braces``); None if no argument list follows."""
        if self.at("lbrace"):
            save = self.i
            inner = self.child(self.group_tokens())
            if inner.at("open", "("):
                args = inner.call_arguments()
                if args is not None and inner.at("end"):
                    return args
            self.i = save
            return None
        if not (self.at("open", "(") or (braces and self.at("open", "\\{"))):
            return None
        opener = self.next()
        args = [self.expr()]
        while self.at("op", ","):
            self.next()
            args.append(self.expr())
        self.close(opener)
        return args

    def function_ahead(self) -> bool:
        """Does a known function's name come next (``\\sin x \\cos y`` is sin(x) cos(y))?"""
        tok = self.tok
        if tok.kind != "cmd":
            return False
        if tok.text in _FUNCTION_COMMANDS:
            return True
        if tok.text in ("operatorname", "mathrm", "text") and self.peek().kind == "lbrace":
            word = ""
            j = self.i + 2
            while self.tokens[j].kind == "letter":
                word += self.tokens[j].text
                j += 1
            return word in _FUNCTIONS and self.tokens[j].kind == "rbrace"
        return False

    def close(self, opener: _Token) -> None:
        want = _OPENERS[opener.text]
        tok = self.tok
        if tok.kind == "end":
            raise self.error(f"unbalanced {opener.show()}: it is never closed", opener)
        if opener.text == "|" and not opener.sized:
            if tok.kind == "bar":
                self.next()
                return
            raise self.error(
                f"expected the closing '|' of the '|' at column {opener.col}, found {tok.show()}"
            )
        if tok.kind != "close" or tok.text != want or tok.sized != opener.sized:
            closing = ("\\right" if opener.sized else "") + want
            raise self.error(
                f"expected '{closing}' to close {opener.show()} at column {opener.col}, found {tok.show()}"
            )
        self.next()

    # ---- primaries

    def primary(self) -> sp.Expr:
        tok = self.tok
        if tok.kind == "num":
            self.next()
            return _number(tok.text)
        if tok.kind == "open":
            return self.delimited()
        if tok.kind == "bar":
            self.next()
            self.bars += 1
            inner = self.expr()
            self.bars -= 1
            self.close(_Token("open", "|", tok.col))
            return sp.Abs(inner)
        if tok.kind == "lbrace":
            return self.child(self.group_tokens()).parse_all(relations=False)
        if tok.kind == "cmd":
            return self.command()
        if tok.kind == "end":
            raise self.error("expected an expression, found the end")
        raise self.error(f"unexpected {tok.show()}")

    def delimited(self) -> sp.Expr:
        opener = self.next()
        if opener.text in ("\\langle",):
            raise self.error("angle brackets ⟨·,·⟩ are not supported", opener)
        saved_bars, self.bars = self.bars, 0
        inner = self.expr()
        self.bars = saved_bars
        if self.at("op", ","):
            raise self.error("a comma here would make a tuple; only function arguments take commas")
        self.close(opener)
        if opener.text == ".":
            return self.substitution(inner, opener)
        wrap = {"|": sp.Abs, "\\lvert": sp.Abs, "\\lfloor": sp.floor, "\\lceil": sp.ceiling}.get(opener.text)
        return wrap(inner) if wrap is not None else inner

    def substitution(self, inner: sp.Expr, opener: _Token) -> sp.Expr:
        """``\\left. f \\right|_{x=a}`` (or ``_{\\substack{x=a\\\\ y=b}}``, ``_{x=a, y=b}``): f at x = a."""
        usage = "write the point after '\\right|' as _{x=a}"
        if not self.at("op", "_"):
            raise self.error(usage, opener)
        self.next()
        tokens = self.argument_tokens()
        if tokens[0].kind == "cmd" and tokens[0].text == "substack":
            tokens = tokens[2:-1]
        parts: list[list[_Token]] = [[]]
        level = 0
        for t in tokens:
            level += {"open": 1, "close": -1, "lbrace": 1, "rbrace": -1}.get(t.kind, 0)
            if level == 0 and ((t.kind == "cmd" and t.text == "\\") or (t.kind == "op" and t.text == ",")):
                parts.append([])
            else:
                parts[-1].append(t)
        variables, values = [], []
        for part in parts:
            inner_parser = self.child(part)
            atom = inner_parser.name_atom()
            if atom is None or not inner_parser.at("op", "="):
                raise self.error(usage, opener)
            inner_parser.next()
            variables.append(self.variable(atom))
            values.append(inner_parser.parse_all(relations=False))
        return sp.Subs(inner, variables, values)

    def command(self) -> sp.Expr:
        tok = self.tok
        name = tok.text
        if name == "pi":
            self.next()
            return sp.pi
        if name == "infty":
            self.next()
            return sp.oo
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction()
        if name == "binom":
            self.next()
            top = self.child(self.argument_tokens()).parse_all(relations=False)
            return sp.binomial(top, self.child(self.argument_tokens()).parse_all(relations=False))
        if name == "sqrt":
            return self.root()
        if name in ("sum", "prod"):
            return self.big_operator()
        if name in ("int", "iint", "iiint"):
            return self.integral()
        if name == "lim":
            return self.limit()
        if name in _FUNCTION_COMMANDS:
            self.next()
            return self.known_function(name, tok)
        if name in ("operatorname", "mathrm", "text", "mathit"):
            self.next()
            letters = self.group_tokens()
            word = "".join(t.text for t in letters)
            if word == "e" and name == "mathrm":
                return sp.E
            if word not in _FUNCTIONS or not all(t.kind in ("letter", "num") for t in letters):
                if name == "text":
                    raise self.error(f"'\\text{{{word}}}' is prose, not mathematics", tok)
                raise self.error(f"unknown function '\\{name}{{{word}}}'", tok)
            return self.known_function(word, tok)
        if name in ("cdot", "times"):
            raise self.error(f"{tok.show()} needs a factor on its left")
        if name == "partial":
            raise self.error("'\\partial' only in a derivative such as \\frac{\\partial}{\\partial x}")
        if name in _RELATIONS:
            raise self.error(f"unexpected relation {tok.show()}")
        if name == "right":
            raise self.error("unbalanced '\\right'")
        raise self.error(f"unknown command {tok.show()}")

    def known_function(self, name: str, tok: _Token) -> sp.Expr:
        power: sp.Expr | None = None
        base: sp.Expr | None = None
        if name == "atan" and self.at("op", "_"):
            self.next()
            sub = self.argument_tokens()
            if [t.text for t in sub] != ["2"]:
                raise self.error("only \\operatorname{atan}_{2} takes a subscript", tok)
            name = "atan2"
        if name in ("log",) and self.at("op", "_"):
            self.next()
            base = self.child(self.argument_tokens()).parse_all(relations=False)
        if self.at("op", "^"):
            hat = self.next()
            power = self.script(hat)
            if power == -1:
                raise self.error(
                    f"'\\{name}^{{-1}}' is ambiguous: write \\arc{name} for the inverse "
                    f"or \\frac{{1}}{{\\{name} x}}",
                    hat,
                )
        args = self.call_arguments(braces=name in ("max", "min"))
        if args is None:
            if name in _MULTI_ARGUMENT:
                raise self.error(f"'{name}' needs its arguments in parentheses", tok)
            if not self.starts_factor():
                raise self.error(f"expected the argument of '{name}', found {self.tok.show()}")
            args = [self.factor()]
            if self.starts_factor() and not self.function_ahead():
                raise self.error(
                    f"ambiguous argument of '{name}': use parentheses, {name}(x y) or {name}(x) y"
                )
        elif name == "atan2" and len(args) != 2:
            raise self.error("atan_2 takes two arguments", tok)
        elif name not in _MULTI_ARGUMENT and len(args) != 1:
            raise self.error(f"'{name}' takes one argument, got {len(args)}", tok)
        try:
            value = _FUNCTIONS[name](*args)
        except (TypeError, ValueError) as exc:  # e.g. max of values that cannot be compared
            raise self.error(f"cannot apply '{name}': {' '.join(str(exc).split())}", tok) from None
        if base is not None:
            value = value / sp.log(base)
        return value if power is None else _power(value, power, self, tok)

    def fraction(self) -> sp.Expr:
        self.next()
        numerator = self.argument_tokens()
        denominator = self.argument_tokens()
        derivative = self.derivative(numerator, denominator)
        if derivative is not None:
            return derivative
        top = self.child(numerator).parse_all(relations=False)
        bottom = self.child(denominator).parse_all(relations=False)
        return top / bottom

    def root(self) -> sp.Expr:
        tok = self.next()
        degree: sp.Basic = sp.Integer(2)
        if self.at("open", "["):
            opener = self.next()
            degree = self.expr()
            self.close(opener)
        radicand = self.child(self.argument_tokens()).parse_all(relations=False)
        if degree == 0:
            raise self.error("a root of degree 0", tok)
        return _power(radicand, 1 / degree, self, tok)

    def big_operator(self) -> sp.Expr:
        """``\\sum_{i=a}^{b}``, ``\\sum_{a \\leq i \\leq b}`` or SymPy's nested form
        ``\\sum_{\\substack{1 \\leq j \\leq i\\\\1 \\leq i \\leq n}}`` (innermost first), applied to the rest
        of the term."""
        tok = self.next()
        lower: list[_Token] | None = None
        upper: list[_Token] | None = None
        while self.at("op", "_") or self.at("op", "^"):
            mark = self.next()
            if mark.text == "_" and lower is None:
                lower = self.argument_tokens()
            elif mark.text == "^" and upper is None:
                upper = self.argument_tokens()
            else:
                raise self.error(f"two '{mark.text}' bounds on '\\{tok.text}'", mark)
        if lower is None:
            raise self.error(f"'\\{tok.text}' needs bounds: \\{tok.text}_{{i=1}}^{{n}}", tok)
        lines: list[list[_Token]] = [lower]
        if lower[0].kind == "cmd" and lower[0].text == "substack":
            lines = [[]]
            for t in lower[2:-1]:
                if t.kind == "cmd" and t.text == "\\":
                    lines.append([])
                else:
                    lines[-1].append(t)
        limits = [self.sum_limit(line, upper if len(lines) == 1 else None, tok) for line in lines]
        outer = self.scope
        try:
            values: list[tuple[sp.Symbol, sp.Basic, sp.Basic]] = []
            for name, first, last in reversed(limits):  # the outermost limit comes last
                start = self.child(first).parse_all(relations=False)
                stop = self.child(last).parse_all(relations=False)
                for bound in (start, stop):
                    for s in bound.free_symbols:
                        if isinstance(s, sp.Symbol) and s not in self.scope.values():
                            self.usage.bounds.add(s.name)
                variable = sp.Symbol(name, integer=True)
                values.insert(0, (variable, start, stop))
                self.scope = {**self.scope, name: variable}
            if not self.starts_factor():
                raise self.error(f"'\\{tok.text}' has no summand", tok)
            body = self.term()
        finally:
            self.scope = outer
        operator = sp.Sum if tok.text == "sum" else sp.Product
        return operator(body, *values)

    def sum_limit(
        self, line: list[_Token], upper: list[_Token] | None, tok: _Token
    ) -> tuple[str, list[_Token], list[_Token]]:
        """(index, lower bound, upper bound) from ``i=a`` with ``upper``, or from ``a \\leq i \\leq b``."""
        usage = f"the bounds of '\\{tok.text}' must read _{{i=a}}^{{b}} or _{{a \\leq i \\leq b}}"
        parts: list[list[_Token]] = [[]]
        for t in line:
            if t.kind == "cmd" and t.text in ("le", "leq", "leqslant"):
                parts.append([])
            else:
                parts[-1].append(t)
        if len(parts) == 3 and upper is None and all(parts):
            first, middle, last = parts
        elif len(parts) == 1 and upper is not None:
            equals = [n for n, t in enumerate(line) if t.kind == "op" and t.text == "="]
            if len(equals) != 1:
                raise self.error(usage, tok)
            middle, first, last = line[: equals[0]], line[equals[0] + 1 :], upper
            if not first:
                raise self.error(usage, tok)
        else:
            raise self.error(usage, tok)
        inner = self.child(middle)
        index = inner.name_atom()
        if index is None or not inner.at("end"):
            raise self.error(usage, tok)
        return index.full(), first, last

    def integral(self) -> sp.Expr:
        """``\\int_{a}^{b} f \\, dx``, ``\\int f \\, dx`` or ``\\iint f dx dy``: the integrand ends at dx."""
        tok = self.next()
        count = {"int": 1, "iint": 2, "iiint": 3}[tok.text]
        bounds: dict[str, list[_Token]] = {}
        while self.at("op", "_") or self.at("op", "^"):
            mark = self.next()
            if mark.text in bounds:
                raise self.error(f"two '{mark.text}' bounds on '\\{tok.text}'", mark)
            bounds[mark.text] = self.argument_tokens()
        if bounds and (len(bounds) != 2 or count != 1):
            raise self.error(f"'\\{tok.text}' takes both bounds or none: \\int_{{a}}^{{b}} f \\, dx", tok)
        limits = [self.child(bounds[m]).parse_all(relations=False) for m in ("_", "^") if bounds]
        self.integrals += 1
        try:
            body: sp.Expr = sp.Integer(1) if self.differential_ahead() else self.expr()
            variables = []
            for _ in range(count):
                if not self.differential_ahead():
                    raise self.error(f"expected the dx that closes '\\{tok.text}', found {self.tok.show()}")
                self.differential()
                atom = self.name_atom()
                variable = self.variable(atom) if atom is not None else None
                if not isinstance(variable, sp.Symbol):
                    raise self.error("an integral's variable must be a symbol", tok)
                variables.append(variable)
        finally:
            self.integrals -= 1
        if limits:
            return sp.Integral(body, (variables[0], *limits))
        return sp.Integral(body, *variables)

    def limit(self) -> sp.Expr:
        """``\\lim_{x \\to a} f``, one-sided with ``a^+`` or ``a^-``, applied to the rest of the term."""
        tok = self.next()
        usage = "write a limit as \\lim_{x \\to a} f (or a^+, a^- for one side)"
        if not self.at("op", "_"):
            raise self.error(usage, tok)
        self.next()
        tokens = self.argument_tokens()
        arrows = [n for n, t in enumerate(tokens) if t.kind == "cmd" and t.text in ("to", "rightarrow")]
        if len(arrows) != 1:
            raise self.error(usage, tok)
        inner = self.child(tokens[: arrows[0]])
        atom = inner.name_atom()
        if atom is None or not inner.at("end"):
            raise self.error(usage, tok)
        target = tokens[arrows[0] + 1 :]
        side = "+-"
        texts = [t.text for t in target]
        if texts[-2:] in (["^", "+"], ["^", "-"]):
            side, target = texts[-1], target[:-2]
        elif (
            len(texts) >= 4
            and texts[-4] == "^"
            and texts[-3] == "{"
            and texts[-2] in ("+", "-")
            and texts[-1] == "}"
        ):
            side, target = texts[-2], target[:-4]
        if not target:
            raise self.error(usage, tok)
        point = self.child(target).parse_all(relations=False)
        variable = self.variable(atom)
        if not self.starts_factor():
            raise self.error("a limit must be applied to an expression", tok)
        return sp.Limit(self.term(), variable, point, side)

    def differential_ahead(self) -> bool:
        """Is ``d x`` (or ``\\mathrm{d} x``) next, a differential followed by a symbol?"""
        tok, after = self.tok, self.peek()
        if tok.kind == "cmd" and tok.text in ("mathrm", "text", "operatorname"):
            if not (after.kind == "lbrace" and self.peek(2).text == "d" and self.peek(3).kind == "rbrace"):
                return False
            after = self.peek(4)
        elif not (tok.kind == "letter" and tok.text == "d"):
            return False
        return after.kind == "letter" or (
            after.kind == "cmd" and (after.text in _GREEK or after.text in _MODIFIERS)
        )

    def derivative(self, numerator: list[_Token], denominator: list[_Token]) -> sp.Expr | None:
        """A derivative such as ``\\frac{d}{dx}``, ``\\frac{\\partial^2}{\\partial x\\partial y}``,
        ``\\frac{df}{dx}``; None when the fraction is not a derivative (``\\frac{d}{2}`` is d/2)."""
        top = self.child(numerator)
        mark = top.differential()
        if mark is None:
            return None
        order: int | None = 1
        if top.at("op", "^"):
            top.next()
            order = _small_integer(top.child(top.argument_tokens()).parse_all(relations=False))
            if order is None:
                raise self.error("the order of a derivative must be a positive integer", numerator[0])
        bottom = self.child(denominator)
        variables: list[tuple[sp.Basic, int]] = []
        while not bottom.at("end"):
            if bottom.differential() != mark:
                if not variables:
                    return None
                raise self.error(
                    "a derivative's denominator reads d x or \\partial x \\partial y", denominator[0]
                )
            atom = bottom.name_atom()
            if atom is None:
                return None
            power = 1
            if bottom.at("op", "^"):
                bottom.next()
                power = _small_integer(bottom.child(bottom.argument_tokens()).parse_all(relations=False)) or 0
                if power < 1:
                    raise self.error("a derivative's variable takes a positive integer power", denominator[0])
            variable = bottom.named(atom) if atom.subscripts else bottom.variable(atom)
            if not isinstance(variable, sp.Symbol | sp.Indexed):
                raise self.error(f"cannot differentiate with respect to {variable}", denominator[0])
            variables.append((variable, power))
        if not variables:
            return None
        if sum(p for _, p in variables) != order:
            raise self.error("the orders of a derivative's numerator and denominator differ", numerator[0])
        if top.at("end"):
            if not self.starts_factor():
                raise self.error("a derivative operator must be applied to an expression", numerator[0])
            body = self.term()
        else:
            body = top.expr()
            if not top.at("end"):
                raise top.error(f"unexpected {top.tok.show()}")
        return sp.Derivative(body, *reversed(variables))

    def differential(self) -> str | None:
        """Consume ``d``, ``\\mathrm{d}`` or ``\\partial`` if next; return which."""
        tok = self.tok
        if tok.kind == "letter" and tok.text == "d":
            self.next()
            return "d"
        if tok.kind == "cmd" and tok.text == "partial":
            self.next()
            return "partial"
        if (
            tok.kind == "cmd"
            and tok.text in ("mathrm", "text", "operatorname")
            and self.peek().kind == "lbrace"
            and self.peek(2).text == "d"
            and self.peek(3).kind == "rbrace"
        ):
            self.i += 4
            return "d"
        return None

    def variable(self, atom: _Name) -> sp.Expr:
        if atom.full() in self.scope:
            return self.scope[atom.full()]
        self.usage.symbols.add(atom.full())
        return self.vocabulary.symbol(atom.full())


# --------------------------------------------------------------------------------------------- values


def _number(text: str) -> sp.Expr:
    """An exact number: ``0.25`` is 1/4 (a decimal written by a person is exact)."""
    value = Fraction(text)
    return sp.Rational(value.numerator, value.denominator)


def _small_integer(value: sp.Basic) -> int | None:
    if isinstance(value, sp.Integer) and 0 < int(value) <= 100:
        return int(value)
    return None


def _power(base: sp.Expr, exponent: sp.Expr, parser: _Parser, tok: _Token) -> sp.Expr:
    """``base**exponent``, refusing exact integers too large to build (``10^{10^{10}}``)."""
    if isinstance(base, sp.Rational) and isinstance(exponent, sp.Integer) and base not in (0, 1, -1):
        bits = max(abs(base.p), abs(base.q)).bit_length() * abs(int(exponent))
        if bits > MAX_BITS:
            raise parser.error(f"the power is too large to represent exactly ({bits} bits)", tok)
    return base**exponent


def _factorial(value: sp.Expr, parser: _Parser, tok: _Token) -> sp.Expr:
    if isinstance(value, sp.Integer):
        n = int(value)
        if n < 0:
            raise parser.error(f"factorial of a negative integer {n}", tok)
        if n > 5000:
            raise parser.error(f"{n}! is too large to represent exactly", tok)
    return sp.factorial(value)


def _nth_derivative(function: sp.FunctionClass, argument: sp.Expr, order: int) -> sp.Expr:
    """f⁽ᵏ⁾(u): ``Derivative(f(u), (u, k))`` for a symbol u, else ``Subs`` of it at u."""
    if isinstance(argument, sp.Symbol):
        return sp.Derivative(function(argument), (argument, order))
    t = sp.Dummy("t", real=True)
    return sp.Subs(sp.Derivative(function(t), (t, order)), t, argument)


# --------------------------------------------------------------------------------------------- public


@dataclass(frozen=True)
class Parsed:
    """Texts parsed with one symbol table.

    ``values`` holds the SymPy objects in the order the texts were given; ``symbols`` maps each free
    symbol's name to the symbol (real, positive, or a positive integer when it bounds a sum); ``functions``
    the names of the declared functions that were applied; ``multiplied`` the undeclared symbols written
    just before parentheses, as ``\\sigma(x)``, and therefore read as products.
    """

    values: tuple[sp.Basic, ...]
    symbols: dict[str, sp.Symbol]
    functions: frozenset[str]
    multiplied: frozenset[str] = frozenset()


def parse_texts(
    expressions: Sequence[str],
    conditions: Sequence[str] = (),
    *,
    functions: Iterable[str] = (),
    positive: Iterable[str] = (),
) -> Parsed:
    """Parse LaTeX expressions and conditions (relations) with one shared symbol table.

    ``functions`` and ``positive`` name symbols either as SymPy names (``sigma``, ``W_ik``, ``n_0``) or as
    LaTeX (``\\sigma``, ``W_{ik}``); a name that none of the texts uses is an error. Raises
    :class:`~symntk.SymntkError` with one line on any text outside the grammar (see the module docstring).

    >>> parse_texts(["\\\\frac{1}{n} \\\\sum_{i=1}^{n} i"]).values[0].doit().simplify()
    n/2 + 1/2
    """
    texts = [(str(t), False) for t in expressions] + [(str(t), True) for t in conditions]
    tokenized = [_tokenize(text) for text, _ in texts]
    declared_functions = [_declared(item, "function") for item in _split(functions)]
    declared_positive = [_declared(item, "positive") for item in _split(positive)]
    vocabulary = _Vocabulary(
        functions=frozenset(name for name, _ in declared_functions),
        positive=frozenset(name for name, _ in declared_positive),
    )
    clash = vocabulary.functions & vocabulary.positive
    if clash:
        raise SymntkError(f"{sorted(clash)[0]} is declared both a function and a positive symbol")
    for _ in range(4):  # the roles found (sum bounds, indexed bases) only grow: a fixed point in a few passes
        usage = _Usage()
        values = tuple(
            _build(text, tokens, vocabulary, usage, relations)
            for (text, relations), tokens in zip(texts, tokenized, strict=True)
        )
        grown = _Vocabulary(
            vocabulary.functions,
            vocabulary.positive,
            vocabulary.bounds | frozenset(usage.bounds),
            vocabulary.indexed | frozenset(usage.indexed),
        )
        if grown == vocabulary:
            break
        vocabulary = grown
    else:  # pragma: no cover - the sets are finite and only grow
        raise SymntkError("could not settle the roles of the symbols")
    clash = vocabulary.bounds & vocabulary.functions
    if clash:
        raise SymntkError(f"{sorted(clash)[0]} bounds a sum but is declared a function")
    undefined = [text for (text, _), v in zip(texts, values, strict=True) if v.has(sp.zoo, sp.nan)]
    if undefined:
        raise SymntkError(f"{undefined[0]!r} is undefined (a division by zero or a pole)")
    known = usage.symbols | usage.functions
    for (name, written), what in [
        *((d, "function") for d in declared_functions),
        *((d, "positive") for d in declared_positive),
    ]:
        if name not in known:
            listing = ", ".join(sorted(usage.symbols | usage.functions)) or "none"
            raise SymntkError(
                f"--{what} names {written!r}, which the expressions do not use (symbols: {listing})"
            )
    symbols = {s.name: s for v in values for s in v.free_symbols if isinstance(s, sp.Symbol)}
    return Parsed(values, symbols, frozenset(usage.functions), frozenset(usage.multiplied))


def _build(
    text: str, tokens: list[_Token], vocabulary: _Vocabulary, usage: _Usage, relations: bool
) -> sp.Basic:
    """Parse one text; SymPy refusing to build what was written (a limit towards a variable point, ...) is
    bad input too, reported in one line."""
    try:
        return _Parser(text, list(tokens), vocabulary, usage, {}).parse_all(relations)
    except SymntkError:
        raise
    except (TypeError, ValueError, NotImplementedError, ArithmeticError) as exc:
        raise _error(text, 1, f"SymPy cannot build it: {' '.join(str(exc).split())}") from None


def parse_latex(text: str, *, functions: Iterable[str] = (), positive: Iterable[str] = ()) -> sp.Expr:
    """The SymPy expression written in LaTeX ``text`` (see the module docstring for the grammar).

    >>> parse_latex("\\\\sqrt{x^{2}} + e^{-x}")
    Abs(x) + exp(-x)
    """
    return parse_texts([text], functions=functions, positive=positive).values[0]


def parse_condition(text: str, *, functions: Iterable[str] = (), positive: Iterable[str] = ()) -> sp.Basic:
    """The relation written in LaTeX ``text``, such as ``c^2 < a b`` or ``0 \\le x < 1`` (a chain is a
    conjunction)."""
    return parse_texts([], [text], functions=functions, positive=positive).values[0]


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_']*(\^\([^()]*\))*(_[A-Za-z0-9,+\-']+)?")


def _split(items: Iterable[str]) -> list[str]:
    """Names from ``a,b`` lists (commas inside braces, as in ``x_{i,j}``, do not split)."""
    out: list[str] = []
    for item in [items] if isinstance(items, str) else items:
        level, current = 0, ""
        for ch in str(item):
            level += {"{": 1, "}": -1}.get(ch, 0)
            if ch == "," and level == 0:
                out.append(current)
                current = ""
            else:
                current += ch
        out.append(current)
    names = [name.strip() for name in out]
    if any(not name for name in names):
        raise SymntkError("empty name in a list of symbols")
    return names


def _declared(item: str, what: str) -> tuple[str, str]:
    """(canonical name, as written) for a name given to --function or --positive."""
    if _IDENTIFIER.fullmatch(item):
        return item, item
    tokens = _tokenize(item)
    parser = _Parser(item, tokens, _Vocabulary(), _Usage(), {})
    name = parser.name_atom() if parser.tok.kind in ("letter", "cmd") else None
    if name is None or not parser.at("end"):
        raise SymntkError(
            f"--{what} expects symbol names such as sigma, n_0 or \\alpha^{{(\\ell)}}, got {item!r}"
        )
    return name.full(), item
