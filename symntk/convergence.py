"""Numerical evidence for the seeds' limit theorems: fitted rates with intervals, Gaussianity, Proposition 2.

Every experiment is seeded (one :class:`numpy.random.SeedSequence` child per network, see
:mod:`symntk.empirical`) and returns a result that can say what it supports as a
:class:`~symntk.check.Verdict` (:meth:`RateFit.verdict` and friends); :func:`check_strategy` turns any
experiment into a strategy of the proof checker.

- :func:`kernel_convergence`: Theorem 1 and Proposition 1 (seed 000; seed 002 §§3–4): the empirical NNGP
  and NTK against Σ^(L) and Θ^(L) ⊗ Id as the hidden widths grow, and the k ≠ k' blocks going to zero.
- :func:`output_gaussianity`: Proposition 1: f(X) at initialization is N(0, Σ^(L)(X, X)) in each output.
- :func:`training_convergence`: Theorem 2 (seed 002 §5; seed 001 slides 20–21): sup_t ‖Θ_t − Θ_0‖, the
  weights' relative change and the gap to the kernel prediction against width.
- :func:`smallest_eigenvalue`: Proposition 2 (seed 002 §7): λ_min of Θ^(L) on points of the unit sphere at
  high precision.
- :func:`derivative_orders`: seed 002 §8: the size of ∂f/∂W^(ℓ) per layer and of the Hessian term
  Δθᵀ H Δθ along the gradient, as fitted rates.

Rates: the error e of each independent network at width n is one observation of log e = log C + r log n + ε;
ordinary least squares over all of them gives r̂ and its standard error, and the interval uses Student's t
with (number of networks − 2) degrees of freedom. The networks are independent, so the observations are;
the model's assumption is that ε has the same spread at every width (true asymptotically: e·√n has a
width-independent limit law). The verdict rule is :func:`symntk.check.fit_rate`'s: *consistent* when the
claimed exponent is in the 95% interval, *refuted* when it is outside the 99.9% interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._errors import SymntkError
from .empirical import Architecture, Array, Ensemble, SeedLike, batches, forward, nngp, ntk, outputs

Progress = Callable[[int, int], None]


# ----------------------------------------------------------------------------------------------------------
# rates


@dataclass(frozen=True)
class RateFit:
    """A fitted power law e ≈ C nʳ: ``estimate`` r̂, its ``ci`` at ``confidence``, standard error, dof."""

    estimate: float
    ci: tuple[float, float]
    standard_error: float
    dof: int
    prefactor: float
    confidence: float = 0.95
    widths: tuple[int, ...] = ()
    label: str = "error"

    def interval(self, confidence: float) -> tuple[float, float]:
        """The Student-t interval of r at another confidence level."""
        from scipy.stats import t as student

        half = float(student.ppf(0.5 + confidence / 2, self.dof)) * self.standard_error
        return self.estimate - half, self.estimate + half

    def verdict(self, exponent: float, label: str | None = None, *, upper_bound: bool = False) -> Any:
        """The checker's verdict on "the quantity is of order n^exponent" (consistent / refuted / undecided).

        With ``upper_bound`` the claim is only "at most C n^exponent" (an O(·) bound): a faster decay, an
        interval entirely below ``exponent``, is consistent with it too.
        """
        from .check.verdict import consistent, refuted, undecided

        name = self.label if label is None else label
        low, high = self.ci
        wide_low, wide_high = self.interval(0.999)
        text = (
            f"{name} ∝ n^{self.estimate:.3f}, {self.confidence:.0%} CI [{low:.3f}, {high:.3f}] from "
            f"{self.dof + 2} independent networks over widths {self.widths[0]}…{self.widths[-1]}; "
            f"claimed {exponent:g}"
        )
        data = {
            "method": "rate fit over independent networks",
            "estimate": self.estimate,
            "interval": list(self.ci),
            "claimed": exponent,
            "upper_bound": upper_bound,
            "widths": list(self.widths),
            "samples": self.dof + 2,
            "standard_error": self.standard_error,
        }
        if upper_bound:  # the claim is r ≤ exponent
            if high - low > 1.0:
                return undecided(text + " (interval too wide to tell)", **data)
            if low <= exponent:
                return consistent(text + " (an upper bound: decaying faster is consistent)", **data)
            if wide_low > exponent:
                return refuted(text + " (decays slower than the bound: outside the 99.9% interval)", **data)
            return undecided(text + " (above the bound at 95% but not at 99.9%)", **data)
        if low <= exponent <= high:
            if high - low > 1.0:
                return undecided(text + " (interval too wide to tell)", **data)
            return consistent(text, **data)
        if not wide_low <= exponent <= wide_high:
            return refuted(text + " (outside the 99.9% interval)", **data)
        return undecided(text + " (outside 95% but inside 99.9%)", **data)

    def to_json(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate,
            "ci": list(self.ci),
            "confidence": self.confidence,
            "standard_error": self.standard_error,
            "dof": self.dof,
            "prefactor": self.prefactor,
        }


def fit_power_law(
    widths: Sequence[int], errors: Sequence[ArrayLike], *, confidence: float = 0.95, label: str = "error"
) -> RateFit:
    """Fit log e = log C + r log n by least squares over the errors ``errors[i][s]`` of all networks.

    ``errors[i]`` holds the errors of the independent networks at width ``widths[i]``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ws = [64, 256, 1024, 4096]
    >>> fit = fit_power_law(ws, [np.exp(rng.normal(0, 0.2, 10)) / np.sqrt(n) for n in ws])
    >>> fit.ci[0] < -0.5 < fit.ci[1]
    True
    """
    from scipy.stats import t as student

    if len(widths) != len(errors) or len(widths) < 2:
        raise SymntkError("a rate needs at least two widths, with the errors measured at each")
    xs, ys = [], []
    for n, e in zip(widths, errors, strict=True):
        e = np.asarray(e, dtype=np.float64).ravel()
        if e.size == 0 or not np.all(np.isfinite(e)) or np.any(e <= 0):
            raise SymntkError(f"the errors at width {n} must be finite and positive to fit a power law")
        xs.append(np.full(e.size, math.log(n)))
        ys.append(np.log(e))
    x, y = np.concatenate(xs), np.concatenate(ys)
    dof = x.size - 2
    if dof < 1:
        raise SymntkError("a rate with an interval needs at least three observations")
    xc = x - x.mean()
    slope = float(xc @ (y - y.mean()) / (xc @ xc))
    intercept = float(y.mean() - slope * x.mean())
    resid = y - intercept - slope * x
    se = float(math.sqrt((resid @ resid) / dof / (xc @ xc)))
    half = float(student.ppf(0.5 + confidence / 2, dof)) * se
    return RateFit(
        estimate=slope,
        ci=(slope - half, slope + half),
        standard_error=se,
        dof=dof,
        prefactor=math.exp(intercept),
        confidence=confidence,
        widths=tuple(int(n) for n in widths),
        label=label,
    )


def sphere_points(n_points: int, dim: int, seed: SeedLike) -> Array:
    """``n_points`` independent uniform points of the unit sphere S^{dim−1} (seeded)."""
    if n_points < 1 or dim < 1:
        raise SymntkError(
            f"need at least one point of dimension ≥ 1, got {n_points} points in dimension {dim}"
        )
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    g = np.random.Generator(np.random.PCG64(ss)).standard_normal((n_points, dim))
    return g / np.linalg.norm(g, axis=1, keepdims=True)


def _check_widths(widths: Sequence[int]) -> tuple[int, ...]:
    ws = tuple(int(n) for n in widths)
    if len(ws) < 2 or any(n < 1 for n in ws) or len(set(ws)) != len(ws):
        raise SymntkError(f"give at least two distinct positive widths, got {list(widths)}")
    return tuple(sorted(ws))


# ----------------------------------------------------------------------------------------------------------
# kernels at initialization


@dataclass(frozen=True)
class ConvergenceResult:
    """Per width: RMS over networks of the relative errors; per network in ``samples``; fitted ``rates``.

    ``nngp_error`` is ‖Σ̂ − Σ^(L)‖_F/‖Σ^(L)‖_F, ``ntk_error`` is ‖Θ̂ − Θ^(L) ⊗ Id‖_F/‖Θ^(L) ⊗ Id‖_F and
    ``offdiag`` is ‖Θ̂_{k≠k'}‖_F/‖Θ^(L) ⊗ Id‖_F, on the inputs ``x``.
    """

    architecture: Architecture
    widths: tuple[int, ...]
    x: Array
    nngp_error: tuple[float, ...]
    ntk_error: tuple[float, ...]
    offdiag: tuple[float, ...]
    samples: dict[str, list[Array]]
    rates: dict[str, RateFit]

    def verdict(self, quantity: str = "ntk", exponent: float = -0.5, *, upper_bound: bool = False) -> Any:
        """The checker's verdict on "the ``quantity`` error is O(n^exponent)"."""
        if quantity not in self.rates:
            raise SymntkError(f"unknown quantity {quantity!r}; choose one of {', '.join(self.rates)}")
        return self.rates[quantity].verdict(exponent, upper_bound=upper_bound)

    def to_json(self) -> dict[str, Any]:
        return {
            "activation": self.architecture.activation,
            "depth": self.architecture.depth,
            "beta": self.architecture.beta,
            "widths": list(self.widths),
            "nngp_error": list(self.nngp_error),
            "ntk_error": list(self.ntk_error),
            "offdiag": list(self.offdiag),
            "rate": {name: fit.to_json() for name, fit in self.rates.items()},
        }


def _relative(a: Array, b: Array) -> Array:
    s = a.shape[0]
    return np.linalg.norm((a - b).reshape(s, -1), axis=1) / np.linalg.norm(b.reshape(-1))


def kernel_convergence(
    activation: str,
    depth: int,
    beta: float = 0.0,
    widths: Sequence[int] = (64, 256, 1024, 4096),
    samples: int = 10,
    seed: int = 0,
    *,
    x: ArrayLike | None = None,
    n_inputs: int = 4,
    input_dim: int = 3,
    output_dim: int = 2,
    progress: Progress | None = None,
) -> ConvergenceResult:
    """Empirical NNGP and NTK of ``samples`` networks per width against Σ^(L) and Θ^(L) ⊗ Id (Theorem 1).

    The inputs default to ``n_inputs`` seeded points of the unit sphere S^{input_dim−1}; the limits come
    from :func:`symntk.limits.kernels`. ``progress(done, total)`` is called with the number of networks done.
    """
    from .limits import kernels

    ws = _check_widths(widths)
    root = np.random.SeedSequence(int(seed))
    point_seed, *width_seeds = root.spawn(len(ws) + 1)
    xs = sphere_points(n_inputs, input_dim, point_seed) if x is None else np.atleast_2d(np.asarray(x, float))
    limit = kernels(xs, activation=activation, depth=depth, beta=beta)
    sigma, theta = np.asarray(limit.nngp, float), np.asarray(limit.ntk, float)
    theta_id = np.einsum("ab,kl->akbl", theta, np.eye(output_dim))
    if samples < 2:
        raise SymntkError(f"a rate with an interval needs at least 2 networks per width, got {samples}")
    if depth < 2 or output_dim < 2:
        raise SymntkError(
            "the kernels of a network without hidden layers (depth 1) equal their limits at every width, and "
            "the off-diagonal blocks need 2 outputs: use depth ≥ 2 and output_dim ≥ 2"
        )
    errs: dict[str, list[Array]] = {"nngp": [], "ntk": [], "offdiag": []}
    done = 0
    for n, ss in zip(ws, width_seeds, strict=True):
        arch = Architecture.uniform(xs.shape[1], n, depth, activation, output_dim=output_dim, beta=beta)
        parts: dict[str, list[Array]] = {"nngp": [], "ntk": [], "offdiag": []}
        for net in batches(arch, samples, ss, n_inputs=xs.shape[0]):
            th = ntk(net, xs)
            parts["nngp"].append(_relative(nngp(net, xs), sigma[None]))
            parts["ntk"].append(_relative(th, theta_id[None]))
            parts["offdiag"].append(_offdiag(th, theta_id))
            done += net.samples
            if progress is not None:
                progress(done, samples * len(ws))
        for key in errs:
            errs[key].append(np.concatenate(parts[key]))
    rms = {key: tuple(float(np.sqrt(np.mean(e**2))) for e in errs[key]) for key in errs}
    labels = {"nngp": "‖Σ̂ − Σ^(L)‖", "ntk": "‖Θ̂ − Θ^(L)⊗Id‖", "offdiag": "‖Θ̂_{k≠k'}‖"}
    rates = {key: fit_power_law(ws, errs[key], label=labels[key]) for key in errs}
    arch = Architecture.uniform(xs.shape[1], ws[0], depth, activation, output_dim=output_dim, beta=beta)
    return ConvergenceResult(arch, ws, xs, rms["nngp"], rms["ntk"], rms["offdiag"], errs, rates)


def _offdiag(th: Array, theta_id: Array) -> Array:
    k = th.shape[2]
    mask = 1.0 - np.eye(k)[None, None, :, None, :]
    s = th.shape[0]
    return np.linalg.norm((th * mask).reshape(s, -1), axis=1) / np.linalg.norm(theta_id.reshape(-1))


# ----------------------------------------------------------------------------------------------------------
# Proposition 1: Gaussian outputs


@dataclass(frozen=True)
class GaussianityTest:
    """Tests of "each f_k(X) is N(0, Σ) and the f_k are independent" on S networks' outputs.

    With Σ = C Cᵀ (Cholesky), z = C⁻¹ f(X) has i.i.d. N(0, 1) entries under the hypothesis, and the squared
    Mahalanobis norms |z|² are χ²_N. ``ks_normal`` is the Kolmogorov–Smirnov test of all entries of z
    against N(0, 1) (the marginals), ``ks_chi2`` that of the |z|² against χ²_N (the covariance); ``pvalue``
    is their Bonferroni combination min(1, 2 min(p₁, p₂)).
    """

    ks_normal: tuple[float, float]
    ks_chi2: tuple[float, float]
    samples: int
    width: int | None = None

    @property
    def pvalue(self) -> float:
        return min(1.0, 2 * min(self.ks_normal[1], self.ks_chi2[1]))

    def verdict(self, level: float = 0.01) -> Any:
        """Consistent when p ≥ ``level``, refuted when p < level/1000 (decisive), undecided between."""
        from .check.verdict import consistent, refuted, undecided

        text = (
            f"outputs of {self.samples} networks whitened by Σ^(L): KS vs N(0,1) D = {self.ks_normal[0]:.4f} "
            f"(p = {self.ks_normal[1]:.3g}), |z|² vs χ² D = {self.ks_chi2[0]:.4f} (p = {self.ks_chi2[1]:.3g})"
        )
        data = {
            "method": "Kolmogorov–Smirnov of whitened outputs",
            "estimate": self.pvalue,
            "samples": self.samples,
            "statistics": [self.ks_normal[0], self.ks_chi2[0]],
        }
        if self.pvalue >= level:
            return consistent(text, **data)
        if self.pvalue < level / 1000:
            return refuted(text, **data)
        return undecided(text, **data)


def gaussianity_test(f: ArrayLike, covariance: ArrayLike, width: int | None = None) -> GaussianityTest:
    """Test outputs ``f`` (S, N, n_L) of S independent networks against N(0, Σ) per output (Prop. 1)."""
    from scipy.stats import chi2, kstest

    f = np.asarray(f, dtype=np.float64)
    cov = np.asarray(covariance, dtype=np.float64)
    if f.ndim != 3 or cov.shape != (f.shape[1], f.shape[1]):
        raise SymntkError(f"need outputs (S, N, n_L) and an N×N covariance, got {f.shape} and {cov.shape}")
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise SymntkError(
            "the covariance Σ^(L)(X, X) is singular: use distinct, non-degenerate inputs"
        ) from None
    z = np.linalg.solve(chol, f.transpose(1, 0, 2).reshape(f.shape[1], -1))
    ks_n = kstest(z.ravel(), "norm")
    ks_c = kstest(np.sum(z**2, axis=0), chi2(f.shape[1]).cdf)
    return GaussianityTest(
        (float(ks_n.statistic), float(ks_n.pvalue)),
        (float(ks_c.statistic), float(ks_c.pvalue)),
        f.shape[0],
        width,
    )


def output_gaussianity(
    activation: str,
    depth: int,
    width: int,
    beta: float = 0.0,
    samples: int = 400,
    seed: int = 0,
    *,
    x: ArrayLike | None = None,
    n_inputs: int = 3,
    input_dim: int = 3,
    output_dim: int = 2,
) -> GaussianityTest:
    """Proposition 1 at one width: the outputs of ``samples`` networks against N(0, Σ^(L)(X, X)) ⊗ Id."""
    from .limits import kernels

    point_seed, net_seed = np.random.SeedSequence(int(seed)).spawn(2)
    xs = sphere_points(n_inputs, input_dim, point_seed) if x is None else np.atleast_2d(np.asarray(x, float))
    sigma = np.asarray(kernels(xs, activation=activation, depth=depth, beta=beta).nngp, float)
    arch = Architecture.uniform(xs.shape[1], width, depth, activation, output_dim=output_dim, beta=beta)
    f = np.concatenate([outputs(net, xs) for net in batches(arch, samples, net_seed, n_inputs=xs.shape[0])])
    return gaussianity_test(f, sigma, width)


# ----------------------------------------------------------------------------------------------------------
# Theorem 2: training


@dataclass(frozen=True)
class TrainingResult:
    """Per width and network: sup_t ‖Θ_t − Θ_0‖_F/‖Θ_0‖_F (``kernel_change``), sup_t max |f_t − f_t^kernel|
    on test inputs (``prediction_gap``) and on the training inputs (``train_gap``),
    ‖θ_T − θ_0‖/‖θ_0‖ (``parameter_change``) and per layer
    ‖W^(ℓ)_T − W^(ℓ)_0‖_F/‖W^(ℓ)_0‖_F (``weight_change``, (S, L) per width); ``rates`` fitted to each."""

    widths: tuple[int, ...]
    kernel_change: list[Array]
    prediction_gap: list[Array]
    train_gap: list[Array]
    parameter_change: list[Array]
    weight_change: list[Array]
    rates: dict[str, RateFit]

    def verdict(
        self, quantity: str = "kernel_change", exponent: float = -0.5, *, upper_bound: bool = False
    ) -> Any:
        if quantity not in self.rates:
            raise SymntkError(f"unknown quantity {quantity!r}; choose one of {', '.join(self.rates)}")
        return self.rates[quantity].verdict(exponent, upper_bound=upper_bound)

    def to_json(self) -> dict[str, Any]:
        def rms(values: list[Array]) -> list[Any]:
            return [np.sqrt(np.mean(v**2, axis=0)).tolist() for v in values]

        return {
            "widths": list(self.widths),
            "kernel_change": rms(self.kernel_change),
            "prediction_gap": rms(self.prediction_gap),
            "train_gap": rms(self.train_gap),
            "parameter_change": rms(self.parameter_change),
            "weight_change": rms(self.weight_change),
            "rate": {name: fit.to_json() for name, fit in self.rates.items()},
        }


def training_convergence(
    activation: str,
    depth: int,
    beta: float = 0.1,
    widths: Sequence[int] = (64, 256, 1024),
    samples: int = 4,
    seed: int = 0,
    *,
    n_train: int = 6,
    n_test: int = 4,
    input_dim: int = 2,
    steps: int = 100,
    fraction: float = 0.5,
    record: int = 10,
    progress: Progress | None = None,
) -> TrainingResult:
    """Theorem 2: train ``samples`` networks per width by full-batch GD on a seeded data set and measure.

    Targets are y = sin(3 x₁) + x₂ on ``n_train`` points of the unit circle (sphere); the learning rate is
    ``fraction`` × 2/λ_max of Θ^(L)(X, X)/M (the infinite-width kernel, so the same at every width). The
    kernel prediction is the discrete one (:func:`symntk.dynamics.kernel_prediction` with ``discrete``), so
    that the gap measures the width alone. Theorem 2 (and seed 001 slide 20) *bounds* the kernel's change by
    C n^{-1/2}: check it with ``verdict("kernel_change", -0.5, upper_bound=True)``; the measured rate is
    close to n^{-1}: on slide 21 every term of ΔΘ is odd in the output weights v_i, so the n terms of
    size n^{-1/2} in (1/n) Σ_i have random signs and sum to O(n^{-1}) (Dyer and Gur-Ari 2019 find 1/n).
    """
    from .dynamics import max_stable_learning_rate, train
    from .limits import kernels

    ws = _check_widths(widths)
    point_seed, *width_seeds = np.random.SeedSequence(int(seed)).spawn(len(ws) + 1)
    pts = sphere_points(n_train + n_test, input_dim, point_seed)
    x, x_test = pts[:n_train], pts[n_train:]
    y = (np.sin(3 * x[:, 0]) + x[:, -1])[:, None]
    theta_inf = np.asarray(kernels(x, activation=activation, depth=depth, beta=beta).ntk, float)
    eta = fraction * max_stable_learning_rate(theta_inf[:, None, :, None])
    keys = ("kernel_change", "prediction_gap", "train_gap", "parameter_change")
    out: dict[str, list[Array]] = {key: [] for key in (*keys, "weights")}
    for i, (n, ss) in enumerate(zip(ws, width_seeds, strict=True)):
        arch = Architecture.uniform(input_dim, n, depth, activation, beta=beta)
        parts: dict[str, list[Array]] = {key: [] for key in out}
        for net in batches(arch, samples, ss, n_inputs=n_train + n_test):
            run = train(net, x, y, learning_rate=eta, steps=steps, x_test=x_test, record=record)
            train_pred, test_pred = run.predicted(y, discrete=True)
            parts["kernel_change"].append(run.kernel_change.max(axis=0))
            parts["prediction_gap"].append(np.abs(test_pred - run.test_outputs).max(axis=(0, 2, 3)))
            parts["train_gap"].append(np.abs(train_pred - run.train_outputs).max(axis=(0, 2, 3)))
            parts["parameter_change"].append(run.parameter_change[-1])
            parts["weights"].append(run.weight_change[-1])
        for key in out:
            out[key].append(np.concatenate(parts[key]))
        if progress is not None:
            progress(i + 1, len(ws))
    rates = {key: fit_power_law(ws, out[key], label=key.replace("_", " ")) for key in keys}
    for layer in range(depth):
        rates[f"weight_change_{layer}"] = fit_power_law(
            ws, [w[:, layer] for w in out["weights"]], label=f"relative change of W^({layer})"
        )
    gaps = out["prediction_gap"], out["train_gap"]
    return TrainingResult(ws, out["kernel_change"], *gaps, out["parameter_change"], out["weights"], rates)


# ----------------------------------------------------------------------------------------------------------
# Proposition 2: positive definiteness on the sphere


@dataclass(frozen=True)
class SmallestEigenvalue:
    """λ_min and λ_max of Θ^(L) on N points, at ``dps`` digits; ``tolerance`` bounds the rounding error.

    The Gram matrix's entries are correct to ``dps`` significant digits (:func:`symntk.limits.kernels`),
    so by Weyl's inequality each eigenvalue is within ``tolerance`` = N·10^{1−dps}·max|Θ_ij| of the exact
    one: λ_min > tolerance proves the matrix positive definite, |λ_min| ≤ tolerance says it is singular to
    working precision. ``feature_dimension`` is, for a polynomial σ, the dimension of the polynomials of
    degree ≤ deg(σ)^{L−1} on the sphere, a bound on the rank of Θ^(L) (None for non-polynomial σ).
    """

    value: Any
    largest: Any
    tolerance: Any
    points: int
    dps: int
    feature_dimension: int | None

    @property
    def positive(self) -> bool:
        return bool(self.value > self.tolerance)

    @property
    def degenerate(self) -> bool:
        return bool(abs(self.value) <= self.tolerance)

    def verdict(self, positive_definite: bool = True) -> Any:
        """The verdict on "Θ^(L) is positive definite on these points" (or, with False, "is degenerate")."""
        import mpmath

        from .check.verdict import consistent, refuted, undecided

        text = (
            f"λ_min(Θ^(L)) = {mpmath.nstr(self.value, 8)} on {self.points} points of the sphere "
            f"(λ_max = {mpmath.nstr(self.largest, 8)}, rounding bound {mpmath.nstr(self.tolerance, 3)}, "
            f"{self.dps} digits)"
        )
        data = {"method": "high-precision eigenvalues", "estimate": str(self.value), "digits": self.dps}
        if self.positive == positive_definite and (self.positive or self.degenerate):
            return consistent(text, **data)
        if self.positive or self.degenerate:
            return refuted(text, **data)
        return undecided(text + " (negative beyond rounding: inputs or kernel inaccurate)", **data)


def polynomial_degree(activation: str) -> int | None:
    """deg σ for a polynomial activation, None otherwise (from its SymPy definition)."""
    import sympy as sp

    from .activations import Z, get_activation

    expr = get_activation(activation).expr()
    if not expr.is_polynomial(Z):
        return None
    return int(sp.degree(expr, Z))


def sphere_polynomial_dimension(dim: int, degree: int) -> int:
    """dim of the polynomials of degree ≤ D restricted to S^{dim−1}: C(dim+D−1, D) + C(dim+D−2, D−1)."""
    if degree == 0:
        return 1
    return math.comb(dim + degree - 1, degree) + math.comb(dim + degree - 2, degree - 1)


def smallest_eigenvalue(
    points: ArrayLike, activation: str, depth: int, beta: float = 0.0, dps: int = 40
) -> SmallestEigenvalue:
    """Proposition 2 (seed 002 §7): the smallest eigenvalue of Θ^(L)(x_i, x_j) on points of the sphere.

    The float64 points are projected onto the unit sphere at 2·dps digits (so that a polynomial σ's rank
    deficit is not masked by points 10^{-16} off the sphere) and Θ^(L) is evaluated at ``dps`` digits.
    """
    import mpmath

    from .limits import kernels

    pts = np.atleast_2d(np.asarray(points, dtype=np.float64))
    if not np.allclose(np.linalg.norm(pts, axis=1), 1.0, rtol=0, atol=1e-12):
        raise SymntkError("Proposition 2 is about points of the unit sphere: normalize the inputs")
    with mpmath.workdps(
        2 * dps + 10
    ):  # the points projected onto the sphere far beyond the working precision
        rows = []
        for p in pts:
            coords = [mpmath.mpf(float(v)) for v in p]
            norm = mpmath.sqrt(mpmath.fsum(c * c for c in coords))
            rows.append([mpmath.nstr(c / norm, 2 * dps + 5) for c in coords])
    theta = kernels(rows, activation=activation, depth=depth, beta=repr(float(beta)), dps=dps).ntk
    n = pts.shape[0]
    with mpmath.workdps(dps + 10):
        matrix = mpmath.matrix(theta)
        eig = mpmath.eigsy(matrix, eigvals_only=True)
        values = sorted(eig[i] for i in range(n))
        scale = max(abs(matrix[i, j]) for i in range(n) for j in range(n))
        tolerance = n * scale * mpmath.mpf(10) ** (1 - dps)
    deg = polynomial_degree(activation)
    dim = None if deg is None else sphere_polynomial_dimension(pts.shape[1], deg ** (depth - 1))
    return SmallestEigenvalue(values[0], values[-1], tolerance, n, dps, dim)


# ----------------------------------------------------------------------------------------------------------
# seed 002 §8: orders of the Jacobian and Hessian terms


@dataclass(frozen=True)
class DerivativeOrders:
    """Per width and network: the RMS entry of ∂f/∂W^(ℓ) for each layer (``jacobian``, (S, L) per width)
    and the relative Hessian term |vᵀHv| / |Jv| along v = ∇_θ f (``hessian``); ``rates`` fitted to each."""

    widths: tuple[int, ...]
    jacobian: list[Array]
    hessian: list[Array]
    rates: dict[str, RateFit]

    def verdict(self, quantity: str, exponent: float, *, upper_bound: bool = False) -> Any:
        if quantity not in self.rates:
            raise SymntkError(f"unknown quantity {quantity!r}; choose one of {', '.join(self.rates)}")
        return self.rates[quantity].verdict(exponent, upper_bound=upper_bound)

    def to_json(self) -> dict[str, Any]:
        return {
            "widths": list(self.widths),
            "jacobian": [np.sqrt(np.mean(v**2, axis=0)).tolist() for v in self.jacobian],
            "hessian": [float(np.sqrt(np.mean(v**2))) for v in self.hessian],
            "rate": {name: fit.to_json() for name, fit in self.rates.items()},
        }


def _hessian_term(net: Ensemble, x: Array, step: float) -> Array:
    """|vᵀ H v| / (vᵀ v) at one input x for v = ∇_θ f(x), by a central second difference of f(θ + εv).

    With |v| = O(1) and ε = ``step``/|v| the truncation error is O(ε²) and the rounding error
    O(10^{-16}/ε²), both far below the measured values (≳ 10^{-3} at the widths used).
    """
    from .empirical import backward

    fwd = forward(net, x)
    signals = backward(net, fwd)
    grads = []
    for layer in range(net.architecture.depth):
        m_w, m_b = net.architecture.multipliers(layer)
        delta, alpha = signals[layer][:, 0, 0], fwd.activations[layer][:, 0]
        grads += [m_w * (delta[:, :, None] * alpha[:, None, :]).reshape(net.samples, -1), m_b * delta]
    v = np.concatenate(grads, axis=1)
    theta = net.parameters()
    eps = step / np.linalg.norm(v, axis=1, keepdims=True)
    f_plus = outputs(net.with_parameters(theta + eps * v), x)[:, 0, 0]
    f_minus = outputs(net.with_parameters(theta - eps * v), x)[:, 0, 0]
    second = (f_plus - 2 * fwd.outputs[:, 0, 0] + f_minus) / eps[:, 0] ** 2
    return np.abs(second) / np.sum(v**2, axis=1)


def derivative_orders(
    activation: str,
    depth: int,
    beta: float = 0.0,
    widths: Sequence[int] = (64, 256, 1024),
    samples: int = 6,
    seed: int = 0,
    *,
    input_dim: int = 3,
    n_inputs: int = 4,
    step: float = 1e-3,
) -> DerivativeOrders:
    """Seed 002 §8 measured: the typical size of ∂f/∂W^(ℓ)_{ij} and of the Hessian term, against width.

    For scalar output the RMS entry of ∂f/∂W^(ℓ) at x is m_ℓ |δ^(ℓ+1)(x)| |α^(ℓ)(x)| / √(n_{ℓ+1} n_ℓ); each
    network contributes its root mean square over ``n_inputs`` points of the sphere, for both measures.
    §8 argues O(1/n) for every layer below the last and O(1/√n) for the last one; its argument needs a
    width-n sum below W^(ℓ), which the input layer (n_0 fixed) lacks: ``jacobian_0`` measures it apart.
    The Hessian term is vᵀHv/vᵀv along the gradient v = ∇_θ f(x) (the direction of a gradient step),
    relative to Jv/vᵀv = 1; §8 estimates Δθᵀ H Δθ = O(n^{-3/2}).
    """
    from .empirical import backward

    ws = _check_widths(widths)
    point_seed, *width_seeds = np.random.SeedSequence(int(seed)).spawn(len(ws) + 1)
    xs = sphere_points(n_inputs, input_dim, point_seed)
    jac: list[Array] = []
    hess: list[Array] = []
    for n, ss in zip(ws, width_seeds, strict=True):
        arch = Architecture.uniform(input_dim, n, depth, activation, beta=beta)
        jparts, hparts = [], []
        for net in batches(arch, samples, ss, n_inputs=n_inputs):
            fwd = forward(net, xs)
            signals = backward(net, fwd)
            sizes = []
            for layer in range(depth):
                m_w, _ = arch.multipliers(layer)
                d = np.linalg.norm(signals[layer][:, :, 0], axis=2)
                a = np.linalg.norm(fwd.activations[layer], axis=2)
                rms = np.sqrt(np.mean((d * a) ** 2, axis=1))
                sizes.append(m_w * rms / math.sqrt(arch.widths[layer + 1] * arch.widths[layer]))
            jparts.append(np.stack(sizes, 1))
            terms = np.stack([_hessian_term(net, xs[i : i + 1], step) for i in range(n_inputs)], 1)
            hparts.append(np.sqrt(np.mean(terms**2, axis=1)))
        jac.append(np.concatenate(jparts))
        hess.append(np.concatenate(hparts))
    rates = {
        f"jacobian_{layer}": fit_power_law(ws, [j[:, layer] for j in jac], label=f"RMS ∂f/∂W^({layer})")
        for layer in range(depth)
    }
    rates["hessian"] = fit_power_law(ws, hess, label="vᵀHv/vᵀv along the gradient")
    return DerivativeOrders(ws, jac, hess, rates)


# ----------------------------------------------------------------------------------------------------------
# the checker


@dataclass(frozen=True)
class _ExperimentStrategy:
    experiment: Callable[[int], Any]
    claim: dict[str, Any] = field(default_factory=dict)

    def __call__(self, claim: Any, *, seed: int) -> Any:
        return self.experiment(seed).verdict(**self.claim)


def check_strategy(experiment: Callable[[int], Any], **claim: Any) -> Callable[..., Any]:
    """A strategy for :mod:`symntk.check` that runs ``experiment(seed)`` and asks its result for a verdict.

    ``experiment`` is any of this module's experiments with its arguments bound except the seed (e.g.
    ``lambda seed: kernel_convergence("relu", 3, seed=seed)``); ``claim`` is passed to the result's
    ``verdict`` (``quantity=``, ``exponent=`` for rates, ``level=`` for Gaussianity, ``positive_definite=``
    for Proposition 2). A rate step comes out *consistent* with the fitted exponent and its interval, or
    *refuted* when the 99.9% interval excludes the claimed exponent.
    """
    return _ExperimentStrategy(experiment, dict(claim))
