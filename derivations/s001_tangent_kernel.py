"""The tangent kernel and its properties on toy models (seed 001, slides 5, 6, 8, 9, 10, 13, 27, 28, 30).

Seed 001 (M. Velikanov, "Infinitely wide networks. Neural Tangent Kernel") introduces the tangent kernel on
the toy model of slide 5, f(W, x) = A sin(kx) with W = {A, k}, trained on {(x_a, y_a)} = {(1, 1), (2, 0)}.
Everything here is derived from that model by SymPy: the parameters follow the gradient flow of slide 6,
∂_t W = −∇_W L(W) with L(W) = (1/M) Σ_a l(f(W, x_a), y_a) and a generic loss l (an undefined function, so that
what is proved holds for every l), and the output velocity df(W(t), x)/dt is obtained by differentiating
f(W(t), x) in t (the chain rule) and substituting the flow. Each line of slide 8 is then a checked step, and
slide 9's vector-valued version is checked on a two-output model sharing its parameters. On the same models:
the kernel on the training set as a sum of outer products and its positive semi-definiteness (slides 10, 27),
Θ ∇_f L = J ∇_W L, zero at every critical point (slides 10, 28) with an explicit spurious minimum of our own,
dL/dt = −(1/M²) Σ_ab ∇l_a Θ_ab ∇l_b (slides 13, 30), and, for the square loss, dL/dt ≤ −(2λ_min/M) L
(property 2 of slide 10, which the slides leave without proof).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from symntk.check import Derivation, Source, Step

SOURCE = "001_9a6c6fe078691bcf.txt"

t = sp.Symbol("t", real=True)
x, x_prime, y_hat = sp.symbols("x x' yhat", real=True)
A, k, B = sp.symbols("A k B", real=True)
l = sp.Function("l")  # the loss of a single prediction, l(ŷ, y): generic
Theta = sp.Function("Theta")

#: the data set of slide 5
DATA = ((1, 1), (2, 0))
M = len(DATA)


def sin_model(inputs: sp.Expr) -> sp.Expr:
    """The toy model of slide 5, f(W, x) = A sin(kx)."""
    return A * sp.sin(k * inputs)


def tangent_kernel(
    model: Callable[[sp.Expr], sp.Expr], parameters: Sequence[sp.Symbol], left: sp.Expr, right: sp.Expr
) -> sp.Expr:
    """Θ(x, x′) = Σ_p ∂f(W, x)/∂W_p ∂f(W, x′)/∂W_p (slide 8), the derivatives taken by SymPy."""
    return sp.Add(*(sp.diff(model(left), p) * sp.diff(model(right), p) for p in parameters))


def loss_gradient(value: sp.Expr, target: sp.Expr) -> sp.Expr:
    """∇_ŷ l(ŷ, y) at ŷ = ``value`` (a generic l: an unevaluated derivative)."""
    return sp.Subs(sp.Derivative(l(y_hat, target), y_hat), y_hat, value)


def velocity(
    outputs: Sequence[Callable[[sp.Expr], sp.Expr]], parameters: Sequence[sp.Symbol]
) -> list[sp.Expr]:
    """df_i(W(t), x)/dt under the gradient flow ∂_t W = −∇_W L of L = (1/M) Σ_a Σ_j l(f_j(W, x_a), y_{aj}).

    Derived, not typed in: each parameter is made a function of t, f_i(W(t), x) is differentiated in t by
    SymPy (the chain rule), and every dW_p/dt is replaced by −∂L/∂W_p (slide 6, continuous GD).
    """
    moving = {p: sp.Function(str(p))(t) for p in parameters}
    still = {v: p for p, v in moving.items()}
    loss = (
        sp.Add(
            *(
                l(f(sp.Integer(xa)).xreplace(moving), _target(ya, j))
                for xa, ya in DATA
                for j, f in enumerate(outputs)
            )
        )
        / M
    )
    flow = {sp.Derivative(v, t): -sp.diff(loss, v) for v in moving.values()}
    return [sp.diff(f(x).xreplace(moving), t).subs(flow).xreplace(still) for f in outputs]


def _target(y: int, j: int) -> sp.Expr:
    """The target of output j at a data point: slide 5's y_a for output 0, 1 − y_a for a second output."""
    return sp.Integer(y if j == 0 else 1 - y)


# ---------------------------------------------------------------------------------------------------------
# slides 5 and 8: the tangent kernel of the sin model

sin_model_tangent_kernel = Derivation(
    id="s001-sin-model-tangent-kernel",
    title="Tangent kernel of the sin model f = A sin(kx)",
    kind="example",
    statement=sp.Eq(
        Theta(x, x_prime),
        sp.sin(k * x) * sp.sin(k * x_prime) + A**2 * x * x_prime * sp.cos(k * x) * sp.cos(k * x_prime),
    ),
    start=tangent_kernel(sin_model, [A, k], x, x_prime),
    steps=[
        Step(
            sp.sin(k * x) * sp.sin(k * x_prime)
            + (A * x * sp.cos(k * x)) * (A * x_prime * sp.cos(k * x_prime)),
            "=",
            "the sum over the two parameters W = {A, k}: ∂f/∂A = sin(kx) and ∂f/∂k = A x cos(kx)",
            written=r"\frac{\partial f}{\partial A}\frac{\partial f'}{\partial A} + "
            r"\frac{\partial f}{\partial k}\frac{\partial f'}{\partial k}",
        ),
        Step(
            sp.sin(k * x) * sp.sin(k * x_prime) + A**2 * x * x_prime * sp.cos(k * x) * sp.cos(k * x_prime),
            "=",
            "collecting A²xx′",
        ),
    ],
    source=Source(SOURCE, "slides 5 and 8 (the toy example and the definition of the tangent kernel)"),
    references=("jacot2018ntk",),
)


# ---------------------------------------------------------------------------------------------------------
# slides 6 and 8: the output velocity under parameter gradient flow


def _theta(left: sp.Expr, right: sp.Expr) -> sp.Expr:
    return tangent_kernel(sin_model, [A, k], left, right)


def _grad(inputs: sp.Expr) -> sp.Matrix:
    return sp.Matrix([sp.diff(sin_model(inputs), p) for p in (A, k)])


#: −∇_W L(W), with L differentiated by SymPy (no chain rule applied by hand)
_LOSS = sp.Add(*(l(sin_model(sp.Integer(xa)), ya) for xa, ya in DATA)) / M
_X1 = sp.Symbol("x'", real=True)  # the integration variable of the last line of slide 8

output_dynamics = Derivation(
    id="s001-output-dynamics-tangent-kernel",
    title="Parameter gradient flow in output space is kernel gradient descent",
    kind="proposition",
    statement=sp.Eq(
        sp.Derivative(sp.Function("f")(x, t), t),
        -sp.Add(
            *(_theta(x, sp.Integer(xa)) * loss_gradient(sin_model(sp.Integer(xa)), ya) for xa, ya in DATA)
        )
        / M,
    ),
    start=velocity([sin_model], [A, k])[0],
    steps=[
        Step(
            -(_grad(x).T * sp.Matrix([sp.diff(_LOSS, p) for p in (A, k)]))[0, 0],
            "=",
            "chain rule df/dt = ∇_W f · dW/dt with the flow ∂_t W = −∇_W L(W) (slides 6 and 8)",
            written=r"-\nabla_{\mathbf{W}} f(\mathbf{W}, x) \cdot \nabla_{\mathbf{W}} L(\mathbf{W})",
        ),
        Step(
            -sp.Add(
                *(
                    (_grad(x).T * _grad(sp.Integer(xa)))[0, 0] * loss_gradient(sin_model(sp.Integer(xa)), ya)
                    for xa, ya in DATA
                )
            )
            / M,
            "=",
            "the loss gradient of slide 6, ∇_W L = (1/M) Σ_a ∇_W f(W, x_a) ∇_ŷ l(f(W, x_a), y_a)",
            written=r"-\frac{1}{M} \sum_{a=1}^{M} \nabla_{\mathbf{W}} f(\mathbf{W}, x) \cdot "
            r"\nabla_{\mathbf{W}} f(\mathbf{W}, x_a) \nabla_{\hat{y}} l(f(\mathbf{W}, x_a), y_a)",
        ),
        Step(
            -sp.Add(
                *(_theta(x, sp.Integer(xa)) * loss_gradient(sin_model(sp.Integer(xa)), ya) for xa, ya in DATA)
            )
            / M,
            "=",
            "the definition of the tangent kernel, Θ(W, x, x′) = Σ_p ∂f(x)/∂W_p ∂f(x′)/∂W_p (the slide's sum "
            "index i is read as a: its summand depends on a only)",
            written=r"-\frac{1}{M} \sum_{a=1}^{M} \Theta(\mathbf{W}, x, x_a) "
            r"\nabla_{\hat{y}} l(f(\mathbf{W}, x_a), y_a)",
        ),
        Step(
            lambda: (
                -sp.Integral(
                    _theta(x, _X1)
                    * sp.Add(
                        *(
                            sp.DiracDelta(_X1 - xa) * loss_gradient(sin_model(sp.Integer(xa)), ya)
                            for xa, ya in DATA
                        )
                    )
                    / M,
                    (_X1, -sp.oo, sp.oo),
                ).doit()
            ),
            "=",
            "functional form of slide 7: for the empirical measure μ, δL[f]/δf(x′) = (1/M) Σ_a δ(x′ − x_a) "
            "∇_ŷ l(f(x_a), y_a); SymPy integrates the delta functions",
            written=r"-\int dx' \, \Theta(\mathbf{W}, x, x') \frac{\delta \mathcal{L}[f]}{\delta f(x')}",
        ),
    ],
    source=Source(SOURCE, "slides 6 and 8 (gradient descent: parameter perspective; tangent kernel)"),
    references=("jacot2018ntk",),
)


# ---------------------------------------------------------------------------------------------------------
# slide 9: vector-valued outputs


def _two_outputs() -> list[Callable[[sp.Expr], sp.Expr]]:
    """A two-output model sharing its parameters (so that Θ_12 ≠ 0): f = (A sin(kx), A cos(kx) + Bx)."""
    return [sin_model, lambda z: A * sp.cos(k * z) + B * z]


def _vector_theta(i: int, j: int, left: sp.Expr, right: sp.Expr) -> sp.Expr:
    f = _two_outputs()
    return sp.Add(*(sp.diff(f[i](left), p) * sp.diff(f[j](right), p) for p in (A, k, B)))


def _vector_rhs(i: int) -> sp.Expr:
    f = _two_outputs()
    return (
        -sp.Add(
            *(
                _vector_theta(i, j, x, sp.Integer(xa)) * loss_gradient(f[j](sp.Integer(xa)), _target(ya, j))
                for xa, ya in DATA
                for j in range(2)
            )
        )
        / M
    )


vector_valued_output_dynamics = Derivation(
    id="s001-vector-valued-tangent-kernel",
    title="Vector-valued outputs: the tangent kernel Θ_ij",
    kind="exercise",
    statement=sp.Eq(sp.Derivative(sp.Function("f_1")(x, t), t), _vector_rhs(0)),
    start=lambda: velocity(_two_outputs(), [A, k, B])[0],
    steps=[
        Step(
            lambda: _vector_rhs(0),
            "=",
            "for 𝓛(f) = Σ_i 𝓛(f_i), df_i/dt = −(1/M) Σ_a Σ_j Θ_ij(x, x_a) ∇_ŷ l(f_j(x_a), y_{aj}) with "
            "Θ_ij(x, x′) = Σ_p ∂f_i(x)/∂W_p ∂f_j(x′)/∂W_p; checked for output i = 1 of the two-output model "
            "f = (A sin(kx), A cos(kx) + Bx) on slide 5's inputs with targets y_{a1} = y_a, "
            "y_{a2} = 1 − y_a (the slide writes y_a for the target of every output and leaves the sum over j "
            "implicit)",
            written=r"-\frac{1}{M} \sum_{a=1}^{M} \Theta_{ij}(\mathbf{W}, x, x_a) "
            r"\nabla_{\hat{y}} l(f_j(\mathbf{W}, x_a), y_a)",
        ),
    ],
    source=Source(SOURCE, "slide 9 (generalization to vector-valued functions)"),
    references=("jacot2018ntk",),
)


# ---------------------------------------------------------------------------------------------------------
# slides 10 and 27: the tangent kernel on the training set is positive semi-definite

#: the rows (i, a) of the Md × Md kernel matrix of the two-output model on slide 5's inputs
_ROWS = tuple((i, sp.Integer(xa)) for i in range(2) for xa, _ in DATA)
_PARAMETERS = (A, k, B)
_z = sp.Matrix(sp.symbols("z1:5", real=True))


def _kernel_matrix() -> sp.Matrix:
    """Θ_{ij}(x_a, x_b) as an Md × Md matrix (M = d = 2), from the definition of slide 9."""
    return sp.Matrix(
        len(_ROWS), len(_ROWS), lambda r, c: _vector_theta(_ROWS[r][0], _ROWS[c][0], _ROWS[r][1], _ROWS[c][1])
    )


def _v(p: sp.Symbol) -> sp.Matrix:
    """|v_p⟩ with v_{ia} = ∂f_i(W, x_a)/∂W_p (slide 27)."""
    f = _two_outputs()
    return sp.Matrix([sp.diff(f[i](xa), p) for i, xa in _ROWS])


tangent_kernel_outer_products = Derivation(
    id="s001-tangent-kernel-outer-products",
    title="The tangent kernel is a sum of outer products",
    kind="exercise",
    statement="Θ = Σ_p |v_p⟩⟨v_p| on the training set",
    start=_kernel_matrix,
    steps=[
        Step(
            lambda: sum((_v(p) * _v(p).T for p in _PARAMETERS), sp.zeros(4, 4)),
            "=",
            "a single parameter W_p contributes Θ_{ij,p}(x_a, x_b) = ∂f_i(x_a)/∂W_p ∂f_j(x_b)/∂W_p = "
            "|v_p⟩⟨v_p| with v_{ia} = ∂f_i(W, x_a)/∂W_p, an Md-dimensional vector; checked on the Md × Md = "
            "4 × 4 kernel of the two-output model f = (A sin(kx), A cos(kx) + Bx) on slide 5's inputs",
            written=r"\Theta = \sum_p |v_p\rangle\langle v_p|",
        ),
    ],
    source=Source(SOURCE, "slide 27 (solution of property 1 of slide 10)"),
)

tangent_kernel_positive_semidefinite = Derivation(
    id="s001-tangent-kernel-positive-semidefinite",
    title="The tangent kernel is positive semi-definite",
    kind="exercise",
    statement=sp.Ge(sp.Symbol(r"z^{T} \Theta z"), 0),
    start=lambda: (_z.T * _kernel_matrix() * _z)[0, 0],
    steps=[
        Step(
            lambda: sp.Add(*((_v(p).T * _z)[0, 0] ** 2 for p in _PARAMETERS)),
            "=",
            "Θ = Σ_p |v_p⟩⟨v_p|, so ⟨z|Θ|z⟩ = Σ_p ⟨v_p|z⟩² for every z ∈ ℝ^{Md}",
            written=r"\langle z | \Theta | z \rangle = \sum_p \langle v_p | z \rangle^2",
        ),
        Step(
            sp.Integer(0),
            "≥",
            "outer products, as well as any sum of them, are positive semi-definite",
        ),
    ],
    source=Source(SOURCE, "slide 27 (solution of property 1 of slide 10)"),
)


# ---------------------------------------------------------------------------------------------------------
# slides 10 and 28: at a critical point Θ ∇_f L = 0 (a null space at every spurious minimum)


def _output_gradient() -> sp.Matrix:
    """(∇_f L)_{ia} = (1/M) ∇_ŷ l(f_i(x_a), y_{ai}): the gradient of L in the outputs on the data set."""
    f = _two_outputs()
    targets = {sp.Integer(xa): ya for xa, ya in DATA}
    return sp.Matrix([loss_gradient(f[i](xa), _target(targets[xa], i)) / M for i, xa in _ROWS])


def _parameter_gradient() -> sp.Matrix:
    """∇_W L of L(W) = (1/M) Σ_a Σ_i l(f_i(W, x_a), y_{ai}), differentiated by SymPy."""
    f = _two_outputs()
    loss = sp.Add(*(l(f[i](sp.Integer(xa)), _target(ya, i)) for xa, ya in DATA for i in range(2))) / M
    return sp.Matrix([sp.diff(loss, p) for p in _PARAMETERS])


def _jacobian() -> sp.Matrix:
    f = _two_outputs()
    return sp.Matrix(len(_ROWS), 3, lambda r, c: sp.diff(f[_ROWS[r][0]](_ROWS[r][1]), _PARAMETERS[c]))


stationary_outputs_null_space = Derivation(
    id="s001-stationary-outputs-null-space",
    title="At a critical point of the loss the output gradient is in the kernel's null space",
    kind="exercise",
    statement="Θ ∇_f L = J ∇_W L, which vanishes at every critical point of L(W)",
    start=lambda: sp.Matrix([-velocity(_two_outputs(), list(_PARAMETERS))[i].subs(x, xa) for i, xa in _ROWS]),
    steps=[
        Step(
            lambda: _kernel_matrix() * _output_gradient(),
            "=",
            "the model output is stationary where the parameters are: −df_i(x_a, t)/dt = (1/M) Σ_j Σ_b "
            "Θ_ij(x_a, x_b) ∂l(f(x_b), y_b)/∂f_j(x_b) = Θ ∇_f L (slide 28, with slide 9's velocity; the "
            "slide writes the sign-free 0 = …)",
            written=r"0 = \frac{1}{M} \sum_{j=1}^d \sum_{b=1}^M \Theta_{ij}(x_a, x_b) "
            r"\frac{\partial l(f(x_b), y_b)}{\partial f_j(x_b)} = \Theta \nabla_f L",
        ),
        Step(
            lambda: _jacobian() * _parameter_gradient(),
            "=",
            "Θ = J Jᵀ with J_{(ia),p} = ∂f_i(x_a)/∂W_p and ∇_W L = Jᵀ ∇_f L: Θ∇_f L = J ∇_W L, which is 0 at "
            "every critical point W_0 of L(W); if L(W_0) ≠ 0 and l is convex, ∇_f L ≠ 0 lies in ker Θ",
            hint="the conclusion at a minimum is shown on an explicit spurious minimum in "
            "s001-spurious-minimum-example",
        ),
    ],
    source=Source(SOURCE, "slide 28 (solution of property 3 of slide 10)"),
)

# an explicit spurious minimum: f(w, x) = (w³ − 3w) x on the single point (x, y) = (1, −3), square loss
w = sp.Symbol("w", real=True)
_CUBIC_LOSS = ((w**3 - 3 * w) * 1 - (-3)) ** 2 / 2  # M = 1

spurious_minimum_example = Derivation(
    id="s001-spurious-minimum-example",
    title="A spurious minimum: f(w, x) = (w³ − 3w)x on {(1, −3)}",
    kind="example",
    statement=sp.Eq(sp.Symbol(r"\Theta(W_0) \nabla_f L(W_0)"), 0),
    start=(sp.diff((w**3 - 3 * w) * x, w) ** 2).subs({x: 1, w: 1})
    * sp.diff((y_hat - (-3)) ** 2 / 2, y_hat).subs(y_hat, (w**3 - 3 * w).subs(w, 1)),
    steps=[
        Step(
            sp.Integer(0),
            "=",
            "w_0 = 1 is a critical point (∂L/∂w = (f + 3)(3w² − 3) = 0) and a local minimum "
            "(∂²L/∂w² = 6 > 0) with L(w_0) = ½ ≠ 0, so it is spurious (w ≈ −2.10, a root of w³ − 3w + 3, "
            "gives L = 0); there Θ(1, 1) = (∂f/∂w)² = (3w_0² − 3)² = 0 while ∇_f L = f(1) + 3 = 1 ≠ 0",
            hint="an example of our own: the slides state property 3 without one (the sin model of slide 5 "
            "has no spurious minimum for the square loss)",
        ),
    ],
    source=Source(SOURCE, "slide 28 (property 3 of slide 10), on an example of our own"),
)

cubic_loss_minimum = Derivation(
    id="s001-spurious-minimum-is-a-minimum",
    title="w₀ = 1 is a strict local minimum of the cubic model's loss, with L(w₀) = ½",
    kind="example",
    statement=sp.Eq(sp.Symbol(r"(L'(w_0), L''(w_0), L(w_0))"), sp.Matrix([0, 6, sp.Rational(1, 2)])),
    start=sp.Matrix(
        [sp.diff(_CUBIC_LOSS, w).subs(w, 1), sp.diff(_CUBIC_LOSS, w, 2).subs(w, 1), _CUBIC_LOSS.subs(w, 1)]
    ),
    steps=[
        Step(
            sp.Matrix([0, 6, sp.Rational(1, 2)]),
            "=",
            "L = ½(w³ − 3w + 3)²: L′ = (w³ − 3w + 3)(3w² − 3) vanishes at w = 1, "
            "L″ = (3w² − 3)² + (w³ − 3w + 3)·6w = 6 > 0 there, and L(1) = ½ ≠ 0",
        ),
    ],
    source=Source(SOURCE, "slide 28 (property 3 of slide 10), on an example of our own"),
)
# ---------------------------------------------------------------------------------------------------------
# slides 13 and 30: dL/dt


def _loss_rate() -> sp.Expr:
    """dL(W(t))/dt under the gradient flow, with L differentiated by SymPy along W(t)."""
    moving = {p: sp.Function(str(p))(t) for p in (A, k)}
    still = {v: p for p, v in moving.items()}
    loss = _LOSS.xreplace(moving)
    flow = {sp.Derivative(v, t): -sp.diff(loss, v) for v in moving.values()}
    return sp.diff(loss, t).subs(flow).xreplace(still)


def _l_prime(index: int) -> sp.Expr:
    xa, ya = DATA[index]
    return loss_gradient(sin_model(sp.Integer(xa)), ya)


loss_rate = Derivation(
    id="s001-loss-rate",
    title="The rate of change of the loss, dL/dt",
    kind="exercise",
    statement=sp.Eq(
        sp.Symbol("dL/dt"),
        -sp.Add(
            *(
                _l_prime(a) * _theta(sp.Integer(DATA[a][0]), sp.Integer(DATA[b][0])) * _l_prime(b)
                for a in range(M)
                for b in range(M)
            )
        )
        / M**2,
    ),
    start=_loss_rate,
    steps=[
        Step(
            lambda: sp.Add(
                *(_l_prime(a) / M * velocity([sin_model], [A, k])[0].subs(x, DATA[a][0]) for a in range(M))
            ),
            "=",
            "chain rule: dL(f(𝒳))/dt = (∇_{f(𝒳)} L)ᵀ df(𝒳)/dt with (∇_f L)_a = (1/M) ∇_ŷ l(f_a, y_a) and "
            "df(x_a)/dt the velocity of slide 8",
            written=r"\left(\nabla_{f(\mathcal{X})}L\right)^T \frac{df(\mathcal{X})}{dt}",
        ),
        Step(
            lambda: (
                -sp.Add(
                    *(
                        _l_prime(a) * _theta(sp.Integer(DATA[a][0]), sp.Integer(DATA[b][0])) * _l_prime(b)
                        for a in range(M)
                        for b in range(M)
                    )
                )
                / M**2
            ),
            "=",
            "df(𝒳)/dt = −Θ ∇_{f(𝒳)} L (slide 8), written out over a, b",
            written=r"-\frac{1}{M^2} \sum_{a,b=1}^{M} \nabla_{\hat{y}}l(f_a, y_a)\Theta(x_a, x_b) "
            r"\nabla_{\hat{y}}l(f_b, y_b)",
        ),
    ],
    source=Source(SOURCE, "slides 13 and 30 (normalizing backward pass); the sin model of slide 5"),
)


# ---------------------------------------------------------------------------------------------------------
# slide 10, property 2: for the square loss a kernel spectrum bounded below by λ > 0 gives linear convergence

_lam, _gap = sp.symbols("lambda delta", positive=True)
_rot = sp.Symbol("varphi", real=True)
_r = sp.Matrix(sp.symbols("r_1:3", real=True))  # residuals f(x_a) − y_a, M = 2
_Q = sp.Matrix([[sp.cos(_rot), -sp.sin(_rot)], [sp.sin(_rot), sp.cos(_rot)]])
#: a symmetric kernel on the training set with eigenvalues λ + δ ≥ λ > 0 (eigenvectors at any angle φ)
_SPECTRAL = _Q * sp.diag(_lam + _gap, _lam) * _Q.T
_SQUARE_LOSS = (_r.T * _r)[0, 0] / (2 * M)

loss_decay_square_loss = Derivation(
    id="s001-square-loss-linear-convergence",
    title="Square loss: a kernel spectrum separated from zero makes the loss decay exponentially",
    kind="proposition",
    statement=sp.Le(sp.Symbol("dL/dt"), -2 * _lam * _SQUARE_LOSS / M),
    start=-(_r.T * _SPECTRAL * _r)[0, 0] / M**2,
    steps=[
        Step(
            -((_lam + _gap) * (_Q[:, 0].T * _r)[0, 0] ** 2 + _lam * (_Q[:, 1].T * _r)[0, 0] ** 2) / M**2,
            "=",
            "dL/dt = −(1/M²) Σ_ab ∇l_a Θ_ab ∇l_b (slide 30) with ∇_ŷ l(f_a, y_a) = f_a − y_a = r_a for "
            "l = ½|ŷ − y|², and Θ in its eigenbasis: Θ = Q diag(λ + δ, λ) Qᵀ (here M = 2, δ ≥ 0, any "
            "rotation Q)",
        ),
        Step(
            -(_lam * (_Q[:, 0].T * _r)[0, 0] ** 2 + _lam * (_Q[:, 1].T * _r)[0, 0] ** 2) / M**2,
            "≤",
            "every eigenvalue is at least λ = λ_min(Θ): dropping δ (q₁ᵀr)² ≥ 0",
        ),
        Step(
            -_lam * (_r.T * _r)[0, 0] / M**2,
            "=",
            "rᵀΘr ≥ λ_min(Θ) |r|²: the rotation Q keeps |r|",
            written=r"\frac{dL}{dt} \le -\frac{\lambda_{\min}(\Theta)}{M^2} |f(\mathcal{X}) - \mathcal{Y}|^2",
        ),
        Step(
            -2 * _lam * _SQUARE_LOSS / M,
            "=",
            "L = (1/2M) |f(𝒳) − 𝒴|²; by Grönwall L(t) ≤ e^{−2λt/M} L(0) → 0, the global minimum, as long as "
            "the spectrum stays above λ during training (slide 10, property 2, for the quadratic loss; the "
            "slides leave it without proof)",
        ),
    ],
    source=Source(SOURCE, "slide 10 (TK properties, property 2), for the square loss"),
)
