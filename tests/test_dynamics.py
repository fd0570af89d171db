"""Gradient-descent training and the kernel prediction, against exact and independent computations."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.linalg import expm

from symntk import SymntkError
from symntk.dynamics import kernel_prediction, loss_and_gradient, max_stable_learning_rate, train
from symntk.empirical import Architecture, jacobian, ntk, sample

RNG = np.random.default_rng(7)
X = RNG.standard_normal((4, 2))
Y = RNG.standard_normal((4, 2))
X_TEST = RNG.standard_normal((3, 2))


@pytest.mark.parametrize("parametrization", ["ntk", "standard", "mean-field"])
def test_gradient_is_jacobian_transpose_times_residual_over_m(parametrization: str) -> None:
    net = sample(Architecture((2, 5, 4, 2), "erf", beta=0.3, parametrization=parametrization), 2, seed=1)  # type: ignore[arg-type]
    loss, grad, f = loss_and_gradient(net, X, Y)
    residual = f - Y
    np.testing.assert_allclose(loss, 0.5 * np.sum(residual**2, axis=(1, 2)) / 4, rtol=1e-14)
    expected = np.einsum("sakp,sak->sp", jacobian(net, X), residual) / 4
    np.testing.assert_allclose(grad.parameters(), expected, rtol=1e-12, atol=1e-15)


def test_one_layer_network_follows_the_discrete_kernel_prediction_exactly() -> None:
    """L = 1 is linear in θ with a constant NTK: GD is the linearized dynamics, no width needed."""
    net = sample(Architecture((2, 2), "relu", beta=0.5), 3, seed=2)
    run = train(net, X, Y, learning_rate=0.5, steps=40, x_test=X_TEST, record=8)
    train_pred, test_pred = run.predicted(Y, discrete=True)
    np.testing.assert_allclose(run.train_outputs, train_pred, rtol=0, atol=1e-12)
    np.testing.assert_allclose(run.test_outputs, test_pred, rtol=0, atol=1e-12)
    np.testing.assert_allclose(run.kernel_change, 0.0, atol=1e-15)


def _flow_by_van_loan(
    theta_xx: np.ndarray, theta_tx: np.ndarray, f0: np.ndarray, f0t: np.ndarray, y: np.ndarray, eta_t: float
) -> tuple[np.ndarray, np.ndarray]:
    """df/dt = −(1/M) Θ(·, X)(f(X) − Y) solved with expm of [[−Θ/M, I], [0, 0]] (no inverse of Θ)."""
    mk = theta_xx.shape[0]
    m = mk // y.shape[1]
    block = np.zeros((2 * mk, 2 * mk))
    block[:mk, :mk] = -theta_xx / m
    block[:mk, mk:] = np.eye(mk)
    e = expm(eta_t * block)
    integral = e[:mk, mk:]  # ∫_0^{ηt} e^{−sΘ/M} ds
    r0 = y.ravel() - f0.ravel()
    return f0.ravel() + theta_xx @ integral @ r0 / m, f0t.ravel() + theta_tx @ integral @ r0 / m


@pytest.mark.parametrize("duplicate", [False, True])
def test_flow_prediction_matches_an_inverse_free_solution_even_for_singular_kernels(duplicate: bool) -> None:
    net = sample(Architecture((2, 6, 6, 2), "tanh", beta=0.2), 1, seed=3)
    x = X.copy()
    if duplicate:  # two equal training inputs: Θ(X, X) is singular
        x[1] = x[0]
    theta = ntk(net, np.concatenate([x, X_TEST]), x)
    th_xx, th_tx = theta[:, :4], theta[:, 4:]
    if duplicate:
        assert np.linalg.eigvalsh(th_xx.reshape(8, 8))[0] < 1e-12 * np.abs(th_xx).max()
    f0 = RNG.standard_normal((1, 4, 2))
    f0t = RNG.standard_normal((1, 3, 2))
    steps = np.array([0, 1, 7, 300])
    y = Y.copy()
    if duplicate:
        y[1] = y[0]
    got_train, got_test = kernel_prediction(th_xx, th_tx, f0, f0t, y, 0.3, steps)
    for i, t in enumerate(steps):
        ref_train, ref_test = _flow_by_van_loan(
            th_xx[0].reshape(8, 8), th_tx[0].reshape(6, 8), f0, f0t, y, 0.3 * t
        )
        np.testing.assert_allclose(got_train[i, 0].ravel(), ref_train, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(got_test[i, 0].ravel(), ref_test, rtol=1e-10, atol=1e-12)


def test_learning_rate_bound_separates_convergence_from_divergence() -> None:
    """For L = 1 (exactly linear) GD converges below 2/λ_max and diverges above it."""
    net = sample(Architecture((2, 2), "relu", beta=1.0), 1, seed=4)
    bound = max_stable_learning_rate(ntk(net, X))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        below = train(net, X, Y, learning_rate=0.98 * bound, steps=400, record=400)
    assert below.loss[-1, 0] < below.loss[0, 0]
    with pytest.warns(RuntimeWarning, match=r"exceeds 2/λ_max = .*gradient descent diverges"):
        above = train(net, X, Y, learning_rate=1.02 * bound, steps=400, record=400)
    assert above.loss[-1, 0] > 10 * above.loss[0, 0]


def test_divergence_stops_training_and_names_the_step() -> None:
    net = sample(Architecture((2, 8, 8, 2), "relu", beta=0.1), 2, seed=5)
    bound = max_stable_learning_rate(ntk(net, X))
    with pytest.warns(RuntimeWarning), pytest.raises(SymntkError, match=r"not finite at step \d+") as info:
        train(net, X, Y, learning_rate=40 * bound, steps=5000)
    assert "\n" not in str(info.value)


def test_wider_networks_track_the_kernel_prediction_more_closely() -> None:
    """Theorem 2 (seed 001 slides 20–21): Θ_t − Θ_0 and |f_t − f_t^kernel| shrink with the width."""
    x = X / np.linalg.norm(X, axis=1, keepdims=True)
    gaps, changes = [], []
    for width in (16, 256):
        net = sample(Architecture.uniform(2, width, 3, "erf", output_dim=2, beta=0.1), 4, seed=6)
        run = train(net, x, Y, learning_rate=1.0, steps=60, x_test=X_TEST, record=20)
        _, test_pred = run.predicted(Y, discrete=True)
        gaps.append(np.abs(test_pred - run.test_outputs).max(axis=(0, 2, 3)).mean())
        changes.append(run.kernel_change.max(axis=0).mean())
    # a factor 16 in width is a factor 4 at the n^{-1/2} rate; ask for at least 2
    assert gaps[1] < gaps[0] / 2
    assert changes[1] < changes[0] / 2


def test_bad_training_arguments_are_refused() -> None:
    net = sample(Architecture((2, 4, 2), "relu"), 1, seed=0)
    with pytest.raises(SymntkError, match="learning rate"):
        train(net, X, Y, learning_rate=-1.0, steps=3)
    with pytest.raises(SymntkError, match=r"targets must have shape \(4, 2\)"):
        train(net, X, Y[:, :1], learning_rate=0.1, steps=3)
    with pytest.raises(SymntkError, match="steps"):
        train(net, X, Y, learning_rate=0.1, steps=-2)


def test_standard_parametrization_with_layer_rates_trains_like_ntk_parametrization() -> None:
    """Seed 001 slide 12, exercise 2: with learning rate η/n_ℓ on W^(ℓ) and ηβ² on b^(ℓ), gradient descent in
    standard parametrization is gradient descent in NTK parametrization with η, step by step."""
    beta, widths = 0.4, (2, 7, 5, 2)
    ntk_net = sample(Architecture(widths, "tanh", beta=beta, parametrization="ntk"), 2, seed=8)
    std_net = sample(Architecture(widths, "tanh", beta=beta, parametrization="standard"), 2, seed=8)
    rates = [(1 / n, beta**2) for n in widths[:-1]]
    np.testing.assert_allclose(ntk(std_net, X, layer_rates=rates), ntk(ntk_net, X), rtol=1e-13, atol=1e-15)
    a = train(ntk_net, X, Y, learning_rate=0.5, steps=50, x_test=X_TEST, record=10)
    b = train(std_net, X, Y, learning_rate=0.5, steps=50, x_test=X_TEST, record=10, layer_rates=rates)
    np.testing.assert_allclose(b.train_outputs, a.train_outputs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.test_outputs, a.test_outputs, rtol=0, atol=1e-12)
    plain = train(std_net, X, Y, learning_rate=0.5 / 7, steps=50, x_test=X_TEST, record=10)
    assert np.abs(plain.test_outputs[-1] - a.test_outputs[-1]).max() > 1e-3  # one global rate does not do it
    with pytest.raises(SymntkError, match="3 pairs"):
        train(std_net, X, Y, learning_rate=0.5, steps=1, layer_rates=rates[:2])
