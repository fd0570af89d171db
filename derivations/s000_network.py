"""The network: the forward pass in NTK parametrization, and the LeCun variance of the scaled weights.

Seed 000 ("NTK deduce"), section "The network":

    α^{(0)}(x) = x,   α̃^{(ℓ+1)}(x) = n_ℓ^{-1/2} W^{(ℓ)} α^{(ℓ)}(x) + β b^{(ℓ)},   α^{(ℓ)}(x) = σ(α̃^{(ℓ)}(x)),

f_θ(x) = α̃^{(L)}(x), with W^{(ℓ)} ~ N(0, 1) entrywise, so that n_ℓ^{-1/2} W^{(ℓ)} ~ N(0, 1/n_ℓ) (LeCun
initialization). The first derivation holds :class:`symntk.network.Network` (widths (3, 4, 2), generic σ)
to the seed's formulas: the matrix form of this section, and the component form the proof of Proposition 1
uses, where the weights are indexed w_{im} with i in layer ℓ and m in layer ℓ+1 (the transpose of the matrix
W^{(ℓ)} of this section). The second computes the variance of a scaled weight over N(0, 1).
"""

from __future__ import annotations

import sympy as sp
import sympy.stats as st

from symntk.check import Derivation, Source, Step
from symntk.network import Network

NETWORK = Network((3, 4, 2))
x = NETWORK.input("x")
W1, b1 = NETWORK.weights[1], sp.Matrix(NETWORK.biases[1])
n1 = NETWORK.n(1)
ALPHA1 = NETWORK.activations(x)[1]  # α^{(1)}(x) = σ(α̃^{(1)}(x))
w = W1.T  # the seed's w^{(1)}: w_{im} connects neuron i of layer 1 to neuron m of layer 2

forward_pass = Derivation(
    id="s000-network-forward-pass",
    title="The network in NTK parametrization",
    kind="definition",
    statement=sp.Eq(sp.Symbol(r"f_\theta(x)"), W1 * ALPHA1 / sp.sqrt(n1) + NETWORK.beta * b1, evaluate=False),
    start=NETWORK.output(x),
    steps=[
        Step(
            W1 * ALPHA1 / sp.sqrt(n1) + NETWORK.beta * b1,
            "=",
            "the last layer of the network: f_θ(x) = α̃^{(2)}(x) = n₁^{-1/2} W^{(1)} σ(α̃^{(1)}(x)) "
            "+ β b^{(1)}",
            written=r"\tilde{\alpha}^{(\ell+1)}(x; \theta) = \frac{1}{\sqrt{n_\ell}} W^{(\ell)} "
            r"\alpha^{(\ell)}(x; \theta) + \beta b^{(\ell)}",
        ),
        Step(
            sp.Matrix(
                [
                    sp.Add(*(w[i, m] * ALPHA1[i] for i in range(NETWORK.widths[1]))) / sp.sqrt(n1)
                    + NETWORK.beta * b1[m]
                    for m in range(NETWORK.widths[2])
                ]
            ),
            "=",
            "component m, with the weights indexed w_{im} (i in layer ℓ, m in layer ℓ+1) as in the proofs",
            written=r"\tilde{\alpha}_m^{(\ell+1)}(x) = \frac{1}{\sqrt{n_\ell}} \sum_{i=1}^{n_\ell} "
            r"w_{im}^{(\ell)} \sigma(\tilde{\alpha}_i^{(\ell)}(x)) + \beta b_m^{(\ell)}",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "The network"),
    references=("jacot2018ntk",),
    notes="Widths (3, 4, 2), generic σ. The seed adds that 'β is used to control the influence of the term "
    "with W^{(ℓ)}': β multiplies the bias b^{(ℓ)}, so it sets the weight of the bias term against the W term "
    "(prose, not a formula: not encoded as a step).",
)

n = sp.Symbol("n_ell", positive=True, integer=True)
W = st.Normal("W", 0, 1)

lecun_variance = Derivation(
    id="s000-network-lecun-variance",
    title="The scaled weights have the LeCun variance",
    kind="remark",
    statement="each scaled weight n_ℓ^{-1/2} W^{(ℓ)}_{ij} is centred with variance 1/n_ℓ",
    start=(W / sp.sqrt(n)) ** 2,
    steps=[
        Step(
            1 / n,
            "E",
            "W^{(ℓ)}_{ij} ~ N(0, 1): n_ℓ^{-1/2} W^{(ℓ)}_{ij} is centred with E[(n_ℓ^{-1/2} W)²] = 1/n_ℓ",
            written=r"\frac{1}{\sqrt{n_\ell}} W^{(\ell)} \sim \mathcal{N}(0, \tfrac{1}{n_\ell})",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "The network"),
    references=("jacot2018ntk",),
)
