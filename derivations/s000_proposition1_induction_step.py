"""Proposition 1, induction step: Σ^{(l+1)}(x, x′) = E_{f∼N(0, Σ^{(l)})}[σ(f(x)) σ(f(x′))] + β².

Seed 000 ("NTK deduce"), section "Proof of Proposition 1", steps ② and ③. Given the layers below, the output
of layer l+1 is α̃^{(l+1)}_m(x) = n_l^{-1/2} Σ_i w^{(l)}_{im} σ(α̃^{(l)}_i(x)) + β b^{(l)}_m, and its covariance
over the last layer's parameters is

    E[α̃^{(l+1)}_m(x) α̃^{(l+1)}_m(x′) | layers below] = (1/n_l) σ(α̃^{(l)}(x))ᵀ σ(α̃^{(l)}(x′)) + β²,

an average of n_l terms that are i.i.d. by the induction hypothesis (α̃^{(l)}_i i.i.d. centred Gaussian
processes of covariance Σ^{(l)}), which tends to E[σ(f(x)) σ(f(x′))] + β² as n_l → ∞.

The finite-width steps are derived from the network of section "The network" with widths (2, 3, 2) (l = 1,
n_l = 3) and a generic σ: the conditional expectation is the exact Wick expectation over W^{(l)}, b^{(l)}
with the pre-activations of layer l held fixed (*proved*). The limit is checked by Monte Carlo over
finite-width networks (σ = erf, which is Lipschitz with bounded second derivative as the seed assumes;
β = 1/2; depth 2, so l = 1; widths 32 … 512; 8 networks per width): the relative Frobenius error of the
conditional covariance against Σ^{(l+1)} from :mod:`symntk.limits` on four points of the sphere, with its
fitted rate, which must be consistent with n^{-1/2}.

The seed justifies the limit "by the central limit theorem"; an average of i.i.d. terms converging to its
mean is the law of large numbers (the CLT gives the n^{-1/2} size of the fluctuation that the fit measures).
The justification is kept as written, with that remark; the limit itself is true, so it is no erratum.
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step, limit
from symntk.convergence import check_strategy, kernel_convergence
from symntk.initialization import InitializationExpectation as E
from symntk.initialization import expectation_strategy
from symntk.network import Network

NETWORK = Network((2, 3, 2))
LAYER = 1  # l: the layer whose parameters W^{(l)}, b^{(l)} the expectation averages
beta = NETWORK.beta
x, x_prime = NETWORK.input("x"), NETWORK.input("x'")
n_l = NETWORK.n(LAYER)
width = NETWORK.widths[LAYER]
below, below_prime = NETWORK.nodes(x)[LAYER - 1], NETWORK.nodes(x_prime)[LAYER - 1]
w = NETWORK.weights[LAYER].T  # the seed's w^{(l)}_{im}: i in layer l, m in layer l+1
b = NETWORK.biases[LAYER]
m = 0  # the output component α̃^{(l+1)}_m, m = 1
sigma = NETWORK.sigma
f, f_prime = NETWORK.nodes(x)[LAYER][m], NETWORK.nodes(x_prime)[LAYER][m]
BY_WICK = expectation_strategy(NETWORK, layers=[LAYER])

#: the limit E_{f∼N(0, Σ^{(l)})}[σ(f(x)) σ(f(x′))], a symbol for display (the Monte Carlo computes it)
GAUSSIAN_MEAN = sp.Symbol(r"\mathbb{E}_{f \sim \mathcal{N}(0, \Sigma^{(l)})}[\sigma(f(x)) \sigma(f(x'))]")


def _component(nodes: tuple[sp.Symbol, ...]) -> sp.Expr:
    return sp.Add(*(w[i, m] * sigma(nodes[i]) for i in range(width))) / sp.sqrt(n_l) + beta * b[m]


def _clt_experiment(seed: int) -> object:
    return kernel_convergence("erf", 2, beta=0.5, widths=(32, 128, 512), samples=8, seed=seed % 2**32)


proposition1_induction_step = Derivation(
    id="s000-proposition1-induction-step",
    title="Proposition 1, induction step: the covariance of layer l + 1",
    kind="proposition",
    statement="given the layers below, the covariance of each output of layer l+1 tends, as n_l → ∞, to "
    "Σ^{(l+1)}(x, x′) = E_{f∼N(0, Σ^{(l)})}[σ(f(x)) σ(f(x′))] + β²",
    start=E(f * f_prime),
    steps=[
        Step(
            E(_component(below) * _component(below_prime)),
            "=",
            "the output of layer l+1, component m, given the layers below",
            strategy=BY_WICK,
            written=r"\tilde{\alpha}_m^{(l+1)}(x) = \frac{1}{\sqrt{n_l}} \sum_{i=1}^{n_l} w_{im}^{(l)} "
            r"\sigma(\tilde{\alpha}_i^{(l)}(x)) + \beta b_m^{(l)}",
            hint="the seed's 'w_i m^{(l)T}' is garbled by the PDF conversion: read w^{(l)}_{im}",
        ),
        Step(
            sp.Add(*(sigma(below[i]) * sigma(below_prime[i]) for i in range(width))) / n_l + beta**2,
            "=",
            "'similarly' to the base case: E[w_{im} w_{i'm}] = δ_{ii'}, E[b_m²] = 1, the cross terms vanish",
            strategy=BY_WICK,
            written=r"\frac{1}{n_l} \sigma(\tilde{\alpha}^{(l)}(x))^T \sigma(\tilde{\alpha}^{(l)}(x')) "
            r"+ \beta^2",
        ),
        Step(
            GAUSSIAN_MEAN + beta**2,
            limit(n_l),
            "by the central limit theorem and the induction hypothesis (the α̃^{(l)}_i are i.i.d. of "
            "covariance Σ^{(l)}); strictly, the convergence of the average is the law of large numbers",
            strategy=check_strategy(_clt_experiment, quantity="nngp", exponent=-0.5),
            hint="Monte Carlo: σ = erf, β = 1/2, depth 2, widths 32, 128, 512, 8 networks each; the relative "
            "error of the conditional covariance against Σ^(2) must fall as n^(-1/2)",
            written=r"\rightarrow E_{f \sim \mathcal{N}(0, \Sigma^{(l)})}[\sigma(f(x)) \sigma(f(x'))] "
            r"+ \beta^2",
        ),
    ],
    source=Source(
        "000_08eb6ccc4f7c932b.txt", "Proof of Proposition 1, steps 2 ② and 3 ③, the case L = l + 1"
    ),
    references=("jacot2018ntk",),
    notes="Finite-width steps: widths (2, 3, 2), generic σ. Limit: Monte Carlo as in the module docstring.",
)
