"""The NTK at initialization: the layer recursion and its proof (seed 001, slides 17, 18 and 19).

Slide 17's theorem (Jacot et al. 2018): at infinite width the NTK of every layer is deterministic and neuron
diagonal, δ_{jj'} Θ^L(x, x'), with Θ^1 = Σ^1 and a recursion from layer to layer. Slide 18 (step 1, finite
network) splits the layer-l NTK into the contribution of the current layer's weights and that of the previous
layers; slide 19 (step 2) takes the limits n_{l−1} → ∞ one after the other and finds

    Θ^l(x, x') = Θ^{l−1}(x, x') ⟨φ̇(z^{l−1}(x)) φ̇(z^{l−1}(x'))⟩ + Σ^l(x, x'),

the NTK recursion of NOTATION.md (Θ^{ℓ+1} = Θ^ℓ Σ̇^{ℓ+1} + Σ^{ℓ+1}). Slide 17 states it with Σ^l in place of
Σ^{l+1} (an erratum, refuted on the two-layer ReLU network against the closed form of Arora et al. 2019).

Step 1 is derived on a :class:`symntk.network.Network` of widths (2, 3, 2), no bias, with a generic φ: the
contributions are the network's NTK blocks by layer (derivatives by the chain rule through the network).
Step 2's limits are checked by seeded Monte Carlo over finite ReLU networks at increasing widths, with the
fitted rate (:func:`symntk.convergence.kernel_convergence`): *consistent*, never *proved*.
"""

from __future__ import annotations

import sympy as sp

from symntk.activations import Q1, Q2, C, get_activation
from symntk.check import Derivation, Erratum, Source, Step, limit
from symntk.convergence import check_strategy, kernel_convergence
from symntk.network import Network

SOURCE = "001_9a6c6fe078691bcf.txt"

# ---------------------------------------------------------------------------------------------------------
# step 1: the finite network (slide 18), l = 2

NET = Network((2, 3, 2), beta=0)
_h, _hp = NET.activations("x")[1], NET.activations("x'")[1]
_z, _zp = NET.nodes("x")[0], NET.nodes("x'")[0]
_n1 = NET.n(1)
_W = NET.weights[1]  # W^{(1)}_{ji} (code) = w^2_{ij} (seed 001)


def _phi_dot(node: sp.Symbol) -> sp.Expr:
    return NET.sigma(node, 1)


def _current_layer() -> sp.Matrix:
    """The contribution of the weights w^l to Θ^l_{jj'}: the network's NTK block of its last layer."""
    return NET.ntk("x", "x'", by_layer=True)[1]


def _previous_layers() -> sp.Matrix:
    """The contribution of the weights below layer l: the network's NTK block of its first layer."""
    return NET.ntk("x", "x'", by_layer=True)[0]


ntk_current_layer = Derivation(
    id="s001-ntk-current-layer",
    title="NTK proof, step 1: the contribution of the current layer",
    kind="lemma",
    statement="∇_{w^l} z^l_j ∇_{w^l} z'^l_{j'} = δ_{jj'} (1/n_{l−1}) Σ_i h^{l−1}_i h'^{l−1}_i",
    start=_current_layer,
    steps=[
        Step(
            lambda: sp.Matrix(
                2,
                2,
                lambda j, jp: sp.Add(
                    *(
                        NET.derivative(NET.definition(NET.nodes("x")[1][j]), _W[m, k])
                        * NET.derivative(NET.definition(NET.nodes("x'")[1][jp]), _W[m, k])
                        for m in range(2)
                        for k in range(3)
                    )
                ),
            ),
            "=",
            "(1/n_{l−1}) Σ_{km} ∇_{w^l_{km}}(Σ_i w^l_{ij} h^{l−1}_i) ∇_{w^l_{km}}(Σ_{i'} w^l_{i'j'} "
            "h'^{l−1}_{i'}): "
            "the sum over the weights w^l_{km} of layer l (here l = 2, n_1 = 3)",
            written=r"\frac{1}{n_{l-1}} \sum_{km} \nabla_{w_{km}^{l}} \left( \sum_{i} w_{ij}^{l} "
            r"h_{i}^{l-1} \right) "
            r"\nabla_{w_{km}^{l}} \left( \sum_{i'} w_{i'j'}^{l} h_{i'}^{\prime l-1} \right)",
        ),
        Step(
            sp.eye(2) * sp.Add(*(_h[i] * _hp[0] for i in range(3))) / _n1,
            "=",
            "∂(Σ_i w_{ij} h_i)/∂w_{km} = δ_{jm} h_k: only k = i = i′ and j = j′ = m survive",
            written=r"\delta_{jj'} \frac{1}{n_{l-1}} \sum_{i} h_{i}^{l-1} h_{i'}^{\prime l-1}",
            erratum=Erratum(
                sp.eye(2) * sp.Add(*(_h[i] * _hp[i] for i in range(3))) / _n1,
                "the slide sums h_i h'_{i'} over i with the primed factor still carrying the index i′ "
                "(checked "
                "with i′ = 1): the derivative sets k = i and k = i′, so both factors carry the same index, "
                "Σ_i h_i h'_i, as slide 19 then uses it",
            ),
        ),
    ],
    source=Source(SOURCE, "slide 18 (proof, step 1: finite network, contribution from the current layer)"),
    references=("jacot2018ntk",),
)

ntk_previous_layers = Derivation(
    id="s001-ntk-previous-layers",
    title="NTK proof, step 1: the contribution of the previous layers",
    kind="lemma",
    statement="∇_{w^{<l}} z^l_j ∇_{w^{<l}} z'^l_{j'} = (1/n_{l−1}) Σ_{ii'} w_{ij} w_{i'j'} φ̇(z_i) "
    "φ̇(z'_{i'}) Θ^{l−1}_{ii'}",
    start=_previous_layers,
    steps=[
        Step(
            lambda: sp.Matrix(
                2,
                2,
                lambda j, jp: sp.Add(
                    *(
                        (_W[j, i] * _phi_dot(_z[i]) / sp.sqrt(_n1))
                        * (_W[jp, ip] * _phi_dot(_zp[ip]) / sp.sqrt(_n1))
                        * NET.ntk("x", "x'", layer=1)[i, ip]
                        for i in range(3)
                        for ip in range(3)
                    )
                ),
            ),
            "=",
            "chain rule through z^{l−1}: ∂z^l_j/∂z^{l−1}_i = n_{l−1}^{−1/2} w^l_{ij} φ̇(z^{l−1}_i), and "
            "Θ^{l−1}_{ii'} = ∇_{w^{<l}} z^{l−1}_i ∇_{w^{<l}} z'^{l−1}_{i'} (the layer-(l−1) NTK of the same "
            "network)",
            written=r"\frac{1}{n_{l-1}} \sum_{ii'} w_{ij}^{l} w_{i'j'}^{l} \dot{\phi}(z_{i}^{l-1}) "
            r"\dot{\phi}(z_{i'}^{\prime l-1}) \Theta_{ii'}^{l-1}",
        ),
        Step(
            lambda: sp.Matrix(
                2,
                2,
                lambda j, jp: (
                    sp.Add(*(_W[j, i] * _W[jp, i] * _phi_dot(_z[i]) * _phi_dot(_zp[i]) for i in range(3)))
                    / _n1
                    * sp.Add(*(NET.input("x").vector()[k] * NET.input("x'").vector()[k] for k in range(2)))
                    / NET.n(0)
                ),
            ),
            "=",
            "Θ^{l−1}_{ii'} = δ_{ii'} Θ^{l−1}: exact for l − 1 = 1, where Θ^1_{ii'} = δ_{ii'} xᵀx'/n_0 "
            "(slide 18, "
            "first layer); for deeper layers it holds in the limit (the induction hypothesis of slide 19)",
            written=r"\Theta^{l-1}\frac{1}{n_{l-1}}\sum_i w_{ij}^l w_{ij'}^l \dot{\phi}(z_i^{l-1})"
            r"\dot{\phi}(z_i'^{l-1})",
        ),
    ],
    source=Source(SOURCE, "slides 18 and 19 (proof: contribution from previous layers)"),
    references=("jacot2018ntk",),
)

# ---------------------------------------------------------------------------------------------------------
# step 2: the limits (slide 19), by Monte Carlo over finite ReLU networks

n = sp.Symbol("n", positive=True, integer=True)
_EXPERIMENT = (
    "ReLU networks of depth 3 (two hidden layers of width n), 2 outputs, 4 inputs of the unit sphere"
)


def _convergence(seed: int):  # type: ignore[no-untyped-def]
    return kernel_convergence("relu", 3, widths=(64, 256, 1024), samples=10, seed=seed)


current_layer_limit = Derivation(
    id="s001-ntk-limit-current-layer",
    title="NTK proof, step 2: the limit of the current layer's contribution",
    kind="lemma",
    statement="δ_{jj'} (1/n_{l−1}) Σ_i h^{l−1}_i h'^{l−1}_i → δ_{jj'} Σ^l(x, x') as n_{l−1} → ∞",
    start=sp.Symbol(r"\frac{1}{n_{l-1}}\sum_{i}h_{i}^{l-1}h_{i}'^{l-1}"),
    steps=[
        Step(
            sp.Symbol(r"\Sigma^{l}(x,x')"),
            limit(n),
            "law of large numbers over the i.i.d. neurons i: ⟨h^{l−1} h'^{l−1}⟩ = Σ^l(x, x'); measured: the "
            f"empirical NNGP against Σ^(3), relative Frobenius error fitted against width, {_EXPERIMENT}",
            strategy=check_strategy(_convergence, quantity="nngp", exponent=-0.5),
            written=r"\delta_{jj'}\frac{1}{n_{l-1}}\sum_{i}h_{i}^{l-1}h_{i}'^{l-1}\underset{n_{l-1}"
            r"\rightarrow\infty}{\longrightarrow}\delta_{jj'}\Sigma^{l}(x,x')",
        ),
    ],
    source=Source(SOURCE, "slide 19 (proof, step 2: contribution from the current layer)"),
    references=("jacot2018ntk",),
)

ntk_limit = Derivation(
    id="s001-ntk-limit",
    title="NTK proof, step 2: the limit of the whole NTK",
    kind="theorem",
    statement="Θ̂^l_{jj'}(x, x') → δ_{jj'} Θ^l(x, x') as n_1, …, n_{l−1} → ∞",
    start=sp.Symbol(r"\hat{\Theta}^{l}_{jj'}(x,x')"),
    steps=[
        Step(
            sp.Symbol(r"\delta_{jj'}\Theta^{l}(x,x')"),
            limit(n),
            "the current layer gives δ_{jj'} Σ^l and the previous layers Θ^{l−1} (1/n_{l−1}) Σ_i w_ij w_ij' "
            "φ̇(z_i) φ̇(z'_i) → δ_{jj'} Θ^{l−1} ⟨φ̇(z^{l−1}) φ̇(z'^{l−1})⟩ (law of large numbers, "
            f"⟨w_ij w_ij'⟩ = δ_jj'); measured: the empirical NTK against Θ^(3) ⊗ Id, {_EXPERIMENT}",
            strategy=check_strategy(_convergence, quantity="ntk", exponent=-0.5),
            written=r"\underset{n_{l-1}\to\infty}{\longrightarrow}\Theta^{l-1}\langle "
            r"w_{ij}^lw_{ij'}^l\rangle"
            r"\langle\dot{\phi}(z^{l-1})\dot{\phi}(z'^{l-1})\rangle =\delta_{jj'}\Theta^{l-1}"
            r"\langle\dot{\phi}(z^{l-1})\dot{\phi}(z'^{l-1})\rangle",
        ),
    ],
    source=Source(SOURCE, "slide 19 (proof, step 2: contribution from previous layers)"),
    references=("jacot2018ntk",),
)

neuron_diagonal_limit = Derivation(
    id="s001-ntk-limit-neuron-diagonal",
    title="NTK at initialization: the limit is neuron diagonal",
    kind="lemma",
    statement="Θ̂^l_{jj'}(x, x') → 0 for j ≠ j' as n_1, …, n_{l−1} → ∞",
    start=sp.Symbol(r"\hat{\Theta}^{l}_{j \neq j'}(x,x')"),
    steps=[
        Step(
            sp.Integer(0),
            limit(n),
            f"the off-diagonal output blocks of the empirical NTK, relative to Θ^(3), {_EXPERIMENT}",
            strategy=check_strategy(_convergence, quantity="offdiag", exponent=-0.5),
        ),
    ],
    source=Source(SOURCE, "slides 17 and 19 (neuron diagonal δ_{jj'})"),
    references=("jacot2018ntk",),
)

# ---------------------------------------------------------------------------------------------------------
# the recursion as slide 17 states it, on the two-layer ReLU network (n_0 = 2)

_x1, _x2, _y1, _y2 = sp.symbols("x_1 x_2 x'_1 x'_2", real=True)
_S11, _S22, _S12 = (_x1**2 + _x2**2) / 2, (_y1**2 + _y2**2) / 2, (_x1 * _y1 + _x2 * _y2) / 2
_RELU = get_activation("relu").dual
assert _RELU is not None
_AT = {Q1: _S11, Q2: _S22, C: _S12}
SIGMA1 = _S12
SIGMA2 = _RELU.nngp().subs(_AT)
SIGMA_DOT2 = _RELU.ntk().subs(_AT)
_angle = sp.acos(_S12 / sp.sqrt(_S11 * _S22))
#: the two-layer ReLU NTK in closed form (Arora et al. 2019, eq. (4) with β = 0; Bietti and Mairal 2019)
CLOSED_FORM = sp.sqrt(_S11 * _S22) * (sp.sin(_angle) + 2 * (sp.pi - _angle) * sp.cos(_angle)) / (2 * sp.pi)

ntk_recursion = Derivation(
    id="s001-ntk-recursion",
    title="The NTK recursion of slide 17, on the two-layer ReLU network",
    kind="theorem",
    statement=sp.Eq(sp.Symbol(r"\Theta^{2}(x, x')"), CLOSED_FORM),
    start=SIGMA1 * SIGMA_DOT2 + SIGMA2,
    steps=[
        Step(
            SIGMA1 * SIGMA_DOT2 + SIGMA1,
            "=",
            "slide 17: Θ^{l+1} = Θ^l ⟨φ̇(z^l(x)) φ̇(z^l(x'))⟩ + Σ^l, here l = 1 with Θ^1 = Σ^1 = xᵀx'/n_0; "
            "the start "
            "is slide 19's limit Θ^1 ⟨φ̇φ̇⟩ + Σ^2 with the ReLU dual kernels of symntk.activations",
            written=r"\Theta^{l+1}(x,x') = \Theta^{l}(x,x') \langle \dot{\phi}(z^{l}(x)) "
            r"\dot{\phi}(z^{l}(x')) "
            r"\rangle + \Sigma^{l}(x,x')",
            erratum=Erratum(
                SIGMA1 * SIGMA_DOT2 + SIGMA2,
                "the last term is the covariance of the layer being built, Σ^{l+1} = ⟨φ(z^l(x)) φ(z^l(x'))⟩ "
                "(slide 19 finds the current layer's contribution → Σ^l for Θ^l, i.e. Σ^{l+1} for Θ^{l+1}); "
                "with Σ^l the two-layer ReLU NTK at x = x' would be (3/2) xᵀx/n_0 instead of xᵀx/n_0. The "
                "slide also writes the base case as Θ^l = Σ^l (read: Θ^1 = Σ^1) and 'δ_{ij'}' for δ_{jj'}",
            ),
        ),
        Step(
            CLOSED_FORM,
            "=",
            "the closed form of the two-layer ReLU NTK, √(Σ₁₁Σ₂₂)(sin θ + 2(π − θ) cos θ)/(2π) (Arora et al. "
            "2019), an independent reference for the corrected recursion",
        ),
    ],
    source=Source(SOURCE, "slide 17 (NTK at initialisation, theorem)"),
    references=("jacot2018ntk", "arora2019exact"),
)
