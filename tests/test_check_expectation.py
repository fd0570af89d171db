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
    assert expectation_equal(relu, x / 2, positive=[x]).status is Status.PROVED


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
