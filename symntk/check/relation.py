"""Relations between consecutive steps of a derivation (issue 5).

``=``, ``≤``, ``≥``; ``→`` as a variable tends to infinity (a limit); ``= E[·]`` (the previous expression's
expectation over the random symbols, the initialization, equals this one); ``= O(·)`` (the previous
expression is
of the order of this one as the variable tends to infinity: ``ΔΘ = O(n^{-1/2})`` is written as a step
``n**Rational(-1, 2)`` with relation ``order(n)``). Orders are read as the seeds use them (``∼ 1/√n``): sharp,
so a rate off by any power of n is refuted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sympy as sp

from .._errors import SymntkError


class Kind(enum.Enum):
    EQ = "="
    LE = "≤"
    GE = "≥"
    LIMIT = "→"
    EXPECTATION = "= E[·]"
    ORDER = "= O(·)"


@dataclass(frozen=True)
class Relation:
    """A relation of a step to the previous one; ``variable`` is the one tending to ∞ for limits and
    orders."""

    kind: Kind
    variable: sp.Symbol | None = None

    def __str__(self) -> str:
        if self.kind is Kind.LIMIT:
            return f"→ as {self.variable} → ∞"
        if self.kind is Kind.ORDER:
            return f"= O(·) as {self.variable} → ∞"
        return self.kind.value

    @property
    def latex(self) -> str:
        """The relation as LaTeX, for reports."""
        if self.kind is Kind.LIMIT:
            return rf"\xrightarrow[{sp.latex(self.variable)} \to \infty]{{}}"
        return {
            Kind.EQ: "=",
            Kind.LE: r"\le",
            Kind.GE: r"\ge",
            Kind.EXPECTATION: r"\overset{\mathbb{E}}{=}",
            Kind.ORDER: r"= \mathcal{O}",
        }[self.kind]

    @classmethod
    def of(cls, value: Relation | str) -> Relation:
        """A relation from a :class:`Relation` or one of the tokens ``= <= ≤ >= ≥ E``."""
        if isinstance(value, Relation):
            return value
        kind = _TOKENS.get(value.strip()) if isinstance(value, str) else None
        if kind is None:
            raise SymntkError(
                f"unknown relation {value!r}: use =, <=, >=, 'E', limit(n) or order(n) from symntk.check"
            )
        return cls(kind)


_TOKENS = {
    "=": Kind.EQ,
    "==": Kind.EQ,
    "<=": Kind.LE,
    "≤": Kind.LE,
    ">=": Kind.GE,
    "≥": Kind.GE,
    "E": Kind.EXPECTATION,
    "= E": Kind.EXPECTATION,
    "= E[·]": Kind.EXPECTATION,
}

EQ = Relation(Kind.EQ)
LE = Relation(Kind.LE)
GE = Relation(Kind.GE)
EXPECTATION = Relation(Kind.EXPECTATION)


def limit(variable: sp.Symbol) -> Relation:
    """The previous expression tends to this one as ``variable`` → ∞."""
    return Relation(Kind.LIMIT, _symbol(variable))


def order(variable: sp.Symbol) -> Relation:
    """The previous expression is of the (sharp) order of this one as ``variable`` → ∞."""
    return Relation(Kind.ORDER, _symbol(variable))


def _symbol(variable: sp.Symbol) -> sp.Symbol:
    if not isinstance(variable, sp.Symbol):
        raise SymntkError(f"a limit or order needs a SymPy symbol tending to infinity, got {variable!r}")
    return variable


def compose(relations: list[Relation]) -> Relation | None:
    """The relation a chain of steps establishes between its first and last expressions, if any."""
    kinds = {r.kind for r in relations}
    if kinds <= {Kind.EQ}:
        return EQ
    if kinds <= {Kind.EQ, Kind.LE}:
        return LE
    if kinds <= {Kind.EQ, Kind.GE}:
        return GE
    if kinds <= {Kind.EQ, Kind.EXPECTATION}:
        return EXPECTATION
    variables = {r.variable for r in relations if r.variable is not None}
    if kinds <= {Kind.EQ, Kind.LIMIT} and len(variables) == 1:
        return Relation(Kind.LIMIT, variables.pop())
    return None
