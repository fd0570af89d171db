"""Expectations over the initialization: sympy.stats in closed form, else Monte Carlo with an interval."""

from __future__ import annotations

import sympy as sp
import sympy.stats as st

from symntk.check import Status, expectation_equal

u, v = st.Normal("u", 0, 1), st.Normal("v", 0, 1)
x = sp.Symbol("x", real=True)


def test_gaussian_moments_are_proved_and_wrong_ones_refuted() -> None:
    assert expectation_equal(u**4, 3).status is Status.PROVED
    assert expectation_equal((x * u + v) ** 2, x**2 + 1).status is Status.PROVED
    assert expectation_equal(u**4, 2).status is Status.REFUTED


def test_relu_second_moment_in_closed_form() -> None:
    relu = sp.Max(u, 0) * sp.Max(x * u, 0)
    # generous time limits: on a loaded machine sympy.stats can take longer than the default 4 s
    verdict = expectation_equal(relu, x / 2, positive=[x], symbolic_timeout=120, timeout=400)
    assert verdict.status is Status.PROVED


def test_erf_kernel_by_monte_carlo_agrees_with_williams_closed_form() -> None:
    # E[erf(xu)²] = (2/π) arcsin(2x²/(1 + 2x²)) (Williams 1997), out of reach of sympy.stats
    closed = 2 / sp.pi * sp.asin(2 * x**2 / (1 + 2 * x**2))
    verdict = expectation_equal(sp.erf(x * u) ** 2, closed, samples=40_000, seed=1)
    assert verdict.status is Status.CONSISTENT
    assert verdict.data["samples"] == 40_000
    low, high = verdict.data["interval"]
    assert low < verdict.data["estimate"] < high


def test_monte_carlo_refutes_a_near_miss() -> None:
    wrong = 2 / sp.pi * sp.asin(x**2 / (1 + 2 * x**2))  # a lost factor 2 inside the arcsine
    verdict = expectation_equal(sp.erf(x * u) ** 2, wrong, samples=40_000, seed=1)
    assert verdict.status is Status.REFUTED
    assert "standard errors" in verdict.evidence


def test_no_random_symbol_is_undecided() -> None:
    assert expectation_equal(x**2, x**2).status is Status.UNDECIDED


def test_gaussian_moments_of_polynomials_match_sympy_stats() -> None:
    from symntk.check.expectation import gaussian_polynomial_mean

    a = st.Normal("a", 1, 2)
    b = st.Normal("b", sp.Rational(-1, 2), 3)
    # E[a³] = μ³ + 3μσ² = 13 and E[b²] = μ² + σ² = 37/4, and sympy.stats agrees numerically
    assert gaussian_polynomial_mean(a**3 * b**2) == 13 * sp.Rational(37, 4)
    assert abs(sp.N(st.E(a**3 * b**2), 30) - sp.Rational(481, 4)) < 1e-25
    # a + b ~ N(−1/2 + 1, 4 + 9): E[Z⁴] = μ⁴ + 6μ²σ² + 3σ⁴
    mu, var = sp.Rational(1, 2), 13
    assert gaussian_polynomial_mean((a + b) ** 4) == mu**4 + 6 * mu**2 * var + 3 * var**2
    # E[ab − 3a² + x b³] = E[a]E[b] − 3(μ_a² + σ_a²) + x(μ_b³ + 3μ_b σ_b²)
    expected = 1 * sp.Rational(-1, 2) - 3 * (1 + 4) + x * (sp.Rational(-1, 8) + 3 * sp.Rational(-1, 2) * 9)
    assert sp.expand(gaussian_polynomial_mean(a * b - 3 * a**2 + x * b**3) - expected) == 0
    assert gaussian_polynomial_mean(sp.Integer(5)) == 5
    assert gaussian_polynomial_mean(sp.exp(a)) is None


def test_ordinary_symbols_can_be_declared_gaussian_weights() -> None:
    # f(x) = (v₁ w₁ x + v₂ w₂ x)/√2 with i.i.d. N(0, 1) weights: E[f(x)²] = x², E[f(x) f(y)] = x y
    w1, w2, v1, v2, y = sp.symbols("w1 w2 v1 v2 y", real=True)
    weights = [w1, w2, v1, v2]

    def f(z: sp.Expr) -> sp.Expr:
        return (v1 * w1 * z + v2 * w2 * z) / sp.sqrt(2)

    assert expectation_equal(f(x) * f(y), x * y, normal=weights).status is Status.PROVED
    assert expectation_equal(f(x) ** 2, 2 * x**2, normal=weights).status is Status.REFUTED
    # standard parametrization: Var w = 1/2 instead of the 1/√2 in front
    scaled = (v1 * w1 * x + v2 * w2 * x) ** 2
    variances = {w1: sp.Rational(1, 2), w2: sp.Rational(1, 2), v1: 1, v2: 1}
    assert expectation_equal(scaled, x**2, normal=variances).status is Status.PROVED
