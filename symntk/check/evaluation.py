"""High-precision evaluation of concrete expressions, and the comparison rule that near misses cannot fool.

An instance (no free symbols left) is evaluated by SymPy's adaptive ``evalf`` at two working precisions,
``dps`` and ``2·dps`` digits. Two sides *agree* at a point when their difference is below ``10^-(d-10)`` of
their size at both precisions: a true identity's residual is rounding noise, which shrinks as the precision
grows. They *differ* when the difference exceeds ``10^-(dps-10)`` of their size and is the same at both
precisions: a real discrepancy does not move with the precision (with quadrature or an infinite series, whose
errors need not shrink with the precision, only a difference above 10⁻⁸ refutes). Anything else is
inconclusive at that point. So ``exp(π√163)`` (within 7.5·10⁻¹³ of an integer) and two expressions that agree
to 25 digits are told apart.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import mpmath
import sympy as sp

from .deadline import OutOfTime
from .norms import MPMATH


class Agreement(enum.Enum):
    AGREE = "agree"
    DIFFER = "differ"
    UNDEFINED = "undefined"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Comparison:
    """The outcome at one point, with both sides' values (as strings of 20 significant digits)."""

    agreement: Agreement
    lhs: str = ""
    rhs: str = ""
    relative: float = 0.0


class Undefined(Exception):
    """The expression is infinite or undefined at the point (it evaluates to ∞, ``zoo`` or ``nan``)."""


_NOT_FINITE = (sp.zoo, sp.nan, sp.oo, -sp.oo)


def value(expr: sp.Basic, dps: int) -> mpmath.mpc | None:
    """The value of a concrete expression to ``dps`` digits.

    Raises :class:`Undefined` where the expression is infinite or undefined; returns ``None`` where it could
    not be evaluated (which decides nothing).
    """
    if expr.free_symbols:
        raise ValueError(f"expression still has free symbols {sorted(map(str, expr.free_symbols))}")
    if expr.has(*_NOT_FINITE):
        raise Undefined
    try:
        number = sp.N(expr, dps, maxn=4 * dps + 100)
    except OutOfTime:
        raise
    except ZeroDivisionError as exc:
        raise Undefined from exc
    except (ValueError, TypeError, ArithmeticError):
        return None
    if number.has(*_NOT_FINITE):
        raise Undefined
    if not number.is_number:
        return None
    re, im = number.as_real_imag()
    if not (re.is_Number and im.is_Number):
        return None
    with mpmath.workdps(dps + 10):
        return mpmath.mpc(mpmath.mpmathify(str(sp.Float(re, dps))), mpmath.mpmathify(str(sp.Float(im, dps))))


def exact_value(expr: sp.Basic) -> sp.Rational | None:
    """The value of a concrete expression if it is an exact rational number, else ``None``."""
    if isinstance(expr, sp.Rational):
        return expr
    return None


#: What an evaluation at some precision gives: a value, :data:`UNDEFINED_TEXT` (infinite or not a number), or
#: ``None`` (could not be evaluated, which decides nothing).
Outcome: TypeAlias = "mpmath.mpc | str | None"
UNDEFINED_TEXT = "undefined (infinite or not a number)"


def compare(lhs: sp.Basic, rhs: sp.Basic, dps: int) -> Comparison:
    """Compare two concrete expressions by the rule of the module docstring (SymPy's adaptive evalf)."""
    exact_l, exact_r = exact_value(lhs), exact_value(rhs)
    if exact_l is not None and exact_r is not None:
        agreement = Agreement.AGREE if exact_l == exact_r else Agreement.DIFFER
        return Comparison(agreement, str(exact_l), str(exact_r), 0.0 if exact_l == exact_r else 1.0)
    return decide(
        lambda digits: _value_or_undefined(lhs, digits),
        lambda digits: _value_or_undefined(rhs, digits),
        dps,
        approximated(lhs, rhs),
    )


def decide(
    left_at: Callable[[int], Outcome], right_at: Callable[[int], Outcome], dps: int, approximate: bool = False
) -> Comparison:
    """The rule of the module docstring, given each side's value as a function of the working precision."""
    results: list[tuple[Any, Any, Any, Any]] = []
    for digits in (dps, 2 * dps):
        left, right = left_at(digits), right_at(digits)
        if left is None or right is None:
            return Comparison(Agreement.UNDEFINED)
        if isinstance(left, str) or isinstance(right, str):
            if isinstance(left, str) and isinstance(right, str):
                return Comparison(Agreement.UNDEFINED)
            # finite on one side, infinite or undefined on the other: not equal at this point
            with mpmath.workdps(digits):
                shown = [v if isinstance(v, str) else _show(v, 20) for v in (left, right)]
            return Comparison(Agreement.DIFFER, shown[0], shown[1], 1.0)
        with mpmath.workdps(digits + 10):
            size = max(abs(left), abs(right))
            diff = abs(left - right)
            results.append((left, right, size, diff))
    (_, _, s1, d1), (l2, r2, s2, d2) = results
    with mpmath.workdps(2 * dps + 10):
        if s2 == 0:
            return Comparison(Agreement.AGREE, _show(l2, 20), _show(r2, 20), 0.0)
        rel1, rel2 = d1 / s1 if s1 else mpmath.mpf(0), d2 / s2
        # enough digits to show where the two sides part, at least 20
        digits = 20 if rel2 == 0 else min(2 * dps - 10, max(20, int(-mpmath.log10(rel2)) + 6))
        show_l, show_r = _show(l2, digits), _show(r2, digits)
        if rel1 <= mpmath.mpf(10) ** (-(dps - 10)) and rel2 <= mpmath.mpf(10) ** (-(2 * dps - 10)):
            return Comparison(Agreement.AGREE, show_l, show_r, float(rel2))
        stable = abs(d1 - d2) <= mpmath.mpf("0.001") * d2
        # numerical quadrature and infinite series can miss by the same amount at both precisions: only a
        # gross difference refutes them
        floor = mpmath.mpf(10) ** (-8 if approximate else -(dps - 10))
        if rel2 > floor and stable:
            return Comparison(Agreement.DIFFER, show_l, show_r, float(rel2))
        return Comparison(Agreement.INCONCLUSIVE, show_l, show_r, float(rel2))


class Compiled:
    """Concrete expressions of some unknowns, compiled once together for mpmath and evaluated at many points.

    One function for all of them, with common subexpressions shared: faster than ``evalf`` by one to two
    orders of magnitude on the large expressions of network models. It works at a fixed precision (the
    requested digits plus 20 guard digits) instead of an adaptive one: cancellation shows up as a residual
    that does not shrink with the precision, which :func:`decide` reads as inconclusive, never as agreement.
    """

    def __init__(self, exprs: Sequence[sp.Basic], unknowns: Sequence[sp.Basic]) -> None:
        dummies = [sp.Dummy(f"u{i}") for i in range(len(unknowns))]
        rename = dict(zip(unknowns, dummies, strict=True))
        bodies = [e.xreplace(rename) for e in exprs]
        self._function = sp.lambdify(dummies, bodies, modules=[MPMATH, "mpmath"], cse=True, docstring_limit=0)
        self.size = len(exprs)

    def at(self, values: Sequence[sp.Rational], digits: int) -> list[Outcome]:
        """The values of every expression at ``values`` with ``digits`` digits (``None`` where unknown)."""
        with mpmath.workdps(digits + 20):
            args = [mpmath.mpf(int(v.p)) / int(v.q) for v in values]
            try:
                results = self._function(*args)
            except OutOfTime:
                raise
            except Exception:  # a division by zero somewhere, or an unsupported function: evalf decides
                return [None] * self.size
            return [_outcome(r) for r in results]


def _outcome(result: Any) -> Outcome:
    try:
        value = mpmath.mpmathify(result)
    except (TypeError, ValueError):
        return None
    if not mpmath.isfinite(value):
        return UNDEFINED_TEXT
    return mpmath.mpc(value)


def approximated(*exprs: sp.Basic) -> bool:
    """Whether evaluating ``exprs`` involves quadrature or an infinite series (errors that need not shrink
    with the working precision)."""
    for expr in exprs:
        if expr.has(sp.Integral):
            return True
        for node in expr.atoms(sp.Sum, sp.Product):
            if any(bound.has(sp.oo, -sp.oo) for _, *bounds in node.limits for bound in bounds):
                return True
    return False


def _value_or_undefined(expr: sp.Basic, dps: int) -> Outcome:
    try:
        return value(expr, dps)
    except Undefined:
        return UNDEFINED_TEXT


def _show(z: mpmath.mpc, digits: int) -> str:
    if z.imag == 0:
        return mpmath.nstr(z.real, digits)
    return mpmath.nstr(z, digits)
