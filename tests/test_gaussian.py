"""Bivariate Gaussian expectations against closed forms evaluated independently at higher precision.

Every reference value here is computed in this file, in mpmath at 80 digits, from a closed form (Isserlis,
the Fourier transform of the Gaussian, Cho and Saul's arc-cosine kernel, Williams' arcsin kernel, the
orthant probability) at the same binary covariance the quadrature receives; none is copied from the code
under test.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import pytest
import scipy.special

from symntk import SymntkError
from symntk.gaussian import Estimate, QuadratureError, expectation, expectation_float64

REF_DPS = 80
DPS = 30


def mpf(x: str | int) -> mpmath.mpf:
    with mpmath.workdps(REF_DPS):
        return mpmath.mpf(x)


def near_one() -> mpmath.mpf:
    with mpmath.workdps(REF_DPS):
        return 1 - mpmath.mpf("1e-10")


@dataclass(frozen=True)
class Case:
    name: str
    f: Callable[[Any], Any]
    exact: Callable[[Any, Any, Any, Any], Any]  # (s11, s22, s12, det) -> E[f(u) f(v)], at REF_DPS
    kinks: tuple[int, ...] = ()
    numpy: Callable[[np.ndarray], np.ndarray] | None = None


def _angle(s11: Any, s22: Any, s12: Any, det: Any) -> Any:
    return mpmath.atan2(mpmath.sqrt(det), s12)  # θ = arccos ρ without the cancellation near ρ = ±1


def _relu_exact(s11: Any, s22: Any, s12: Any, det: Any) -> Any:
    if s11 == 0 or s22 == 0:
        return mpmath.mpf(0)
    th = _angle(s11, s22, s12, det)
    return mpmath.sqrt(s11 * s22) * (mpmath.sin(th) + (mpmath.pi - th) * mpmath.cos(th)) / (2 * mpmath.pi)


def _step_exact(s11: Any, s22: Any, s12: Any, det: Any) -> Any:
    if s11 == 0 or s22 == 0:
        return mpmath.mpf(1) / 4  # step(0) = 1/2 times P(v > 0) = 1/2
    return (mpmath.pi - _angle(s11, s22, s12, det)) / (2 * mpmath.pi)


def _step(z: Any) -> Any:
    return mpmath.mpf(1) if z > 0 else mpmath.mpf(0) if z < 0 else mpmath.mpf(1) / 2


CASES = [
    Case("identity", lambda z: z, lambda a, b, c, d: c, numpy=lambda z: z),
    Case("square", lambda z: z * z, lambda a, b, c, d: a * b + 2 * c * c, numpy=lambda z: z * z),
    Case("sin", mpmath.sin, lambda a, b, c, d: mpmath.exp(-(a + b) / 2) * mpmath.sinh(c), numpy=np.sin),
    Case("cos", mpmath.cos, lambda a, b, c, d: mpmath.exp(-(a + b) / 2) * mpmath.cosh(c), numpy=np.cos),
    Case(
        "erf", mpmath.erf,
        lambda a, b, c, d: 2 / mpmath.pi * mpmath.asin(2 * c / mpmath.sqrt((1 + 2 * a) * (1 + 2 * b))),
    ),
    Case("relu", lambda z: max(z, 0), _relu_exact, kinks=(0,), numpy=lambda z: np.maximum(z, 0)),
    Case(
        "step", _step, _step_exact, kinks=(0,),
        numpy=lambda z: np.where(z > 0, 1.0, np.where(z < 0, 0.0, 0.5)),
    ),
]

# (s11, s22, s12) as exact binary numbers: generic, unequal variances, ρ = ±(1 − 1e-10), ρ = ±1 with
# unequal variances, and a zero variance.
POINTS = {
    "generic": (mpf(1), mpf(1), mpf(1) / 2),
    "unequal": (mpf(2), mpf(1) / 2, mpf(-7) / 10),
    "rho=+(1-1e-10)": (mpf(1), mpf(1), near_one()),
    "rho=-(1-1e-10)": (mpf(1), mpf(1), -near_one()),
    "rho=+1": (mpf(2), mpf(1) / 2, mpf(1)),
    "rho=-1": (mpf(2), mpf(1) / 2, mpf(-1)),
    "zero variance": (mpf(0), mpf(3) / 2, mpf(0)),
}


def _exact(case: Case, s11: Any, s22: Any, s12: Any) -> Any:
    with mpmath.workdps(REF_DPS):
        det = mpmath.fsub(mpmath.fmul(s11, s22, exact=True), mpmath.fmul(s12, s12, exact=True), exact=True)
        return case.exact(s11, s22, s12, det)


@pytest.mark.parametrize("point", POINTS, ids=str)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expectation_matches_closed_form_to_30_digits_within_its_error(case: Case, point: str) -> None:
    s11, s22, s12 = POINTS[point]
    est = expectation(case.f, case.f, s11, s22, s12, dps=DPS, kinks=case.kinks)
    exact = _exact(case, s11, s22, s12)
    with mpmath.workdps(REF_DPS):
        actual = abs(est.value - exact)
        reference_rounding = mpmath.mpf(10) ** (5 - REF_DPS)  # e.g. sin(π) ≠ 0 at 80 digits
        assert actual <= est.error + reference_rounding, f"error estimate {est.error} < actual error {actual}"
        # only correct digits out: 30 significant digits (an exact zero to 1e-60 absolute)
        assert actual <= mpmath.mpf(10) ** -DPS * max(abs(exact), mpmath.mpf(10) ** -DPS)
        assert est.error <= mpmath.mpf(10) ** -DPS * max(abs(exact), mpmath.mpf(10) ** -DPS) * 2


@pytest.mark.slow
def test_relu_dual_kernel_matches_arc_cosine_to_50_digits() -> None:
    relu = CASES[5]
    s11, s22, s12 = mpf(3), mpf(1) / 3, mpf("0.31")
    est = expectation(relu.f, relu.f, s11, s22, s12, dps=50, kinks=(0,))
    exact = _exact(relu, s11, s22, s12)
    with mpmath.workdps(REF_DPS):
        assert abs(est.value - exact) <= est.error <= abs(exact) * mpmath.mpf(10) ** -50


STEIN_POINTS = {
    "unequal": (mpf(3) / 2, mpf(2), mpf(-4) / 5),
    "rho=+(1-1e-10)": (mpf(2), mpf(2), 2 * near_one()),
    "rho=-(1-1e-10)": (mpf(1) / 2, mpf(2), -near_one()),
}


@pytest.mark.parametrize("point", STEIN_POINTS, ids=str)
def test_kinks_and_jumps_away_from_zero_match_stein_lemma(point: str) -> None:
    """Stein's lemma E[f(u) v] = s12 E[f′(u)]: for f = max(u − 1/2, 0) it is s12 P(u > 1/2), and for
    E[u g(v)] with the jump g = step(v + 3/8) it is s12 times the N(0, s22) density at −3/8."""
    s11, s22, s12 = STEIN_POINTS[point]
    half, jump = mpmath.mpf(1) / 2, mpmath.mpf(-3) / 8

    def ramp(z: Any) -> Any:
        return max(z - half, 0)

    def step(z: Any) -> Any:
        return _step(z - jump)

    one = expectation(ramp, lambda z: z, s11, s22, s12, dps=DPS, kinks=[half], kinks_g=[])
    two = expectation(lambda z: z, step, s11, s22, s12, dps=DPS, kinks=[], kinks_g=[jump])
    with mpmath.workdps(REF_DPS):
        exact_one = s12 * mpmath.ncdf(-half / mpmath.sqrt(s11))
        exact_two = s12 * mpmath.npdf(jump, 0, mpmath.sqrt(s22))
        for est, exact in ((one, exact_one), (two, exact_two)):
            assert abs(est.value - exact) <= est.error <= mpmath.mpf(10) ** -DPS * abs(exact)


@pytest.mark.slow
def test_unequal_functions_and_kinks_match_nested_quadrature_with_kinks_split() -> None:
    """f(u) = max(u − 1/2, 0), g(v) = tanh(v) step(v + 3/8): a kink and a jump away from 0, f ≠ g.

    The reference is nested mpmath.quad in the conditional coordinates with both kinks split by hand
    (the inner one at its moving position), at 23 digits: an independent route to 20 digits.
    """
    s11, s22, s12 = mpf(3) / 2, mpf(2), mpf(-4) / 5
    jump = mpmath.mpf(-3) / 8  # exactly representable, so g jumps exactly at the declared kink

    def f(z: Any) -> Any:
        return max(z - mpmath.mpf(1) / 2, 0)

    def g(z: Any) -> Any:
        return mpmath.tanh(z) if z > jump else mpmath.mpf(0)

    est = expectation(f, g, s11, s22, s12, dps=20, kinks=[mpmath.mpf(1) / 2], kinks_g=[jump])
    with mpmath.workdps(23):
        r11 = mpmath.sqrt(s11)
        a, b = s12 / r11, mpmath.sqrt((s11 * s22 - s12**2) / s11)
        pdf = mpmath.npdf

        def inner(x: Any) -> Any:
            y0 = (jump - a * x) / b
            return mpmath.quad(lambda y: g(a * x + b * y) * pdf(y), [y0, mpmath.inf])

        x0 = mpmath.mpf(1) / 2 / r11
        ref = mpmath.quad(lambda x: f(r11 * x) * inner(x) * pdf(x), [x0, x0 + 2, x0 + 5, mpmath.inf])
        assert abs(est.value - ref) <= mpmath.mpf(10) ** -20 * abs(ref)


def test_price_theorem_derivative_in_s12_is_expectation_of_derivatives() -> None:
    """∂E[tanh u tanh v]/∂s12 = E[sech² u sech² v] (Price 1958), by a central difference at 25 digits."""
    s11, s22, s12, h = mpf(1) / 2, mpf(3) / 2, mpf(1) / 3, mpf("1e-8")
    with mpmath.workdps(REF_DPS):
        above, below = s12 + h, s12 - h
    up = expectation(mpmath.tanh, mpmath.tanh, s11, s22, above, dps=25).value
    down = expectation(mpmath.tanh, mpmath.tanh, s11, s22, below, dps=25).value

    def sech2(z: Any) -> Any:
        return mpmath.sech(z) ** 2

    deriv = expectation(sech2, sech2, s11, s22, s12, dps=25).value
    with mpmath.workdps(40):
        slope = (up - down) / (2 * h)
        assert abs(slope - deriv) <= mpmath.mpf("1e-14") * abs(deriv)  # the difference's own error ~ h²


def test_supplied_determinant_is_used_instead_of_the_rounded_entries() -> None:
    """With s12 rounded to float, det = 2e-10 (known exactly elsewhere) keeps the angle right."""
    relu = CASES[5]
    s12 = float(near_one())  # the rounded correlation: its own det would be 2^-52-ish wrong
    det = mpf(2) * mpmath.mpf("1e-10") - mpmath.mpf("1e-20")
    est = expectation(relu.f, relu.f, 1, 1, s12, dps=25, kinks=(0,), det=det)
    with mpmath.workdps(REF_DPS):
        exact = relu.exact(mpf(1), mpf(1), mpf(s12), det)
        assert abs(est.value - exact) <= mpmath.mpf(10) ** -25 * exact


def test_heavy_but_convergent_tails_are_followed() -> None:
    """E[exp(u²/4)] = 1/√(1 − 1/2) = √2 for s11 = 1: the integrand decays only like exp(−x²/4)."""
    est = expectation(lambda z: mpmath.exp(z * z / 4), lambda z: mpmath.mpf(1), 1, 1, 0, dps=30)
    with mpmath.workdps(REF_DPS):
        assert abs(est.value - mpmath.sqrt(2)) <= mpmath.mpf(10) ** -30 * mpmath.sqrt(2)


@pytest.mark.parametrize(("s11", "s22", "s12"), [(20, 20, 10), (8, "0.5", -1)])
def test_exponential_growth_over_a_wide_range_keeps_its_digits(s11: Any, s22: Any, s12: Any) -> None:
    """E[e^u e^v] = exp((s11 + s22)/2 + s12): g spans hundreds of binary orders of magnitude on its nodes."""
    est = expectation(mpmath.exp, mpmath.exp, s11, s22, s12, dps=DPS)
    with mpmath.workdps(REF_DPS):
        exact = mpmath.exp((mpf(s11) + mpf(s22)) / 2 + mpf(s12))
        assert abs(est.value - exact) <= est.error <= mpmath.mpf(10) ** -DPS * exact


@pytest.mark.parametrize("s11", [1, 2])
def test_divergent_expectation_is_an_error_not_a_value(s11: int) -> None:
    with pytest.raises(SymntkError, match="diverges"):
        expectation(lambda z: mpmath.exp(z * z), mpmath.tanh, s11, 1, "0.5", dps=20)


def test_missing_kink_is_reported_as_non_convergence_with_the_estimate() -> None:
    """ReLU without its kink: the trapezoid converges only like h², so the two levels never agree."""
    start = time.perf_counter()
    with pytest.raises(QuadratureError) as info:
        expectation(lambda z: max(z, 0), lambda z: max(z, 0), 1, 1, "0.5", dps=20)
    assert isinstance(info.value, SymntkError)
    assert isinstance(info.value.estimate, Estimate)
    assert info.value.estimate.error > mpmath.mpf(10) ** -20 * abs(info.value.estimate.value)
    assert "did not reach 20 digits" in str(info.value)
    assert time.perf_counter() - start < 120  # a guard against a runaway refinement, not a benchmark


def test_expectation_is_symmetric_under_swapping_the_variables() -> None:
    f, g = (lambda z: max(z, 0)), mpmath.atan
    one = expectation(f, g, 2, "0.7", "-0.4", dps=25, kinks=[0], kinks_g=[])
    two = expectation(g, f, "0.7", 2, "-0.4", dps=25, kinks=[], kinks_g=[0])
    assert abs(one.value - two.value) <= one.error + two.error


def test_estimate_reports_its_digits() -> None:
    est = expectation(mpmath.sin, mpmath.sin, 1, 1, "0.25", dps=25)
    assert est.digits == 25
    assert Estimate(mpmath.mpf(2), mpmath.mpf("1e-7"), 30).digits == 7  # 2.000000: 1e-7 < half a unit
    assert Estimate(mpmath.mpf(0), mpmath.mpf(0), 30).digits == 30
    assert str(est).startswith(mpmath.nstr(est.value, 5)[:5])
    assert "±" in str(est)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((-1, 1, 0), {}, "non-negative"),
        ((1, 1, 2), {}, "not positive semidefinite"),
        ((0, 1, "0.1"), {}, "not positive semidefinite"),
        ((float("nan"), 1, 0), {}, "finite"),
        ((1, float("inf"), 0), {}, "finite"),
        (("abc", 1, 0), {}, "real number"),
        ((1, 1, 0), {"dps": 0}, "dps"),
        ((1, 1, 0), {"dps": 10**6}, "dps"),
        ((1, 1, 0), {"dps": 2.5}, "dps"),
        ((1, 1, 0), {"kinks": ["x"]}, "real number"),
        ((1, 1, "0.5"), {"det": -1}, "not positive semidefinite"),
        ((1, 1, "0.5"), {"det": 2}, "exceeds"),
    ],
)
def test_bad_input_is_one_clear_error(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SymntkError, match=message) as info:
        expectation(mpmath.tanh, mpmath.tanh, *args, **kwargs)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("f", "message"),
    [
        (lambda z: mpmath.sqrt(z), "not real"),
        (lambda z: mpmath.mpf("nan"), "not finite"),
        (lambda z: 1 / (z - z), "failed"),
        ("tanh", "callables"),
    ],
)
def test_bad_functions_are_one_clear_error(f: Any, message: str) -> None:
    with pytest.raises(SymntkError, match=message):
        expectation(f, mpmath.tanh, 1, 1, "0.5", dps=15)


# ---------------------------------------------------------------------------------------------------
# float64


FLOAT_CASES = [
    *(c for c in CASES if c.numpy is not None),
    Case("erf", mpmath.erf, CASES[4].exact, numpy=scipy.special.erf),
]


@pytest.mark.parametrize("case", FLOAT_CASES, ids=lambda c: c.name)
def test_float64_matches_closed_forms_at_all_covariance_points(case: Case) -> None:
    rows = [*POINTS.values(), (mpf(4), mpf(1) / 4, mpf("0.999999")), (mpf(1), mpf(1), -mpf(1))]
    s11, s22, s12 = (np.array([float(p[i]) for p in rows]) for i in range(3))
    with mpmath.workdps(REF_DPS):
        entries = [(mpf(a), mpf(b), mpf(c)) for a, b, c in zip(s11, s22, s12, strict=True)]
        dets = [mpmath.fsub(mpmath.fmul(a, b, exact=True), mpmath.fmul(c, c, exact=True), exact=True)
                for a, b, c in entries]
        exact = [case.exact(a, b, c, d) for (a, b, c), d in zip(entries, dets, strict=True)]
    det = np.array([float(d) for d in dets])
    got = expectation_float64(case.numpy, case.numpy, s11, s22, s12, det=det, kinks=case.kinks)
    assert case.numpy is not None
    for value, ref, a, b in zip(got, exact, s11, s22, strict=True):
        # relative 1e-13, or absolute 1e-15 √(s11 s22) for values that cancel to almost nothing
        assert abs(value - ref) <= 1e-13 * abs(ref) + 1e-15 * max(1.0, float(np.sqrt(a * b))), (value, ref)


def test_float64_smooth_matches_high_precision_quadrature_for_tanh() -> None:
    rows = [(2, 0.5, -0.7), (4, 3, 3.4641016), (0.3, 0.3, 0.3), (1, 1, -1 + 1e-12)]
    got = expectation_float64(np.tanh, np.tanh, *(np.array(c, dtype=float) for c in zip(*rows, strict=True)))
    for value, (a, b, c) in zip(got, rows, strict=True):
        ref = expectation(mpmath.tanh, mpmath.tanh, a, b, c, dps=20).value
        assert abs(value - ref) <= 2e-14 * abs(ref), (a, b, c, value, ref)


def test_float64_kinks_away_from_zero_match_high_precision() -> None:
    def f(z: Any) -> Any:
        return np.maximum(z - 0.5, 0) if isinstance(z, np.ndarray) else max(z - mpmath.mpf(1) / 2, 0)

    g_np, g_mp = np.tanh, mpmath.tanh
    rows = [(1.5, 2.0, -0.8), (1.0, 1.0, 0.9), (0.5, 3.0, 0.2)]
    columns = (np.array(c) for c in zip(*rows, strict=True))
    got = expectation_float64(f, g_np, *columns, kinks=[0.5], kinks_g=[])
    for value, (a, b, c) in zip(got, rows, strict=True):
        ref = expectation(f, g_mp, a, b, c, dps=20, kinks=[mpmath.mpf(1) / 2], kinks_g=[]).value
        assert abs(value - ref) <= 1e-13 * abs(ref), (a, b, c, value, ref)


def test_float64_broadcasts_over_gram_shaped_arrays() -> None:
    q1, q2 = np.array([1.0, 2.0, 0.5]), np.array([1.5, 0.25])
    c = 0.3 * np.sqrt(np.outer(q1, q2))
    got = expectation_float64(np.sin, np.sin, q1[:, None], q2[None, :], c)
    assert got.shape == (3, 2)
    expected = np.exp(-(q1[:, None] + q2[None, :]) / 2) * np.sinh(c)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_float64_plain_gauss_hermite_is_beaten_for_kinked_integrands() -> None:
    """The kink-aware rule is at rounding where order-64 Gauss–Hermite is off in the 5th digit."""
    x, w = np.polynomial.hermite_e.hermegauss(64)
    w = w / np.sqrt(2 * np.pi)
    rho = 0.5
    y = rho * x[:, None] + np.sqrt(1 - rho**2) * x[None, :]
    gh = float(w @ (np.maximum(x, 0)[:, None] * np.maximum(y, 0)) @ w)
    exact = float(_relu_exact(mpf(1), mpf(1), mpf(1) / 2, mpf(3) / 4))
    relu = CASES[5].numpy
    assert relu is not None
    ours = float(expectation_float64(relu, relu, 1, 1, 0.5, kinks=[0]))
    assert abs(gh - exact) > 1e-7 * exact
    assert abs(ours - exact) < 1e-14 * exact


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((-1.0, 1.0, 0.0), {}, "non-negative"),
        ((1.0, 1.0, 1.5), {}, "not positive semidefinite"),
        ((np.array([1.0, np.nan]), 1.0, 0.0), {}, "finite"),
        ((np.ones(2), np.ones(3), 0.0), {}, "one shape"),
        ((1.0, 1.0, 0.0), {"order": 2}, "order"),
        ((1.0, 1.0, 0.0), {"kinks": [float("inf")]}, "finite"),
    ],
)
def test_float64_bad_input_is_one_clear_error(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(SymntkError, match=message):
        expectation_float64(np.tanh, np.tanh, *args, **kwargs)


def test_float64_overflowing_function_is_an_error_not_nan() -> None:
    with pytest.raises(SymntkError, match="not finite"):
        expectation_float64(lambda z: np.exp(z * z * 10), np.tanh, 1.0, 1.0, 0.5)
