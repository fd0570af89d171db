"""Checking ``E[lhs] = rhs``: the expectation over the random symbols (the initialization) of the
previous step.

Random quantities are SymPy ``sympy.stats`` random symbols (``Normal("W", 0, 1)``: NOTATION, every weight and
bias i.i.d. N(0, 1) at initialization). The method:

1. **proved** when the expectation comes out in closed form — exactly from Gaussian moments for a polynomial
   in the random symbols, else from ``sympy.stats.E`` — and it provably equals the other side (otherwise
   verified or refuted as :func:`~symntk.check.equal` finds);
2. else Monte Carlo at random values of the other symbols: the mean of ``lhs − rhs`` over independent draws
   (Normal and Uniform random symbols), with its standard error: **consistent** when 0 lies within 4 standard
   errors at every point (the estimate and the interval are reported), **refuted** when the mean is more than
   8 standard errors from 0 (the point and both sides' estimates are the counterexample), **undecided**
   between.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import sympy as sp
import sympy.stats as st
from sympy.stats.rv import RandomSymbol

from .._errors import SymntkError
from .assumptions import Assumptions
from .deadline import OutOfTime, deadline
from .equality import as_expression, equal, shape
from .sampling import NoPoint, concretize, draw
from .verdict import Status, Verdict, consistent, proved, refuted, undecided


def expectation_equal(
    lhs: Any,
    rhs: Any,
    *,
    seed: int | str = 0,
    samples: int = 200_000,
    points: int = 2,
    timeout: float = 60.0,
    symbolic: bool = True,
    symbolic_timeout: float = 4.0,
    normal: Any = (),
    **assumptions: Any,
) -> Verdict:
    """Check ``E[lhs] = E[rhs]`` (``rhs`` is usually deterministic) over the random symbols they contain.

    The closed-form attempt gets ``symbolic_timeout`` seconds (sympy.stats can integrate for ever), Monte
    Carlo ``samples`` draws at each of ``points`` random points of the other symbols. ``normal`` declares
    ordinary symbols as independent centred Gaussians: a sequence (variance 1, as every weight and bias at
    initialization: NOTATION) or a mapping from symbol to variance (``Network.variance`` for the standard
    parametrization), so that expressions of the network models can be averaged over the initialization.

    >>> import sympy.stats as st
    >>> u = st.Normal("u", 0, 1)
    >>> expectation_equal(u**4, 3).status.value
    'proved'
    """
    given = Assumptions.of(assumptions)
    left, right = as_expression(lhs, "left-hand side"), as_expression(rhs, "right-hand side")
    if shape(left) is not None or shape(right) is not None:
        raise SymntkError("an expectation step needs scalars (state one entry of a matrix per step)")
    given.check_known((left, right))
    left, right = _gaussians(normal, left, right)
    left, right = given.apply_all(left, right)
    randoms = sorted(left.atoms(RandomSymbol) | right.atoms(RandomSymbol), key=str)
    if not randoms:
        return undecided(
            "no random symbols (sympy.stats) in the step: give it a Monte Carlo strategy",
            method="expectation",
            reason="nothing random to average over",
        )
    try:
        with deadline(timeout):
            if symbolic:
                verdict = _symbolic(left, right, seed, given, min(symbolic_timeout, timeout / 3))
                if verdict is not None:
                    return verdict
            return _monte_carlo(left, right, randoms, given, random.Random(f"E:{seed}"), samples, points)
    except OutOfTime:
        return undecided(f"out of time after {timeout:g} s", method="timeout")
    except SymntkError:
        raise
    except Exception as exc:
        return undecided(f"could not check: {type(exc).__name__}: {exc}"[:200], method="error")


def _gaussians(normal: Any, *exprs: sp.Basic) -> tuple[sp.Basic, ...]:
    """``exprs`` with the symbols of ``normal`` replaced by independent centred Gaussian random symbols."""
    if isinstance(normal, dict):
        variances = dict(normal)
    else:
        variances = {s: sp.Integer(1) for s in normal}
    if not variances:
        return exprs
    present = {s for e in exprs for s in e.free_symbols}
    replace = {}
    for symbol, variance in variances.items():
        if not isinstance(symbol, sp.Symbol):
            raise SymntkError(f"normal: expected symbols, got {symbol!r}")
        if symbol in present:
            replace[symbol] = st.Normal(symbol.name, 0, sp.sqrt(sp.sympify(variance)))
    return tuple(e.xreplace(replace) for e in exprs)


def _symbolic(
    left: sp.Basic, right: sp.Basic, seed: int | str, given: Assumptions, seconds: float
) -> Verdict | None:
    how = "Gaussian moments of a polynomial"
    means = [gaussian_polynomial_mean(side) for side in (left, right)]
    if any(m is None for m in means):
        how = "sympy.stats"
        try:
            with deadline(seconds):
                means = [st.E(side) if side.atoms(RandomSymbol) else side for side in (left, right)]
        except OutOfTime:
            return None
        except Exception:
            return None
    if any(m is None or m.has(sp.Integral, RandomSymbol) or m.atoms(RandomSymbol) for m in means):
        return None
    verdict = equal(means[0], means[1], seed=seed, timeout=seconds)
    if verdict.status is Status.PROVED:
        return proved(f"the expectation in closed form ({how}) equals the other side", method="symbolic E")
    if verdict.status is Status.UNDECIDED:
        return None
    return Verdict(
        verdict.status,
        f"E computed exactly ({how}); then {verdict.evidence}",
        {**verdict.data, "method": "symbolic E"},
    )


def gaussian_polynomial_mean(expr: sp.Basic) -> sp.Basic | None:
    """E[expr] exactly when ``expr`` is a polynomial in independent Gaussian random symbols, else ``None``.

    Each monomial factorizes by independence, and E[uᵏ] for u ~ N(μ, s²) is
    Σ_{j even} C(k, j) μ^{k−j} s^j (j−1)!! (Isserlis/Wick for the centred case): exact, and fast where
    sympy.stats would integrate.
    """
    randoms = sorted(expr.atoms(RandomSymbol), key=str)
    if not randoms:
        return expr
    moments = []
    for rv in randoms:
        dist = rv.pspace.distribution
        if type(dist).__name__ != "NormalDistribution":
            return None
        moments.append(dist.args)
    placeholders = [sp.Dummy(f"g{i}") for i in range(len(randoms))]
    body = sp.expand(expr.xreplace(dict(zip(randoms, placeholders, strict=True))))
    try:
        poly = sp.Poly(body, *placeholders)
    except sp.PolynomialError:
        return None
    if any(g in c.free_symbols for c in poly.coeffs() for g in placeholders):
        return None
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        term = coeff
        for k, (mu, s) in zip(powers, moments, strict=True):
            term *= sum(
                (sp.binomial(k, j) * mu ** (k - j) * s**j * sp.factorial2(j - 1) for j in range(0, k + 1, 2)),
                sp.Integer(0),
            )
        total += term
    return total


#: NumPy has no erf: vectorize the standard library's (exact to double precision).
_NUMPY = [
    {"erf": np.vectorize(math.erf, otypes=[float]), "erfc": np.vectorize(math.erfc, otypes=[float])},
    "numpy",
]


def _sampler(rv: RandomSymbol, values: dict[sp.Basic, sp.Basic]) -> Any:
    dist = rv.pspace.distribution
    name = type(dist).__name__
    params = [float(sp.N(sp.sympify(a).xreplace(values))) for a in dist.args]
    if name == "NormalDistribution":
        mean, std = params
        return lambda rng, k: rng.normal(mean, std, k)
    if name == "UniformDistribution":
        low, high = params
        return lambda rng, k: rng.uniform(low, high, k)
    raise SymntkError(f"Monte Carlo supports Normal and Uniform random symbols, not {name} ({rv})")


def _monte_carlo(
    left: sp.Basic,
    right: sp.Basic,
    randoms: list[RandomSymbol],
    given: Assumptions,
    rng: random.Random,
    samples: int,
    points: int,
) -> Verdict:
    placeholders = [sp.Symbol(f"_rv{i}", real=True) for i in range(len(randoms))]
    to_placeholder = dict(zip(randoms, placeholders, strict=True))
    l0, r0 = left.xreplace(to_placeholder), right.xreplace(to_placeholder)
    symbols = {s for e in (l0, r0) for s in e.atoms(sp.Symbol)}
    np_rng = np.random.default_rng(rng.getrandbits(64))
    worst_z = 0.0
    reports = []
    for _ in range(points):
        try:
            concrete = concretize(l0, r0, given.conditions(symbols), rng)
            values = {k: v for k, v in draw(concrete, rng).items() if k not in placeholders}
        except NoPoint:
            return undecided("no point of the domain found", method="Monte Carlo")
        diff = sp.lambdify(placeholders, (concrete.lhs - concrete.rhs).xreplace(values), modules=_NUMPY)
        side = sp.lambdify(placeholders, concrete.lhs.xreplace(values), modules=_NUMPY)
        draws = [_sampler(rv, values) for rv in randoms]
        total = total_sq = lhs_total = 0.0
        done = 0
        while done < samples:
            k = min(50_000, samples - done)
            xs = [d(np_rng, k) for d in draws]
            with np.errstate(all="ignore"):
                d_values = np.broadcast_to(np.asarray(diff(*xs), dtype=float), (k,))
                l_values = np.broadcast_to(np.asarray(side(*xs), dtype=float), (k,))
            if not np.all(np.isfinite(d_values)):
                return undecided("the integrand is not finite at some draws", method="Monte Carlo")
            total += float(d_values.sum())
            total_sq += float((d_values**2).sum())
            lhs_total += float(l_values.sum())
            done += k
        mean = total / done
        se = float(np.sqrt(max(total_sq / done - mean**2, 0.0) / done))
        point = dict(concrete.sizes)
        point.update({str(k): str(v) for k, v in values.items()})
        e_lhs = lhs_total / done
        z = abs(mean) / se if se > 0 else (0.0 if mean == 0 else float("inf"))
        interval = [e_lhs - 4 * se, e_lhs + 4 * se]  # the estimate of E[lhs] ± 4 standard errors
        if z > 8:
            at = ", ".join(f"{k} = {v}" for k, v in point.items()) or "no other symbols"
            rhs_value = e_lhs - mean
            return refuted(
                f"at {at}: E[lhs] ≈ {e_lhs:.6g} ± {se:.2g} (Monte Carlo, {done} draws) "
                f"but rhs = {rhs_value:.6g}, "
                f"{z:.1f} standard errors apart",
                method="Monte Carlo",
                samples=done,
                counterexample={"point": point, "lhs": f"{e_lhs:.6g} ± {se:.2g}", "rhs": f"{rhs_value:.6g}"},
            )
        worst_z = max(worst_z, z)
        reports.append((e_lhs, se, interval))
        if z > 4:
            return undecided(
                f"Monte Carlo mean of lhs − rhs is {z:.1f} standard errors from 0: "
                "neither confirmed nor refuted",
                method="Monte Carlo",
                samples=done,
                estimate=e_lhs,
            )
    e_lhs, se, interval = reports[0]
    return consistent(
        f"Monte Carlo with {samples} draws at {points} random points: E[lhs] ≈ {e_lhs:.6g} ± {se:.2g} "
        f"(1 s.e.); lhs − rhs within {worst_z:.1f} standard errors of 0 (threshold 4)",
        method="Monte Carlo",
        samples=samples,
        points=points,
        estimate=e_lhs,
        interval=interval,
    )
