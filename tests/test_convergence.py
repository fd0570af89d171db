"""Rates, Gaussianity, Proposition 2 and §8's orders: each experiment against what it must find."""

from __future__ import annotations

import json

import mpmath
import numpy as np
import pytest
import sympy as sp

from symntk import SymntkError
from symntk.check import Derivation, Status, Step, limit
from symntk.cli import main
from symntk.convergence import (
    check_strategy,
    derivative_orders,
    fit_power_law,
    gaussianity_test,
    kernel_convergence,
    output_gaussianity,
    smallest_eigenvalue,
    sphere_points,
    sphere_polynomial_dimension,
    training_convergence,
)
from symntk.limits import kernels


def test_rate_interval_covers_the_true_exponent_at_its_nominal_rate() -> None:
    """Synthetic errors C n^r e^{ε}: the 95% interval must cover r in about 95% of 400 replications."""
    rng = np.random.default_rng(1)
    widths = [64, 256, 1024, 4096]
    covered = 0
    for _ in range(400):
        errors = [0.7 * n**-0.5 * np.exp(rng.normal(0, 0.3, 6)) for n in widths]
        low, high = fit_power_law(widths, errors).ci
        covered += low <= -0.5 <= high
    # binomial(400, 0.95): mean 380, sd 4.4; the bounds are ±4.5 sd
    assert 360 <= covered <= 399


def test_rate_verdicts_are_consistent_refuted_or_undecided_as_the_interval_says() -> None:
    rng = np.random.default_rng(2)
    widths = [64, 256, 1024, 4096]
    fit = fit_power_law(widths, [n**-0.5 * np.exp(rng.normal(0, 0.1, 8)) for n in widths])
    assert fit.verdict(-0.5).status is Status.CONSISTENT
    assert fit.verdict(-1.0).status is Status.REFUTED
    assert fit.verdict(-1.0, upper_bound=True).status is Status.REFUTED  # decays slower than n^-1
    assert fit.verdict(-0.25, upper_bound=True).status is Status.CONSISTENT  # faster than the bound
    noisy = fit_power_law([64, 128], [np.exp(rng.normal(0, 1.0, 2)) for _ in range(2)])
    assert noisy.verdict(-0.5).status is Status.UNDECIDED
    with pytest.raises(SymntkError, match="positive"):
        fit_power_law(widths, [np.array([1.0, 0.0])] * 4)


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_empirical_kernels_converge_to_the_limits_at_rate_one_half(activation: str) -> None:
    """Theorem 1 / Proposition 1 at depth 3: errors ∝ n^{-1/2}, off-diagonal blocks → 0 at the same rate."""
    result = kernel_convergence(activation, 3, 0.2, widths=(16, 64, 256, 1024), samples=6, seed=3)
    for key in ("nngp", "ntk", "offdiag"):
        fit = result.rates[key]
        assert fit.verdict(-0.5).status is Status.CONSISTENT, (key, fit)
        assert fit.verdict(0.0).status is Status.REFUTED  # the error does go to zero
        assert fit.verdict(-1.0).status is Status.REFUTED
    assert result.ntk_error[-1] < result.ntk_error[0] / 4
    data = json.loads(json.dumps(result.to_json()))
    assert data["widths"] == [16, 64, 256, 1024]
    assert len(data["ntk_error"]) == len(data["nngp_error"]) == len(data["offdiag"]) == 4
    assert set(data["rate"]["ntk"]) >= {"estimate", "ci"}


def test_kernel_convergence_is_reproducible_and_seed_dependent() -> None:
    a = kernel_convergence("erf", 2, 0.0, widths=(16, 64), samples=3, seed=4)
    b = kernel_convergence("erf", 2, 0.0, widths=(16, 64), samples=3, seed=4)
    c = kernel_convergence("erf", 2, 0.0, widths=(16, 64), samples=3, seed=5)
    assert a.ntk_error == b.ntk_error
    assert a.ntk_error != c.ntk_error


def test_outputs_at_initialization_are_gaussian_with_covariance_sigma() -> None:
    """Proposition 1: not rejected at width 256; rejected at width 1 and against a wrong covariance."""
    wide = output_gaussianity("erf", 3, 256, 0.1, samples=300, seed=5)
    assert wide.verdict().status is Status.CONSISTENT
    narrow = output_gaussianity("relu", 3, 1, 0.1, samples=300, seed=5)
    assert narrow.verdict().status is Status.REFUTED
    x = sphere_points(3, 3, 6)
    sigma = np.asarray(kernels(x, activation="erf", depth=2, beta=0.1).nngp, float)
    rng = np.random.default_rng(7)
    exact = rng.multivariate_normal(np.zeros(3), sigma, size=(2000, 2)).transpose(0, 2, 1)
    assert gaussianity_test(exact, sigma).verdict().status is Status.CONSISTENT
    assert gaussianity_test(exact, 1.3 * sigma).verdict().status is Status.REFUTED
    with pytest.raises(SymntkError, match="singular"):
        gaussianity_test(exact, np.ones((3, 3)))


@pytest.mark.parametrize(("activation", "depth"), [("relu", 2), ("erf", 3), ("sin", 2)])
def test_ntk_is_positive_definite_on_the_sphere_for_non_polynomial_sigma(activation: str, depth: int) -> None:
    """Proposition 2: λ_min > rounding bound, certified at 30 digits, on 7 points of the circle."""
    result = smallest_eigenvalue(sphere_points(7, 2, 8), activation, depth, beta=0.0, dps=30)
    assert result.positive and not result.degenerate
    assert result.feature_dimension is None
    assert result.verdict().status is Status.CONSISTENT


def test_ntk_of_polynomial_sigma_degenerates_beyond_the_feature_dimension() -> None:
    """σ(z) = z², L = 2: Θ^(2) is a degree-2 polynomial in x·x', rank ≤ 5 on the circle (2·2 + 1)."""
    assert sphere_polynomial_dimension(2, 2) == 5
    five = smallest_eigenvalue(sphere_points(5, 2, 9), "monomial", 2, beta=0.5, dps=30)
    six = smallest_eigenvalue(sphere_points(6, 2, 9), "monomial", 2, beta=0.5, dps=50)
    assert five.feature_dimension == six.feature_dimension == 5
    assert five.positive
    assert six.degenerate and abs(six.value) < mpmath.mpf(10) ** -45 * six.largest
    assert six.verdict().status is Status.REFUTED
    assert six.verdict(positive_definite=False).status is Status.CONSISTENT


def test_proposition_two_needs_depth_two() -> None:
    """L = 1: Θ^(1) = x·x'/n_0 + β² has rank ≤ n_0 + 1, so 4 points of the circle make it singular."""
    result = smallest_eigenvalue(sphere_points(4, 2, 10), "relu", 1, beta=0.5, dps=30)
    assert result.degenerate


def test_points_off_the_sphere_are_refused() -> None:
    with pytest.raises(SymntkError, match="unit sphere"):
        smallest_eigenvalue([[1.0, 1.0], [0.0, 1.0]], "relu", 2)


def test_section_eight_orders_of_the_jacobian() -> None:
    """Hidden-layer entries O(1/n), last layer O(1/√n); the input layer is O(1/√n), not §8's O(1/n)."""
    result = derivative_orders("erf", 3, 0.1, widths=(32, 128, 512), samples=4, seed=11)
    assert result.verdict("jacobian_1", -1.0).status is Status.CONSISTENT
    assert result.verdict("jacobian_2", -0.5).status is Status.CONSISTENT
    assert result.verdict("jacobian_0", -0.5).status is Status.CONSISTENT
    assert result.verdict("jacobian_0", -1.0).status is Status.REFUTED
    assert result.rates["hessian"].estimate < -0.3  # the Hessian term does vanish with width
    assert len(result.to_json()["jacobian"]) == 3


def test_training_changes_the_kernel_and_weights_less_as_width_grows() -> None:
    """Theorem 2: sup_t ‖Θ_t − Θ_0‖ = O(n^{-1/2}) as a bound (slides 20–21); hidden weights move O(1/n)."""
    result = training_convergence("erf", 3, 0.1, widths=(16, 64, 256), samples=3, seed=12, steps=30)
    assert result.verdict("kernel_change", -0.5, upper_bound=True).status is Status.CONSISTENT
    assert result.verdict("kernel_change", 0.0).status is Status.REFUTED
    assert result.verdict("weight_change_1", -1.0).status is Status.CONSISTENT
    assert result.verdict("weight_change_2", -0.5).status is Status.CONSISTENT
    assert result.rates["prediction_gap"].ci[1] < 0  # gradient descent approaches the kernel prediction
    assert result.rates["train_gap"].ci[1] < 0


@pytest.mark.parametrize(("exponent", "status"), [(-0.5, Status.CONSISTENT), (-1.0, Status.REFUTED)])
def test_a_limit_step_of_a_derivation_is_checked_by_the_fitted_rate(exponent: float, status: Status) -> None:
    """check_strategy implements the checker's Strategy protocol: a limit step comes out consistent with
    the fitted exponent, or refuted when the interval excludes the claimed one."""
    n = sp.Symbol("n", positive=True, integer=True)

    def experiment(seed: int) -> object:
        return kernel_convergence("erf", 3, 0.1, widths=(16, 64, 256), samples=4, seed=seed)

    derivation = Derivation(
        id="ntk-limit",
        title="The empirical NTK tends to its limit",
        statement="Θ̂ → Θ^(L) ⊗ Id",
        start=sp.Function("Theta_hat")(n),
        kind="theorem",
        steps=[
            Step(
                sp.Symbol("Theta_infinity"),
                limit(n),
                "Theorem 1, fluctuations of order n^{-1/2}",
                strategy=check_strategy(experiment, quantity="ntk", exponent=exponent),
            )
        ],
    )
    result = derivation.check(seed=0)
    verdict = result.steps[0].verdict
    assert verdict.status is status
    assert verdict.data["claimed"] == exponent and len(verdict.data["interval"]) == 2
    assert result.status is status


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["converge", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_converge_command_prints_the_json_object_of_the_issue(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--activation", "erf", "--depth", "3", "--beta", "0.1", "--widths", "16,64,256", "--samples", "3")
    status, out, err = _cli(capsys, *args, "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["widths"] == [16, 64, 256]
    for key in ("nngp_error", "ntk_error", "offdiag"):
        assert len(data[key]) == 3 and all(v > 0 for v in data[key])
    ci = data["rate"]["ntk"]["ci"]
    assert ci[0] < data["rate"]["ntk"]["estimate"] < ci[1]
    status, out, err = _cli(capsys, *args)
    assert status == 0, err
    assert f"NTK error ∝ n^{data['rate']['ntk']['estimate']:.3f}" in out
    assert "95% CI" in out and "256" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--widths", "1000000,2000000"), "TiB of memory"),
        (("--activation", "nope", "--widths", "4,8"), "unknown activation"),
        (("--widths", "8"), "at least two distinct"),
        (("--beta", "-1", "--widths", "4,8"), "must be ≥ 0"),
        (("--samples", "1", "--widths", "4,8"), "integer ≥ 2"),
        (("--depth", "1", "--widths", "4,8"), "depth ≥ 2"),
    ],
)
def test_converge_command_refuses_bad_input_in_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    try:
        status, out, err = _cli(capsys, *args)
    except SystemExit as exit_info:  # argparse errors exit directly
        status, captured = int(str(exit_info.code)), capsys.readouterr()
        out, err = captured.out, captured.err
    assert status == 2
    assert message in err
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_issue_scale_convergence_from_64_to_4096(activation: str) -> None:
    """The issue's experiment (depth 3, widths 64…4096, 10 networks each): the NTK error's rate is not
    refuted at −1/2 and is refuted at 0 (no convergence) and at −1."""
    result = kernel_convergence(activation, 3, 0.1, widths=(64, 256, 1024, 4096), samples=10, seed=13)
    for key in ("nngp", "ntk", "offdiag"):
        assert result.verdict(key, -0.5).status is not Status.REFUTED
        assert result.verdict(key, 0.0).status is Status.REFUTED
        assert result.verdict(key, -1.0).status is Status.REFUTED


@pytest.mark.slow
def test_outputs_are_gaussian_at_width_512_with_many_networks() -> None:
    assert (
        output_gaussianity("relu", 3, 512, 0.1, samples=1000, seed=14).verdict().status is Status.CONSISTENT
    )


@pytest.mark.slow
def test_section_eight_hessian_term_is_order_one_over_n_not_the_seeds_n_to_minus_three_halves() -> None:
    """§8 estimates Δθᵀ H Δθ = O(n^{-3/2}) for a gradient step; measured along the gradient it is O(1/n)."""
    result = derivative_orders("erf", 3, 0.1, widths=(64, 256, 1024, 2048), samples=6, seed=21)
    assert result.verdict("hessian", -1.0).status is Status.CONSISTENT
    assert result.verdict("hessian", -1.5).status is Status.REFUTED
    assert result.verdict("jacobian_1", -1.0).status is Status.CONSISTENT
    assert result.verdict("jacobian_0", -1.0).status is Status.REFUTED


@pytest.mark.slow
def test_kernel_change_during_training_is_order_one_over_n_within_the_theorem_two_bound() -> None:
    """Seed 001 slides 20–21 bound sup_t |Θ_t − Θ_0| by C/√n and estimate ΔΘ ~ 1/√n; measured, the change
    decays like 1/n: the bound holds, the estimate as a sharp rate does not."""
    result = training_convergence("erf", 3, 0.1, widths=(64, 256, 1024), samples=4, seed=22, steps=60)
    assert result.verdict("kernel_change", -0.5, upper_bound=True).status is Status.CONSISTENT
    assert result.verdict("kernel_change", -0.5).status is Status.REFUTED
    assert result.verdict("kernel_change", -1.0).status is Status.CONSISTENT
    assert result.verdict("prediction_gap", -1.0).status is Status.CONSISTENT
