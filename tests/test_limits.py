"""The infinite-width kernels: float64 against 50-digit truth at degenerate inputs, over the whole registry;
mpmath digits; the zero-input convention; symbolic forms; neural-tangents; parametrizations; bad input."""

from __future__ import annotations

import doctest
import json
import math
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp
from test_activations import CASES, CLOSED, case_id

import symntk.limits
from symntk import SymntkError, gaussian
from symntk.activations import activation_from_expr, get_activation
from symntk.limits import BETA, N0, XX, XY, YY, kernels, symbolic_kernels

QUADRATURE = [c for c in CASES if c not in CLOSED]


def _degenerate_pairs() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """x and the x′ the issue names: x′ = x, c·x, −x, and angles 1e-4 … 1e-12 (also scaled and flipped)."""
    x = np.array([0.6, -1.3, 2.1])
    e = np.array([1.3, 0.6, 0.0])
    e -= (e @ x) / (x @ x) * x
    e /= np.linalg.norm(e)
    pairs = {"same": x, "scaled": 2.5 * x, "negated": -x, "negated-scaled": -0.3 * x, "orthogonal": e * 2.0}
    for angle in (1e-4, 1e-6, 1e-8, 1e-10, 1e-12):
        turned = math.cos(angle) * x + math.sin(angle) * np.linalg.norm(x) * e
        pairs[f"angle={angle:g}"] = turned
        pairs[f"angle={angle:g}-scaled"] = 3.0 * turned
        pairs[f"angle={angle:g}-negated"] = -turned
    return x, pairs


X, PAIRS = _degenerate_pairs()
X2 = np.array(list(PAIRS.values()))
DEPTHS = (1, 2, 3, 10)


def _relative_errors(float_result: Any, truth: Any) -> list[tuple[float, str, str]]:
    out = []
    for which in ("nngp", "ntk"):
        approx, exact = getattr(float_result, which), getattr(truth, which)
        for j, name in enumerate(PAIRS):
            t = exact[0, j]
            err = abs(mpmath.mpf(float(approx[0, j])) - t) / abs(t) if t != 0 else abs(float(approx[0, j]))
            out.append((float(err), which, name))
    return out


@pytest.mark.parametrize("beta", ["0", "0.5"])
@pytest.mark.parametrize("case", CLOSED, ids=case_id)
def test_float64_matches_50_digit_truth_at_degenerate_inputs(
    case: tuple[str, dict[str, Any]], beta: str
) -> None:
    """Relative error ≤ 1e-13 for x′ = x, c·x, −x and angles down to 1e-12, through 10 layers.

    The truth is the mpmath backend at 50 digits, an independent implementation (textbook closed forms,
    Lagrange's identity, no series); where float64 overflows (exp, monomials grow doubly exponentially)
    the float backend must say so, and the truth must indeed be beyond the float64 range.
    """
    name, params = case
    for depth in DEPTHS:
        try:
            truth = kernels([X], X2, activation=name, depth=depth, beta=beta, dps=50, **params)
        except SymntkError as exc:  # beyond 1e1000: float64 must have given up too
            assert "grow beyond" in str(exc)
            with pytest.raises(SymntkError, match="overflow"):
                kernels([X], X2, activation=name, depth=depth, beta=beta, **params)
            break
        try:
            approx = kernels([X], X2, activation=name, depth=depth, beta=beta, **params)
        except SymntkError as exc:
            assert "overflow" in str(exc)
            biggest = max(abs(v) for m in truth for v in m)
            assert biggest > 1e300, (depth, biggest)
            break  # these kernels only grow with depth
        worst = max(_relative_errors(approx, truth))
        assert worst[0] <= 1e-13, (depth, worst)


def _check_quadrature_activation(case: tuple[str, dict[str, Any]], pairs: tuple[str, ...]) -> None:
    name, params = case
    x2 = np.array([PAIRS[k] for k in pairs])
    truth = kernels([X], x2, activation=name, depth=2, beta="0.5", dps=16, **params)
    approx = kernels([X], x2, activation=name, depth=2, beta="0.5", **params)
    for which in ("nngp", "ntk"):
        a, t = getattr(approx, which), getattr(truth, which)
        for j in range(len(x2)):
            assert abs(a[0, j] - float(t[0, j])) <= 1e-13 * abs(float(t[0, j])), (which, j)


def test_float64_tanh_matches_high_precision_quadrature() -> None:
    """float64 Gauss–Hermite (orders raised until two agree) against the 16-digit quadrature, near ρ = 1."""
    _check_quadrature_activation(("tanh", {}), ("angle=1e-08",))


@pytest.mark.slow
@pytest.mark.parametrize("case", QUADRATURE, ids=case_id)
def test_float64_quadrature_activations_match_high_precision(case: tuple[str, dict[str, Any]]) -> None:
    """tanh, softplus, swish: float64 Gauss–Hermite against the high-precision quadrature (16 digits)."""
    _check_quadrature_activation(case, ("negated-scaled", "angle=1e-08", "orthogonal"))


def test_module_doctests_pass() -> None:
    result = doctest.testmod(symntk.limits)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------------------------------------------------
# mpmath: every digit returned is correct


@pytest.mark.parametrize("name", ["relu", "step", "erf", "sign"])
def test_mpmath_digits_are_correct_to_the_last(name: str) -> None:
    """The dps-digit results are the correctly rounded values of a run with twice the digits."""
    x2 = np.array([PAIRS[k] for k in ("same", "angle=1e-12", "angle=1e-06-negated", "orthogonal")])
    short = kernels([X], x2, activation=name, depth=4, beta="0.25", dps=30)
    long = kernels([X], x2, activation=name, depth=4, beta="0.25", dps=60)
    for which in ("nngp", "ntk"):
        for j in range(len(x2)):
            s, t = getattr(short, which)[0, j], getattr(long, which)[0, j]
            with mpmath.workdps(60):
                assert mpmath.nstr(s, 30, strip_zeros=False) == mpmath.nstr(t, 30, strip_zeros=False)


def test_decimal_string_inputs_are_read_exactly() -> None:
    """'0.1' is 1/10 at any precision; the float 0.1 is its binary value: the 40-digit results differ."""
    dec = kernels([["0.1", "0.2"]], [["0.3", "-0.1"]], activation="erf", depth=2, dps=40)
    flt = kernels([[0.1, 0.2]], [[0.3, -0.1]], activation="erf", depth=2, dps=40)
    exact = sp.Rational(1, 10) * sp.Rational(3, 10) + sp.Rational(2, 10) * sp.Rational(-1, 10)
    q1 = (sp.Rational(1, 100) + sp.Rational(4, 100)) / 2
    q2 = (sp.Rational(9, 100) + sp.Rational(1, 100)) / 2
    want = sp.N(2 / sp.pi * sp.asin(2 * (exact / 2) / sp.sqrt((1 + 2 * q1) * (1 + 2 * q2))), 45)
    with mpmath.workdps(45):
        assert mpmath.nstr(dec.nngp[0, 0], 40) == mpmath.nstr(mpmath.mpf(str(want)), 40)
        assert dec.nngp[0, 0] != flt.nngp[0, 0]


# ----------------------------------------------------------------------------------------------------------
# the zero-input convention


@pytest.mark.parametrize("case", CLOSED, ids=case_id)
def test_zero_input_without_bias_is_a_point_mass_at_zero(case: tuple[str, dict[str, Any]]) -> None:
    """x = 0, β = 0: the first pre-activation is the constant 0, so Σ^(2)(0, x′) = σ(0)·E[σ(v)] and
    Σ^(2)(0, 0) = σ(0)², whatever angle the closed forms are fed (the convention is θ = π/2). E[σ(v)]
    comes from the independent quadrature (a zero variance is a point mass there)."""
    name, params = case
    act = get_activation(name, **params)
    x1, x2 = [[0.0, 0.0, 0.0], [0.6, -1.3, 2.1]], [[0.0, 0.0, 0.0], [1.0, 0.5, -0.3]]
    nngp, _ = kernels(x1, x2, activation=name, depth=2, **params)
    q2 = (1.0**2 + 0.5**2 + 0.3**2) / 3
    with mpmath.workdps(30):
        sigma0 = act.mpmath(0)
        mean = gaussian.expectation(act.mpmath, lambda v: 1, q2, q2, q2, dps=20, kinks=list(act.kinks)).value
        assert nngp[0, 0] == pytest.approx(float(sigma0**2), rel=1e-15, abs=1e-300)
        assert nngp[0, 1] == pytest.approx(float(sigma0 * mean), rel=1e-14, abs=1e-300)
    deeper = kernels(x1, x2, activation=name, depth=3, **params)
    assert np.all(np.isfinite(deeper.nngp)) and np.all(np.isfinite(deeper.ntk))
    truth = kernels(x1, x2, activation=name, depth=3, dps=30, **params)
    for which in ("nngp", "ntk"):
        t = np.array(getattr(truth, which).tolist(), dtype=float)
        assert np.allclose(getattr(deeper, which), t, rtol=1e-13, atol=0)


# ----------------------------------------------------------------------------------------------------------
# structure: symmetry, positive semi-definiteness, depth 1, symbolic forms


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_kernels_are_symmetric_and_positive_semidefinite(case: tuple[str, dict[str, Any]]) -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 4)) * 0.7
    x[5] = 2 * x[0]
    nngp, ntk = kernels(x, activation=case[0], depth=3, beta=0.2, **case[1])
    for k in (nngp, ntk):
        assert np.allclose(k, k.T, rtol=4e-15, atol=4e-15 * np.abs(k).max())
        assert np.linalg.eigvalsh(k).min() >= -1e-13 * np.abs(k).max()


def test_depth_one_is_the_linear_kernel() -> None:
    x1, x2 = [[1.0, 2.0, 3.0]], [[-1.0, 0.5, 2.0]]
    nngp, ntk = kernels(x1, x2, depth=1, beta=0.5)
    assert nngp[0, 0] == ntk[0, 0] == pytest.approx((-1 + 1 + 6) / 3 + 0.25, rel=1e-16)


@pytest.mark.parametrize(
    ("case", "depth"), [(c, 2) for c in CLOSED] + [(("relu", {}), 4), (("erf", {}), 4)], ids=str
)
def test_symbolic_kernels_agree_with_the_numeric_backends(
    case: tuple[str, dict[str, Any]], depth: int
) -> None:
    name, params = case
    sym = symbolic_kernels(name, depth=depth, **params)
    x, y = ["0.6", "-1.3", "2.1"], ["1", "0.5", "-0.3"]
    values = {
        XY: sp.Rational("0.6") * 1
        + sp.Rational("-1.3") * sp.Rational("0.5")
        + sp.Rational("2.1") * sp.Rational("-0.3"),
        XX: sum(sp.Rational(v) ** 2 for v in x),
        YY: sum(sp.Rational(v) ** 2 for v in y),
        N0: 3,
        BETA: sp.Rational(1, 5),
    }
    numeric = kernels([x], [y], activation=name, depth=depth, beta="0.2", dps=30, **params)
    for expr, value in ((sym.nngp, numeric.nngp[0, 0]), (sym.ntk, numeric.ntk[0, 0])):
        exact = sp.N(expr.subs(values), 40)
        with mpmath.workdps(40):
            assert abs(mpmath.mpf(str(exact)) - value) <= mpmath.mpf(10) ** -29 * abs(value)
    assert sp.latex(sym.ntk)


def test_symbolic_relu_kernel_is_the_arc_cosine_formula() -> None:
    sym = symbolic_kernels("relu", depth=2, beta=0)
    rho = XY / sp.sqrt(XX * YY)
    theta = sp.acos(rho)
    cho_saul = sp.sqrt(XX * YY) / N0 * (sp.sqrt(1 - rho**2) + (sp.pi - theta) * rho) / (2 * sp.pi)
    point = {XY: sp.Rational(3, 7), XX: 2, YY: sp.Rational(5, 3), N0: 4}
    assert abs(sp.N((sym.nngp - cho_saul).subs(point), 50)) < 1e-45
    assert abs(sp.N((sym.sigma_dot - (sp.pi - theta) / (2 * sp.pi)).subs(point), 50)) < 1e-45


def test_symbolic_kernels_of_a_quadrature_activation_are_undefined_functions() -> None:
    sym = symbolic_kernels("tanh", depth=2)
    assert any(isinstance(f, sp.core.function.AppliedUndef) for f in sym.nngp.atoms(sp.Function))


# ----------------------------------------------------------------------------------------------------------
# neural-tangents and the parametrizations

GOLDEN = json.loads((Path(__file__).parent / "data" / "neural_tangents_golden.json").read_text())


@pytest.mark.parametrize(
    "golden",
    GOLDEN["cases"],
    ids=lambda g: f"{g['activation']}-{g['parametrization']}-beta={g['beta']}",
)
def test_matches_neural_tangents(golden: dict[str, Any]) -> None:
    """google/neural-tangents' stax kernel_fn (float64), an independent implementation: L Dense layers
    with W_std = 1, b_std = β (None for β = 0) and the parameterization given; see docs/neural_tangents.md."""
    widths = golden["widths"] if golden["parametrization"] == "standard" else None
    nngp, ntk = kernels(
        GOLDEN["inputs"],
        activation=golden["activation"],
        depth=golden["depth"],
        beta=golden["beta"],
        parametrization=golden["parametrization"],
        widths=widths,
        **golden["params"],
    )
    assert np.allclose(nngp, golden["nngp"], rtol=1e-12, atol=0)
    assert np.allclose(ntk, golden["ntk"], rtol=1e-12, atol=0)


@pytest.mark.parametrize("case", CLOSED, ids=case_id)
def test_parametrizations_coincide_when_every_parameter_scale_is_one(
    case: tuple[str, dict[str, Any]],
) -> None:
    """Seed 001, slide 29: the standard parameter is θ̃_p = λ_p θ_p and gradient descent on it sees
    Σ_p λ_p⁻²(∂f/∂θ_p)²; with one-dimensional inputs, unit hidden widths and β = 1 every λ_p = 1, so the
    standard and NTK kernels must coincide — and the standard Σ is always the NTK one."""
    name, params = case
    x = [[0.3], [-0.5], [0.8]]
    ntk_param = kernels(x, activation=name, depth=3, beta=1, **params)
    standard = kernels(
        x, activation=name, depth=3, beta=1, parametrization="standard", widths=[1, 1], **params
    )
    assert np.array_equal(standard.nngp, ntk_param.nngp)
    assert np.allclose(standard.ntk, ntk_param.ntk, rtol=1e-14, atol=0)
    wide = kernels(x, activation=name, depth=3, beta="0.3", parametrization="standard", widths=64, **params)
    assert np.array_equal(wide.nngp, kernels(x, activation=name, depth=3, beta="0.3", **params).nngp)


def test_standard_ntk_grows_with_the_widths_as_each_layer_contributes() -> None:
    """Θ_std is affine in each hidden width n_ℓ with slope E[σσ]·Π Σ̇ (its layer's weight contribution)."""
    x = [[0.7, 0.1], [-1.2, 0.4]]
    k = [kernels(x, depth=3, beta="0.3", parametrization="standard", widths=[n, 5]).ntk for n in (10, 20, 30)]
    assert np.allclose(k[2] - k[1], k[1] - k[0], rtol=1e-12)
    sym = symbolic_kernels(
        "relu",
        depth=3,
        beta=sp.Rational(3, 10),
        parametrization="standard",
        widths=[sp.Symbol("n_1"), sp.Symbol("n_2")],
    )
    n_1 = sp.Symbol("n_1")
    assert sp.diff(sym.ntk, n_1, 2) == 0 and sp.diff(sym.ntk, n_1) != 0


# ----------------------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"depth": 0}, "depth"),
        ({"depth": 2.5}, "depth"),
        ({"depth": True}, "depth"),
        ({"beta": -0.1}, "beta"),
        ({"beta": float("nan")}, "beta"),
        ({"beta": "abc"}, "beta"),
        ({"x1": [[1, 2], [3]]}, "ragged"),
        ({"x2": [[1, 2, 3]]}, "dimension"),
        ({"x1": [[1, float("nan")]]}, "finite"),
        ({"x1": [[1, float("inf")]]}, "finite"),
        ({"x1": []}, "no input"),
        ({"x1": [[]]}, "empty"),
        ({"x1": "[[1, 2]]"}, "list"),
        ({"x1": [[1, "x"]]}, "x1"),
        ({"activation": "relux"}, "known"),
        ({"dps": 0}, "dps"),
        ({"dps": 10**6}, "dps"),
        ({"dps": 2.5}, "dps"),
        ({"parametrization": "mean_field"}, "parametrization"),
        ({"parametrization": "standard", "depth": 3}, "widths"),
        ({"parametrization": "standard", "depth": 3, "widths": [2, 0]}, "widths"),
        ({"widths": [3]}, "widths"),
    ],
)
def test_bad_input_raises_one_line_symntk_error(kwargs: dict[str, Any], fragment: str) -> None:
    args: dict[str, Any] = {"x1": [[1.0, 2.0]], "x2": None, "activation": "relu", "depth": 2, "beta": 0.1}
    args.update(kwargs)
    for dps in (None, 20) if "dps" not in kwargs else (kwargs["dps"],):
        args["dps"] = dps
        with pytest.raises(SymntkError) as info:
            kernels(**args)
        assert "\n" not in str(info.value) and fragment in str(info.value)


def test_a_user_sigma_whose_gaussian_expectation_diverges_is_an_error() -> None:
    z = sp.Symbol("z", real=True)
    act = activation_from_expr(sp.exp(z**2), z, name="exp_z2")
    for dps in (None, 15):
        with pytest.raises(SymntkError):
            kernels([[1.0, 1.0]], activation=act, depth=2, dps=dps)



def test_mpf_inputs_keep_their_sign() -> None:
    """Σ⁽¹⁾ = x·x′/n₀ at depth 1 with the identity: x = (−1, 1/2) against x′ = (1, 0) is −1/2 exactly
    (an mpf's man_exp is its magnitude only; reading it as the value dropped the sign)."""
    x1 = [[mpmath.mpf(-1), mpmath.mpf(1) / 2]]
    x2 = [[mpmath.mpf(1), mpmath.mpf(0)]]
    nngp, _ = kernels(x1, x2, activation="identity", depth=1, beta=0, dps=30)
    assert nngp[0, 0] == mpmath.mpf(-1) / 2
