"""Functional gradient descent for the square loss and its solution (seed 001, slides 7 and 25).

Slide 7 poses the exercise: for l(ŷ, y) = ½|ŷ − y|², the solution of the functional gradient descent
∂_t f(x, t) = −δ𝓛[f]/δf(x) on the data set {(x_a, y_a)}, a = 1 … M, is
f(x_a, t) = y_a + e^{−t/M}(f(x_a, 0) − y_a).
Slide 25 solves it: on a finite data set the variational derivative is the usual gradient,
(∇_f L)_a = (1/M)(f(x_a) − y_a), so df(x_a, t)/dt = −(1/M)(f(x_a, t) − y_a), a linear one-dimensional ODE for
each point. Here the gradient is taken by SymPy from L = (1/M) Σ_b ½(f_b − y_b)², the ODE is solved by
SymPy's ``dsolve``, and the two statements of the solution are checked against it: slide 7's e^{−t/M} is
right, slide 25's restatement with e^{−t} drops the 1/M (an erratum).
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Erratum, Source, Step

SOURCE = "001_9a6c6fe078691bcf.txt"

M = sp.Symbol("M", integer=True, positive=True)
a, b = sp.symbols("a b", integer=True, positive=True)
f, y = sp.IndexedBase("f", real=True), sp.IndexedBase("y", real=True)
t, f0, y_a = sp.symbols("t f_0 y_a", real=True)
F = sp.Function("f")

#: the empirical square loss on the data set as a function of the outputs f_b = f(x_b)
LOSS = sp.Sum((f[b] - y[b]) ** 2 / 2, (b, 1, M)) / M

#: the ODE of slide 25 for one training point, with f(x_a, 0) = f_0, solved by SymPy
SOLUTION = sp.dsolve(sp.Eq(F(t).diff(t), -(F(t) - y_a) / M), F(t), ics={F(0): f0}).rhs

#: slide 7's statement of the solution
STATED = y_a + sp.exp(-t / M) * (f0 - y_a)

square_loss_output_gradient = Derivation(
    id="s001-square-loss-output-gradient",
    title="The output gradient of the square loss on a finite data set",
    kind="lemma",
    statement=sp.Eq(sp.Symbol(r"(\nabla_f L)_a"), (f[a] - y[a]) / M),
    start=sp.diff(LOSS, f[a]),
    steps=[
        Step(
            (f[a] - y[a]) / M,
            "=",
            "on a finite data set the variational derivative δ/δf(x) is the usual gradient: differentiating "
            "(1/M) Σ_b ½(f(x_b) − y_b)² in f(x_a) (a ≤ M)",
            written=r"\left(\nabla_f L\right)_a = \frac{1}{M}(f(x_a) - y_a)",
        ),
    ],
    assumptions={"where": [a <= M]},
    source=Source(SOURCE, "slide 25 (solution of the exercise of slide 7)"),
)

functional_gradient_descent_ode = Derivation(
    id="s001-functional-gradient-descent-ode",
    title="The stated solution satisfies the functional gradient descent ODE",
    kind="exercise",
    statement=sp.Eq(sp.Derivative(F(t), t), -(STATED - y_a) / M),
    start=sp.diff(STATED, t),
    steps=[
        Step(
            -(STATED - y_a) / M,
            "=",
            "df(x_a, t)/dt = −(∇_f L)_a = −(1/M)(f(x_a, t) − y_a) (slide 25), checked on slide 7's solution "
            "y_a + e^{−t/M}(f(x_a, 0) − y_a) differentiated in t; at t = 0 it equals f(x_a, 0)",
            written=r"\frac{df(x_a,t)}{dt} = -\frac{1}{M}(f(x_a,t) - y_a)",
        ),
    ],
    source=Source(SOURCE, "slides 7 and 25 (functional gradient descent)"),
)

functional_gradient_descent_solution = Derivation(
    id="s001-functional-gradient-descent-solution",
    title="Solution of functional gradient descent for the square loss",
    kind="exercise",
    statement=sp.Eq(F(t), STATED),
    start=SOLUTION,
    steps=[
        Step(
            y_a + sp.exp(-t) * (f0 - y_a),
            "=",
            "this is a linear 1d ODE, with exponential solution; evolution of different points is "
            "independent",
            written=r"f(x_a, t) = y_a + e^{-t} (f(x_a, 0) - y_a)",
            erratum=Erratum(
                STATED,
                "slide 25 restates the exercise with e^{−t}, but its own ODE df/dt = −(1/M)(f − y_a) "
                "decays at rate 1/M: the solution is y_a + e^{−t/M}(f(x_a, 0) − y_a), as slide 7 states it "
                "(the two agree only for M = 1)",
            ),
        ),
    ],
    source=Source(SOURCE, "slides 7 and 25 (functional gradient descent); the ODE solved by SymPy's dsolve"),
)
