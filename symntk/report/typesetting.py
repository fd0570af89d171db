"""Mathematics as LaTeX for reports: expressions, relations between steps, and the verdict marks.

Every expression goes through one function, :func:`formula`, which takes what a derivation holds for a
step (a SymPy expression, a zero-argument callable that builds one, or LaTeX text) and returns a
:class:`Tex`: trusted LaTeX that the templates may print. SymPy expressions are printed by
:mod:`symntk.printing` in the seeds' notation (α̃^{(ℓ)}_i, W^{(ℓ)}_{ik}, Θ^{(L)}_{kk'}, δ_{kk'}, σ̇, sums over
named indices); LaTeX text from a derivation is vetted by :func:`~symntk.report.escaping.vet_formula`.
Plain text reaches a template only through the ``tex`` filter (:func:`~symntk.report.escaping.escape_tex`).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .._errors import SymntkError
from ..check.relation import Kind, Relation
from ..check.verdict import Status
from ..printing import SeedLatexPrinter
from .escaping import escape_tex, vet_formula


class Tex(str):
    """LaTeX that is safe to print as it is: produced by symntk's printers or vetted."""

    __slots__ = ()

    @property
    def rows(self) -> tuple[Tex, ...]:
        """The lines to set it on in a chain of steps (one, unless it is a broken long sum)."""
        return (self,)


class Broken(Tex):
    """A long sum broken into lines: as a whole, an ``aligned`` block (for displays); ``rows`` for the lines
    of a chain of steps, where the page may break between them."""

    _lines: tuple[Tex, ...]

    def __new__(cls, lines: list[str]) -> Broken:
        body = " \\\\ &\\quad ".join(lines)
        obj = super().__new__(cls, f"\\begin{{aligned}}[t] &{body} \\end{{aligned}}")
        obj._lines = tuple(Tex(line) for line in lines)
        return obj

    @property
    def rows(self) -> tuple[Tex, ...]:
        return self._lines


def text(value: object) -> Tex:
    """Any text as LaTeX that typesets it literally (the templates' ``tex`` filter)."""
    return Tex(escape_tex(value))


def sentence(*parts: str) -> Tex:
    """Text with mathematics: plain ``str`` parts are escaped, :class:`Tex` parts are kept as they are.

    >>> print(sentence("the slope ", Tex(r"$n^{-1/2}$"), " & more"))
    the slope $n^{-1/2}$ \\& more
    """
    return Tex("".join(p if isinstance(p, Tex) else escape_tex(p) for p in parts))


def number(value: float, digits: int = 2) -> Tex:
    """A decimal number rounded to ``digits`` places, with a true minus sign."""
    return Tex(f"${value:.{digits}f}$")


def interval(low: float, high: float, digits: int = 2) -> Tex:
    """A closed interval of two decimal numbers rounded to ``digits`` places."""
    return Tex(f"$[{low:.{digits}f}, {high:.{digits}f}]$")


class _Printer(SeedLatexPrinter):
    """The seeds' printer (:class:`symntk.printing.SeedLatexPrinter`), with primed bases of powers braced:
    SymPy prints ``x'_1**2`` as ``x'_{1}^{2}``, a double superscript for TeX (the prime is ``^\\prime``)."""

    def parenthesize_super(self, s: str) -> str:
        return f"{{{s}}}" if "'" in s and "^" not in s else super().parenthesize_super(s)


#: A sum whose LaTeX is longer than this many characters is broken into lines of about :data:`LINE` each.
LONG, LINE = 400, 200


def expression(expr: sp.Basic, notation: str = "jacot", **settings: Any) -> Tex:
    """A SymPy expression in the seeds' notation: ``notation`` is :mod:`symntk.printing`'s, ``"jacot"``
    (seeds 000 and 002) or ``"velikanov"`` (seed 001); ``settings`` go to SymPy's LaTeX printer.

    A long sum is broken after whole terms into lines (:class:`Broken`), so that it stays on the page in a
    chain of steps as in a display.
    """
    printer = _Printer(notation, settings)  # type: ignore[arg-type]
    whole = printer.doprint(expr)
    if len(whole) <= LONG or not isinstance(expr, sp.Add):
        return Tex(whole)
    lines = [""]
    for i, term in enumerate(printer._as_ordered_terms(expr, order=None)):
        text = printer._print(term)
        piece = text if i == 0 else (f"- {text[1:].lstrip()}" if text.startswith("-") else f"+ {text}")
        if lines[-1] and len(lines[-1]) + 1 + len(piece) > LINE:
            lines.append("")
        lines[-1] = f"{lines[-1]} {piece}".strip()
    return Broken(lines) if len(lines) > 1 else Tex(whole)


def formula(value: Any, where: str, notation: str = "jacot") -> Tex:
    """The LaTeX of what a derivation holds for an expression (SymPy, callable building one, or LaTeX).

    A callable is called here, as the checker does; if it fails, :class:`SymntkError` names ``where``.
    """
    if isinstance(value, str):
        return Tex(vet_formula(value, where))
    if callable(value) and not isinstance(value, sp.Basic):
        try:
            value = value()
        except SymntkError as exc:
            raise SymntkError(f"{where}: {exc}") from exc
        except Exception as exc:
            raise SymntkError(
                f"{where}: building the expression failed: {type(exc).__name__}: {exc}"
            ) from exc
    if isinstance(value, sp.MatrixBase | sp.Basic):
        return expression(value, notation)
    if isinstance(value, int | float):
        return expression(sp.sympify(value), notation)
    raise SymntkError(f"{where}: cannot typeset a {type(value).__name__}")


def relation(rel: Relation, number: str, notation: str = "jacot") -> Tex:
    """The relation of a step to the previous one, with the step's number above it.

    ``=``, ``≤``, ``≥`` carry ``(k)``; a limit is an arrow with ``(k)`` above and ``n → ∞`` below; an
    expectation step ``E[previous] = next`` is ``=`` marked E; an order step reads ``= O(·)``, with the
    variable tending to infinity below.
    """
    tag = rf"({escape_tex(number)})"
    if rel.kind is Kind.LIMIT:
        var = expression(rel.variable, notation) if rel.variable is not None else "n"
        return Tex(rf"\xrightarrow[{var} \to \infty]{{{tag}}}")
    if rel.kind is Kind.EXPECTATION:
        return Tex(rf"\overset{{{tag}\,\mathrm{{E}}}}{{=}}")
    if rel.kind is Kind.ORDER:
        var = expression(rel.variable, notation) if rel.variable is not None else "n"
        return Tex(rf"\underset{{{var} \to \infty}}{{\overset{{{tag}}}{{=}}}}")
    symbol = {Kind.EQ: "=", Kind.LE: r"\le", Kind.GE: r"\ge"}[rel.kind]
    return Tex(rf"\overset{{{tag}}}{{{symbol}}}")


def step_formula(rel: Relation, body: Tex) -> Tex:
    """The right-hand side of a step as it reads after its relation (``O(·)`` wraps an order)."""
    if rel.kind is Kind.ORDER:
        return Tex(rf"\mathcal{{O}}\left({body}\right)")
    return body


#: What each verdict mark means (the legend of every report; DESIGN, "The checker's honesty").
MEANINGS: dict[Status, str] = {
    Status.PROVED: "exact symbolic proof under the assumptions (for an equality, the difference of the two "
    "sides simplifies to zero)",
    Status.VERIFIED: "exact evaluation, or agreement to at least 40 digits, at independent random points "
    "(generic functions replaced by random test functions): evidence, not proof",
    Status.CONSISTENT: "numerical evidence for a limit, an expectation or a rate (Monte Carlo, fitted "
    "exponent), with a confidence interval",
    Status.REFUTED: "a counterexample was found: the step is wrong as written",
    Status.UNDECIDED: "no verdict: not supported by the checker, out of time, or an error (never a pass)",
}


def mark(status: Status) -> Tex:
    """The verdict mark (a macro of the report's preamble: ``\\symntkmark{proved}``)."""
    return Tex(rf"\symntkmark{{{status.value}}}")
