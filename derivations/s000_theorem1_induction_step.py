"""Theorem 1, induction step: Θ^{(l+1)}_{kk′} → (Θ^{(l)}_∞ Σ̇^{(l+1)} + Σ^{(l+1)}) δ_{kk′}, in two parts.

Seed 000 ("NTK deduce"), section "Proof of Theorem 1", steps ② and ③. The parameters θ split into those of
the first l layers (θ̃), giving the *first part* of Θ^{(l+1)}_{kk′}(x, x′), and those of layer l
(w^{(l)}, b^{(l)}), giving the *second part*:

- first part = (1/n_l) Σ_{i,i′} Θ^{(l)}_{ii′}(x, x′) σ̇(α̃_i(x)) σ̇(α̃_{i′}(x′)) w_{ik} w_{i′k′}
  → (1/n_l) Σ_i Θ^{(l)}_∞(x, x′) σ̇(α̃_i(x)) σ̇(α̃_i(x′)) w_{ik} w_{ik′}   (induction hypothesis)
  → Θ^{(l)}_∞(x, x′) Σ̇^{(l+1)}(x, x′) δ_{kk′}                             ("by the central limit theorem");
- second part = (∂f(x′)/∂w^{(l)})ᵀ(∂f(x)/∂w^{(l)}) + (∂f(x′)/∂b^{(l)})ᵀ(∂f(x)/∂b^{(l)}) → Σ^{(l+1)} δ_{kk′};
- and the result, Θ^{(l+1)} → Θ^{(l+1)}_∞ ⊗ Id_{n_L}, "is now obvious".

Finite-width steps are exact identities on :class:`symntk.network.Network` with widths (2, 3, 2), so l = 1,
and a generic σ (*proved*): the first part and the second part are the contributions of the parameters of
layer 0 and layer 1 to the NTK computed from its definition, and Θ^{(l)}_{ii′} the NTK of the smaller
network, also from its definition. At l = 1 the induction hypothesis holds exactly at every width
(Θ^{(1)}_{ii′} = Σ^{(1)} δ_{ii′}, the base case), so the seed's first "→" is an equality there and is checked
as one; for l ≥ 2 it is a limit over the lower widths, checked by Monte Carlo at l = 2 (depth 3) in
``first_part_deep``: the gap between the first part and (1/n_l) Σ_i Θ^{(l)}_∞ σ̇ σ̇ w_{ik} w_{ik′}, on the
same networks, must fall as n^{-1/2} (with Θ^{(1)}_∞ or Θ^{(3)}_∞ in the sum it does not: see the tests).

The limits are checked by Monte Carlo over finite-width networks (σ = erf, Lipschitz with a bounded second
derivative as the seed assumes; β = 1/2; four points of the unit sphere in ℝ³; two outputs; hidden widths
32, 128, 512 with 8 independent networks each): the relative Frobenius error of each part of the empirical
NTK (:func:`symntk.empirical.ntk` with per-layer learning rates 0 or 1 to isolate a part) against its limit
from :mod:`symntk.limits` (first part (Θ^{(L)} − Σ^{(L)}) ⊗ Id = Θ^{(L−1)} Σ̇^{(L)} ⊗ Id, second part
Σ^{(L)} ⊗ Id), with the rate fitted over the independent networks, which must be consistent with n^{-1/2}.
As in Proposition 1, the convergence of an average of i.i.d. terms to its mean is the law of large numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from symntk.activations import get_activation
from symntk.check import Derivation, Source, Step, limit
from symntk.convergence import RateFit, check_strategy, fit_power_law, kernel_convergence, sphere_points
from symntk.empirical import Architecture, batches, forward, ntk
from symntk.limits import kernels
from symntk.network import Network

NETWORK = Network((2, 3, 2))
LAYER = 1  # l: f = α̃^{(l+1)}
x, x_prime = NETWORK.input("x"), NETWORK.input("x'")
beta = NETWORK.beta
nodes, nodes_prime = NETWORK.nodes(x)[LAYER - 1], NETWORK.nodes(x_prime)[LAYER - 1]
width, n_out = len(nodes), NETWORK.widths[-1]
n_l = NETWORK.n(LAYER)
w = NETWORK.weights[LAYER].T  # the seed's w^{(l)}_{ik}
sigma = NETWORK.sigma
PARTS = NETWORK.ntk(x, x_prime, by_layer=True)  # {0: first part (θ̃), 1: second part (w^{(l)}, b^{(l)})}
THETA_L = NETWORK.ntk(x, x_prime, layer=LAYER)  # Θ^{(l)}_{ii′}(x, x′) of the smaller network
SIGMA1 = (x.vector().T * x_prime.vector())[0, 0] / NETWORK.n(0) + beta**2  # Θ^{(1)}_∞ = Σ^{(1)}

#: limits, as symbols for display (the Monte Carlo computes them)
THETA_INF = sp.Symbol(r"\Theta^{(l)}_\infty(x, x')")
SIGMA_DOT = sp.Symbol(r"\dot\Sigma^{(l+1)}(x, x')")
SIGMA_NEXT = sp.Symbol(r"\Sigma^{(l+1)}(x, x')")
n_hidden = sp.Symbol("n", positive=True, integer=True)  # n_1 = … = n_{L−1} = n in the Monte Carlo

ACTIVATION, BETA_MC, WIDTHS, SAMPLES = "erf", 0.5, (32, 128, 512), 8


def part_convergence(depth: int, part: str, seed: int, target: str | None = None) -> RateFit:
    """The relative error of one part of the empirical NTK against a limit, fitted over widths.

    ``part`` is "first" (parameters below the last layer), "second" (the last layer's parameters) or "whole";
    ``target`` names the limit it is compared with (by default the part's own limit; another one is a
    mutant that must come out refuted).
    """
    root = np.random.SeedSequence(seed % 2**32)
    point_seed, *width_seeds = root.spawn(len(WIDTHS) + 1)
    xs = sphere_points(4, 3, point_seed)
    limits = kernels(xs, activation=ACTIVATION, depth=depth, beta=BETA_MC)
    sigma_l, theta_l = np.asarray(limits.nngp, float), np.asarray(limits.ntk, float)
    target_kernel = {"first": theta_l - sigma_l, "second": sigma_l, "whole": theta_l}[target or part]
    target_id = np.einsum("ab,kl->akbl", target_kernel, np.eye(n_out))
    rates = [
        (0.0, 0.0) if (part == "first") == (layer == depth - 1) else (1.0, 1.0) for layer in range(depth)
    ]
    if part == "whole":
        rates = [(1.0, 1.0)] * depth
    errors = []
    for n, child in zip(WIDTHS, width_seeds, strict=True):
        arch = Architecture.uniform(3, n, depth, ACTIVATION, output_dim=n_out, beta=BETA_MC)
        per_width = []
        for net in batches(arch, SAMPLES, child, n_inputs=len(xs)):
            theta = ntk(net, xs, layer_rates=rates)
            diff = (theta - target_id[None]).reshape(net.samples, -1)
            per_width.append(np.linalg.norm(diff, axis=1) / np.linalg.norm(target_id))
        errors.append(np.concatenate(per_width))
    return fit_power_law(WIDTHS, errors, label=f"‖Θ̂ ({part} part) − limit ⊗ Id‖")


def _experiment(depth: int, part: str) -> Callable[[int], RateFit]:
    return lambda seed: part_convergence(depth, part, seed)


def _first_part_sum(theta: Callable[[int, int], sp.Expr], diagonal: bool) -> sp.Matrix:
    def entry(k: int, kp: int) -> sp.Expr:
        pairs = (
            [(i, i) for i in range(width)]
            if diagonal
            else [(i, j) for i in range(width) for j in range(width)]
        )
        return (
            sp.Add(
                *(
                    theta(i, j) * sigma(nodes[i], 1) * sigma(nodes_prime[j], 1) * w[i, k] * w[j, kp]
                    for i, j in pairs
                )
            )
            / n_l
        )

    return sp.Matrix(n_out, n_out, entry)


MC_HINT = "Monte Carlo: σ = erf, β = 1/2, depth 2, widths 32, 128, 512, 8 networks each; rate n^(-1/2)"

first_part = Derivation(
    id="s000-theorem1-induction-first-part",
    title="Theorem 1, induction step: the first part of the kernel",
    kind="theorem",
    statement="the contribution of the first l layers' parameters to Θ^{(l+1)}_{kk′}(x, x′) tends to "
    "Θ^{(l)}_∞(x, x′) Σ̇^{(l+1)}(x, x′) δ_{kk′}",
    start=PARTS[0],
    steps=[
        Step(
            _first_part_sum(lambda i, j: THETA_L[i, j], diagonal=False),
            "=",
            "the inner product of ∂f_k(x)/∂θ̃_p and ∂f_{k′}(x′)/∂θ̃_p, each by the chain-rule lemma",
            written=r"\frac{1}{n_l} \sum_{i=1, i'=1}^{n_l} \theta_{ii'}^{(l)}(x, x') "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(l)}(x; \theta)) "
            r"\dot{\sigma}(\tilde{\alpha}_{i'}^{(l)}(x'; \theta)) "
            r"w_{ik}^{(l)} w_{i'k'}^{(l)}",
        ),
        Step(
            _first_part_sum(lambda i, j: SIGMA1, diagonal=True),
            "=",
            "by the assumption of the induction, Θ^{(l)}_{ii′} → Θ^{(l)}_∞ δ_{ii′}; at l = 1 this is the "
            "base case, exact at every width (Θ^{(1)}_∞ = Σ^{(1)}), so the seed's '→' is an equality here",
            written=r"\rightarrow \frac{1}{n_l} \sum_{i=1}^{n_l} \theta_{\infty}^{(l)}(x, x') "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(l)}(x; \theta)) "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(l)}(x'; \theta)) "
            r"w_{ik}^{(l)} w_{ik'}^{(l)}",
        ),
        Step(
            THETA_INF * SIGMA_DOT * sp.eye(n_out),
            limit(n_l),
            "by the central limit theorem (strictly, the law of large numbers: E[w_{ik} w_{ik′}] = δ_{kk′} "
            "and E[σ̇σ̇] = Σ̇^{(l+1)})",
            strategy=check_strategy(_experiment(2, "first"), exponent=-0.5),
            hint=MC_HINT,
            written=r"\rightarrow \Theta_{\infty}^{(l)}(x, x') \dot{\Sigma}^{(l+1)}(x, x') \delta_{kk'}",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 3 ③, the first part of the kernel"),
    references=("jacot2018ntk",),
    notes="Finite-width steps: widths (2, 3, 2), generic σ, l = 1.",
)


def hypothesis_convergence(seed: int, hypothesis_depth: int = 2) -> RateFit:
    """The seed's first "→" at l = 2 (depth 3, n₁ = n₂ = n): the first part of Θ^{(3)}_{kk′} against
    (1/n₂) Σ_i Θ^{(2)}_∞(x, x′) σ̇(α̃^{(2)}_i(x)) σ̇(α̃^{(2)}_i(x′)) w_{ik} w_{ik′} on the same network.

    The error is relative to the limit (Θ^{(3)}_∞ − Σ^{(3)}) ⊗ Id of the first part. ``hypothesis_depth``
    names the kernel Θ^{(·)}_∞ put in the sum: 2 is the seed's; another one is a mutant to be refuted.
    """
    depth = 3
    root = np.random.SeedSequence(seed % 2**32)
    point_seed, *width_seeds = root.spawn(len(WIDTHS) + 1)
    xs = sphere_points(4, 3, point_seed)
    theta_hyp = np.asarray(
        kernels(xs, activation=ACTIVATION, depth=hypothesis_depth, beta=BETA_MC).ntk, float
    )
    top = kernels(xs, activation=ACTIVATION, depth=depth, beta=BETA_MC)
    scale = np.linalg.norm(np.asarray(top.ntk, float) - np.asarray(top.nngp, float)) * np.sqrt(n_out)
    sigma_dot = get_activation(ACTIVATION).numpy_derivative
    errors = []
    for n, child in zip(WIDTHS, width_seeds, strict=True):
        arch = Architecture.uniform(3, n, depth, ACTIVATION, output_dim=n_out, beta=BETA_MC)
        per_width = []
        for net in batches(arch, SAMPLES, child, n_inputs=len(xs)):
            first = ntk(net, xs, layer_rates=[(1.0, 1.0), (1.0, 1.0), (0.0, 0.0)])
            slopes = sigma_dot(forward(net, xs).preactivations[depth - 2])  # σ̇(α̃^{(2)}_i(x)), (S, N, n)
            w = net.weights[depth - 1]  # (S, n_L, n): w_{ik} of the seed is w[:, k, i]
            mean = np.einsum("sai,sbi,ski,sli->sakbl", slopes, slopes, w, w) / n
            intermediate = theta_hyp[None, :, None, :, None] * mean
            diff = (first - intermediate).reshape(net.samples, -1)
            per_width.append(np.linalg.norm(diff, axis=1) / scale)
        errors.append(np.concatenate(per_width))
    return fit_power_law(WIDTHS, errors, label="‖first part − (1/n) Σ_i Θ_∞ σ̇σ̇ w w‖")


MC_HINT_DEEP = "Monte Carlo: σ = erf, β = 1/2, depth 3 (n₁ = n₂ = n), widths 32, 128, 512, 8 networks each"
FIRST_PART = sp.Symbol(r"\Theta^{(l+1)}_{kk'}(x, x')\ (\text{first part})")
INTERMEDIATE = sp.Symbol(
    r"\frac{1}{n_l} \sum_{i=1}^{n_l} \Theta_{\infty}^{(l)}(x, x') \dot{\sigma}(\tilde{\alpha}_i^{(l)}(x)) "
    r"\dot{\sigma}(\tilde{\alpha}_i^{(l)}(x')) w_{ik}^{(l)} w_{ik'}^{(l)}"
)

first_part_deep = Derivation(
    id="s000-theorem1-induction-first-part-deep",
    title="Theorem 1, induction step: the first part of the kernel at l = 2",
    kind="theorem",
    statement="at l = 2, where the induction hypothesis is itself a limit, the first part of Θ^{(l+1)}_{kk′} "
    "tends to Θ^{(l)}_∞ Σ̇^{(l+1)} δ_{kk′}",
    start=FIRST_PART,
    steps=[
        Step(
            INTERMEDIATE,
            limit(n_hidden),
            "by the assumption of the induction, Θ^{(l)}_{ii′} → Θ^{(l)}_∞ δ_{ii′}: the difference of the "
            "two sides, measured on the same networks, falls as n^{-1/2}",
            strategy=check_strategy(hypothesis_convergence, exponent=-0.5),
            hint=MC_HINT_DEEP + "; the gap between the two sides, relative to the limit, at rate n^(-1/2)",
            written=r"\rightarrow \frac{1}{n_l} \sum_{i=1}^{n_l} \theta_{\infty}^{(l)}(x, x') "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(l)}(x; \theta)) "
            r"\dot{\sigma}(\tilde{\alpha}_i^{(l)}(x'; \theta)) w_{ik}^{(l)} w_{ik'}^{(l)}",
        ),
        Step(
            THETA_INF * SIGMA_DOT * sp.KroneckerDelta(*sp.symbols("k k'", integer=True)),
            limit(n_hidden),
            "by the central limit theorem (strictly, the law of large numbers); checked on the first part "
            "itself against its limit (Θ^{(3)}_∞ − Σ^{(3)}) ⊗ Id = Θ^{(2)}_∞ Σ̇^{(3)} ⊗ Id",
            strategy=check_strategy(_experiment(3, "first"), exponent=-0.5),
            hint=MC_HINT_DEEP + "; rate n^(-1/2)",
            written=r"\rightarrow \Theta_{\infty}^{(l)}(x, x') \dot{\Sigma}^{(l+1)}(x, x') \delta_{kk'}",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 3 ③, the first part of the kernel"),
    references=("jacot2018ntk",),
    notes="Monte Carlo only: at l = 2 no step is an exact identity.",
)


weights = [p for p in NETWORK.weights[LAYER]]
biases = list(NETWORK.biases[LAYER])


def _grad(inputs: object, block: list[sp.Symbol]) -> sp.Matrix:
    f = NETWORK.output(inputs)
    return sp.Matrix(len(block), n_out, lambda p, k: NETWORK.derivative(f[k], block[p]))


second_part = Derivation(
    id="s000-theorem1-induction-second-part",
    title="Theorem 1, induction step: the second part of the kernel",
    kind="theorem",
    statement="the contribution of the parameters of layer l to Θ^{(l+1)}_{kk′}(x, x′) tends to "
    "Σ^{(l+1)}(x, x′) δ_{kk′}",
    start=PARTS[1],
    steps=[
        Step(
            _grad(x_prime, weights).T * _grad(x, weights) + _grad(x_prime, biases).T * _grad(x, biases),
            "=",
            "split the parameters of layer l into w^{(l)} and b^{(l)}",
            written=r"\left(\frac{\partial f(x'; \theta)}{\partial w^{(l)}}\right)^T "
            r"\left(\frac{\partial f(x; \theta)}{\partial w^{(l)}}\right) + "
            r"\left(\frac{\partial f(x'; \theta)}{\partial b^{(l)}}\right)^T "
            r"\left(\frac{\partial f(x; \theta)}{\partial b^{(l)}}\right)",
        ),
        Step(
            SIGMA_NEXT * sp.eye(n_out),
            limit(n_l),
            "similarly as the base case: the first part is (1/n_l) σ(α̃^{(l)}(x))ᵀσ(α̃^{(l)}(x′)) δ_{kk′}, "
            "which tends to (Σ^{(l+1)} − β²) δ_{kk′} by Proposition 1, and the bias gives β² δ_{kk′}",
            strategy=check_strategy(_experiment(2, "second"), exponent=-0.5),
            hint=MC_HINT,
            written=r"\rightarrow \Sigma^{(l+1)} \delta_{kk'}",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 3 ③, the second part of the kernel"),
    references=("jacot2018ntk",),
    notes="Finite-width step: widths (2, 3, 2), generic σ, l = 1.",
)

THETA_NEXT = sp.Symbol(r"\Theta^{(L)}_\infty(x, x')")

theorem1 = Derivation(
    id="s000-theorem1",
    title="Theorem 1: the NTK tends to a deterministic kernel times the identity",
    kind="theorem",
    statement="as n_1, …, n_{L−1} → ∞, the NTK Θ^{(L)} converges in probability to Θ^{(L)}_∞ ⊗ Id_{n_L}, "
    "with Θ^{(1)}_∞ = Σ^{(1)} and Θ^{(L+1)}_∞ = Θ^{(L)}_∞ Σ̇^{(L+1)} + Σ^{(L+1)}",
    start=NETWORK.ntk(x, x_prime),
    steps=[
        Step(
            PARTS[0] + PARTS[1],
            "=",
            "the kernel is the sum of its first part (parameters of the first l layers) and its second part "
            "(parameters of layer l)",
            written=r"\Theta^{(l+1)}_{kk'} = (\text{first part}) + (\text{second part})",
        ),
        Step(
            THETA_NEXT * sp.eye(n_out),
            limit(n_hidden),
            "'the result is now obvious': the two limits add up to "
            "(Θ^{(l)}_∞ Σ̇^{(l+1)} + Σ^{(l+1)}) δ_{kk′}; checked on the whole kernel at depth L = 3, where "
            "the induction hypothesis is itself a limit",
            strategy=check_strategy(
                lambda seed: kernel_convergence(
                    ACTIVATION, 3, beta=BETA_MC, widths=WIDTHS, samples=SAMPLES, seed=seed % 2**32
                ),
                quantity="ntk",
                exponent=-0.5,
            ),
            hint="Monte Carlo: σ = erf, β = 1/2, depth 3 (n_1 = n_2 = n), widths 32, 128, 512, "
            "8 networks each; rate n^(-1/2)",
            written=r"\Theta^{(L)} \rightarrow \Theta_{\infty}^{(L)} \otimes Id_{n_L}",
        ),
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, step 3 ③ ('the result is now obvious')"),
    references=("jacot2018ntk",),
    notes="Finite-width step: widths (2, 3, 2), generic σ. Limit: Monte Carlo at depth 3.",
)
