"""Theorem 1 (seed 002 §4): Θ^(L) → Θ^(L)_∞ ⊗ Id_{n_L} in probability as n_1, …, n_{L−1} → ∞ sequentially,
with Θ^(1)_∞ = Σ^(1) and Θ^(L+1)_∞ = Θ^(L)_∞ Σ̇^(L+1) + Σ^(L+1).

Seed 002, §4.1 (base case) and §4.2 (inductive step), in the seed's lines:

- base case (L = 1, widths (3, 2)): Θ_{kk′}(x, x′) = (1/n₀) Σ_{i≤n₀} Σ_{j≤n₁} x_i x′_i δ_{jk} δ_{jk′}
  + β² Σ_j δ_{jk} δ_{jk′} = (xᵀx′/n₀ + β²) δ_{kk′} = Σ^(1)(x, x′) δ_{kk′}: exact identities on the empirical
  NTK of :class:`symntk.network.Network` (*proved*);
- inductive step (widths (2, 3, 2), generic σ, so L = 1 → L + 1 = 2): the "SPLIT NTK" display, garbled by
  the conversion ("Σ_{LAST LAYER} ∂_θ f(x) ∂_θ f(x′) + Σ_{REST OF NETWORK} …", "= β² δ_kk′ …"), is
  reconstructed as Θ^(L+1) = (last layer's parameters) + (the rest θ̃), and the last layer's part as
  (1/n_L) σ(α̃^(L)(x))·σ(α̃^(L)(x′)) δ_{kk′} + β² δ_{kk′} (exact), which "gives Σ^(L+1)" in the limit; the
  chain rule ∂_{θ̃_p} f_k = n_L^{-1/2} Σ_i ∂_{θ̃_p} α̃^(L)_i σ̇(α̃^(L)_i) W_ik (the seed's W_ik has i in layer
  L: the transpose of the code's W^(L)); the rest's contribution
  (1/n_L) Σ_{i,i′} Θ^(L)_{ii′} σ̇ σ̇′ W_ik W_{i′k′}; the inductive hypothesis Θ^(L)_{ii′} → Θ^(L)_∞ δ_{ii′},
  exact at L = 1 (the base case) and so an equality here; "by the law of large numbers" →
  Θ^(L)_∞ Σ̇^(L+1) δ_{kk′};
- the limits by seeded Monte Carlo (σ = erf, β = 1/2, 4 points of the unit sphere in ℝ³, two outputs,
  widths 32, 128, 512, 8 networks each), the error's rate fitted over widths and claimed n^{-1/2}; the whole
  theorem at depth 3 by :func:`symntk.convergence.kernel_convergence` (the error of Θ̂ against Θ^(3) ⊗ Id,
  and the k ≠ k′ blocks).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symntk.check import Derivation, Source, Step, limit
from symntk.convergence import RateFit, check_strategy, fit_power_law, kernel_convergence, sphere_points
from symntk.empirical import Architecture, batches, ntk
from symntk.limits import kernels
from symntk.network import Network

BASE = Network((3, 2))
beta = BASE.beta
x, x_prime = BASE.input("x"), BASE.input("x'")
u, v = x.vector(), x_prime.vector()
n0 = BASE.n(0)
n0_value, n1_value = BASE.widths
SIGMA1 = (u.T * v)[0, 0] / n0 + beta**2
d = sp.KroneckerDelta


def _written_base_case(k: int, kp: int) -> sp.Expr:
    weights = sum(
        (u[i] * v[i] * d(j, k) * d(j, kp) for i in range(n0_value) for j in range(n1_value)), sp.Integer(0)
    )
    return weights / n0 + beta**2 * sum((d(j, k) * d(j, kp) for j in range(n1_value)), sp.Integer(0))


base_case = Derivation(
    id="s002-theorem1-base-case",
    title="Theorem 1, base case: Θ_kk'(x, x') = Σ^(1)(x, x') δ_kk'",
    kind="theorem",
    statement=sp.Eq(sp.Symbol("Theta^{(1)}(x, x')"), SIGMA1 * sp.eye(n1_value), evaluate=False),
    start=BASE.ntk(x, x_prime),
    steps=[
        Step(
            sp.Matrix(n1_value, n1_value, _written_base_case),
            "=",
            "the NTK is a sum over the entries of W^{(0)} and b^{(0)}: ∂f_k/∂W_{ji} = x_i δ_{jk}/√n₀, "
            "∂f_k/∂b_j = β δ_{jk}",
            written=r"\frac{1}{n_0} \sum_{i=1}^{n_0} \sum_{j=1}^{n_1} x_i x_i' \delta_{jk} \delta_{jk'} "
            r"+ \beta^2 \sum_{j=1}^{n_1} \delta_{jk} \delta_{jk'}",
        ),
        Step(
            (u.T * v)[0, 0] / n0 * sp.eye(n1_value) + beta**2 * sp.eye(n1_value),
            "=",
            "Σ_j δ_{jk} δ_{jk′} = δ_{kk′}",
            written=r"\frac{1}{n_0} x^T x' \delta_{kk'} + \beta^2 \delta_{kk'}",
        ),
        Step(
            SIGMA1 * sp.eye(n1_value),
            "=",
            "definition of Σ^{(1)}",
            written=r"\Sigma^{(1)}(x, x') \delta_{kk'}",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§4.1 Base case"),
    references=("jacot2018ntk",),
    notes="Widths (3, 2).",
)

NETWORK = Network((2, 3, 2))
xs, xs_prime = NETWORK.input("x"), NETWORK.input("x'")
n_L = NETWORK.n(1)
width, n_out = NETWORK.widths[1], NETWORK.widths[2]
hidden, hidden_prime = NETWORK.nodes(xs)[0], NETWORK.nodes(xs_prime)[0]
sigma = NETWORK.sigma
W = NETWORK.weights[1].T  # the seed's W^{(L)}_{ik}: i in layer L, k an output
PARTS = NETWORK.ntk(xs, xs_prime, by_layer=True)  # {0: the rest θ̃, 1: the last layer}
THETA_L = NETWORK.ntk(xs, xs_prime, layer=1)  # Θ^{(L)}_{ii′}(x, x′) of the smaller network
SIGMA1_L = (xs.vector().T * xs_prime.vector())[0, 0] / NETWORK.n(0) + NETWORK.beta**2
LOWER = NETWORK.parameters_below(1)
THETA_INF = sp.Symbol(r"\Theta^{(L)}_\infty(x, x')")
SIGMA_DOT = sp.Symbol(r"\dot\Sigma^{(L+1)}(x, x')")
SIGMA_NEXT = sp.Symbol(r"\Sigma^{(L+1)}(x, x')")
ACTIVATION, BETA_MC, WIDTHS, SAMPLES = "erf", 0.5, (32, 128, 512), 8
MC_HINT = "Monte Carlo: σ = erf, β = 1/2, depth 2, widths 32, 128, 512, 8 networks each; rate n^(-1/2)"


def part_error(part: str, seed: int, depth: int = 2) -> RateFit:
    """The relative error of one part of the empirical NTK against its limit, fitted over widths.

    ``part`` is "rest" (the parameters θ̃ below the last layer; limit Θ^{(L)}_∞ Σ̇^{(L+1)} = Θ^{(L+1)} −
    Σ^{(L+1)}) or "last" (the last layer; limit Σ^{(L+1)}); the parts are isolated by per-layer learning
    rates 0 or 1 in :func:`symntk.empirical.ntk`.
    """
    point_seed, *width_seeds = np.random.SeedSequence(seed % 2**32).spawn(len(WIDTHS) + 1)
    points = sphere_points(4, 3, point_seed)
    lim = kernels(points, activation=ACTIVATION, depth=depth, beta=BETA_MC)
    sigma_l, theta_l = np.asarray(lim.nngp, float), np.asarray(lim.ntk, float)
    target = np.einsum("ab,kl->akbl", theta_l - sigma_l if part == "rest" else sigma_l, np.eye(n_out))
    last = depth - 1
    rates = [((0.0, 0.0) if (layer == last) == (part == "rest") else (1.0, 1.0)) for layer in range(depth)]
    errors = []
    for n, child in zip(WIDTHS, width_seeds, strict=True):
        arch = Architecture.uniform(3, n, depth, ACTIVATION, output_dim=n_out, beta=BETA_MC)
        per = [
            np.linalg.norm(
                (ntk(net, points, layer_rates=rates) - target[None]).reshape(net.samples, -1), axis=1
            )
            / np.linalg.norm(target)
            for net in batches(arch, SAMPLES, child, n_inputs=len(points))
        ]
        errors.append(np.concatenate(per))
    return fit_power_law(WIDTHS, errors, label=f"‖Θ̂ ({part}) − limit ⊗ Id‖")


def _rest_sum(theta: object, diagonal: bool) -> sp.Matrix:
    def entry(k: int, kp: int) -> sp.Expr:
        pairs = (
            [(i, i) for i in range(width)]
            if diagonal
            else [(i, j) for i in range(width) for j in range(width)]
        )
        return (
            sp.Add(
                *(
                    theta(i, j) * sigma(hidden[i], 1) * sigma(hidden_prime[j], 1) * W[i, k] * W[j, kp]
                    for i, j in pairs
                )
            )
            / n_L
        )

    return sp.Matrix(n_out, n_out, entry)


act, act_prime = sp.Matrix([sigma(h) for h in hidden]), sp.Matrix([sigma(h) for h in hidden_prime])

split = Derivation(
    id="s002-theorem1-split",
    title="Theorem 1, inductive step: the NTK split into the last layer and the rest",
    kind="lemma",
    statement="Θ^{(L+1)}_{kk′} = Σ_{last layer} ∂_θ f_k(x) ∂_θ f_{k′}(x′) + Σ_{rest of network} ∂_θ f_k(x) "
    "∂_θ f_{k′}(x′), the last layer's part tending to Σ^{(L+1)}(x, x′) δ_{kk′}",
    start=NETWORK.ntk(xs, xs_prime),
    steps=[
        Step(
            PARTS[1] + PARTS[0],
            "=",
            "split the sum over parameters (display 'SPLIT NTK', garbled, reconstructed)",
            written=r"\sum_{\text{last layer}} \partial_\theta f_k(x) \partial_\theta f_{k'}(x') + "
            r"\sum_{\text{rest of network}} \partial_\theta f_k(x) \partial_\theta f_{k'}(x')",
        ),
        Step(
            ((act.T * act_prime)[0, 0] / n_L + NETWORK.beta**2) * sp.eye(n_out) + PARTS[0],
            "=",
            "the last layer's part 'has a form analogous to the base case': (1/n_L) α^{(L)}(x)·α^{(L)}(x′) "
            "δ_{kk′} + β² δ_{kk′}",
            written=r"\frac{1}{n_L} \alpha^{(L)}(x)^T \alpha^{(L)}(x') \delta_{kk'} + \beta^2 \delta_{kk'} "
            r"+ \sum_{\text{rest}} \ldots",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§4.2 Inductive step (SPLIT NTK)"),
    references=("jacot2018ntk",),
    notes="Widths (2, 3, 2), generic σ.",
)

last_layer_limit = Derivation(
    id="s002-theorem1-last-layer-limit",
    title="Theorem 1, inductive step: the last layer's part tends to Σ^(L+1) δ_kk'",
    kind="lemma",
    statement="the contribution of the last layer's parameters tends to Σ^{(L+1)}(x, x′) δ_{kk′}",
    start=PARTS[1],
    steps=[
        Step(
            ((act.T * act_prime)[0, 0] / n_L + NETWORK.beta**2) * sp.eye(n_out),
            "=",
            "∂f_k/∂W^{(L)}_{ik′′} = n_L^{-1/2} α_i δ_{kk′′}, ∂f_k/∂b_j = β δ_{jk}",
            written=r"\frac{1}{n_L} \alpha^{(L)}(x)^T \alpha^{(L)}(x') \delta_{kk'} + \beta^2 \delta_{kk'}",
        ),
        Step(
            SIGMA_NEXT * sp.eye(n_out),
            limit(n_L),
            "'just gives us Σ^{(L+1)}(x, x′)': Proposition 1 and the law of large numbers",
            strategy=check_strategy(lambda seed: part_error("last", seed), exponent=-0.5),
            hint=MC_HINT,
            written=r"\rightarrow \Sigma^{(L+1)}(x, x') \delta_{kk'}",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§4.2 Inductive step (last layer)"),
    references=("jacot2018ntk",),
    notes="Widths (2, 3, 2), generic σ.",
)

chain_rule = Derivation(
    id="s002-theorem1-chain-rule",
    title="Theorem 1, inductive step: the chain rule for the lower parameters",
    kind="lemma",
    statement="∂_{θ̃_p} f_k(x) = n_L^{-1/2} Σ_i ∂_{θ̃_p} α̃^{(L)}_i(x) σ̇(α̃^{(L)}_i(x)) W^{(L)}_{ik}",
    start=sp.Matrix(n_out, len(LOWER), lambda k, p: NETWORK.derivative(NETWORK.output(xs)[k], LOWER[p])),
    steps=[
        Step(
            sp.Matrix(
                n_out,
                len(LOWER),
                lambda k, p: (
                    sp.Add(
                        *(NETWORK.jacobian(xs, 1)[i, p] * sigma(hidden[i], 1) * W[i, k] for i in range(width))
                    )
                    / sp.sqrt(n_L)
                ),
            ),
            "=",
            "by the chain rule through the pre-activations α̃^{(L)}_i",
            written=r"\partial_{\tilde{\theta}_p} f_{\theta,k}(x) = \frac{1}{\sqrt{n_L}} \sum_{i=1}^{n_L} "
            r"\partial_{\tilde{\theta}_p} \tilde{\alpha}_i^{(L)}(x;\theta) "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(L)}(x;\theta)) W_{ik}^{(L)}",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§4.2 Inductive step (chain rule)"),
    references=("jacot2018ntk",),
    notes="Widths (2, 3, 2), generic σ; rows k, columns the 9 parameters of layer 0.",
)

rest_limit = Derivation(
    id="s002-theorem1-rest-limit",
    title="Theorem 1, inductive step: the rest's part tends to Θ^(L)_∞ Σ̇^(L+1) δ_kk'",
    kind="theorem",
    statement="the contribution of θ̃ to Θ^{(L+1)}_{kk′}(x, x′) tends to Θ^{(L)}_∞(x, x′) Σ̇^{(L+1)}(x, x′) "
    "δ_{kk′}",
    start=PARTS[0],
    steps=[
        Step(
            _rest_sum(lambda i, j: THETA_L[i, j], diagonal=False),
            "=",
            "the chain rule for ∂_{θ̃_p} f_k(x) and ∂_{θ̃_p} f_{k′}(x′), summed over p: Θ^{(L)}_{ii′} appears",
            written=r"\frac{1}{n_L} \sum_{i,i'=1}^{n_L} \Theta_{ii'}^{(L)}(x,x') "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(L)}(x;\theta)) "
            r"\dot{\sigma}(\tilde{\alpha}_{i'}^{(L)}(x';\theta)) "
            r"W_{ik}^{(L)} W_{i'k'}^{(L)}",
        ),
        Step(
            _rest_sum(lambda i, j: SIGMA1_L, diagonal=True),
            "=",
            "the inductive hypothesis Θ^{(L)}_{ii′} → Θ^{(L)}_∞ δ_{ii′}; at L = 1 it is the base case, exact "
            "at "
            "every width (Θ^{(1)}_∞ = Σ^{(1)}), so the seed's '→' is an equality here",
            written=r"\rightarrow \frac{1}{n_L} \sum_{i=1}^{n_L} \Theta_{\infty}^{(L)}(x,x') "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(L)}(x;\theta)) \dot{\sigma}(\tilde{\alpha}_i^{(L)}(x';\theta)) "
            r"W_{ik}^{(L)} W_{ik'}^{(L)}",
        ),
        Step(
            THETA_INF * SIGMA_DOT * sp.eye(n_out),
            limit(n_L),
            "the α̃^{(L)}_i are i.i.d. by Proposition 1: by the law of large numbers the average tends to "
            "its "
            "expectation, Θ^{(L)}_∞ E[σ̇(f(x))σ̇(f(x′))] E[W_{ik}W_{ik′}] = Θ^{(L)}_∞ Σ̇^{(L+1)} δ_{kk′}",
            strategy=check_strategy(lambda seed: part_error("rest", seed), exponent=-0.5),
            hint=MC_HINT,
            written=r"\rightarrow \Theta_{\infty}^{(L)}(x, x') \dot{\Sigma}^{(L+1)}(x, x') \delta_{kk'}",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§4.2 Inductive step (rest of the network)"),
    references=("jacot2018ntk",),
    notes="Finite-width steps: widths (2, 3, 2), generic σ, L = 1.",
)

n_hidden = sp.Symbol("n", positive=True, integer=True)

theorem1 = Derivation(
    id="s002-theorem1",
    title="Theorem 1: Θ^(L) → Θ^(L)_∞ ⊗ Id_{n_L}",
    kind="theorem",
    statement="as n_1, …, n_{L−1} → ∞, Θ^{(L)} converges in probability to Θ^{(L)}_∞ ⊗ Id_{n_L}",
    start=sp.Symbol(r"\Theta^{(L)}(x, x')"),
    steps=[
        Step(
            sp.Symbol(r"\Theta^{(L)}_\infty(x, x') \otimes Id_{n_L}"),
            limit(n_hidden),
            "the base case and the inductive step (the sum of the two parts' limits is Θ^{(L+1)}_∞); checked "
            "at depth 3 on all hidden widths n at once",
            strategy=check_strategy(
                lambda seed: kernel_convergence(
                    ACTIVATION, 3, BETA_MC, widths=WIDTHS, samples=SAMPLES, seed=seed
                ),
                quantity="ntk",
                exponent=-0.5,
            ),
            hint="Monte Carlo: σ = erf, β = 1/2, depth 3, widths 32, 128, 512, 8 networks each; rate "
            "n^(-1/2)",
            written=r"\Theta^{(L)} \rightarrow \Theta^{(L)}_{\infty} \otimes Id_{n_L}",
        ),
        Step(
            sp.Symbol(r"\Theta^{(L)}_\infty(x, x') \otimes Id_{n_L}"),
            limit(n_hidden),
            "the blocks k ≠ k′ vanish in the limit (the ⊗ Id_{n_L} structure)",
            strategy=check_strategy(
                lambda seed: kernel_convergence(
                    ACTIVATION, 3, BETA_MC, widths=WIDTHS, samples=SAMPLES, seed=seed
                ),
                quantity="offdiag",
                exponent=-0.5,
            ),
            hint="the same networks: ‖Θ̂_{k≠k′}‖ against width, rate n^(-1/2)",
            written=r"\Theta^{(L)}_{kk'} \rightarrow 0 \quad (k \neq k')",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§4.2 Inductive step: Theorem 1 concluded"),
    references=("jacot2018ntk",),
)
