"""Checking an inequality ``lhs ≤ rhs``: a SymPy proof where it can give one, else a falsification search.

Issue 5: Cauchy–Schwarz, the operator-norm bounds of seed 002 Lemma 1. The method:

1. **proved** when ``simplify(rhs − lhs)`` is nonnegative by SymPy's assumptions (every symbol real, with its
   declared sign and integrality);
2. a falsification search: random instances (:mod:`symntk.check.sampling`, sizes and generic functions drawn
   anew each time), then a local search (a pattern search in float64, positive unknowns in log scale)
   that drives
   the margin ``rhs − lhs`` down from the most promising instances. A candidate violation is rounded to
   rationals
   and confirmed at 50 digits: **refuted** with the point and both sides' values;
3. otherwise **consistent**: no violation among that many random and optimized instances, with the smallest
   relative margin found. A search that finds nothing is evidence, not proof, and is never reported stronger.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import sympy as sp

from .._errors import SymntkError
from .assumptions import Assumptions
from .deadline import OutOfTime, deadline
from .equality import as_expression, pointwise, shape
from .evaluation import Undefined, value
from .norms import NUMPY
from .sampling import Concrete, NoPoint, concretize, draw, satisfied, substitute
from .verdict import Verdict, consistent, proved, refuted, undecided


def less_equal(
    lhs: Any,
    rhs: Any,
    *,
    seed: int | str = 0,
    points: int = 48,
    optimized: int = 4,
    dps: int = 50,
    timeout: float = 30.0,
    symbolic: bool = True,
    **assumptions: Any,
) -> Verdict:
    """Check ``lhs ≤ rhs`` for all values allowed by ``assumptions`` (as for :func:`~symntk.check.equal`).

    >>> import sympy as sp
    >>> a, b = sp.symbols("a b")
    >>> less_equal(2 * a * b, a**2 + b**2).status.value in ("proved", "consistent")
    True
    >>> less_equal(3 * a * b, a**2 + b**2, seed=1).status.value
    'refuted'
    """
    given = Assumptions.of(assumptions)
    left, right = as_expression(lhs, "left-hand side"), as_expression(rhs, "right-hand side")
    if shape(left) is not None or shape(right) is not None:
        raise SymntkError("an inequality needs scalars on both sides (take a norm or an entry of a matrix)")
    left, right = pointwise(left), pointwise(right)
    given.check_known((left, right))
    left, right = given.apply_all(left, right)
    rng = random.Random(f"le:{seed}")
    try:
        with deadline(timeout):
            if symbolic:
                verdict = _symbolic(left, right, given)
                if verdict is not None:
                    return verdict
            return _search(left, right, given, rng, points, optimized, dps)
    except OutOfTime:
        return undecided(f"out of time after {timeout:g} s", method="timeout", timeout=timeout)
    except SymntkError:
        raise
    except Exception as exc:  # never a pass
        return undecided(
            f"could not check: {type(exc).__name__}: {exc}"[:200], method="error", reason=type(exc).__name__
        )


def _symbolic(lhs: sp.Basic, rhs: sp.Basic, given: Assumptions) -> Verdict | None:
    try:
        with deadline(8.0):
            margin = sp.simplify((rhs - lhs).doit())
            for candidate in (margin, sp.factor(margin)):
                if candidate.is_nonnegative:
                    return proved(
                        f"rhs − lhs = {_brief(candidate)} is nonnegative ({given.describe((lhs, rhs))})",
                        method="symbolic",
                    )
    except OutOfTime:
        return None
    return None


def _brief(expr: sp.Basic) -> str:
    text = str(expr)
    return text if len(text) <= 80 else text[:77] + "..."


def _search(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Assumptions,
    rng: random.Random,
    points: int,
    optimized: int,
    dps: int,
) -> Verdict:
    symbols = {s for e in (lhs, rhs) for s in e.atoms(sp.Symbol)}
    conditions = given.conditions(symbols)
    candidates: list[tuple[float, Concrete, dict[sp.Basic, sp.Rational]]] = []
    tried = 0
    for _ in range(points):
        try:
            concrete = concretize(lhs, rhs, conditions, rng)
            values = draw(concrete, rng)
        except NoPoint:
            continue
        tried += 1
        verdict, relative = _confirm(concrete, values, dps)
        if verdict is not None:
            return verdict
        if relative is not None:
            candidates.append((relative, concrete, values))
    if not candidates:
        return undecided(
            "no point of the domain could be evaluated",
            method="falsification search",
            reason="no usable point",
        )
    candidates.sort(key=lambda c: c[0])
    best = candidates[0][0]
    polished = 0
    for _, concrete, values in candidates[:optimized]:
        better = _descend(concrete, values, rng)
        if better is None:
            continue
        polished += 1
        verdict, relative = _confirm(concrete, better, dps)
        if verdict is not None:
            return verdict
        if relative is not None:
            best = min(best, relative)
    return consistent(
        f"no violation at {tried} random and {polished} locally optimized instances; "
        "smallest relative margin "
        f"{best:.3g} (a search, not a proof)",
        method="falsification search",
        points=tried,
        optimized=polished,
        estimate=best,
    )


def _confirm(
    concrete: Concrete, values: dict[sp.Basic, sp.Rational], dps: int
) -> tuple[Verdict | None, float | None]:
    """Evaluate the margin at a point at high precision: a refutation, or the relative margin there."""
    try:
        left = value(substitute(concrete.lhs, values), dps)
        right = value(substitute(concrete.rhs, values), dps)
    except Undefined:
        return None, None
    if left is None or right is None or left.imag != 0 or right.imag != 0:
        return None, None
    margin = right.real - left.real
    size = max(abs(left.real), abs(right.real))
    noise = size * 10.0 ** (-(dps - 10))
    if margin < -noise:
        point = dict(concrete.sizes)
        point.update({str(k): str(v) for k, v in values.items()})
        at = ", ".join(f"{k} = {v}" for k, v in point.items())
        lhs_text, rhs_text = _num(left.real), _num(right.real)
        return refuted(
            f"counterexample at {at}: lhs = {lhs_text} > rhs = {rhs_text}",
            method="falsification search",
            counterexample={"point": point, "lhs": lhs_text, "rhs": rhs_text},
        ), None
    return None, float(margin / size) if size else 0.0


def _num(x: Any) -> str:
    import mpmath

    return str(mpmath.nstr(x, 20))


def _descend(
    concrete: Concrete, start: dict[sp.Basic, sp.Rational], rng: random.Random, iterations: int = 150
) -> dict[sp.Basic, sp.Rational] | None:
    """A pattern search lowering the relative margin from ``start``; the best point found, as rationals."""
    free = [u for u in concrete.unknowns if not getattr(u, "is_integer", False)]
    fixed = {u: v for u, v in start.items() if u not in free}
    if not free:
        return None
    logscale = [bool(getattr(u, "is_positive", False) or getattr(u, "is_nonnegative", False)) for u in free]
    args = sp.symbols(f"z0:{len(free)}", real=True)
    rename = dict(zip(free, args, strict=True))
    margin_expr = (concrete.rhs - concrete.lhs).xreplace(fixed).xreplace(rename)
    size_expr = (abs(concrete.rhs) + abs(concrete.lhs)).xreplace(fixed).xreplace(rename)
    try:
        margin_f = sp.lambdify(args, margin_expr, modules=[NUMPY, "numpy"], docstring_limit=0)
        size_f = sp.lambdify(args, size_expr, modules=[NUMPY, "numpy"], docstring_limit=0)
    except Exception:  # nothing to compile for float64: no local search from this point
        return None

    def to_values(z: np.ndarray) -> np.ndarray:
        return np.where(logscale, np.exp(z), z)

    def objective(z: np.ndarray) -> float:
        x = to_values(z)
        with np.errstate(all="ignore"):
            try:
                m, s = complex(margin_f(*x)), complex(size_f(*x))
            except Exception:  # undefined here, or a function float64 cannot evaluate: not a candidate
                return math.inf
        if not (math.isfinite(m.real) and math.isfinite(s.real)) or abs(m.imag) > 1e-12 * (abs(s) + 1):
            return math.inf
        # The margin over (1 + size): negative exactly where the claim fails, and not flat where one side
        # is 0 (the margin over the size alone would be ±1 there, leaving the search nothing to descend).
        return m.real / (1.0 + s.real) if s.real >= 0 else math.inf

    z = np.array(
        [math.log(float(start[u])) if ls else float(start[u]) for u, ls in zip(free, logscale, strict=True)]
    )
    best = objective(z)
    step = 0.5
    np_rng = np.random.default_rng(rng.getrandbits(64))
    for _ in range(iterations):
        trial = z + step * np_rng.standard_normal(z.shape)
        value_ = objective(trial)
        if value_ < best:
            z, best = trial, value_
            step *= 1.3
        else:
            step *= 0.9
        if step < 1e-6:
            break
    x = to_values(z)
    values = dict(fixed)
    for u, xi in zip(free, x, strict=True):
        r = sp.Rational(float(xi)).limit_denominator(10**9)
        if getattr(u, "is_positive", False) and r <= 0:
            r = sp.Rational(1, 10**9)
        values[u] = r
    if not satisfied(concrete, values):
        return None
    return values
