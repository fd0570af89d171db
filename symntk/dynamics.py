"""Full-batch gradient descent on finite networks, and the kernel prediction it approaches at large width.

The loss is the square loss of ``NOTATION.md`` over a training set {(x_a, y_a)}, a = 1 … M:
𝓛(θ) = (1/M) Σ_a ½ |f(x_a; θ) − y_a|², and gradient descent θ_{t+1} = θ_t − η ∇_θ 𝓛(θ_t) is gradient flow
dθ/dt = −∇_θ 𝓛 at time ηt when η is small (seed 000, "NTK from the loss function"; seed 001 slide 14).

With a constant kernel the output dynamics df/dt = −(1/M) Θ(x, X)(f(X) − Y) is linear and solved by

    f_t(x) = f_0(x) + Θ(x, X) Θ(X, X)^{-1} (I − e^{−η t Θ(X, X)/M}) (Y − f_0(X))

(:func:`kernel_prediction`, seed 001 slides 14 and 22; seed 002 §5 Theorem 2). Theorem 2 says the empirical
NTK of a wide network stays within O(n^{-1/2}) of its value at initialization during training (seed 001
slides 20–21), so gradient descent follows this prediction ever more closely as the width grows;
:func:`train` records what is needed to measure it: outputs, sup_t ‖Θ_t − Θ_0‖ and the weights' change.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._errors import SymntkError
from .empirical import Array, Ensemble, backward, check_layer_rates, forward, ntk


def loss_and_gradient(ensemble: Ensemble, x: ArrayLike, y: ArrayLike) -> tuple[Array, Ensemble, Array]:
    """𝓛(θ) per network (S,), ∇_θ 𝓛 (as an :class:`Ensemble` of the same shapes), and f(X) (S, M, n_L).

    ∂𝓛/∂f(x_a) = (f(x_a) − y_a)/M is backpropagated once (:func:`symntk.empirical.backward`), then
    ∂𝓛/∂W^(ℓ) = m_ℓ Σ_a δ^(ℓ+1)(x_a) α^(ℓ)(x_a)ᵀ and ∂𝓛/∂b^(ℓ) = m_b Σ_a δ^(ℓ+1)(x_a).
    """
    arch = ensemble.architecture
    fwd = forward(ensemble, x)
    targets = _targets(y, fwd.outputs.shape[1:])
    m = fwd.outputs.shape[1]
    residual = fwd.outputs - targets
    loss = 0.5 * np.sum(residual**2, axis=(1, 2)) / m
    signals = backward(ensemble, fwd, seed_signal=residual / m)
    grad_w: list[Array] = []
    grad_b: list[Array] = []
    for layer in range(arch.depth):
        m_w, m_b = arch.multipliers(layer)
        delta = signals[layer]
        grad_w.append(m_w * (delta.transpose(0, 2, 1) @ fwd.activations[layer]))
        grad_b.append(m_b * delta.sum(axis=1))
    return loss, Ensemble(arch, tuple(grad_w), tuple(grad_b)), fwd.outputs


def _targets(y: ArrayLike, shape: tuple[int, ...]) -> Array:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1 and shape[1] == 1:
        y = y[:, None]
    if y.shape != shape:
        raise SymntkError(f"targets must have shape {shape} (M inputs × n_L outputs), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise SymntkError("targets contain NaN or infinity")
    return y


def max_stable_learning_rate(theta_train: ArrayLike) -> float:
    """2/λ_max of Θ(X, X)/M: the largest learning rate at which GD on the linearized model converges.

    ``theta_train`` is Θ(X, X) of shape (S, M, n_L, M, n_L) (or one network's (M, n_L, M, n_L)); the bound
    is the smallest over the networks. Θ/M is the Gauss–Newton part of the loss Hessian, whose nonzero
    spectrum it shares; GD multiplies the residual by I − ηΘ/M at each step.
    """
    theta = np.asarray(theta_train, dtype=np.float64)
    if theta.ndim == 4:
        theta = theta[None]
    s, m, k = theta.shape[:3]
    lam = np.linalg.eigvalsh(theta.reshape(s, m * k, m * k) / m)[:, -1]
    return float(2.0 / lam.max())


@dataclass(frozen=True)
class Trajectory:
    """A gradient-descent run of S networks, recorded at ``steps``.

    ``train_outputs`` (T, S, M, n_L) and ``test_outputs`` (T, S, N, n_L) are f_t on the training and test
    inputs; ``loss`` (T, S); ``kernel_change`` (T, S) is ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F on training and test inputs
    together; ``weight_change`` (T, S, L) is ‖W_t^(ℓ) − W_0^(ℓ)‖_F / ‖W_0^(ℓ)‖_F per layer and
    ``parameter_change`` (T, S) is ‖θ_t − θ_0‖ / ‖θ_0‖. ``theta_train`` (S, M, n_L, M, n_L) and
    ``theta_test`` (S, N, n_L, M, n_L) are Θ_0(X, X) and Θ_0(X_test, X), for :func:`kernel_prediction`.
    """

    steps: np.ndarray
    learning_rate: float
    train_outputs: Array
    test_outputs: Array
    loss: Array
    kernel_change: Array
    weight_change: Array
    parameter_change: Array
    theta_train: Array
    theta_test: Array
    final: Ensemble

    def predicted(self, targets: ArrayLike, *, discrete: bool = False) -> tuple[Array, Array]:
        """The kernel prediction (from Θ_0) at the recorded steps: (train, test), shaped like the outputs."""
        return kernel_prediction(
            self.theta_train,
            self.theta_test,
            self.train_outputs[0],
            self.test_outputs[0],
            targets,
            self.learning_rate,
            self.steps,
            discrete=discrete,
        )


def train(
    ensemble: Ensemble,
    x: ArrayLike,
    y: ArrayLike,
    *,
    learning_rate: float,
    steps: int,
    x_test: ArrayLike | None = None,
    record: int = 1,
    layer_rates: Sequence[tuple[float, float]] | None = None,
) -> Trajectory:
    """Full-batch gradient descent on 𝓛(θ) = (1/M) Σ_a ½|f(x_a) − y_a|², all networks of the ensemble at once.

    ``layer_rates`` = ((c_0, c'_0), …) multiplies the learning rate by c_ℓ on W^(ℓ) and c'_ℓ on b^(ℓ)
    (seed 001 slide 12: standard parametrization with c_ℓ = 1/n_ℓ, c'_ℓ = β² follows NTK parametrization);
    the recorded kernels are then the matching tangent kernel (:func:`symntk.empirical.ntk`). Records every
    ``record`` steps (and the last). Warns (RuntimeWarning) when η exceeds
    :func:`max_stable_learning_rate`, and stops with a :class:`SymntkError` naming the step at which the loss
    stops being finite.
    """
    arch = ensemble.architecture
    if not (isinstance(steps, int | np.integer) and steps >= 0):
        raise SymntkError(f"the number of steps must be an integer ≥ 0, got {steps}")
    if not (isinstance(record, int | np.integer) and record >= 1):
        raise SymntkError(f"record must be an integer ≥ 1, got {record}")
    eta = float(learning_rate)
    if not (math.isfinite(eta) and eta > 0):
        raise SymntkError(f"the learning rate must be a finite number > 0, got {learning_rate}")
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    x_test = (
        np.zeros((0, arch.widths[0]))
        if x_test is None
        else np.atleast_2d(np.asarray(x_test, dtype=np.float64))
    )
    m = x.shape[0]
    both = np.concatenate([x, x_test])
    rates = check_layer_rates(arch, layer_rates)
    theta_ref = ntk(ensemble, both, layer_rates=rates)
    bound = max_stable_learning_rate(theta_ref[:, :m, :, :m])
    if eta > bound:
        warnings.warn(
            f"learning rate {eta:g} exceeds 2/λ_max = {bound:g} (λ_max of Θ_0(X, X)/M): "
            "gradient descent diverges",
            RuntimeWarning,
            stacklevel=2,
        )
    ref_norm = np.linalg.norm(theta_ref.reshape(ensemble.samples, -1), axis=1)
    recorded = sorted({*range(0, steps + 1, record), steps})
    marks = set(recorded)
    out_train, out_test, losses, dk, dw, dp = [], [], [], [], [], []
    start_w, start_b = _squared_norms(ensemble.weights), _squared_norms(ensemble.biases)
    current = ensemble
    for t in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and reported below
            loss, grad, f_train = loss_and_gradient(current, x, y)
        if not (
            np.all(np.isfinite(loss)) and all(np.all(np.isfinite(g)) for g in grad.weights + grad.biases)
        ):
            raise SymntkError(
                f"training diverged: the loss is not finite at step {t} "
                f"(learning rate {eta:g}, 2/λ_max = {bound:g})"
            )
        if t in marks:
            out_train.append(f_train)
            out_test.append(forward(current, x_test).outputs)
            losses.append(loss)
            change = ntk(current, both, layer_rates=rates) - theta_ref
            dk.append(np.linalg.norm(change.reshape(ensemble.samples, -1), axis=1) / ref_norm)
            moved_w = _squared_norms(
                [w - w0 for w, w0 in zip(current.weights, ensemble.weights, strict=True)]
            )
            moved_b = _squared_norms([b - b0 for b, b0 in zip(current.biases, ensemble.biases, strict=True)])
            dw.append(np.sqrt(moved_w / start_w))
            dp.append(np.sqrt((moved_w.sum(1) + moved_b.sum(1)) / (start_w.sum(1) + start_b.sum(1))))
        if t == steps:
            break
        current = Ensemble(
            arch,
            tuple(w - eta * c * g for w, g, (c, _) in zip(current.weights, grad.weights, rates, strict=True)),
            tuple(b - eta * c * g for b, g, (_, c) in zip(current.biases, grad.biases, rates, strict=True)),
        )
    return Trajectory(
        steps=np.array(recorded),
        learning_rate=eta,
        train_outputs=np.stack(out_train),
        test_outputs=np.stack(out_test),
        loss=np.stack(losses),
        kernel_change=np.stack(dk),
        weight_change=np.stack(dw),
        parameter_change=np.stack(dp),
        theta_train=theta_ref[:, :m, :, :m],
        theta_test=theta_ref[:, m:, :, :m],
        final=current,
    )


def _squared_norms(arrays: tuple[Array, ...] | list[Array]) -> Array:
    """‖A^(ℓ)‖² per network and layer, shape (S, L)."""
    return np.stack([np.sum(a.reshape(a.shape[0], -1) ** 2, axis=1) for a in arrays], 1)


def kernel_prediction(
    theta_train: ArrayLike,
    theta_test: ArrayLike,
    f0_train: ArrayLike,
    f0_test: ArrayLike,
    targets: ArrayLike,
    learning_rate: float,
    steps: ArrayLike,
    *,
    discrete: bool = False,
) -> tuple[Array, Array]:
    """f_t = f_0 + Θ(x, X) Θ(X, X)^{-1} (I − e^{−η t Θ(X, X)/M}) (Y − f_0(X)) on training and test inputs.

    Shapes: Θ(X, X) (S, M, n_L, M, n_L), Θ(X_test, X) (S, N, n_L, M, n_L), f_0 (S, M, n_L) and (S, N, n_L),
    targets (M, n_L); ``steps`` (T,) gives the times ηt. Returns f_t of shapes (T, S, M, n_L), (T, S, N, n_L).
    The matrix function Θ^{-1}(I − e^{−ηtΘ/M}) is applied through the eigendecomposition Θ = V Λ Vᵀ as
    −expm1(−ηtλ/M)/λ, which is accurate for small λ and tends to ηt/M as λ → 0, so a singular Θ(X, X) is
    no obstacle. With ``discrete`` the gradient-flow factor is replaced by gradient descent's exact one on
    the linearized model, (I − (I − ηΘ/M)^t).
    """
    th = np.asarray(theta_train, dtype=np.float64)
    tt = np.asarray(theta_test, dtype=np.float64)
    s, m, k = th.shape[:3]
    n = tt.shape[1]
    f0 = np.asarray(f0_train, dtype=np.float64).reshape(s, m * k)
    f0t = np.asarray(f0_test, dtype=np.float64).reshape(s, n * k)
    y = _targets(targets, (m, k)).reshape(m * k)
    eta = float(learning_rate)
    t = np.asarray(steps, dtype=np.float64).reshape(-1, 1, 1)
    lam, vec = np.linalg.eigh(th.reshape(s, m * k, m * k))
    lam = np.clip(lam, 0.0, None)  # Θ is PSD; rounding can leave −1e-16
    c = eta * lam / m
    safe = np.where(lam > 0, lam, 1.0)
    if discrete:
        growth = -np.expm1(t * np.log1p(-c)) if np.all(c < 1) else 1.0 - (1.0 - c) ** t
    else:
        growth = -np.expm1(-t * c)
    factor = np.where(lam > 0, growth / safe, eta * t / m)  # (T, S, Mk)
    coeff = np.einsum("spi,tsi,sqi,sq->tsp", vec, factor, vec, y[None] - f0)
    train_pred = f0[None] + np.einsum("spq,tsq->tsp", th.reshape(s, m * k, m * k), coeff)
    test_pred = f0t[None] + np.einsum("spq,tsq->tsp", tt.reshape(s, n * k, m * k), coeff)
    return train_pred.reshape(-1, s, m, k), test_pred.reshape(-1, s, n, k)
