"""NTK, standard and mean-field parametrizations: forward and backward (seed 001, slides 11, 12, 13, 29).

Slide 12 compares the standard parametrization z^l_j = Σ_i h^{l−1}_i W̃^l_{ij} with W̃^l_{ij} ~ N(0, 1/n_{l−1})
and the NTK parametrization z^l_j = n_{l−1}^{−1/2} Σ_i h^{l−1}_i w^l_{ij} with w^l_{ij} ~ N(0, 1) (no bias, as
seed 001 writes them; slide 11's mean-field variant has n^{−1} in place of n^{−1/2}), and poses two exercises:
1) the forward passes are equivalent, 2) the backward passes are equivalent if the standard parametrization
uses the layer-dependent learning rate η̃(W^l) = η/n_{l−1}. Slide 29 solves 2). Both networks here are
:class:`symntk.network.Network` objects with a generic activation σ, widths (2, 2, 1) and a generic loss l of
the output on one training point, so every derivative is taken by SymPy through the network.

Slide 11's claim that NTK-regime weights need a smaller adjustment is measured: after the same training, the
first layer's relative weight change decays as n^{−1/2} in NTK parametrization and stays O(1) in mean field.

Slide 13's "to prove later" (the NTK parametrization gives the weights of every layer an NTK of the same
magnitude) is measured too: each layer's contribution is O(1) in NTK parametrization, while in standard
parametrization with one learning rate the layers fed by a hidden layer grow like n.

Slide 12's statement of the rate, η/η_{l−1}, writes a learning rate η_{l−1} where slide 29 (and the algebra)
has the width n_{l−1}: it is kept as an erratum.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp

from symntk.check import Claim, Derivation, Erratum, Source, Status, Step, Verdict, order
from symntk.convergence import RateFit, check_strategy, fit_power_law, sphere_points
from symntk.dynamics import train
from symntk.empirical import Architecture, batches, sample
from symntk.empirical import ntk as empirical_ntk
from symntk.network import Network

SOURCE = "001_9a6c6fe078691bcf.txt"

WIDTHS = (2, 2, 1)
NTK = Network(WIDTHS, beta=0, parametrization="ntk")
STANDARD = Network(WIDTHS, beta=0, parametrization="standard")
MEAN_FIELD = Network(WIDTHS, beta=0, parametrization="mean-field")

#: the rescaling W̃^{(ℓ)} = n_ℓ^{−1/2} w^{(ℓ)} (slide 29, with the code's layer index ℓ = the seed's l − 1),
#: and no biases (seed 001 has none: the standard network's b̃ are set to 0)
TO_NTK = {
    **{p: NTK.weight_scale(NTK.layer_of(p)) * p for p in NTK.parameters if p.base == "W"},
    **{p: sp.Integer(0) for p in NTK.parameters if p.base == "b"},
}

eta, eta_tilde = sp.symbols("eta eta_tilde", positive=True)
l = sp.Function("l")
y = sp.Symbol("y", real=True)

#: the parameter p of slide 29: a weight of the last layer, W̃_p = λ_p W_p with λ_p = n_1^{−1/2}
P = NTK.weights[1][0, 1]
LAMBDA = NTK.weight_scale(1)


def _loss(network: Network) -> sp.Expr:
    """L = l(f(x), y) on one training point, the output inlined."""
    return l(network.output("x", inline=True)[0], y)


forward_equivalence = Derivation(
    id="s001-parametrizations-forward-equivalence",
    title="Standard and NTK parametrizations have the same forward pass",
    kind="exercise",
    statement="z^L(x) of the standard network with W̃^l = n_{l−1}^{−1/2} w^l is z^L(x) of the NTK network",
    start=lambda: STANDARD.output("x", inline=True).xreplace(TO_NTK),
    steps=[
        Step(
            lambda: NTK.output("x", inline=True),
            "=",
            "W̃^l_{ij} = n_{l−1}^{−1/2} w^l_{ij}: with w ~ N(0, 1), W̃ ~ N(0, 1/n_{l−1}) as the standard "
            "initialisation requires, and Σ_i h_i W̃_{ij} = n_{l−1}^{−1/2} Σ_i h_i w_{ij} in every layer",
            written=r"z_j^l = \sum_{i=1}^{n_{l-1}} h_i^{l-1} W_{ij}^l = \frac{1}{\sqrt{n_{l-1}}} "
            r"\sum_{i=1}^{n_{l-1}} h_i^{l-1} w_{ij}^l",
        ),
    ],
    source=Source(SOURCE, "slide 12, exercise 1 (network parametrization: NTK vs. standard)"),
)

mean_field_forward = Derivation(
    id="s001-parametrizations-mean-field-scale",
    title="The mean-field forward pass is the NTK one with weights scaled by n^{−1/2}",
    kind="remark",
    statement="z^L_MF(x; w) = z^L_NTK(x; n_{l−1}^{−1/2} w)",
    start=lambda: MEAN_FIELD.output("x", inline=True),
    steps=[
        Step(
            lambda: NTK.output("x", inline=True).xreplace(
                {p: NTK.weight_scale(NTK.layer_of(p)) * p for p in NTK.parameters if p.base == "W"}
            ),
            "=",
            "slide 11: the mean-field layer n^{−1} Σ_i φ(z_i) w_ij is the NTK layer "
            "n^{−1/2} Σ_i φ(z_i) w′_ij with w′ = n^{−1/2} w (so O(1) mean-field weights are NTK weights of "
            "size n^{−1/2})",
            written=r"z_{j}^{l} = \frac{1}{n} \sum_{i=1}^{n} \phi(z_{i}^{l-1}) w_{ij}^{l}",
        ),
    ],
    source=Source(SOURCE, "slide 11 (network parametrization: NTK vs. MF)"),
)

backward_gradient = Derivation(
    id="s001-parametrizations-backward-gradient",
    title="The gradient in standard parametrization, in terms of the NTK gradient",
    kind="lemma",
    statement="ΔW̃_p = −(η̃_p/λ_p) ∂L(W)/∂W_p",
    start=lambda: (-eta_tilde * STANDARD.derivative(_loss(STANDARD), P)).xreplace(TO_NTK),
    steps=[
        Step(
            lambda: -eta_tilde / LAMBDA * NTK.derivative(_loss(NTK), P),
            "=",
            "W̃_p = λ_p W_p, so ∂L/∂W̃_p = λ_p^{−1} ∂L/∂W_p (chain rule); checked for a weight of the last "
            "layer of a (2, 2, 1) network, λ_p = n_1^{−1/2}, with a generic σ and a generic loss l",
            written=r"\Delta \widetilde{W}_p = -\widetilde{\eta}_p \frac{\partial L(\widetilde{\mathbf{W}})}"
            r"{\partial \widetilde{W}_p} = -\frac{\widetilde{\eta}_p}{\lambda_p} "
            r"\frac{\partial L(\mathbf{W})}{\partial W_p}",
        ),
    ],
    source=Source(SOURCE, "slide 29 (solution of exercise 2 of slide 12)"),
)

_n1 = NTK.n(1)
_gradient = sp.Symbol(r"\partial L/\partial W_p", real=True, nonzero=True)

backward_learning_rate = Derivation(
    id="s001-parametrizations-backward-learning-rate",
    title="Equivalent backward passes need the layer-dependent learning rate η/n_{l−1}",
    kind="exercise",
    statement=sp.Eq(eta_tilde, eta / _n1),
    start=sp.solve(sp.Eq(-eta_tilde / LAMBDA * _gradient, LAMBDA * (-eta * _gradient)), eta_tilde)[0],
    steps=[
        Step(
            LAMBDA**2 * eta,
            "=",
            "the actual change must agree, ΔW̃_p = λ_p ΔW_p with ΔW_p = −η ∂L/∂W_p: substituting the changes "
            "(the start solves this for η̃_p) gives η̃_p = λ_p² η",
            written=r"\widetilde{\eta}_p = \lambda_p^2 \eta",
        ),
        Step(
            eta / sp.Symbol("eta_1", positive=True),
            "=",
            "slide 12's statement of the rate for W^l (here l − 1 = 1)",
            written=r"\widetilde{\eta}(W^l) = \frac{\eta}{\eta_{l-1}}",
            erratum=Erratum(
                eta / _n1,
                "slide 12 divides by η_{l−1}, a learning rate the slides never define; λ_p = n_{l−1}^{−1/2} "
                "gives η̃(W^l) = η/n_{l−1}, as slide 29 states it",
            ),
        ),
    ],
    source=Source(SOURCE, "slides 12 and 29 (exercise 2 and its solution)"),
)


# ---------------------------------------------------------------------------------------------------------
# slide 11: in the NTK regime the weights move less

TRAINING_WIDTHS = (128, 512, 2048)


@dataclass(frozen=True)
class WeightMovement:
    """The fitted rate of ‖W_T − W_0‖_F/‖W_0‖_F for the first layer after gradient descent."""

    fit: RateFit

    def verdict(self, exponent: float):  # type: ignore[no-untyped-def]
        return self.fit.verdict(exponent)


@cache
def weight_movement(parametrization: str, seed: int) -> WeightMovement:
    """Train 4 ReLU networks f(x) = n^{−a} Σ_i v_i (w_i · x)_+ per width (a = ½ NTK, a = 1 mean field; no
    bias) for 100 steps of full-batch GD on 6 points of the unit circle (y = sin 3x₁ + x₂), with learning
    rate 1 (NTK) or n (mean field, whose tangent kernel is O(1/n): the same output speed), and fit the
    relative change of the first layer's weights against n."""
    points, *width_seeds = np.random.SeedSequence(seed).spawn(len(TRAINING_WIDTHS) + 1)
    x = sphere_points(6, 2, points)
    y = (np.sin(3 * x[:, 0]) + x[:, 1])[:, None]
    changes = []
    for width, ss in zip(TRAINING_WIDTHS, width_seeds, strict=True):
        arch = Architecture((2, width, 1), "relu", beta=0.0, parametrization=parametrization)  # type: ignore[arg-type]
        rate = 1.0 if parametrization == "ntk" else float(width)
        runs = [
            train(net, x, y, learning_rate=rate, steps=100, record=100)
            for net in batches(arch, 4, ss, n_inputs=6)
        ]
        changes.append(np.concatenate([run.weight_change[-1][:, 0] for run in runs]))
    return WeightMovement(fit_power_law(TRAINING_WIDTHS, changes, label=f"‖ΔW‖/‖W‖ ({parametrization})"))


def _movement(parametrization: str, exponent: sp.Expr, a: str) -> Derivation:
    n = sp.Symbol("n", positive=True, integer=True)
    return Derivation(
        id=f"s001-parametrizations-weight-movement-{parametrization}",
        title=f"Weights move by ∼ n^{{{exponent}}} in the {parametrization} regime (a = {a})",
        kind="example",
        statement=f"‖W_T − W_0‖/‖W_0‖ ∼ n^({exponent}) for f(x) = n^(−{a}) Σ_i v_i (w_i · x)_+ (the slide's "
        "network has no output weights v_i and has biases b_i)",
        start=sp.Symbol(r"\|W_T - W_0\| / \|W_0\|"),
        steps=[
            Step(
                n**exponent,
                order(n),
                "slide 11: in the NTK regime weights need a smaller adjustment due to smaller a; measured "
                "(seeded) on 4 ReLU networks per width n = 128, 512, 2048 trained by full-batch GD (learning "
                "rate 1 for NTK, n for mean field, so that the outputs move at the same speed), no bias",
                strategy=check_strategy(
                    lambda seed: weight_movement(parametrization, seed), exponent=float(exponent)
                ),
                written=r"f(x) = \frac{1}{n^a} \sum_{i=1}^{n} (w_i x + b_i)_+",
            ),
        ],
        source=Source(SOURCE, "slide 11 (MF vs NTK parameter trajectories)"),
        references=("jacot2018ntk", "mei2018meanfield"),
    )


ntk_weight_movement = _movement("ntk", sp.Rational(-1, 2), "1/2")
mean_field_weight_movement = _movement("mean-field", sp.Integer(0), "1")


# ---------------------------------------------------------------------------------------------------------
# slide 13, "to prove later": the NTK parametrization normalizes the backward pass


LAYER_WIDTHS = (32, 128, 512)


@dataclass(frozen=True)
class LayerKernels:
    """Fitted rates, against the hidden width n, of each layer's weight contribution to Θ(x, x)."""

    fits: tuple[RateFit, ...]

    def verdict(self, layer: int, exponent: float):  # type: ignore[no-untyped-def]
        return self.fits[layer].verdict(exponent)


@cache
def layer_kernels(parametrization: str, seed: int) -> LayerKernels:
    """Θ_ℓ(x, x) = Σ_{p ∈ W^(ℓ)} (∂f(x)/∂θ_p)² for 10 ReLU networks of depth 3 (two hidden layers of width n,
    no bias) per width n = 32, 128, 512 at 3 points of the unit circle: the tangent kernel of gradient
    descent restricted to the weights of layer ℓ (``layer_rates`` of :func:`symntk.empirical.ntk`)."""
    points, *width_seeds = np.random.SeedSequence(seed).spawn(len(LAYER_WIDTHS) + 1)
    x = sphere_points(3, 2, points)
    per_layer: list[list[np.ndarray]] = [[], [], []]
    for width, ss in zip(LAYER_WIDTHS, width_seeds, strict=True):
        arch = Architecture((2, width, width, 1), "relu", beta=0.0, parametrization=parametrization)  # type: ignore[arg-type]
        nets = sample(arch, 10, ss)
        for layer in range(3):
            rates = [(1.0 if m == layer else 0.0, 0.0) for m in range(3)]
            theta = empirical_ntk(nets, x, layer_rates=rates)[:, :, 0, :, 0]
            per_layer[layer].append(np.einsum("snn->sn", theta).mean(axis=1))
    return LayerKernels(
        tuple(
            fit_power_law(LAYER_WIDTHS, values, label=f"Θ of W^({layer}) ({parametrization})")
            for layer, values in enumerate(per_layer)
        )
    )


@dataclass(frozen=True)
class EveryLayer:
    """A check strategy: each layer's contribution has its claimed exponent; the weakest verdict of the
    layers (refuted if any is), with every layer's fit in the evidence."""

    parametrization: str
    exponents: tuple[int, ...]

    def __call__(self, claim: Claim, *, seed: int) -> Verdict:
        fits = layer_kernels(self.parametrization, seed)
        verdicts = [fits.verdict(layer, float(e)) for layer, e in enumerate(self.exponents)]
        refuted = [v for v in verdicts if v.status is Status.REFUTED]
        worst = refuted[0] if refuted else max(verdicts, key=lambda v: v.status.rank)
        return dataclasses.replace(worst, evidence="; ".join(v.evidence for v in verdicts))


def _layer_kernels(parametrization: str, exponents: tuple[int, ...]) -> Derivation:
    n = sp.Symbol("n", positive=True, integer=True)
    where = (
        "NTK parametrization" if parametrization == "ntk" else "standard parametrization, one learning rate"
    )
    return Derivation(
        id=f"s001-backward-pass-layers-{parametrization}",
        title=f"The NTK of each layer's weights in {where}",
        kind="remark",
        statement="Σ_{p ∈ W^(ℓ)} (∂f(x)/∂θ_p)² ∼ n^(e_ℓ), e = " + str(exponents),
        start=sp.Symbol(r"\Theta_{W^{(\ell)}}(x, x)"),
        steps=[
            Step(
                n ** exponents[-1],
                order(n),
                "slide 13: 'NTK parametrization normalizes backward pass in the limit n_l → ∞, so that "
                "NTK's of "
                "all layers have the same magnitude' (stated there, to prove later); in standard "
                "parametrization with one learning rate the layers fed by a hidden layer grow like n. "
                "Measured "
                f"(seeded) for the layers ℓ = 0, 1, 2 (claimed exponents {exponents}) on 10 ReLU networks of "
                "depth 3 per width n = 32, 128, 512, no bias, at 3 inputs",
                strategy=EveryLayer(parametrization, exponents),
            ),
        ],
        source=Source(SOURCE, "slide 13 (normalizing backward pass)"),
        references=("jacot2018ntk",),
    )


backward_pass_ntk = _layer_kernels("ntk", (0, 0, 0))

#: a deeper network for the per-layer comparison: widths (2, 2, 3, 1), generic σ, no bias
DEEP_NTK = Network((2, 2, 3, 1), beta=0, parametrization="ntk")
DEEP_STANDARD = Network((2, 2, 3, 1), beta=0, parametrization="standard")
_DEEP_TO_NTK = {
    **{p: DEEP_NTK.weight_scale(DEEP_NTK.layer_of(p)) * p for p in DEEP_NTK.parameters if p.base == "W"},
    **{p: sp.Integer(0) for p in DEEP_NTK.parameters if p.base == "b"},
}


def _per_layer(network: Network) -> sp.Matrix:
    """(Θ_0, Θ_1, Θ_2)(x, x′): the NTK contribution of each layer's weights (seed 001 has no biases)."""
    jac, jac_prime = network.jacobian("x"), network.jacobian("x'")
    columns = {p: c for c, p in enumerate(network.parameters)}
    return sp.Matrix(
        [
            sp.Add(*(jac[0, columns[p]] * jac_prime[0, columns[p]] for p in network.weights[layer]))
            for layer in range(network.depth)
        ]
    )


backward_pass_standard = Derivation(
    id="s001-backward-pass-layers-standard",
    title="In standard parametrization with one learning rate, layer ℓ's NTK is n_ℓ times the NTK one",
    kind="remark",
    statement="Θ_ℓ^standard(x, x′) = n_ℓ Θ_ℓ^NTK(x, x′) for the same function (W̃^(ℓ) = n_ℓ^(−1/2) W^(ℓ))",
    start=lambda: _per_layer(DEEP_STANDARD).xreplace(_DEEP_TO_NTK),
    steps=[
        Step(
            lambda: sp.Matrix([DEEP_NTK.n(layer) for layer in range(3)]).multiply_elementwise(
                _per_layer(DEEP_NTK)
            ),
            "=",
            "∂f/∂W̃_p = λ_p^(−1) ∂f/∂W_p with λ_p = n_ℓ^(−1/2) (slide 29), so each parameter's term in Θ is "
            "multiplied by n_ℓ: the layers fed by a hidden layer (ℓ ≥ 1) carry a factor n while the first "
            "carries n_0, unlike NTK parametrization (slide 13); checked on a (2, 2, 3, 1) network with a "
            "generic σ",
        ),
    ],
    source=Source(SOURCE, "slides 13 and 29 (normalizing backward pass)"),
    references=("jacot2018ntk",),
)
