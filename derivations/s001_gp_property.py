"""The GP property: at infinite width every layer's output is a Gaussian process (seed 001, slides 15 and 16).

Slide 15's theorem (after Lee et al. 2018): in the infinite-width limit the pre-activations z^l_j(x) are
centred Gaussian processes of covariance δ_{jj'} Σ^l(x, x'), with Σ^1(x, x') = xᵀx'/n_0 and
Σ^{l+1}(x, x') = ⟨φ(z^l(x)) φ(z^l(x'))⟩ for z^l ~ GP(0, Σ^l), the limits n_l → ∞ taken one after the other
(no bias: β = 0). Slide 16 proves it by induction; each covariance step is derived here on a
:class:`symntk.network.Network` with a generic activation φ and checked exactly (Wick's theorem over the
Gaussian weights, :mod:`symntk.initialization`); the CLT step is checked by seeded Monte Carlo over
finite-width ReLU networks (:func:`symntk.convergence.output_gaussianity`), a verdict of *consistent* only.
Slide 15's exercise (Σ^l depends on x, x' only through their norms and angle) is checked for the base case,
from which the recursion carries it to every layer since Σ^{l+1}(x, x') is a function of the three entries
Σ^l(x, x), Σ^l(x, x'), Σ^l(x', x').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symntk.check import EXPECTATION, Claim, Derivation, Source, Step, Verdict, equal, limit
from symntk.check.verdict import refuted, verified
from symntk.convergence import check_strategy, output_gaussianity
from symntk.initialization import initialization_expectation
from symntk.limits import kernels
from symntk.network import Network

SOURCE = "001_9a6c6fe078691bcf.txt"

# ---------------------------------------------------------------------------------------------------------
# the induction base: z^1 = n_0^{−1/2} Σ_i x_i w^1_{ij}

FIRST = Network((3, 2), beta=0)
_x, _xp = FIRST.input("x").vector(), FIRST.input("x'").vector()
_n0 = FIRST.n(0)


class WickExpectation:
    """E over the Gaussian weights of some layers, the rest held fixed, by Wick's theorem (exact algebra)."""

    def __init__(self, network: Network, layers: list[int]) -> None:
        self.network, self.layers = network, layers

    def __call__(self, claim: Claim, *, seed: int) -> Verdict:
        mean = initialization_expectation(self.network, claim.lhs, layers=self.layers)
        return equal(mean, claim.rhs, seed=seed)


def _outer(network: Network) -> sp.Matrix:
    """z^L(x) z^L(x′)ᵀ, each output by its one-step definition."""
    z = sp.Matrix([network.definition(node) for node in network.nodes("x")[-1]])
    zp = sp.Matrix([network.definition(node) for node in network.nodes("x'")[-1]])
    return z * zp.T


def _double_sum(network: Network) -> sp.Matrix:
    """(1/n_l) Σ_{ii'} h_i h′_{i'} w_{ij} w_{i'j'}: slide 16's expansion of the product of the two sums."""
    layer = network.depth - 1
    w = network.weights[layer]
    h = network.activations("x")[layer]
    hp = network.activations("x'")[layer]
    width = network.widths[layer]
    return sp.Matrix(
        w.rows,
        w.rows,
        lambda j, jp: (
            sp.Add(*(h[i] * hp[ip] * w[j, i] * w[jp, ip] for i in range(width) for ip in range(width)))
            / network.n(layer)
        ),
    )


gp_base_case = Derivation(
    id="s001-gp-base-case",
    title="GP property, induction base: the covariance of the first layer",
    kind="lemma",
    statement="⟨z^1_j(x) z^1_{j'}(x')⟩ = δ_{jj'} xᵀx'/n_0",
    start=lambda: _outer(FIRST),
    steps=[
        Step(
            lambda: _double_sum(FIRST),
            "=",
            "z^1_j(x) = n_0^{−1/2} Σ_i x_i w^1_{ij}, a sum of Gaussian random variables "
            "(here n_0 = 3, n_1 = 2)",
            written=r"\frac{1}{n_0} \sum_{ii'} x_i x'_{i'} w_{ij}^1 w_{i'j'}^1",
        ),
        Step(
            lambda: sp.eye(2) * (_x.T * _xp)[0, 0] / _n0,
            EXPECTATION,
            "⟨w^1_{ij} w^1_{i'j'}⟩ = δ_{ii'} δ_{jj'} (w ~ N(0, 1) i.i.d.)",
            strategy=WickExpectation(FIRST, [0]),
            written=r"\delta_{jj'} \frac{x^T x'}{n_0}",
        ),
    ],
    source=Source(SOURCE, "slide 16 (GP property: proof, induction base)"),
    references=("lee2018gp",),
)

# ---------------------------------------------------------------------------------------------------------
# the induction step: z^{l+1}_j = n_l^{−1/2} Σ_i φ(z^l_i) w^{l+1}_{ij}, given the layers below

DEEP = Network((2, 3, 2), beta=0)
_MEAN = sp.Symbol(r"\langle \phi(z^l(x)) \phi(z^l(x')) \rangle", real=True)


class IdenticallyDistributed:
    """E over the layers below: the z^l_i are i.i.d. (induction hypothesis), so each product
    φ(z^l_i(x)) φ(z^l_i(x′)) has the same expectation ⟨φ(z^l(x)) φ(z^l(x′))⟩; the claim is checked with every
    product replaced by it."""

    def __init__(self, network: Network) -> None:
        self.network = network

    def __call__(self, claim: Claim, *, seed: int) -> Verdict:
        net = self.network
        pairs = zip(net.nodes("x")[-2], net.nodes("x'")[-2], strict=True)
        mean: Any = claim.lhs
        for node, node_prime in pairs:
            mean = mean.subs(net.sigma(node) * net.sigma(node_prime), _MEAN)
        return equal(net.concrete(sp.expand(mean)), claim.rhs, seed=seed)


gp_induction_step = Derivation(
    id="s001-gp-induction-step",
    title="GP property, induction step: the covariance of layer l + 1",
    kind="lemma",
    statement="⟨z^{l+1}_j(x) z^{l+1}_{j'}(x')⟩ = δ_{jj'} ⟨φ(z^l_i(x)) φ(z^l_i(x'))⟩",
    start=lambda: _outer(DEEP),
    steps=[
        Step(
            lambda: _double_sum(DEEP),
            "=",
            "z^{l+1}_j(x) = n_l^{−1/2} Σ_i φ(z^l_i(x)) w^{l+1}_{ij} (here l = 1, n_l = 3, two outputs)",
            written=r"\frac{1}{n_l} \sum_{ii'} \phi(z_i^l(x))\phi(z_{i'}^l(x')) w_{ij}^{l+1}w_{i'j'}^{l+1}",
        ),
        Step(
            lambda: (
                sp.eye(2)
                * sp.Add(
                    *(
                        DEEP.sigma(a) * DEEP.sigma(b)
                        for a, b in zip(DEEP.nodes("x")[0], DEEP.nodes("x'")[0], strict=True)
                    )
                )
                / DEEP.n(1)
            ),
            EXPECTATION,
            "the weights w^{l+1} are independent of the layers below, ⟨w_{ij} w_{i'j'}⟩ = δ_{ii'} δ_{jj'}",
            strategy=WickExpectation(DEEP, [1]),
            written=r"\frac{1}{n_l} \sum_{ii'} \langle \phi(z_i^l(x))\phi(z_{i'}^l(x'))\rangle "
            r"\langle w_{ij}^{l+1}w_{i'j'}^{l+1}\rangle",
        ),
        Step(
            sp.eye(2) * _MEAN,
            EXPECTATION,
            "z^l_i are i.i.d. for different i (the induction hypothesis: covariance δ_{ii'} Σ^l), so the n_l "
            "terms have the same expectation",
            strategy=IdenticallyDistributed(DEEP),
            written=r"\delta_{jj'} \langle \phi(z_i^l(x))\phi(z_i^l(x'))\rangle",
        ),
    ],
    source=Source(SOURCE, "slide 16 (GP property: proof, induction step)"),
    references=("lee2018gp",),
)

n = sp.Symbol("n", positive=True, integer=True)

gp_limit = Derivation(
    id="s001-gp-clt-limit",
    title="GP property: the CLT limit of the outputs",
    kind="theorem",
    statement="z^{l+1}_j(x) → GP(0, δ_{jj'} Σ^{l+1}(x, x')) as n_l → ∞",
    start=sp.Symbol(r"z_j^{l+1}(x)"),
    steps=[
        Step(
            sp.Symbol(r"\mathcal{GP}(0, \Sigma_{jj'}^{l+1}(x, x'))"),
            limit(n),
            "CLT: z^{l+1}_j(x) = n_l^{−1/2} Σ_i φ(z^l_i(x)) w^{l+1}_{ij} is a normalized sum of i.i.d. "
            "terms; checked on 300 ReLU networks of depth 3 (two hidden layers of width 256, 2 outputs) at 3 "
            "inputs: the outputs whitened by the infinite-width Σ^(3) ⊗ Id against N(0, 1) "
            "(Kolmogorov–Smirnov) and their squared norms against χ²",
            strategy=check_strategy(
                lambda seed: output_gaussianity("relu", 3, 256, samples=300, seed=seed), level=0.01
            ),
            written=r"z_j^{l+1}(x) = \frac{1}{\sqrt{n_l}} \sum_i \phi(z_i^l(x)) w_{ij}^{l+1} \to "
            r"\mathcal{GP}(0, \Sigma_{jj'}^{l+1}(x, x'))",
        ),
    ],
    source=Source(SOURCE, "slides 15 and 16 (GP property, theorem and induction step)"),
    references=("lee2018gp",),
)

# ---------------------------------------------------------------------------------------------------------
# slide 15's exercise, base case: Σ^1 is invariant under rotations of both inputs

_angle = sp.Symbol("varphi", real=True)
_rotation = sp.Matrix([[sp.cos(_angle), -sp.sin(_angle)], [sp.sin(_angle), sp.cos(_angle)]])
_r, _s = sp.symbols("r s", positive=True)
_a, _b = sp.symbols("a b", real=True)
#: two inputs of ℝ² by their norms and polar angles: x = r (cos a, sin a), x′ = s (cos b, sin b)
_u, _v = _r * sp.Matrix([sp.cos(_a), sp.sin(_a)]), _s * sp.Matrix([sp.cos(_b), sp.sin(_b)])

sigma_depends_on_norms_and_angle = Derivation(
    id="s001-sigma-norms-and-angle",
    title="Σ^1(x, x′) depends only on the norms of x, x′ and the angle α between them",
    kind="exercise",
    statement=sp.Eq(sp.Symbol(r"\Sigma^1(Rx, Rx')"), _r * _s * sp.cos(_a - _b) / 2),
    start=((_rotation * _u).T * (_rotation * _v))[0, 0] / 2,
    steps=[
        Step(
            (_u.T * _v)[0, 0] / 2,
            "=",
            "Σ^1(Rx, Rx′) = xᵀRᵀRx′/n_0 = Σ^1(x, x′) for every rotation R (here n_0 = 2)",
        ),
        Step(
            _r * _s * sp.cos(_a - _b) / 2,
            "=",
            "x = |x|(cos a, sin a), x′ = |x′|(cos b, sin b): xᵀx′ = |x| |x′| cos α with α = a − b; by the "
            "recursion Σ^{l+1} is an expectation over the centred Gaussian (z^l(x), z^l(x′)), whose "
            "covariance is made of Σ^l(x, x), Σ^l(x, x′), Σ^l(x′, x′): the property passes to every layer",
        ),
    ],
    source=Source(SOURCE, "slide 15 (exercise)"),
)


@dataclass(frozen=True)
class RotationInvariance:
    """Σ^L(Rx, Rx′) = Σ^L(x, x′) at 30 digits (:func:`symntk.limits.kernels`, every digit correct) for random
    inputs of ℝ³ and a random rotation R applied in 50-digit arithmetic: agreement to 25 digits is
    *verified*, a difference *refuted*."""

    activation: str
    depth: int

    def rotation(self, rng: np.random.Generator) -> Any:
        """A random rotation of ℝ³, orthonormal to 50 digits: Q (QᵀQ)^{−1/2} for Q from a Gaussian's QR."""
        q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
        with mpmath.workdps(50):
            matrix = mpmath.matrix(q.tolist())
            return matrix * mpmath.inverse(mpmath.sqrtm(matrix.T * matrix))

    def __call__(self, claim: Claim, *, seed: int) -> Verdict:
        rng = np.random.default_rng(seed)
        rotation = self.rotation(rng)
        with mpmath.workdps(50):
            x, xp = (mpmath.matrix(rng.standard_normal(3).tolist()) for _ in range(2))
            rx, rxp = rotation * x, rotation * xp
            plain = [[mpmath.nstr(v, 45) for v in vec] for vec in (x, xp)]
            turned = [[mpmath.nstr(v, 45) for v in vec] for vec in (rx, rxp)]
        before, after = (
            kernels([a], [b], activation=self.activation, depth=self.depth, dps=30).nngp[0, 0]
            for a, b in (plain, turned)
        )
        with mpmath.workdps(30):
            gap = abs(after - before) / abs(before)
            text = (
                f"{self.activation}, depth {self.depth}: Σ(x, x′) = {mpmath.nstr(before, 25)}, "
                f"Σ(Rx, Rx′) = {mpmath.nstr(after, 25)} (relative difference {mpmath.nstr(gap, 3)}) at one "
                "random pair and rotation"
            )
            if gap < mpmath.mpf(10) ** -25:
                return verified(text)
        return refuted(text)


sigma_rotation_invariance = Derivation(
    id="s001-sigma-rotation-invariance",
    title="Σ^l(x, x′) of deeper layers depends only on the norms and the angle",
    kind="exercise",
    statement="Σ^3(Rx, Rx′) = Σ^3(x, x′) for every rotation R",
    start=sp.Symbol(r"\Sigma^{3}(Rx, Rx')"),
    steps=[
        Step(
            sp.Symbol(r"\Sigma^{3}(x, x')"),
            "=",
            "by induction from Σ^1: Σ^{l+1} is a Gaussian expectation over a covariance made of Σ^l(x, x), "
            "Σ^l(x, x′), Σ^l(x′, x′); evaluated at 30 digits for ReLU networks of depth 3 (n_0 = 3)",
            strategy=RotationInvariance("relu", 3),
        ),
        Step(
            sp.Symbol(r"\Sigma^{3}(x, x')"),
            "=",
            "the same for erf, whose kernel is not positively homogeneous (so the norms matter, not only α)",
            strategy=RotationInvariance("erf", 3),
        ),
    ],
    source=Source(SOURCE, "slide 15 (exercise)"),
)
