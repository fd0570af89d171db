"""Limits and rates: exact where SymPy can, numerically otherwise, and fitted rates with intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from symntk import SymntkError
from symntk.check import Status, fit_rate, of_order, tends_to
from symntk.check.asymptotics import student_t_quantile

n = sp.Symbol("n", positive=True)
x = sp.Symbol("x", real=True)
f = sp.Function("f")


def test_exact_limits_are_proved_and_wrong_ones_refuted() -> None:
    assert tends_to((1 + x / n) ** n, sp.exp(x), n).status is Status.PROVED
    verdict = tends_to((1 + x / n) ** n, sp.exp(2 * x), n)
    assert verdict.status is Status.REFUTED
    assert "exp(x)" in verdict.evidence


def test_a_limit_sympy_cannot_take_is_checked_numerically() -> None:
    # the difference quotient of a generic f tends to f′(x): SymPy leaves the limit alone
    verdict = tends_to(n * (f(x + 1 / n) - f(x)), sp.Derivative(f(x), x), n)
    assert verdict.status is Status.CONSISTENT
    assert verdict.data["exponent"] == pytest.approx(-1, abs=0.05)  # the gap falls like 1/n
    wrong = tends_to(n * (f(x + 1 / n) - f(x)), 2 * sp.Derivative(f(x), x), n)
    assert wrong.status is Status.REFUTED


def test_a_slow_numerical_decay_is_undecided_and_a_gap_that_stays_is_refuted() -> None:
    wiggle = f(x + 1 / n) - f(x)  # keeps SymPy's limit out of the way
    slow = tends_to(n ** sp.Rational(-1, 100) * (1 + wiggle), 0, n)
    assert slow.status is Status.UNDECIDED  # n^(-1/100) is still 0.69 at n = 10^16: no verdict either way
    stuck = tends_to(1 + wiggle, 0, n)
    assert stuck.status is Status.REFUTED


@pytest.mark.parametrize(
    ("expr", "rate", "status"),
    [
        ((3 * n + 1) / n**2, 1 / n, Status.PROVED),
        (1 / sp.sqrt(n) + 1 / n, 1 / sp.sqrt(n), Status.PROVED),
        (1 / sp.sqrt(n), 1 / n, Status.REFUTED),  # 1/√n claimed as 1/n
        (1 / n, 1 / sp.sqrt(n), Status.REFUTED),  # a sharp order: faster is not the claimed order
        (sp.sqrt(n) / n, sp.sqrt(n), Status.REFUTED),  # off by a factor n
    ],
)
def test_orders_are_sharp(expr: sp.Expr, rate: sp.Expr, status: Status) -> None:
    assert of_order(expr, rate, n).status is status


def test_orders_sympy_cannot_take_are_fitted_numerically() -> None:
    # |J_0(n)| ~ √(2/(πn)) |cos(n − π/4)|: SymPy has no limit of the ratio, the fitted slope is −1/2
    wavy = sp.besselj(0, n) ** 2 + 1 / n
    assert of_order(wavy, 1 / n, n).status is Status.CONSISTENT
    assert of_order(wavy, 1 / n**2, n).status is Status.REFUTED


def test_limits_of_random_quantities_ask_for_a_strategy() -> None:
    import sympy.stats as st

    u = st.Normal("u", 0, 1)
    verdict = tends_to(u / n, 0, n)
    assert verdict.status is Status.UNDECIDED
    assert "Monte Carlo strategy" in verdict.evidence
    assert of_order(u / n, 1 / n, n).status is Status.UNDECIDED


def test_student_t_quantiles_match_tables() -> None:
    # two-sided 95% critical values from standard tables
    for dof, value in ((1, 12.706), (2, 4.303), (5, 2.571), (30, 2.042)):
        assert student_t_quantile(0.975, dof) == pytest.approx(value, abs=1e-3)


def test_fit_rate_recovers_a_known_exponent_with_honest_coverage() -> None:
    rng = np.random.default_rng(0)
    widths = [16, 32, 64, 128, 256, 512, 1024]
    covered = 0
    trials = 200
    for _ in range(trials):
        values = [3.0 * w**-0.5 * math.exp(rng.normal(0, 0.1)) for w in widths]
        verdict = fit_rate(widths, values, -0.5)
        low, high = verdict.data["interval"]
        covered += low <= -0.5 <= high
        assert verdict.status is not Status.REFUTED or abs(verdict.data["estimate"] + 0.5) > 0.05
    assert 0.90 <= covered / trials <= 0.99  # a 95% interval covers about 95% of the time


def test_fit_rate_refutes_the_wrong_exponent() -> None:
    widths = [16, 32, 64, 128, 256, 512, 1024]
    rng = np.random.default_rng(1)
    values = [w**-0.5 * math.exp(rng.normal(0, 0.05)) for w in widths]
    assert fit_rate(widths, values, -0.5).status is Status.CONSISTENT
    refuted = fit_rate(widths, values, -1.0)
    assert refuted.status is Status.REFUTED
    assert "99.9%" in refuted.evidence


def test_fit_rate_with_too_few_or_bad_values() -> None:
    with pytest.raises(SymntkError):
        fit_rate([10, 100], [1.0, 0.1], -1)
    with pytest.raises(SymntkError):
        fit_rate([10, 100, 1000], [1.0, 0.0, 0.1], -1)
    noisy = fit_rate([10, 11, 12], [1.0, 0.5, 2.0], -1)
    assert noisy.status is Status.UNDECIDED
