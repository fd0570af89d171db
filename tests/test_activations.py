"""The activation registry: backends agree, σ̇ is σ's derivative, closed forms are right (quadrature, Price).

Every generic property runs over the whole registry (and a few parameter variants), as STYLE.md asks.
"""

from __future__ import annotations

import doctest
import math
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

import symntk.activations
from symntk import SymntkError, gaussian
from symntk.activations import (
    ACTIVATIONS,
    DELTA,
    Q1,
    Q2,
    THETA,
    ArcCosineDual,
    SmoothDual,
    Z,
    activation_from_callable,
    activation_from_expr,
    get_activation,
)
from symntk.limits import _HomogeneousFloat, dual_kernels

#: Every registry entry at its defaults, and parameter variants that exercise other code paths.
CASES: list[tuple[str, dict[str, Any]]] = [(name, {}) for name in ACTIVATIONS] + [
    ("leaky_relu", {"slope": "0.2"}),
    ("abrelu", {"a": "-0.5", "b": "2"}),
    ("abrelu", {"a": "0.3", "b": "0.7"}),
    ("rectified_monomial", {"k": 0}),
    ("rectified_monomial", {"k": 1}),
    ("rectified_monomial", {"k": 3}),
    ("monomial", {"k": 1}),
    ("monomial", {"k": 3}),
]


def case_id(case: tuple[str, dict[str, Any]]) -> str:
    name, params = case
    return name + "".join(f"-{k}={v}" for k, v in params.items())


CLOSED = [c for c in CASES if get_activation(c[0], **c[1]).has_closed_form]
HOMOGENEOUS = [c for c in CLOSED if get_activation(c[0], **c[1]).is_homogeneous]
SMOOTH = [c for c in CLOSED if not get_activation(c[0], **c[1]).is_homogeneous]
POINTS = (-2.3, -0.7, 0.4, 1.9)  # away from every kink


def test_module_doctests_pass() -> None:
    result = doctest.testmod(symntk.activations)
    assert result.attempted > 0 and result.failed == 0


def test_unknown_activation_lists_the_known_ones() -> None:
    with pytest.raises(SymntkError) as info:
        get_activation("relux")
    message = str(info.value)
    assert "\n" not in message and "relux" in message
    for name in ACTIVATIONS:
        assert name in message


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("leaky_relu", {"slope": "abc"}),
        ("leaky_relu", {"slope": float("nan")}),
        ("leaky_relu", {"alpha": 1}),
        ("rectified_monomial", {"k": 1.5}),
        ("rectified_monomial", {"k": -1}),
        ("monomial", {"k": 0}),
        ("monomial", {"k": 200}),
        ("relu", {"slope": 1}),
    ],
)
def test_bad_parameters_are_one_line_errors(name: str, params: dict[str, Any]) -> None:
    with pytest.raises(SymntkError) as info:
        get_activation(name, **params)
    assert "\n" not in str(info.value)


def test_parameters_are_exact_and_decimal_floats_mean_their_decimal() -> None:
    assert get_activation("leaky_relu", slope=0.1).params == (("slope", sp.Rational(1, 10)),)
    assert get_activation("leaky_relu", slope="0.1").expr() == get_activation("leaky_relu", slope=0.1).expr()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_numpy_and_mpmath_backends_agree_with_sympy(case: tuple[str, dict[str, Any]]) -> None:
    act = get_activation(case[0], **case[1])
    for expr, np_f, mp_f in (
        (act.expr(), act.numpy, act.mpmath),
        (act.derivative_expr(), act.numpy_derivative, act.mpmath_derivative),
    ):
        got = np_f(np.array(POINTS))
        for z, value in zip(POINTS, got, strict=True):
            exact = sp.N(expr.subs(Z, sp.Rational(z)), 40)
            assert abs(value - float(exact)) <= 4e-16 * max(1.0, abs(float(exact)))
            with mpmath.workdps(30):
                mp_value = mp_f(mpmath.mpf(sp.Rational(z).p) / sp.Rational(z).q)
                assert abs(mp_value - mpmath.mpf(str(exact))) <= mpmath.mpf(10) ** -28 * max(1, abs(mp_value))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sigma_dot_is_the_derivative_of_sigma_away_from_kinks(case: tuple[str, dict[str, Any]]) -> None:
    act = get_activation(case[0], **case[1])
    derivative = sp.diff(act.expr(), Z)
    for z in POINTS:
        point = sp.Rational(z)
        assert sp.N(derivative.subs(Z, point) - act.derivative_expr(point), 30) == pytest.approx(0, abs=1e-25)


def test_homogeneous_activations_are_the_stated_functions() -> None:
    # σ(z) = p z₊ᵏ + m z₋ᵏ, compared with the textbook definitions at points on both sides of 0
    expected = {
        "relu": lambda z: max(z, 0.0),
        "abs": abs,
        "step": lambda z: 1.0 if z > 0 else 0.0,
        "sign": lambda z: math.copysign(1.0, z),
        "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
        "abrelu": lambda z: max(z, 0.0),
        "rectified_monomial": lambda z: max(z, 0.0) ** 2,
    }
    for name, f in expected.items():
        act = get_activation(name)
        assert list(act.numpy(np.array(POINTS))) == pytest.approx([f(z) for z in POINTS], rel=1e-15)
    ab = get_activation("abrelu", a="-0.5", b=2)
    assert list(ab.numpy(np.array(POINTS))) == pytest.approx(
        [-0.5 * min(z, 0) + 2 * max(z, 0) for z in POINTS], rel=1e-15
    )


# ----------------------------------------------------------------------------------------------------------
# closed forms against the independent quadrature of symntk.gaussian

#: (Σ₁₁, Σ₂₂, Σ₁₂): unequal variances and a generic correlation (ρ = −0.7) for the default run; near ρ = ±1
#: and other shapes in the slow run.
DEFAULT_POINT = ("0.5", "2", "-0.7")
SLOW_POINTS = [
    ("1", "1", "0"),
    ("0.3", "2.7", "0.891"),  # ρ = 0.99
    ("2", "2", "1.9999"),  # ρ = 1 − 5e-5
    ("0.7", "1.3", "-0.95"),  # ρ ≈ −0.995
]


def _check_against_quadrature(case: tuple[str, dict[str, Any]], point: tuple[str, str, str]) -> None:
    act = get_activation(case[0], **case[1])
    s11, s22, s12 = point
    nngp, ntk = dual_kernels(act, s11, s22, s12, dps=40)
    kinks = list(act.kinks)
    e = gaussian.expectation(act.mpmath, act.mpmath, s11, s22, s12, dps=32, kinks=kinks)
    ed = gaussian.expectation(
        act.mpmath_derivative, act.mpmath_derivative, s11, s22, s12, dps=32, kinks=kinks
    )
    with mpmath.workdps(40):
        for closed, quad in ((nngp, e), (ntk, ed)):
            scale = max(abs(quad.value), mpmath.mpf(10) ** -30)
            assert abs(closed - quad.value) <= mpmath.mpf(10) ** -30 * scale, (closed, str(quad))


#: the default run checks every registry entry at its defaults (each closed-form family at least once);
#: the parameter variants follow in the slow run
QUICK = [c for c in CLOSED if not c[1]] + [("rectified_monomial", {"k": 0}), ("monomial", {"k": 3})]


@pytest.mark.parametrize("case", QUICK, ids=case_id)
def test_closed_forms_match_quadrature_to_30_digits(case: tuple[str, dict[str, Any]]) -> None:
    _check_against_quadrature(case, DEFAULT_POINT)


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CLOSED if c not in QUICK], ids=case_id)
def test_closed_form_variants_match_quadrature_to_30_digits(case: tuple[str, dict[str, Any]]) -> None:
    _check_against_quadrature(case, DEFAULT_POINT)


@pytest.mark.slow
@pytest.mark.parametrize("point", SLOW_POINTS, ids=lambda p: "/".join(p))
@pytest.mark.parametrize("case", CLOSED, ids=case_id)
def test_closed_forms_match_quadrature_to_30_digits_near_degenerate(
    case: tuple[str, dict[str, Any]], point: tuple[str, str, str]
) -> None:
    _check_against_quadrature(case, point)


# ----------------------------------------------------------------------------------------------------------
# Price's theorem and the equality of textbook and stable forms, symbolically

_P1, _P2 = sp.symbols("P1 P2", positive=True)
_POSITIVE = {Q1: _P1, Q2: _P2}


def _is_zero(expr: sp.Expr) -> bool:
    """simplify(expr) == 0, also after factoring every radicand (positive on the domain, so √(ab) = √a√b)."""
    if sp.simplify(expr) == 0:
        return True
    factored = expr.replace(
        lambda e: e.is_Pow and e.exp.is_Rational and not e.exp.is_integer,
        lambda e: sp.Pow(sp.factor(e.base), e.exp),
    )
    return sp.simplify(factored) == 0


@pytest.mark.parametrize("case", SMOOTH, ids=case_id)
def test_price_theorem_symbolically_for_smooth_closed_forms(case: tuple[str, dict[str, Any]]) -> None:
    """∂E[σ(u)σ(v)]/∂Σ₁₂ = E[σ̇(u)σ̇(v)] (Price 1958), for the textbook forms."""
    dual = get_activation(case[0], **case[1]).dual
    assert isinstance(dual, SmoothDual)
    assert _is_zero((sp.diff(dual.nngp(), sp.Symbol("Sigma_12", real=True)) - dual.ntk()).subs(_POSITIVE))


@pytest.mark.parametrize("case", HOMOGENEOUS, ids=case_id)
def test_price_theorem_symbolically_for_arc_cosine_kernels(case: tuple[str, dict[str, Any]]) -> None:
    """With Σ₁₂ = ab cos θ, ∂/∂Σ₁₂ = −(ab sin θ)⁻¹ ∂/∂θ, so Price reads −F′(θ)/sin θ = F_σ̇(θ) (k ≥ 1).

    For k = 0 the a.e. derivative is 0 and the distributional one is (jump)·δ, whose dual kernel is
    jump²·φ_Σ(0, 0) = jump²/(2π ab sin θ): Price then reads −F′(θ) = jump².
    """
    dual = get_activation(case[0], **case[1]).dual
    assert isinstance(dual, ArcCosineDual)
    lhs = -sp.diff(dual.angular(), THETA)
    deriv = dual.derivative
    if deriv is None:
        assert _is_zero(lhs - dual.jump**2)
    else:
        assert dual.jump == 0
        assert _is_zero(sp.expand_trig(lhs - sp.sin(THETA) * deriv.angular()))


def _equal_on_domain(a: sp.Expr, b: sp.Expr, max_order: int = 3) -> bool:
    """a = b on {Σ₁₁, Σ₂₂ > 0, Σ₁₂² < Σ₁₁Σ₂₂} (connected in Σ₁₂ ∈ (−√(Σ₁₁Σ₂₂), √(Σ₁₁Σ₂₂))).

    Proof: the n-th derivative of a − b in Σ₁₂ simplifies to 0 and the lower ones vanish at Σ₁₂ = 0.
    """
    c = sp.Symbol("Sigma_12", real=True)
    diff = (a - b).subs(DELTA, Q1 * Q2 - c**2).subs(_POSITIVE)
    for _ in range(max_order):
        if not _is_zero(diff.subs(c, 0)):
            return False
        diff = sp.diff(diff, c)
        if _is_zero(diff):
            return True
    return False


@pytest.mark.parametrize("case", CLOSED, ids=case_id)
def test_stable_and_textbook_forms_are_equal_on_the_domain(case: tuple[str, dict[str, Any]]) -> None:
    """Each form's inverse trigonometric function (acos, asin) is first proved equal to the stable form's
    atan2 (or atan) of a cancellation-free argument; what remains is an algebraic identity in Σ₁₁, Σ₂₂, Σ₁₂
    once Δ = Σ₁₁Σ₂₂ − Σ₁₂²."""
    dual = get_activation(case[0], **case[1]).dual
    assert dual is not None
    c = sp.Symbol("Sigma_12", real=True)
    for textbook, stable in ((dual.nngp(), dual.nngp(stable=True)), (dual.ntk(), dual.ntk(stable=True))):
        angles = sorted(textbook.atoms(sp.acos, sp.asin), key=str)
        stable_angles = sorted(stable.atoms(sp.atan2, sp.atan), key=str)
        assert len(angles) == len(stable_angles) <= 1
        for angle, stable_angle in zip(angles, stable_angles, strict=True):
            assert _equal_on_domain(angle, stable_angle)
            textbook = textbook.subs(angle, stable_angle)
        assert _is_zero((textbook - stable).subs(DELTA, Q1 * Q2 - c**2).subs(_POSITIVE))


@pytest.mark.parametrize("case", HOMOGENEOUS, ids=case_id)
def test_float64_angular_parts_are_accurate_at_every_angle(case: tuple[str, dict[str, Any]]) -> None:
    """F(θ), F(0) − F(θ), F(0) + F(θ) in float64 (series near 0 and π) against 40-digit closed forms."""
    dual = get_activation(case[0], **case[1]).dual
    assert isinstance(dual, ArcCosineDual)
    small = np.array([1e-12, 3e-9, 1e-6, 1e-4, 0.01, 0.3, 0.7, 0.99999, 1.0, 1.2])
    theta = np.concatenate([small, math.pi - small[::-1]])
    theta_bar = np.concatenate([math.pi - small, small[::-1]])
    f, gap, cogap = _HomogeneousFloat(dual).angular(
        theta, theta_bar, np.cos(theta), np.sin(theta), math.pi / 2 - theta
    )
    exact_f = sp.lambdify(THETA, dual.angular(), "mpmath")
    with mpmath.workdps(200):  # the closed forms cancel like θ^{-2k-1} near 0 and π
        f0 = exact_f(mpmath.mpf(0))
        for i, (t, tb) in enumerate(zip(theta, theta_bar, strict=True)):
            # the float angles are the binary numbers given; π − θ is given separately, as in the recursion
            ft = exact_f(mpmath.mpf(t)) if t <= 1.6 else exact_f(mpmath.pi - mpmath.mpf(tb))
            for got, want in ((f[i], ft), (gap[i], f0 - ft), (cogap[i], f0 + ft)):
                if want == 0:
                    assert got is not None and abs(got) <= 1e-15 * abs(f0)
                else:
                    assert got is not None and abs(got - want) <= 2e-15 * abs(want), (t, got, want)


# ----------------------------------------------------------------------------------------------------------
# user-defined activations and Price's theorem by quadrature where no closed form exists


def test_activation_from_expr_finds_kinks_and_rejects_other_symbols() -> None:
    t, s = sp.symbols("t s", real=True)
    act = activation_from_expr(sp.Max(t, 1) + sp.Abs(t + 2), t, name="kinky")
    assert act.kinks == (-2, 1)
    assert not act.has_closed_form
    with pytest.raises(SymntkError):
        activation_from_expr(t * s, t)
    with pytest.raises(SymntkError):
        activation_from_expr("tanh(t)", t)  # type: ignore[arg-type]


def test_activation_from_callable_matches_the_registry_entry() -> None:
    act = activation_from_callable(mpmath.tanh, lambda z: 1 - mpmath.tanh(z) ** 2, name="my_tanh")
    reference = get_activation("tanh")
    assert act.expr().func.__name__ == "my_tanh"
    assert float(act.numpy(0.3)) == pytest.approx(float(reference.numpy(0.3)), rel=1e-15)
    for f, g in ((act.mpmath, reference.mpmath), (act.mpmath_derivative, reference.mpmath_derivative)):
        with mpmath.workdps(30):
            assert abs(f(mpmath.mpf("0.3")) - g(mpmath.mpf("0.3"))) < mpmath.mpf(10) ** -29
    numeric = activation_from_callable(mpmath.tanh)  # σ̇ by numerical differentiation
    with mpmath.workdps(30):
        assert abs(numeric.mpmath_derivative(mpmath.mpf("0.3")) - reference.mpmath_derivative("0.3")) < 1e-25


def test_price_theorem_by_quadrature_for_tanh() -> None:
    """No closed form: the derivative in Σ₁₂ of the quadrature E[σσ] is the quadrature E[σ̇σ̇]."""
    act = get_activation("tanh")
    s11, s22, s12, h = mpmath.mpf("0.8"), mpmath.mpf("1.5"), mpmath.mpf("0.4"), mpmath.mpf("1e-6")
    with mpmath.workdps(30):
        plus = gaussian.expectation(act.mpmath, act.mpmath, s11, s22, s12 + h, dps=24).value
        minus = gaussian.expectation(act.mpmath, act.mpmath, s11, s22, s12 - h, dps=24).value
        dot = gaussian.expectation(act.mpmath_derivative, act.mpmath_derivative, s11, s22, s12, dps=24).value
        # the central difference is exact to O(h²) ≈ 1e-12 times the third derivative
        assert abs((plus - minus) / (2 * h) - dot) < 1e-11 * abs(dot)
