"""Limits and rates as a variable (a width n) tends to infinity, exact and measured.

- :func:`tends_to` checks ``expr → target`` as n → ∞: **proved** when SymPy computes the limit exactly, it
  provably equals the target and the numbers below do not contradict it (else *undecided*: SymPy's limits
  have had bugs); verified/refuted as :func:`~symntk.check.equal` finds when the limit is not the target;
  otherwise, at random values of the other symbols, the gap ``|expr − target|`` is evaluated at n = 10²,
  10⁴, …, 10¹⁶ to 50 digits: **consistent** when it falls below 10⁻⁶ of the target (with the fitted rate),
  **refuted** when it stays put (within 1 %) over n = 10¹²…10¹⁶ above 10⁻³, **undecided** otherwise (a slow
  decay such as n^(−1/100)).
- :func:`of_order` checks ``expr ≍ rate`` (sharp order, as the seeds use ``∼``): **proved** when SymPy finds
  ``expr/rate`` tends to a finite nonzero limit, **refuted** when the limit is 0 or infinite (with the
  exponent that holds); numerically, the slope of log|expr| against log n over n = 10², …, 10¹⁶.
- :func:`fit_rate` is for measured data (Monte Carlo over finite-width networks): least squares of log value
  against log width, a Student-t confidence interval for the slope, compared with the claimed exponent:
  **consistent** when the claim lies in the 95 % interval, **refuted** when it lies outside the 99.9 %
  interval,
  **undecided** in between or when the fit is too loose to tell.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

import mpmath
import sympy as sp

from .._errors import SymntkError
from .assumptions import Assumptions
from .deadline import OutOfTime, deadline
from .equality import as_expression, equal
from .evaluation import Undefined, value
from .sampling import NoPoint, concretize, draw, substitute
from .verdict import Status, Verdict, consistent, proved, refuted, undecided

_WIDTHS = tuple(10**k for k in range(2, 17, 2))


def _prepare(
    expr: Any, target: Any, variable: sp.Symbol, assumptions: dict[str, Any]
) -> tuple[sp.Basic, sp.Basic, sp.Symbol, Assumptions]:
    given = Assumptions.of(assumptions)
    a, b = as_expression(expr, "expression"), as_expression(target, "target")
    given.check_known((a, b, variable))
    given = given.merge(Assumptions.of(positive=[variable]))
    a, b, n = given.apply_all(a, b, variable)
    return a, b, n, given


def _random(*exprs: sp.Basic) -> bool:
    from sympy.stats.rv import RandomSymbol

    return any(e.atoms(RandomSymbol) for e in exprs)


def _needs_strategy(what: str) -> Verdict:
    return undecided(
        f"{what} needs a Monte Carlo strategy over finite-width networks (symntk.convergence.check_strategy)",
        method="unsupported",
        reason="random symbols",
    )


def _exact_limit(expr: sp.Basic, n: sp.Symbol, seconds: float) -> sp.Basic | None:
    try:
        with deadline(seconds):
            result = sp.limit(expr.doit(), n, sp.oo)
    except OutOfTime:
        return None
    except Exception:  # SymPy could not: fall back to numbers
        return None
    if result.has(sp.Limit) or result.has(sp.AccumBounds) or result is sp.nan:
        return None
    return result


def tends_to(
    expr: Any,
    target: Any,
    variable: sp.Symbol,
    *,
    seed: int | str = 0,
    timeout: float = 30.0,
    points: int = 3,
    **assumptions: Any,
) -> Verdict:
    """Check ``expr → target`` as ``variable`` → ∞ (see the module docstring).

    >>> import sympy as sp
    >>> n = sp.Symbol("n", positive=True)
    >>> tends_to((1 + 1 / n) ** n, sp.E, n).status.value
    'proved'
    """
    a, b, n, given = _prepare(expr, target, variable, assumptions)
    if _random(a, b):
        return _needs_strategy("a limit of random quantities (in probability or almost surely)")
    try:
        with deadline(timeout):
            limit = _exact_limit(a, n, timeout / 3)
            if limit is not None:
                verdict = equal(limit, b, seed=seed, timeout=timeout / 3, **_plain(given, n))
                how = f"SymPy's limit is {_brief(limit)}"
                if verdict.status is Status.PROVED:
                    # SymPy's limits have had bugs: the numbers must not contradict the exact answer
                    try:
                        numbers = _numeric_limit(a, b, n, given, random.Random(f"lim:{seed}"), 1)
                    except SymntkError:  # n is a size here: no sequence to evaluate
                        numbers = undecided("no sequence", method="numeric limit")
                    if numbers.status is Status.REFUTED:
                        return undecided(
                            f"{how}, equal to the target, but the numbers disagree: {numbers.evidence}",
                            method="exact limit",
                            reason="SymPy's limit contradicted by evaluation",
                        )
                    return proved(f"{how}, equal to the target", method="exact limit")
                return Verdict(
                    verdict.status,
                    f"{how}; limit vs target: {verdict.evidence}",
                    {**verdict.data, "method": "exact limit", "limit": str(limit)},
                )
            return _numeric_limit(a, b, n, given, random.Random(f"lim:{seed}"), points)
    except OutOfTime:
        return undecided(f"out of time after {timeout:g} s", method="timeout")
    except SymntkError:
        raise
    except Exception as exc:
        return undecided(f"could not check: {type(exc).__name__}: {exc}"[:200], method="error")


def _plain(given: Assumptions, n: sp.Symbol) -> dict[str, Any]:
    return {
        "positive": sorted(given.positive - {n.name}),
        "nonnegative": sorted(given.nonnegative),
        "nonzero": sorted(given.nonzero),
        "integer": sorted(given.integer - {n.name}),
        "where": list(given.where),
    }


def _brief(expr: sp.Basic) -> str:
    text = str(expr)
    return text if len(text) <= 60 else text[:57] + "..."


def _sequence(
    expr: sp.Basic, n: sp.Symbol, given: Assumptions, rng: random.Random
) -> tuple[list[mpmath.mpf], dict[str, str]]:
    """|expr| at n = 10², …, 10¹⁶ at one random point of the other symbols (50 digits)."""
    symbols = {s for s in expr.atoms(sp.Symbol)}
    concrete = concretize(expr, n, given.conditions(symbols), rng)
    if n not in concrete.unknowns:
        raise SymntkError(f"{n} must stay a free symbol (not a size or an index) to take n → ∞")
    values = {k: v for k, v in draw(concrete, rng).items() if k != n}
    body = substitute(concrete.lhs, values)
    point = dict(concrete.sizes)
    point.update({str(k): str(v) for k, v in values.items()})
    out = []
    for width in _WIDTHS:
        try:
            v = value(substitute(body, {n: sp.Integer(width)}), 50)
        except Undefined as exc:
            raise NoPoint from exc
        if v is None:
            raise NoPoint
        out.append(abs(v))
    return out, point


def _numeric_limit(
    a: sp.Basic, b: sp.Basic, n: sp.Symbol, given: Assumptions, rng: random.Random, points: int
) -> Verdict:
    slopes = []
    for _ in range(points):
        try:
            gaps, point = _sequence(a - b, n, given, rng)
            sizes, _ = _sequence(b, n, given, random.Random(str(point)))
        except NoPoint:
            return undecided("could not evaluate the sequence", method="numeric limit")
        scale = max(max(sizes), mpmath.mpf(1))
        last = gaps[-1] / scale
        fit = _slope([math.log(w) for w in _WIDTHS], [_log(g) for g in gaps])
        flat = all(abs(g - gaps[-1]) <= mpmath.mpf("0.01") * gaps[-1] for g in gaps[-3:])
        if last > mpmath.mpf("1e-3") and flat:  # the gap stays put over n = 10¹²…10¹⁶: no convergence
            at = ", ".join(f"{k} = {v}" for k, v in point.items()) or "no other symbols"
            return refuted(
                f"at {at} the gap to the target levels off at {mpmath.nstr(gaps[-1], 6)} for n = 10¹⁶",
                method="numeric limit",
                counterexample={"point": point, "gap": mpmath.nstr(gaps[-1], 10)},
            )
        if last > mpmath.mpf("1e-6"):
            return undecided(
                f"the gap is still {mpmath.nstr(gaps[-1], 4)} at n = 10¹⁶", method="numeric limit"
            )
        slopes.append(fit[0])
    rate = max(slopes)
    return consistent(
        f"at {points} random points the gap falls to ≤ 1e-6 of the target by n = 10¹⁶, like n^{rate:.2f}",
        method="numeric limit",
        points=points,
        exponent=rate,
    )


def _log(x: mpmath.mpf) -> float:
    return float(mpmath.log(x)) if x > 0 else -1e4


def of_order(
    expr: Any,
    rate: Any,
    variable: sp.Symbol,
    *,
    seed: int | str = 0,
    timeout: float = 30.0,
    points: int = 3,
    **assumptions: Any,
) -> Verdict:
    """Check that ``expr`` is of the sharp order of ``rate`` as ``variable`` → ∞ (see the module docstring).

    >>> import sympy as sp
    >>> n = sp.Symbol("n", positive=True)
    >>> of_order((3 * n + 1) / n**2, 1 / n, n).status.value
    'proved'
    >>> of_order(1 / sp.sqrt(n), 1 / n, n).status.value
    'refuted'
    """
    a, r, n, given = _prepare(expr, rate, variable, assumptions)
    if _random(a, r):
        return _needs_strategy("the order of random quantities")
    try:
        with deadline(timeout):
            ratio = _exact_limit(sp.Abs(a / r), n, timeout / 3)
            if ratio is not None and ratio.is_number:
                if ratio.is_zero or ratio.is_infinite:
                    exponent = _exact_limit(sp.log(sp.Abs(a)) / sp.log(n), n, timeout / 6)
                    actual = f"; the order is n^({exponent})" if exponent is not None else ""
                    word = "faster" if ratio.is_zero else "slower"
                    return refuted(
                        f"|expr/rate| → {ratio}: expr decays {word} than the claimed order{actual}",
                        method="exact limit",
                        limit=str(ratio),
                        exponent=str(exponent),
                    )
                if ratio.is_positive and ratio.is_finite:
                    return proved(f"|expr/rate| → {_brief(ratio)}, finite and nonzero", method="exact limit")
            return _numeric_order(a, r, n, given, random.Random(f"order:{seed}"), points)
    except OutOfTime:
        return undecided(f"out of time after {timeout:g} s", method="timeout")
    except SymntkError:
        raise
    except Exception as exc:
        return undecided(f"could not check: {type(exc).__name__}: {exc}"[:200], method="error")


def _numeric_order(
    a: sp.Basic, r: sp.Basic, n: sp.Symbol, given: Assumptions, rng: random.Random, points: int
) -> Verdict:
    exponents = []
    logs = [math.log(w) for w in _WIDTHS]
    for _ in range(points):
        try:
            values, point = _sequence(a, n, given, rng)
            rates, _ = _sequence(r, n, given, random.Random(str(point)))
        except NoPoint:
            return undecided("could not evaluate the sequence", method="numeric order")
        tail = slice(len(logs) // 2, None)
        got = _slope(logs[tail], [_log(v) for v in values[tail]])[0]
        want = _slope(logs[tail], [_log(v) for v in rates[tail]])[0]
        if abs(got - want) > 0.05:
            at = ", ".join(f"{k} = {v}" for k, v in point.items()) or "no other symbols"
            return refuted(
                f"at {at}, log|expr| grows like {got:.3f}·log n over n = 10⁸…10¹⁶, the claim like {want:.3f}",
                method="numeric order",
                exponent=got,
                claimed=want,
                counterexample={"point": point},
            )
        exponents.append(got)
    return consistent(
        f"slope of log|expr| vs log n over n = 10⁸…10¹⁶ at {points} random points: "
        f"{min(exponents):.3f}…{max(exponents):.3f}, as claimed (numerically: up to logarithmic factors)",
        method="numeric order",
        points=points,
        exponent=exponents[0],
    )


def _slope(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float, int]:
    """Least-squares slope, its standard error, the intercept, and the degrees of freedom."""
    k = len(xs)
    mx, my = sum(xs) / k, sum(ys) / k
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    if k <= 2:
        return slope, math.inf, intercept, 0
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return slope, math.sqrt(residual / (k - 2) / sxx), intercept, k - 2


def student_t_quantile(p: float, dof: int) -> float:
    """The ``p`` quantile of Student's t distribution with ``dof`` degrees of freedom."""
    from scipy.stats import t

    return float(t.ppf(p, dof)) if dof > 0 else math.inf


def fit_rate(
    widths: Sequence[float], values: Sequence[float], exponent: float, *, label: str = "value"
) -> Verdict:
    """Fit ``values ≈ C·width^slope`` and compare the slope with the claimed ``exponent``.

    **consistent** when ``exponent`` lies in the 95 % confidence interval of the slope, **refuted** when
    it lies
    outside the 99.9 % interval, **undecided** otherwise or with fewer than 3 widths. The verdict's data
    carries
    ``estimate`` (the slope), ``interval`` (95 %), ``widths`` and ``claimed``.

    >>> fit_rate([10, 100, 1000, 10000], [0.31, 0.1, 0.032, 0.0099], -0.5).status.value
    'consistent'
    """
    if len(widths) != len(values) or len(widths) < 3:
        raise SymntkError("fit_rate needs the same number (at least 3) of widths and values")
    if min(widths) <= 0 or min(values) <= 0:
        raise SymntkError("fit_rate needs positive widths and values (fit magnitudes)")
    xs = [math.log(w) for w in widths]
    ys = [math.log(v) for v in values]
    slope, se, _, dof = _slope(xs, ys)
    if dof < 1 or not math.isfinite(se):
        return undecided(
            "too few widths to estimate the slope's uncertainty", method="rate fit", estimate=slope
        )
    t95, t999 = student_t_quantile(0.975, dof), student_t_quantile(0.9995, dof)
    low, high = slope - t95 * se, slope + t95 * se
    data = {
        "method": "rate fit",
        "estimate": slope,
        "interval": [low, high],
        "claimed": exponent,
        "widths": list(widths),
        "standard_error": se,
    }
    text = (
        f"{label} ∝ width^{slope:.3f}, 95% CI [{low:.3f}, {high:.3f}] over widths "
        f"{_span(widths)}; claimed {exponent:g}"
    )
    if low <= exponent <= high:
        if high - low > 1.0:
            return Verdict(Status.UNDECIDED, text + " (interval too wide to tell)", data)
        return Verdict(Status.CONSISTENT, text, data)
    if abs(exponent - slope) > t999 * se:
        return Verdict(Status.REFUTED, text + " (outside the 99.9% interval)", data)
    return Verdict(Status.UNDECIDED, text + " (outside 95% but inside 99.9%)", data)


def _span(widths: Sequence[float]) -> str:
    return f"{min(widths):g}…{max(widths):g} ({len(widths)} widths)"
