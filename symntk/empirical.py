"""Finite-width networks in NumPy (float64), sampled many at a time, and their empirical NTK.

The network is the one of ``NOTATION.md`` (seed 000, "The network"; seed 002 §2.2), with depth L the number
of affine layers and widths ``(n_0, …, n_L)``:

    α^(0)(x) = x,   α̃^(ℓ+1)(x) = m_ℓ W^(ℓ) α^(ℓ)(x) + m_b b^(ℓ),   α^(ℓ) = σ(α̃^(ℓ)),   f(x) = α̃^(L)(x),

where the trained parameters W^(ℓ) ∈ ℝ^{n_{ℓ+1}×n_ℓ}, b^(ℓ) ∈ ℝ^{n_{ℓ+1}} are drawn i.i.d. N(0, s²) and the
multipliers (m_ℓ, m_b) and scales (s_W, s_b) are those of the parametrization (seed 001, slides 3 and 12):

- ``"ntk"``: m_ℓ = n_ℓ^{-1/2}, m_b = β, s_W = s_b = 1;
- ``"standard"``: m_ℓ = m_b = 1, s_W = n_ℓ^{-1/2}, s_b = β (the same function at initialization, other
  gradients);
- ``"mean-field"``: m_ℓ = n_ℓ^{-1}, m_b = β, s_W = s_b = 1.

An :class:`Ensemble` holds S independent networks as arrays with a leading sample axis, and every
computation is vectorized over it. Each network draws its parameters from its own child of a
:class:`numpy.random.SeedSequence`, so an ensemble is reproducible from its seed whatever the batch size.

The empirical NTK (seed 000, "A glimpse of NTK"; seed 002 §2) is
Θ_{kk'}(x, x') = Σ_p ∂f_k(x)/∂θ_p ∂f_{k'}(x')/∂θ_p. With the backpropagated signals
δ^(ℓ)_k(x) = ∂f_k(x)/∂α̃^(ℓ)(x) ∈ ℝ^{n_ℓ} (δ^(L)_k = e_k, δ^(ℓ) = σ̇(α̃^(ℓ)) ⊙ m_ℓ W^(ℓ)ᵀ δ^(ℓ+1)) one has
∂f_k/∂W^(ℓ)_{ij} = m_ℓ δ^(ℓ+1)_{k,i} α^(ℓ)_j and ∂f_k/∂b^(ℓ)_i = m_b δ^(ℓ+1)_{k,i}, hence the structured form

    Θ_{kk'}(x, x') = Σ_ℓ ⟨δ^(ℓ+1)_k(x), δ^(ℓ+1)_{k'}(x')⟩ · (m_ℓ² ⟨α^(ℓ)(x), α^(ℓ)(x')⟩ + m_b²),

a sum of Hadamard products of Gram matrices that never forms the Jacobian (:func:`ntk`). The explicit
Σ_p J_p J_pᵀ over the materialized Jacobian (:func:`jacobian`, :func:`ntk_explicit`) is its reference.

Arrays of kernels are indexed ``[sample, x, k, x', k']``; the Jacobian ``[sample, x, k, p]`` with the
parameters ordered W^(0), b^(0), W^(1), b^(1), … and each W row-major.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._errors import SymntkError

Parametrization = Literal["ntk", "standard", "mean-field"]
PARAMETRIZATIONS: tuple[Parametrization, ...] = ("ntk", "standard", "mean-field")

Array = NDArray[np.float64]
SeedLike = int | np.random.SeedSequence

_BYTES = 8  # float64


@dataclass(frozen=True)
class Architecture:
    """A fully connected network: widths ``(n_0, …, n_L)``, activation σ, bias scale β, parametrization."""

    widths: tuple[int, ...]
    activation: str
    beta: float = 0.0
    parametrization: Parametrization = "ntk"

    def __post_init__(self) -> None:
        widths = tuple(self.widths)
        if len(widths) < 2:
            raise SymntkError(f"a network needs at least an input and an output width, got widths {widths}")
        if any(not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1 for n in widths):
            raise SymntkError(f"widths must be positive integers, got {widths}")
        object.__setattr__(self, "widths", tuple(int(n) for n in widths))
        if self.parametrization not in PARAMETRIZATIONS:
            raise SymntkError(
                f"unknown parametrization {self.parametrization!r}; "
                f"choose one of {', '.join(PARAMETRIZATIONS)}"
            )
        try:
            beta = float(self.beta)
        except (TypeError, ValueError):
            beta = math.nan
        if not math.isfinite(beta) or beta < 0:
            raise SymntkError(f"the bias scale β must be a finite number ≥ 0, got {self.beta}")
        object.__setattr__(self, "beta", beta)
        _activation(self.activation)  # fail early on an unknown name

    @classmethod
    def uniform(
        cls,
        input_dim: int,
        width: int,
        depth: int,
        activation: str,
        *,
        output_dim: int = 1,
        beta: float = 0.0,
        parametrization: Parametrization = "ntk",
    ) -> Architecture:
        """Depth L (affine layers) with every hidden width equal to ``width``."""
        if depth < 1:
            raise SymntkError(f"the depth L (number of affine layers) must be ≥ 1, got {depth}")
        return cls((input_dim, *([width] * (depth - 1)), output_dim), activation, beta, parametrization)

    @property
    def depth(self) -> int:
        """L, the number of affine layers."""
        return len(self.widths) - 1

    @property
    def n_parameters(self) -> int:
        """P, the number of trained parameters (weights and biases)."""
        return sum(a * b + a for b, a in zip(self.widths[:-1], self.widths[1:], strict=True))

    def multipliers(self, layer: int) -> tuple[float, float]:
        """(m_ℓ, m_b): the factors in front of W^(ℓ) and b^(ℓ) in the forward pass."""
        n = self.widths[layer]
        if self.parametrization == "ntk":
            return n**-0.5, self.beta
        if self.parametrization == "standard":
            return 1.0, 1.0
        return 1.0 / n, self.beta

    def scales(self, layer: int) -> tuple[float, float]:
        """(s_W, s_b): the standard deviations of the entries of W^(ℓ) and b^(ℓ) at initialization."""
        if self.parametrization == "standard":
            return self.widths[layer] ** -0.5, self.beta
        return 1.0, 1.0


def _activation(name: str) -> Any:
    from .activations import get_activation

    return get_activation(name)


@dataclass(frozen=True)
class Ensemble:
    """S independent networks of one architecture.

    ``weights[ℓ]`` has shape (S, n_{ℓ+1}, n_ℓ) and ``biases[ℓ]`` (S, n_{ℓ+1}): the trained parameters.
    """

    architecture: Architecture
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]

    @property
    def samples(self) -> int:
        """S, the number of networks."""
        return int(self.weights[0].shape[0])

    def parameters(self) -> Array:
        """The flattened parameter vectors θ, shape (S, P), in the Jacobian's order."""
        parts: list[Array] = []
        for w, b in zip(self.weights, self.biases, strict=True):
            parts += [w.reshape(self.samples, -1), b]
        return np.concatenate(parts, axis=1)

    def with_parameters(self, theta: ArrayLike) -> Ensemble:
        """The same architecture with parameters θ of shape (S, P) (the inverse of :meth:`parameters`)."""
        theta = np.asarray(theta, dtype=np.float64)
        widths = self.architecture.widths
        if theta.ndim != 2 or theta.shape[1] != self.architecture.n_parameters:
            raise SymntkError(f"θ must have shape (S, {self.architecture.n_parameters}), got {theta.shape}")
        weights, biases, at = [], [], 0
        for n_in, n_out in pairwise(widths):
            weights.append(theta[:, at : at + n_out * n_in].reshape(-1, n_out, n_in))
            at += n_out * n_in
            biases.append(theta[:, at : at + n_out])
            at += n_out
        return Ensemble(self.architecture, tuple(weights), tuple(biases))


def seeds(seed: SeedLike, samples: int) -> list[np.random.SeedSequence]:
    """One independent child seed per network, from an explicit integer seed or SeedSequence."""
    if samples < 1:
        raise SymntkError(f"the number of networks must be ≥ 1, got {samples}")
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    return root.spawn(samples)


def sample(architecture: Architecture, samples: int, seed: SeedLike) -> Ensemble:
    """Draw ``samples`` independent networks at initialization (reproducible from ``seed``).

    >>> net = sample(Architecture((3, 8, 1), "relu"), 2, seed=0)
    >>> net.samples, net.weights[0].shape, net.biases[1].shape
    (2, (2, 8, 3), (2, 1))
    """
    return sample_from(architecture, seeds(seed, samples))


def sample_from(
    architecture: Architecture, children: Sequence[np.random.SeedSequence], *, max_bytes: float | None = None
) -> Ensemble:
    """The ensemble whose s-th network is drawn from ``children[s]`` alone (refused beyond ``max_bytes``)."""
    widths = architecture.widths
    check_memory(memory_bytes(architecture, samples=len(children)), "the network parameters", max_bytes)
    weights = [np.empty((len(children), b, a)) for a, b in pairwise(widths)]
    biases = [np.empty((len(children), b)) for b in widths[1:]]
    for s, child in enumerate(children):
        rng = np.random.Generator(np.random.PCG64(child))
        for layer in range(architecture.depth):
            s_w, s_b = architecture.scales(layer)
            weights[layer][s] = s_w * rng.standard_normal(weights[layer].shape[1:])
            biases[layer][s] = s_b * rng.standard_normal(biases[layer].shape[1:])
    return Ensemble(architecture, tuple(weights), tuple(biases))


def batches(
    architecture: Architecture,
    samples: int,
    seed: SeedLike,
    *,
    n_inputs: int = 1,
    max_bytes: float | None = None,
) -> Iterator[Ensemble]:
    """The ``samples`` networks of :func:`sample` in consecutive ensembles that fit in memory.

    The batch size is the largest whose :func:`memory_bytes` estimate (kernel on ``n_inputs`` inputs
    included) stays within the budget; the networks are the same whatever the batch size.
    """
    budget = memory_budget() if max_bytes is None else float(max_bytes)
    one = memory_bytes(architecture, samples=1, n_inputs=n_inputs)
    check_memory(one, f"one network on {n_inputs} inputs", budget)
    size = max(1, int(budget // one))
    children = seeds(seed, samples)
    for start in range(0, samples, size):
        yield sample_from(architecture, children[start : start + size], max_bytes=budget)


def memory_budget() -> float:
    """Half the memory the operating system reports available (MemAvailable; 4 GiB if it does not say)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return 0.5 * 1024 * float(line.split()[1])
    except OSError:
        pass
    try:
        return 0.5 * float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 4.0 * 2**30


def memory_bytes(
    architecture: Architecture,
    *,
    samples: int = 1,
    n_inputs: int = 0,
    n_inputs2: int | None = None,
    method: Literal["structured", "explicit"] = "structured",
) -> float:
    """An estimate of the peak memory (bytes) of S networks and, for ``n_inputs`` > 0, of their NTK.

    Counts the parameters, the pre-activations and activations of every layer, the backpropagated signals
    (N n_L n_ℓ per layer) and the (N n_L)×(N' n_L) kernel with its temporaries; the explicit method holds
    the full (N n_L)×P Jacobian instead of the signal Grams.
    """
    widths = architecture.widths
    n_out = widths[-1]
    n2 = n_inputs if n_inputs2 is None else n_inputs2
    params = architecture.n_parameters
    total = float(params)
    if n_inputs:
        per_input = 2 * sum(widths) + n_out * sum(widths[1:])
        total += (n_inputs + n2) * per_input
        total += 3 * n_inputs * n2 * n_out * n_out
        if method == "explicit":
            total += (n_inputs + n2) * n_out * params
    return _BYTES * samples * total


def check_memory(estimate: float, what: str, budget: float | None = None) -> None:
    """Refuse (SymntkError) when the estimated memory exceeds the budget, quoting the estimate."""
    budget = memory_budget() if budget is None else budget
    if estimate > budget:
        raise SymntkError(
            f"{what} would need about {_human(estimate)} of memory, more than the {_human(budget)} allowed; "
            "use smaller widths, fewer networks or fewer inputs"
        )


def _human(n_bytes: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n_bytes < 1024 or unit == "TiB":
            return f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


def _inputs(x: ArrayLike, n0: int) -> Array:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != n0:
        raise SymntkError(f"inputs must be an array of shape (N, {n0}), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise SymntkError("inputs contain NaN or infinity")
    return x


@dataclass(frozen=True)
class ForwardPass:
    """Pre-activations α̃^(ℓ) for ℓ = 1 … L and activations α^(ℓ) for ℓ = 0 … L−1, each (S, N, n_ℓ)."""

    preactivations: tuple[Array, ...]
    activations: tuple[Array, ...]

    @property
    def outputs(self) -> Array:
        """f(x) = α̃^(L)(x), shape (S, N, n_L)."""
        return self.preactivations[-1]


def forward(ensemble: Ensemble, x: ArrayLike) -> ForwardPass:
    """The forward pass of every network of the ensemble on the inputs x of shape (N, n_0)."""
    arch = ensemble.architecture
    sigma = _activation(arch.activation)
    x = _inputs(x, arch.widths[0])
    alpha = np.broadcast_to(x, (ensemble.samples, *x.shape))
    pre: list[Array] = []
    act: list[Array] = [alpha]
    for layer in range(arch.depth):
        m_w, m_b = arch.multipliers(layer)
        z = (
            m_w * (alpha @ ensemble.weights[layer].transpose(0, 2, 1))
            + m_b * ensemble.biases[layer][:, None, :]
        )
        pre.append(z)
        if layer + 1 < arch.depth:
            alpha = np.asarray(sigma.numpy(z), dtype=np.float64)
            act.append(alpha)
    return ForwardPass(tuple(pre), tuple(act))


def outputs(ensemble: Ensemble, x: ArrayLike) -> Array:
    """f(x) for every network: shape (S, N, n_L)."""
    return forward(ensemble, x).outputs


def backward(ensemble: Ensemble, fwd: ForwardPass, seed_signal: Array | None = None) -> tuple[Array, ...]:
    """The backpropagated signals δ^(ℓ) = ∂(g·f)/∂α̃^(ℓ) for ℓ = 1 … L.

    Without ``seed_signal`` g ranges over the output basis e_k: δ^(ℓ) has shape (S, N, n_L, n_ℓ) with
    δ^(L)_k = e_k. With ``seed_signal`` g of shape (S, N, n_L) (e.g. the loss gradient ∂𝓛/∂f) the signals are
    contracted with it: shape (S, N, n_ℓ). Recursion: δ^(ℓ) = σ̇(α̃^(ℓ)) ⊙ m_ℓ W^(ℓ)ᵀ δ^(ℓ+1).
    """
    arch = ensemble.architecture
    sigma = _activation(arch.activation)
    s, n = fwd.outputs.shape[:2]
    k = arch.widths[-1]
    if seed_signal is None:  # rows (x, k) of one matrix per network, so that each layer is one GEMM
        delta: Array = np.broadcast_to(np.eye(k), (s, n, k, k)).reshape(s, n * k, k)
        shape: tuple[int, ...] = (s, n, k, -1)
    else:
        delta = seed_signal
        shape = (s, n, -1)
    signals = [delta.reshape(shape)]
    for layer in range(arch.depth - 1, 0, -1):
        m_w, _ = arch.multipliers(layer)
        slope = np.asarray(sigma.numpy_derivative(fwd.preactivations[layer - 1]), dtype=np.float64)
        back = (m_w * (delta @ ensemble.weights[layer])).reshape(shape)
        back *= slope[:, :, None] if seed_signal is None else slope
        signals.append(back)
        delta = back.reshape(s, -1, back.shape[-1])
    return tuple(reversed(signals))


def _kernel_parts(
    ensemble: Ensemble, x1: ArrayLike, x2: ArrayLike | None
) -> tuple[ForwardPass, tuple[Array, ...], ForwardPass, tuple[Array, ...]]:
    arch = ensemble.architecture
    n1 = np.shape(np.atleast_2d(np.asarray(x1)))[0]
    n2 = n1 if x2 is None else np.shape(np.atleast_2d(np.asarray(x2)))[0]
    check_memory(
        memory_bytes(arch, samples=ensemble.samples, n_inputs=n1, n_inputs2=n2),
        f"the NTK of {ensemble.samples} network(s) on {n1}×{n2} inputs",
    )
    fwd1 = forward(ensemble, x1)
    sig1 = backward(ensemble, fwd1)
    if x2 is None:
        return fwd1, sig1, fwd1, sig1
    fwd2 = forward(ensemble, x2)
    return fwd1, sig1, fwd2, backward(ensemble, fwd2)


def ntk(
    ensemble: Ensemble,
    x1: ArrayLike,
    x2: ArrayLike | None = None,
    *,
    layer_rates: Sequence[tuple[float, float]] | None = None,
) -> Array:
    """The empirical NTK Θ_{kk'}(x, x'), shape (S, N, n_L, N', n_L), by the structured algorithm.

    Θ = Σ_ℓ (δ^(ℓ+1) Gram) ⊙ (m_ℓ² α^(ℓ) Gram + m_b²) (module docstring), at O(S N² n_L² Σ n_ℓ) cost and
    without the (N n_L)×P Jacobian. With ``layer_rates`` = ((c_0, c'_0), …) it is the tangent kernel of
    gradient descent whose learning rate is η c_ℓ on W^(ℓ) and η c'_ℓ on b^(ℓ),
    Σ_ℓ (δ^(ℓ+1) Gram) ⊙ (c_ℓ m_ℓ² α^(ℓ) Gram + c'_ℓ m_b²) (seed 001 slide 12).

    >>> import numpy as np
    >>> net = sample(Architecture((2, 16, 16, 1), "relu", beta=0.1), 1, seed=0)
    >>> x = np.array([[1.0, 0.0], [0.6, 0.8]])
    >>> bool(np.allclose(ntk(net, x), ntk_explicit(net, x)))
    True
    """
    arch = ensemble.architecture
    fwd1, sig1, fwd2, sig2 = _kernel_parts(ensemble, x1, x2)
    s = ensemble.samples
    n1, n2, k = fwd1.outputs.shape[1], fwd2.outputs.shape[1], arch.widths[-1]
    rates = check_layer_rates(arch, layer_rates)
    theta = np.zeros((s, n1 * k, n2 * k))
    for layer, (c_w, c_b) in enumerate(rates):
        m_w, m_b = arch.multipliers(layer)
        d1 = sig1[layer].reshape(s, n1 * k, -1)
        d2 = sig2[layer].reshape(s, n2 * k, -1)
        signal_gram = d1 @ d2.transpose(0, 2, 1)
        gram = fwd1.activations[layer] @ fwd2.activations[layer].transpose(0, 2, 1)
        act_gram = c_w * m_w**2 * gram + c_b * m_b**2
        signal_gram *= np.repeat(np.repeat(act_gram, k, axis=1), k, axis=2)
        theta += signal_gram
    return theta.reshape(s, n1, k, n2, k)


def check_layer_rates(
    architecture: Architecture, layer_rates: Sequence[tuple[float, float]] | None
) -> list[tuple[float, float]]:
    """Per-layer learning-rate factors (weights, biases), all 1 by default; refuses malformed ones."""
    if layer_rates is None:
        return [(1.0, 1.0)] * architecture.depth
    try:
        rates = [(float(a), float(b)) for a, b in layer_rates]
    except (TypeError, ValueError):
        raise SymntkError("layer_rates must be one pair (weights, biases) of numbers per layer") from None
    if len(rates) != architecture.depth or not all(math.isfinite(v) and v >= 0 for r in rates for v in r):
        raise SymntkError(
            f"layer_rates must be {architecture.depth} pairs of finite numbers ≥ 0, one per layer, "
            f"got {layer_rates}"
        )
    return rates


def nngp(ensemble: Ensemble, x1: ArrayLike, x2: ArrayLike | None = None) -> Array:
    """The empirical NNGP kernel Σ̂(x, x') = m_{L−1}² ⟨α^(L−1)(x), α^(L−1)(x')⟩ + m_b², shape (S, N, N').

    It is the covariance of each output f_k(x), f_k(x') over the last layer's parameters given the lower
    layers, the finite-width quantity that tends to Σ^(L) in Proposition 1 (seed 000; seed 001 slide 19).
    """
    arch = ensemble.architecture
    a1 = forward(ensemble, x1).activations[-1]
    a2 = a1 if x2 is None else forward(ensemble, x2).activations[-1]
    m_w, m_b = arch.multipliers(arch.depth - 1)
    s_w, s_b = arch.scales(arch.depth - 1)
    return (m_w * s_w) ** 2 * (a1 @ a2.transpose(0, 2, 1)) + (m_b * s_b) ** 2


def _jacobian_blocks(
    ensemble: Ensemble, fwd: ForwardPass, signals: tuple[Array, ...], max_columns: int
) -> Iterator[Array]:
    """The Jacobian ∂f_k(x)/∂θ_p in column blocks of ≤ ``max_columns`` parameters (at least one row of W)."""
    arch = ensemble.architecture
    s, n, k = fwd.outputs.shape[0], fwd.outputs.shape[1], arch.widths[-1]
    for layer in range(arch.depth):
        m_w, m_b = arch.multipliers(layer)
        delta, alpha = signals[layer], fwd.activations[layer]
        rows = max(1, max_columns // alpha.shape[-1])
        for start in range(0, delta.shape[-1], rows):
            block = delta[..., start : start + rows, None] * (m_w * alpha)[:, :, None, None, :]
            yield block.reshape(s, n, k, -1)
        yield m_b * delta


def jacobian(ensemble: Ensemble, x: ArrayLike) -> Array:
    """The explicit Jacobian ∂f_k(x)/∂θ_p, shape (S, N, n_L, P), in :meth:`Ensemble.parameters` order."""
    arch = ensemble.architecture
    n = np.shape(np.atleast_2d(np.asarray(x)))[0]
    check_memory(
        memory_bytes(arch, samples=ensemble.samples, n_inputs=n, n_inputs2=0, method="explicit"),
        f"the Jacobian of {ensemble.samples} network(s) on {n} inputs",
    )
    fwd = forward(ensemble, x)
    return np.concatenate(
        list(_jacobian_blocks(ensemble, fwd, backward(ensemble, fwd), arch.n_parameters)), axis=-1
    )


def ntk_explicit(ensemble: Ensemble, x: ArrayLike, *, max_bytes: float | None = None) -> Array:
    """The empirical NTK as J Jᵀ over the explicitly materialized Jacobian, shape (S, N, n_L, N, n_L).

    The reference for :func:`ntk`. The Jacobian is formed in column blocks (groups of parameters) of at most
    ``max_bytes`` (default: the whole Jacobian when it fits :func:`memory_budget`, else the largest block
    that does) and Θ = Σ_blocks J_B J_Bᵀ; every entry of J is computed, so cost and memory are those of the
    explicit method.
    """
    arch = ensemble.architecture
    n = np.shape(np.atleast_2d(np.asarray(x)))[0]
    s, k = ensemble.samples, arch.widths[-1]
    budget = memory_budget() if max_bytes is None else float(max_bytes)
    rest = memory_bytes(arch, samples=s, n_inputs=n, n_inputs2=0)
    row_bytes = _BYTES * s * n * k
    max_columns = int((budget - rest) // (2 * row_bytes))  # a block and its product's temporaries
    if max_columns < max(arch.widths[:-1]):
        check_memory(
            rest + 2 * row_bytes * max(arch.widths[:-1]), "the explicit Jacobian's smallest block", budget
        )
    fwd = forward(ensemble, x)
    theta = np.zeros((s, n * k, n * k))
    for block in _jacobian_blocks(ensemble, fwd, backward(ensemble, fwd), max_columns):
        flat = block.reshape(s, n * k, -1)
        theta += flat @ flat.transpose(0, 2, 1)
    return theta.reshape(s, n, k, n, k)
