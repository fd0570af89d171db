"""§9 "NTK solution for least squares regression", which seed 002 leaves as "Comming soon..": completed.

With the square loss 𝓛 = (1/M) Σ_a ½ (f(x_a) − y_a)² on M training points and the NTK constant during
training (Theorem 2), the kernel gradient of §2.1 gives the linear ODE on the training outputs
f_t = f_t(X) ∈ ℝ^M (scalar output):

    ∂_t f_t = −(1/M) Θ (f_t − Y),        Θ = Θ(X, X),

solved by f_t = Y + e^{−tΘ/M} (f_0 − Y); at any input x, ∂_t f_t(x) = −(1/M) Θ(x, X)(f_t − Y), so

    f_t(x) = f_0(x) + Θ(x, X) Θ^{-1} (e^{−tΘ/M} − I)(f_0 − Y)  →  f_0(x) − Θ(x, X) Θ^{-1} (f_0 − Y)  (t → ∞),

kernel regression on the residual at initialization (Jacot et al. 2018 §5; Lee et al. 2019, the seed's [3]).

Checked here: the ODE from the loss (the cost differentiated by SymPy), that both closed forms satisfy their
ODEs and initial conditions (M = 2 points; Θ = V Λ Vᵀ, every positive definite 2 × 2 matrix, with V the
rotation by a free angle in rational form and λ₁, λ₂ > 0, so that e^{−tΘ/M} = V e^{−tΛ/M} Vᵀ; the
derivatives by SymPy: *proved*), the limit
t → ∞, and the prediction against training wide networks: full-batch gradient descent of erf networks of
depth 2 (:func:`symntk.convergence.training_convergence`: 6 points of the circle, 100 steps at half the
largest stable rate, 4 networks per width 64, 256, 1024), whose test outputs are compared with the kernel
prediction from each network's own Θ_0 at every recorded step. Gradient descent with step η is compared with
the discrete form of the same solution, (I − ηΘ/M)^k in place of e^{−tΘ/M} (its limit as η → 0 with ηk = t),
so that the gap measures the width alone: sup_t |f_t(x) − f^lin_t(x)| decays with the width (claimed
O(n^{-1/2}) as an upper bound).
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step, limit, order
from symntk.convergence import check_strategy, training_convergence

M = 2
lam = sp.symbols("lambda_1:3", positive=True)  # the eigenvalues of Θ(X, X)
u = sp.Symbol("u", real=True)  # the eigenvectors' angle, rationally: (cos, sin) = ((1 − u²), 2u)/(1 + u²)
V = sp.Matrix([[1 - u**2, -2 * u], [2 * u, 1 - u**2]]) / (1 + u**2)  # orthogonal for every u
THETA = V * sp.diag(*lam) * V.T  # Θ(X, X): every positive definite 2 × 2 matrix is of this form
t = sp.Symbol("t", nonnegative=True)
f0 = sp.Matrix(sp.symbols("f0_1:3", real=True))
Y = sp.Matrix(sp.symbols("y_1:3", real=True))
EXP = V * sp.diag(*[sp.exp(-t * v / M) for v in lam]) * V.T  # e^{−tΘ/M} through Θ = V Λ Vᵀ
F_T = Y + EXP * (f0 - Y)  # the closed form on the training set

# the ODE from the loss: 𝓛 = (1/M) Σ_a ½ (f_a − y_a)², ∂_t f = −Θ ∂_f 𝓛 (§2.1)
phi = sp.Matrix(sp.symbols("phi_1:3", real=True))
LOSS = sum(((phi[a] - Y[a]) ** 2 for a in range(M)), sp.Integer(0)) / (2 * M)
GRAD_F = sp.Matrix([sp.diff(LOSS, v) for v in phi])

ode = Derivation(
    id="s002-least-squares-ode",
    title="§9: the linear ODE of least squares in the NTK regime",
    kind="lemma",
    statement="with the square loss and a constant kernel, ∂_t f_t = −(1/M) Θ(X, X)(f_t − Y)",
    start=-THETA * GRAD_F,
    steps=[
        Step(
            -THETA * (phi - Y) / M,
            "=",
            "the kernel gradient ∂_t f = −Θ ∂_f 𝓛 (§2.1) with ∂_f 𝓛 = (f − Y)/M",
            written=r"\partial_t f_t = -\frac{1}{M} \Theta (f_t - Y)",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§9 NTK solution for least squares regression (completed)"),
    references=("jacot2018ntk", "lee2019wide"),
    notes="M = 2 training points, scalar output; φ stands for f_t.",
)

training_solution = Derivation(
    id="s002-least-squares-training-solution",
    title="§9: f_t = Y + e^(−tΘ/M)(f_0 − Y) on the training set",
    kind="theorem",
    statement="the solution of ∂_t f_t = −(1/M) Θ (f_t − Y) with f_t = f_0 at t = 0 is f_t = Y + "
    "e^{−tΘ/M}(f_0 − Y)",
    start=F_T.diff(t),
    steps=[
        Step(
            -THETA * EXP * (f0 - Y) / M,
            "=",
            "∂_t e^{−tΘ/M} = −(1/M) Θ e^{−tΘ/M}",
            written=r"\partial_t f_t = -\frac{1}{M} \Theta e^{-t\Theta/M} (f_0 - Y)",
        ),
        Step(
            -THETA * (F_T - Y) / M,
            "=",
            "e^{−tΘ/M}(f_0 − Y) = f_t − Y: the closed form satisfies the ODE",
            written=r"= -\frac{1}{M} \Theta (f_t - Y)",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§9 NTK solution for least squares regression (completed)"),
    references=("jacot2018ntk", "lee2019wide"),
    notes="M = 2, Θ = V Λ Vᵀ positive definite (V a rotation by a free angle, λ₁, λ₂ > 0).",
)

initial_condition = Derivation(
    id="s002-least-squares-initial-condition",
    title="§9: the closed form starts at f_0",
    kind="remark",
    statement="at t = 0, Y + e^{0}(f_0 − Y) = f_0",
    start=F_T.subs(t, 0),
    steps=[Step(f0, "=", "e^{0} = I", written=r"f_0")],
    source=Source("002_086f346ea6a82670.txt", "§9 NTK solution for least squares regression (completed)"),
    references=("jacot2018ntk",),
)

k_test = sp.Matrix([[sp.Symbol("Theta_x1", real=True), sp.Symbol("Theta_x2", real=True)]])
f0_x = sp.Symbol("f0_x", real=True)
THETA_INV = V * sp.diag(*[1 / v for v in lam]) * V.T  # Θ^{-1} = V Λ^{-1} Vᵀ
G_T = sp.Matrix([[f0_x]]) + k_test * THETA_INV * (EXP - sp.eye(M)) * (f0 - Y)  # f_t(x)

test_solution = Derivation(
    id="s002-least-squares-test-solution",
    title="§9: predictions at a test point, f_t(x) = f_0(x) + Θ(x, X) Θ^(-1) (e^(−tΘ/M) − I)(f_0 − Y)",
    kind="theorem",
    statement="∂_t f_t(x) = −(1/M) Θ(x, X)(f_t − Y) with f_t(x) = f_0(x) at t = 0 is solved by "
    "f_t(x) = f_0(x) + Θ(x, X) Θ^{-1} (e^{−tΘ/M} − I)(f_0 − Y)",
    start=G_T.diff(t),
    steps=[
        Step(
            -k_test * (F_T - Y) / M,
            "=",
            "Θ^{-1} ∂_t e^{−tΘ/M} = −(1/M) e^{−tΘ/M}, and e^{−tΘ/M}(f_0 − Y) = f_t − Y",
            written=r"\partial_t f_t(x) = -\frac{1}{M} \Theta(x, X) (f_t - Y)",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§9 NTK solution for least squares regression (completed)"),
    references=("jacot2018ntk", "lee2019wide"),
    notes="M = 2; the initial condition f_t(x) = f_0(x) at t = 0 holds since e^{0} − I = 0.",
)

T_LIMIT = sp.Matrix([[f0_x]]) - k_test * THETA_INV * (f0 - Y)

long_time = Derivation(
    id="s002-least-squares-long-time",
    title="§9: as t → ∞, kernel regression on the residual",
    kind="remark",
    statement="f_t(x) → f_0(x) − Θ(x, X) Θ^{-1} (f_0 − Y) as t → ∞ (and f_t → Y on the training set)",
    start=G_T[0, 0].subs(u, 0),
    steps=[
        Step(
            T_LIMIT[0, 0].subs(u, 0),
            limit(t),
            "e^{−tΘ/M} → 0 for Θ positive definite",
            written=r"f_\infty(x) = f_0(x) - \Theta(x, X) \Theta^{-1} (f_0 - Y)",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§9 NTK solution for least squares regression (completed)"),
    references=("jacot2018ntk", "lee2019wide"),
    notes="M = 2, in Θ's eigenbasis (u = 0, Θ = Λ with λ₁, λ₂ > 0): V does not depend on t, so the limit is "
    "that of e^{−tΛ/M} → 0 (SymPy's limit in a general basis takes 15 s).",
)

n = sp.Symbol("n", positive=True, integer=True)

wide_network = Derivation(
    id="s002-least-squares-wide-network",
    title="§9: the linearized prediction against training a wide network",
    kind="proposition",
    statement="a network trained by gradient descent on the square loss follows the kernel prediction at "
    "test "
    "points, up to a gap that vanishes with the width",
    start=sp.Symbol(r"\sup_t |f_t(x) - f^{\mathrm{lin}}_t(x)|"),
    steps=[
        Step(
            n ** sp.Rational(-1, 2),
            order(n),
            "Theorem 2: the kernel stays within O(n^{-1/2}) of Θ_0 during training, so the network follows "
            "the "
            "linear model (measured against gradient descent's discrete form of the closed form)",
            strategy=check_strategy(
                lambda seed: training_convergence(
                    "erf", 2, 0.1, widths=(64, 256, 1024), samples=4, seed=seed
                ),
                quantity="prediction_gap",
                exponent=-0.5,
                upper_bound=True,
            ),
            hint="σ = erf, depth 2, β = 0.1, 6 training and 4 test points of the circle, widths 64, 256, "
            "1024",
            written=r"f_t(x) - f^{\mathrm{lin}}_t(x) = O(n^{-1/2})",
        ),
    ],
    source=Source("002_086f346ea6a82670.txt", "§9 NTK solution for least squares regression (completed)"),
    references=("jacot2018ntk", "lee2019wide"),
)
