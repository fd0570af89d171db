"""Random instances of a claim: concrete sizes, random points in the domain, random test functions.

A claim about all x is checked at random points drawn independently of it (issue 5, "verified"):

- sizes first: a symbol that bounds a sum or a product, or sizes a matrix symbol, is a positive integer
and gets
  a small random value; a free index (of an indexed object or a Kronecker δ) gets a value in 1..3 so that
  coincidences such as k = k′ occur; then sums are expanded and matrix symbols written out entry by entry;
- then values: every remaining symbol and indexed entry gets a random rational whose sign and integrality
follow
  its assumptions, and which satisfies the ``where`` conditions (by rejection);
- generic functions (an undefined σ, f, φ) become random test functions
  ``a₀ + Σ aⱼtⱼ + b sin(Σ wⱼtⱼ + φ) + c exp(−(Σ uⱼtⱼ)²/4)`` with random rational coefficients: analytic, not
  polynomial, not symmetric in their arguments, fresh at every point.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.tensor.indexed import Indexed

from .._errors import SymntkError


@dataclass(frozen=True)
class Instance:
    """A claim made concrete: the two sides after substitution, and the point that made them so."""

    lhs: sp.Basic
    rhs: sp.Basic
    point: dict[str, str]


class NoPoint(Exception):
    """Raised when no point satisfying the conditions was found."""


def random_rational(rng: random.Random, *, positive: bool = False, integer: bool = False) -> sp.Rational:
    """A random rational of magnitude between 1/8 and 8 (log-uniform), with a denominator of three digits."""
    if integer:
        value = rng.randint(1, 12)
        return sp.Integer(value if positive or rng.random() < 0.5 else -value)
    magnitude = 2 ** rng.uniform(-3, 3)
    q = rng.randint(101, 997)
    p = max(1, round(magnitude * q))
    sign = 1 if positive or rng.random() < 0.5 else -1
    return sp.Rational(sign * p, q)


def random_function(rng: random.Random, arity: int) -> sp.Lambda:
    """A random analytic, non-polynomial, non-symmetric test function of ``arity`` arguments."""
    ts = sp.symbols(f"t0:{arity}", real=True)

    def coeff() -> sp.Rational:
        return sp.Rational(rng.randint(-99, 99) or 1, rng.randint(20, 60))

    lin = sum((coeff() * t for t in ts), sp.Integer(0))
    phase = sum((coeff() * t for t in ts), sp.Integer(0))
    bump = sum((coeff() * t for t in ts), sp.Integer(0))
    body = coeff() + lin + coeff() * sp.sin(phase + coeff()) + coeff() * sp.exp(-(bump**2) / 4)
    return sp.Lambda(ts, body)


def _is_size(symbol: sp.Symbol, expr: sp.Basic) -> bool:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum | sp.Product):
            for _, lower, upper in node.limits:
                if symbol in lower.free_symbols or symbol in upper.free_symbols:
                    return True
        if isinstance(node, sp.MatrixSymbol):
            if any(symbol in sp.sympify(d).free_symbols for d in node.shape):
                return True
    return False


def _is_free_index(symbol: sp.Symbol, expr: sp.Basic) -> bool:
    for node in expr.atoms(Indexed, sp.KroneckerDelta):
        args = node.indices if isinstance(node, Indexed) else node.args
        if any(symbol in sp.sympify(a).free_symbols for a in args):
            return True
    return False


def _stage_symbols(exprs: Sequence[sp.Basic]) -> list[sp.Symbol]:
    """The free scalar symbols, leaving out the labels of indexed objects (their entries get values)."""
    free: set[sp.Symbol] = set()
    labels: set[sp.Basic] = set()
    for e in exprs:
        free |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
        labels |= {a.base.label for a in e.atoms(Indexed)}
    return sorted(free - labels, key=lambda s: s.name)


def _value_for(symbol: sp.Symbol, rng: random.Random, *, small: bool) -> sp.Rational:
    if symbol.is_integer:
        if symbol.is_positive or symbol.is_nonnegative:
            return sp.Integer(rng.randint(2, 60))
        return sp.Integer(rng.randint(-20, 20))
    return random_rational(rng, positive=bool(symbol.is_positive or symbol.is_nonnegative))


def _satisfied(conditions: Iterable[sp.Basic], values: dict[sp.Basic, sp.Basic]) -> bool:
    for condition in conditions:
        result = condition.xreplace(values)
        if result is sp.true:
            continue
        if result is sp.false:
            return False
        if isinstance(result, sp.core.relational.Relational):
            try:
                diff = sp.N(result.lhs - result.rhs, 30)
                if not diff.is_real:
                    return False
                result = result.func(diff, 0)
            except (TypeError, ValueError):
                return False
            if result is not sp.true:
                return False
            continue
        return False
    return True


@dataclass(frozen=True)
class Concrete:
    """A claim with sizes fixed, sums expanded and generic functions replaced: left are scalar unknowns."""

    lhs: sp.Basic
    rhs: sp.Basic
    unknowns: tuple[sp.Basic, ...]
    conditions: tuple[sp.Basic, ...]
    sizes: dict[str, str]


def concretize(lhs: sp.Basic, rhs: sp.Basic, conditions: Sequence[sp.Basic], rng: random.Random) -> Concrete:
    """Fix sizes and free indices, expand sums, write matrices out, replace generic functions."""
    pair: tuple[sp.Basic, ...] = (lhs, rhs)
    both = sp.Tuple(*pair)
    sized = [s for s in _stage_symbols(pair) if _is_size(s, both)]
    indices = [s for s in _stage_symbols(pair) if s not in sized and s.is_integer and _is_free_index(s, both)]
    for _ in range(50):  # sizes and indices that the conditions allow (e.g. k′ ≤ n)
        sizes: dict[sp.Basic, sp.Basic] = {s: sp.Integer(rng.randint(1, 4)) for s in sized}
        sizes.update({s: sp.Integer(rng.randint(1, 3)) for s in indices})
        if not any(c.xreplace(sizes) is sp.false for c in conditions):
            break
    else:
        raise NoPoint
    pair = tuple(_concrete(e.xreplace(sizes) if sizes else e) for e in pair)
    replace = _test_functions(pair, rng)
    if replace:
        pair = tuple(_substitute_functions(e, replace) for e in pair)
    unknowns = tuple(
        sorted(
            {a for e in pair for a in e.atoms(Indexed, MatrixElement)} | set(_stage_symbols(pair)), key=str
        )
    )
    return Concrete(
        pair[0],
        pair[1],
        unknowns,
        tuple(c.xreplace(sizes) for c in conditions),
        {str(k): str(v) for k, v in sizes.items()},
    )


def draw(concrete: Concrete, rng: random.Random, *, attempts: int = 200) -> dict[sp.Basic, sp.Rational]:
    """Random values for the unknowns of ``concrete`` inside its conditions; raises :class:`NoPoint`."""
    for _ in range(attempts):
        values = {
            a: _value_for(a, rng, small=False) if isinstance(a, sp.Symbol) else _entry_value(a, rng)
            for a in concrete.unknowns
        }
        if _satisfied(concrete.conditions, values):
            return values
    raise NoPoint


def satisfied(concrete: Concrete, values: dict[sp.Basic, sp.Basic]) -> bool:
    """Whether ``values`` satisfy the conditions of ``concrete``."""
    return _satisfied(concrete.conditions, values)


def substitute(expr: sp.Basic, values: dict[sp.Basic, sp.Basic]) -> sp.Basic:
    """``expr`` at the point ``values``: exactly when it is a rational function, else left unevaluated.

    Automatic evaluation of, say, ``(-2441/629)**(-3014/931)`` looks for exact roots of huge integers and can
    take minutes; high-precision evaluation (:mod:`symntk.check.evaluation`) does not need it.
    """
    if rational_function(expr):
        return expr.xreplace(values)
    with sp.evaluate(False):
        return expr.xreplace(values)


def rational_function(expr: sp.Basic) -> bool:
    """Whether ``expr`` is a rational function of its atoms (exact substitution is cheap)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Function | sp.Derivative | sp.Subs | sp.Integral):
            return False
        if isinstance(node, sp.Pow) and not node.exp.is_Integer:
            return False
    return True


def instance(lhs: sp.Basic, rhs: sp.Basic, conditions: Sequence[sp.Basic], rng: random.Random) -> Instance:
    """A random concrete instance of ``lhs`` and ``rhs`` (see the module docstring); raises
    :class:`NoPoint`."""
    concrete = concretize(lhs, rhs, conditions, rng)
    values = draw(concrete, rng)
    point = dict(concrete.sizes)
    point.update({str(k): str(v) for k, v in values.items()})
    return Instance(substitute(concrete.lhs, values), substitute(concrete.rhs, values), point)


def _entry_value(entry: sp.Basic, rng: random.Random) -> sp.Rational:
    base = entry.args[0]
    label = getattr(base, "label", base)
    positive = bool(getattr(label, "is_positive", False))
    return random_rational(rng, positive=positive)


def generic_functions(*exprs: sp.Basic) -> set[type]:
    """The generic function classes applied in ``exprs``: undefined functions and derivative families."""
    out: set[type] = set()
    for e in exprs:
        for a in e.atoms(sp.Function):
            if isinstance(a, AppliedUndef) or _family(a.func) is not None:
                out.add(a.func)
    return out


def _family(f: type) -> tuple[str, int] | None:
    """``(name, order)`` for a member of a derivative family (``symbol`` and ``order`` class attributes:
    σ, σ̇ = σ^(1), σ̈ = σ^(2) of :func:`symntk.network.generic_activation`), else ``None``."""
    name, order = getattr(f, "symbol", None), getattr(f, "order", None)
    if isinstance(name, str) and isinstance(order, int) and not isinstance(order, bool) and order >= 0:
        return name, order
    return None


def _test_functions(pair: Sequence[sp.Basic], rng: random.Random) -> dict[type, sp.Lambda]:
    """A random test function for each generic function; the members of a derivative family get one test
    function φ and its derivatives φ′, φ″, … so that σ̇ stays the derivative of σ."""
    replace: dict[type, sp.Lambda] = {}
    families: dict[str, list[type]] = {}
    for f in sorted(generic_functions(*pair), key=str):
        member = _family(f)
        if member is None:
            replace[f] = random_function(rng, _arity(f, pair))
        else:
            families.setdefault(member[0], []).append(f)
    for name in sorted(families):
        base = random_function(rng, 1)
        t = base.variables[0]
        for f in families[name]:
            order = _family(f)[1]  # type: ignore[index]
            replace[f] = sp.Lambda(t, sp.diff(base.expr, t, order))
    return replace


def _arity(f: type, pair: Sequence[sp.Basic]) -> int:
    arities = {len(a.args) for e in pair for a in e.atoms(sp.Function) if a.func == f}
    if len(arities) != 1:
        raise SymntkError(f"function {f} is applied with different numbers of arguments")
    return arities.pop()


def _substitute_functions(expr: sp.Basic, replace: dict[type, sp.Lambda]) -> sp.Basic:
    # all at once with subs: replacing one function at a time leaves derivatives with respect to an
    # expression (d f(g(x)) / d g(x)), which cannot be evaluated
    return expr.subs(replace).doit()


def _concrete(expr: sp.Basic) -> sp.Basic:
    """Expand sums and products with numeric bounds and write matrix expressions out entry by entry."""
    if isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        expr = expr.as_explicit()
    return expr.doit()
