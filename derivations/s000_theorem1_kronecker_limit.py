"""Theorem 1, the statement: the limit Θ^{(L)}_∞ ⊗ Id_{n_L} is a Kronecker product.

Seed 000 ("NTK deduce"), section "Proof of Theorem 1", the statement: Θ^{(L)} → Θ^{(L)}_∞ ⊗ Id_{n_L}, followed
by the remark "Here, ⊗ denotes the inner product, not the Kronecker product!". On a set of inputs, the limit
kernel Θ_{kk′}(x_a, x_b) = Θ^{(L)}_∞(x_a, x_b) δ_{kk′}, with rows and columns ordered by (input, output), is
exactly the Kronecker product of the Gram matrix of Θ^{(L)}_∞ with Id_{n_L}; for a single pair (x, x′) it is
the scalar Θ^{(L)}_∞(x, x′) times Id_{n_L}. That is checked here on two inputs and two outputs with a generic
symmetric Gram matrix (*proved*). The seed's remark is not a formula (no inner product of a scalar kernel with
a matrix is defined), so it is not encoded as an erratum; the step's justification says what ⊗ is.
"""

from __future__ import annotations

import sympy as sp

from symntk.check import Derivation, Source, Step

n_out = 2  # n_L

_gram = sp.Matrix(2, 2, lambda a, c: sp.Symbol(f"Theta_inf(x_{min(a, c) + 1}, x_{max(a, c) + 1})"))

kronecker_remark = Derivation(
    id="s000-theorem1-kronecker",
    title="Theorem 1: the limit is the Kronecker product of the scalar kernel with the identity",
    kind="remark",
    statement=sp.Eq(
        sp.Symbol(r"\Theta^{(L)}_\infty(X, X) \otimes Id_{n_L}"),
        sp.kronecker_product(_gram, sp.eye(n_out)),
        evaluate=False,
    ),
    start=sp.Matrix(
        2 * n_out,
        2 * n_out,
        lambda r, c: _gram[r // n_out, c // n_out] * sp.KroneckerDelta(r % n_out, c % n_out),
    ),
    steps=[
        Step(
            sp.kronecker_product(_gram, sp.eye(n_out)),
            "=",
            "on two inputs x_1, x_2 and n_L = 2 outputs, the limit Θ_{kk′}(x_a, x_b) = Θ^{(L)}_∞(x_a, x_b) "
            "δ_{kk′}, ordered by (input, output), is the Kronecker product of the Gram matrix of Θ^{(L)}_∞ "
            "with Id_{n_L}; for one pair (x, x′) it is the scalar Θ^{(L)}_∞(x, x′) times Id_{n_L}. The seed "
            "says that ⊗ 'denotes the inner product, not the Kronecker product': no inner product is meant, "
            "and the remark is not a formula that can be checked, so it is left as a note",
            written=r"\Theta_{\infty}^{(L)} \otimes Id_{n_L}",
        )
    ],
    source=Source("000_08eb6ccc4f7c932b.txt", "Proof of Theorem 1, the statement"),
    references=("jacot2018ntk",),
)
