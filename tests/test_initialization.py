"""Expectations over the Gaussian initialization: Wick pairings, conditional expectations, Proposition 1."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from symntk import SymntkError
from symntk.initialization import (
    expectation,
    gaussian_moment,
    initialization_expectation,
    isserlis,
    pairings,
    proposition1_step,
)
from symntk.network import Network

Z = sp.Symbol("z")
LINEAR = sp.Lambda(Z, Z)


@pytest.mark.parametrize("m", range(6))
def test_there_are_double_factorial_many_pairings(m: int) -> None:
    found = list(pairings(tuple(range(2 * m))))
    assert len(found) == math.prod(range(2 * m - 1, 0, -2))
    assert len({frozenset(frozenset(p) for p in pairing) for pairing in found}) == len(found)
    assert all(sorted(i for p in pairing for i in p) == list(range(2 * m)) for pairing in found)
    assert list(pairings(tuple(range(2 * m + 1)))) == []


def test_isserlis_four_point_function() -> None:
    z = sp.symbols("z1:5")
    c = {(a, b): sp.Symbol(f"c{min(a, b)}{max(a, b)}") for a in range(4) for b in range(4)}
    result = isserlis(z, lambda a, b: c[(z.index(a), z.index(b))])
    assert sp.expand(result - (c[0, 1] * c[2, 3] + c[0, 2] * c[1, 3] + c[0, 3] * c[1, 2])) == 0
    assert isserlis(z[:3], lambda a, b: 1) == 0


@pytest.mark.parametrize("order", range(7))
def test_gaussian_moments_match_quadrature(order: int) -> None:
    """E[z^k] for z ~ N(0, v) against an independent 30-digit integral of z^k e^{-z²/2v}/√(2πv)."""
    v = sp.Rational(3, 2)
    with mpmath.workdps(30):
        density = lambda t: t**order * mpmath.exp(-(t**2) / (2 * mpmath.mpf(3) / 2))  # noqa: E731
        value = mpmath.quad(density, [-mpmath.inf, 0, mpmath.inf]) / mpmath.sqrt(2 * mpmath.pi * 1.5)
        assert abs(value - mpmath.mpf(sp.Float(gaussian_moment(v, order), 40))) < mpmath.mpf(10) ** -25
    assert gaussian_moment(v, order) == isserlis([Z] * order, lambda a, b: v)


def test_bad_moment_order_and_non_polynomial_are_errors() -> None:
    with pytest.raises(SymntkError, match="non-negative"):
        gaussian_moment(1, -2)
    w = sp.Symbol("w")
    with pytest.raises(SymntkError, match="polynomial"):
        expectation(sp.exp(w), {w: 1})
    net = Network((2, 2, 1))
    f = net.nodes("x")[-1][0]
    with pytest.raises(SymntkError, match="polynomial"):
        initialization_expectation(net, f**2)
    with pytest.raises(SymntkError, match="layer"):
        initialization_expectation(net, f, layers=[2])


def test_weights_are_uncorrelated_unit_gaussians() -> None:
    net = Network((2, 2))
    w = net.weights[0]
    assert initialization_expectation(net, w[0, 1] * w[0, 1]) == 1
    assert initialization_expectation(net, w[0, 1] * w[1, 0]) == 0
    assert initialization_expectation(net, w[0, 1] ** 4 * w[1, 1] ** 2) == 3
    std = Network((3, 2), parametrization="standard")
    assert initialization_expectation(std, std.weights[0][0, 0] ** 2) == 1 / std.n(0)
    assert initialization_expectation(std, std.biases[0][0] ** 2) == std.beta**2


def _sigma1(net: Network) -> sp.Expr:
    x, xp = net.input("x").entries, net.input("x'").entries
    return sum(a * b for a, b in zip(x, xp, strict=True)) / net.widths[0] + net.beta**2


def test_one_layer_output_covariance_is_sigma1_times_delta() -> None:
    """Seed 000 Proposition 1 base case: E[f_k(x) f_k'(x')] = (x·x'/n_0 + β²) δ_kk'."""
    net = Network((3, 2))
    step = proposition1_step(net)
    expected = _sigma1(net) * sp.eye(2)
    assert (net.concrete(step.conditional) - expected).applyfunc(sp.expand) == sp.zeros(2, 2)


@pytest.mark.parametrize("parametrization", ["ntk", "standard"])
def test_deep_linear_network_moments_exactly_at_finite_width(parametrization: str) -> None:
    """σ = id, derived by hand: E[f f'ᵀ] = Σ^(L) δ with Σ^(ℓ) = x·x'/n_0 + ℓβ² in both parametrizations (the
    same function), since E[α̃_i α̃'_i] = Σ^(ℓ) and Σ^(ℓ+1) = Σ^(ℓ) + β². The kernels differ (seed 001 slide
    12): NTK E[Θ^(ℓ+1)] = E[Θ^(ℓ)] + Σ^(ℓ+1), standard E[Θ^(ℓ+1)] = E[Θ^(ℓ)] + n_ℓ Σ^(ℓ) + 1 from
    Θ^(1) = x·x' + 1 (the gradient of W̃ is √n_ℓ times larger, the bias has unit scale)."""
    widths = (2, 3, 2, 2)
    net = Network(widths, activation=LINEAR, parametrization=parametrization)
    f, fp = sp.Matrix(net.nodes("x")[-1]), sp.Matrix(net.nodes("x'")[-1])
    x, xp = net.input("x").entries, net.input("x'").entries
    dot = sum(a * b for a, b in zip(x, xp, strict=True))
    L = len(widths) - 1

    def sigma(ell: int) -> sp.Expr:
        return dot / widths[0] + ell * net.beta**2

    cov = net.concrete(initialization_expectation(net, f * fp.T))
    assert (cov - sigma(L) * sp.eye(2)).applyfunc(sp.expand) == sp.zeros(2, 2)
    if parametrization == "ntk":
        mean_theta = sum(sigma(ell) for ell in range(1, L + 1))
    else:
        mean_theta = dot + 1 + sum(widths[ell] * sigma(ell) + 1 for ell in range(1, L))
    theta = net.concrete(initialization_expectation(net, net.ntk("x", "x'")))
    assert (theta - mean_theta * sp.eye(2)).applyfunc(sp.expand) == sp.zeros(2, 2)


def test_deep_linear_covariance_agrees_with_monte_carlo() -> None:
    """An independent check of the Wick engine: sample the parameters, average f_1(x) f_1(x')."""
    net = Network((2, 3, 2), activation=LINEAR, beta=sp.Rational(1, 2))
    net.input("p", [sp.Rational(1), sp.Rational(-2)])
    net.input("q", [sp.Rational(3, 2), sp.Rational(1, 2)])
    product = net.nodes("p")[-1][0] * net.nodes("q")[-1][0]
    exact = float(net.concrete(initialization_expectation(net, product)))
    fn = sp.lambdify(net.parameters, net.concrete(net.inline(product)), "numpy")
    rng = np.random.default_rng(2024)
    draws = rng.standard_normal((len(net.parameters), 200_000))
    samples = fn(*draws)
    error = samples.std() / math.sqrt(samples.size)
    assert abs(samples.mean() - exact) < 5 * error
    assert exact == pytest.approx((1 * 1.5 - 2 * 0.5) / 2 + 2 * 0.25)


@pytest.mark.parametrize(
    ("parametrization", "factor"), [("ntk", 1), ("standard", 1), ("mean-field", sp.Rational(1, 4))]
)
def test_proposition1_step_turns_the_previous_layer_into_sigma(parametrization: str, factor: sp.Expr) -> None:
    """Given layer L−1, E[f_k f_k'] = δ_kk' (Σ_i σ(α̃_i)σ(α̃'_i)/n + β²) → E[σ(u)σ(v)] + β² (mean field: /n)."""
    net = Network((3, 4, 2), parametrization=parametrization)
    step = proposition1_step(net)
    assert step.gaussian_expectation is not None
    assert sp.expand(step.kernel - factor * step.gaussian_expectation - net.beta**2) == 0
    assert step.conditional[0, 1] == 0 and step.conditional[1, 0] == 0
    assert step.conditional[0, 0] == step.conditional[1, 1]
