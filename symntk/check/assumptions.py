"""Assumptions under which a claim is checked: signs and integrality of symbols, and domain conditions.

Symbols are real unless an assumption says more (the seeds work over the reals; NOTATION). ``positive``,
``nonnegative``, ``nonzero`` and ``integer`` name symbols (by the symbol or its name); ``where`` holds SymPy
relationals such as ``c**2 < a*b`` that restrict the domain (kernel identities hold for |ρ| < 1 only).
Applying assumptions replaces every symbol of that name by one that carries them, so a symbolic proof is a
proof under them, and random points are drawn inside the domain they describe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.relational import Relational

from .._errors import SymntkError

_FLAGS = ("positive", "nonnegative", "nonzero", "integer")


@dataclass(frozen=True)
class Assumptions:
    """Assumptions on the symbols of a claim (see the module docstring)."""

    positive: frozenset[str] = frozenset()
    nonnegative: frozenset[str] = frozenset()
    nonzero: frozenset[str] = frozenset()
    integer: frozenset[str] = frozenset()
    where: tuple[sp.Basic, ...] = field(default=())

    @classmethod
    def of(cls, value: Assumptions | Mapping[str, Any] | None = None, **kwargs: Any) -> Assumptions:
        """Build from keyword arguments ``positive=[a, b], where=[c**2 < a*b], ...`` or a mapping of them."""
        if isinstance(value, Assumptions):
            base = value
        else:
            mapping = dict(value or {})
            mapping.update(kwargs)
            kwargs = {}
            unknown = sorted(set(mapping) - {*_FLAGS, "where"})
            if unknown:
                raise SymntkError(
                    f"unknown assumption {unknown[0]!r}: use positive, nonnegative, nonzero, integer or where"
                )
            base = cls(
                **{flag: frozenset(_names(mapping.get(flag, ()), flag)) for flag in _FLAGS},
                where=tuple(_conditions(mapping.get("where", ()))),
            )
        if kwargs:
            return base.merge(Assumptions.of(kwargs))
        return base

    def merge(self, other: Assumptions) -> Assumptions:
        return Assumptions(
            positive=self.positive | other.positive,
            nonnegative=self.nonnegative | other.nonnegative,
            nonzero=self.nonzero | other.nonzero,
            integer=self.integer | other.integer,
            where=self.where + tuple(w for w in other.where if w not in self.where),
        )

    @property
    def names(self) -> frozenset[str]:
        """Every symbol name these assumptions mention."""
        named = self.positive | self.nonnegative | self.nonzero | self.integer
        return named | {s.name for w in self.where for s in w.free_symbols if isinstance(s, sp.Symbol)}

    def describe(self, expressions: Iterable[sp.Basic] = ()) -> str:
        """The domain in words: the properties the symbols of ``expressions`` carry, and the conditions."""
        groups: dict[str, list[str]] = {}
        for s in sorted({s for e in expressions for s in _symbols_of(e)}, key=lambda s: s.name):
            groups.setdefault(_kind(s), []).append(s.name)
        parts = [f"{', '.join(names)} {kind}" for kind, names in groups.items() if kind != "real"]
        if "real" in groups:
            parts.append("other symbols real" if parts else "symbols real")
        parts += [str(w) for w in self.where]
        if not parts:
            flags = [
                f"{flag} {', '.join(sorted(getattr(self, flag)))}" for flag in _FLAGS if getattr(self, flag)
            ]
            parts = flags or ["symbols real"]
        return "; ".join(parts)

    def restricted(self, expressions: Iterable[sp.Basic]) -> Assumptions:
        """Only the assumptions about symbols that ``expressions`` use (conditions with all their symbols)."""
        present = {s.name for e in expressions for s in _symbols_of(e)}
        return Assumptions(
            **{flag: getattr(self, flag) & present for flag in _FLAGS},
            where=tuple(w for w in self.where if {s.name for s in w.free_symbols} <= present),
        )

    def check_known(self, expressions: Iterable[sp.Basic]) -> None:
        """Raise :class:`SymntkError` if an assumption names a symbol that none of ``expressions`` uses."""
        present = {s.name for e in expressions for s in _symbols_of(e)}
        unknown = sorted(self.names - present)
        if unknown:
            raise SymntkError(
                f"assumption names unknown symbol {unknown[0]!r} (symbols: {_listing(present)})"
            )

    def apply(self, expr: Any) -> Any:
        """``expr`` with every symbol replaced by a real symbol of the same name carrying these
        assumptions."""
        if not isinstance(expr, sp.Basic):
            return expr
        return expr.xreplace(self._replacements(_symbols_of(expr), expr.free_symbols))

    def apply_all(self, *exprs: Any) -> tuple[Any, ...]:
        """:meth:`apply` to several expressions at once: a name is one symbol across all of them."""
        basics = [e for e in exprs if isinstance(e, sp.Basic)]
        together = sp.Tuple(*basics)
        replaced = iter(self.apply(together).args if basics else ())
        return tuple(next(replaced) if isinstance(e, sp.Basic) else e for e in exprs)

    def conditions(self, symbols: Iterable[sp.Symbol]) -> list[sp.Basic]:
        """The ``where`` conditions rewritten on the given (assumption-carrying) symbols."""
        by_name = {s.name: s for s in symbols}
        return [
            w.xreplace({s: by_name[s.name] for s in w.free_symbols if s.name in by_name}) for w in self.where
        ]

    def _replacements(self, symbols: Iterable[sp.Symbol], free: set[sp.Basic]) -> dict[sp.Symbol, sp.Symbol]:
        """One real symbol per name among the free symbols (their declared assumptions merged, so that ``x``
        and ``x`` declared positive elsewhere are the same variable), and bound variables made real."""
        out: dict[sp.Symbol, sp.Symbol] = {}
        by_name: dict[str, list[sp.Symbol]] = {}
        for s in symbols:
            if isinstance(s, sp.Dummy):
                continue
            if s in free:
                by_name.setdefault(s.name, []).append(s)
            else:
                new = sp.Symbol(s.name, **self._flags(s.name, [s]))
                if new != s:
                    out[s] = new
        for name, group in by_name.items():
            new = sp.Symbol(name, **self._flags(name, group))
            out.update({s: new for s in group if s != new})
        return out

    def _flags(self, name: str, group: list[sp.Symbol]) -> dict[str, bool]:
        flags: dict[str, bool] = {}
        for s in group:
            for k, v in _consistent({k: v for k, v in s.assumptions0.items() if v is not None}).items():
                if flags.get(k, v) != v:
                    raise SymntkError(f"symbol {name!r} is declared with conflicting assumptions ({k})")
                flags[k] = v
        flags["real"] = True
        for flag in _FLAGS:
            if name in getattr(self, flag):
                flags[flag] = True
        return flags


def _kind(s: sp.Symbol) -> str:
    if s.is_integer:
        return (
            "positive integer" if s.is_positive else "nonnegative integer" if s.is_nonnegative else "integer"
        )
    if s.is_positive:
        return "positive"
    if s.is_nonnegative:
        return "nonnegative"
    if s.is_nonzero:
        return "nonzero"
    return "real"


def _consistent(flags: dict[str, bool]) -> dict[str, bool]:
    """Keep only the defining flags: SymPy derives the rest, and stale derived flags could contradict."""
    keep = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer", "commutative")
    return {k: v for k, v in flags.items() if k in keep}


def _symbols_of(expr: sp.Basic) -> set[sp.Symbol]:
    return {s for s in expr.atoms(sp.Symbol)}


def _names(items: Any, flag: str) -> list[str]:
    if isinstance(items, str | sp.Symbol):
        items = [items]
    names = []
    for item in items:
        if isinstance(item, sp.Symbol):
            names.append(item.name)
        elif isinstance(item, str) and item.isidentifier():
            names.append(item)
        else:
            raise SymntkError(f"assumption {flag}: expected symbols or symbol names, got {item!r}")
    return names


def _conditions(items: Any) -> list[sp.Basic]:
    if isinstance(items, sp.Basic):
        items = [items]
    out = []
    for item in items:
        if not isinstance(item, Relational | sp.And):
            raise SymntkError(
                f"assumption where: expected a SymPy inequality such as c**2 < a*b, got {item!r}"
            )
        out.append(item)
    return out


def _listing(names: Iterable[str]) -> str:
    names = sorted(names)
    return ", ".join(names) if names else "none"
