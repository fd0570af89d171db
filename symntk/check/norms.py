"""Matrix norms as SymPy functions, so that norm bounds can be written as steps and checked.

Seed 002, Lemma 1 bounds operator norms (‖W^(ℓ)‖_op ≤ …, ‖Θ‖_op ≤ …); Cauchy–Schwarz bounds inner products by
norms. :func:`operator_norm` (the largest singular value) and :func:`frobenius_norm` take an explicit SymPy
matrix and stay unevaluated while it has symbols; at a point they evaluate to any precision (mpmath's
singular value decomposition, with guard digits), and in float64 for the falsification search. So
``less_equal(operator_norm(A * B), operator_norm(A) * operator_norm(B))`` is checked like any inequality.

>>> import sympy as sp
>>> operator_norm(sp.Matrix([[3, 0], [0, -4]])).evalf(20)
4.0000000000000000000
>>> frobenius_norm(sp.Matrix([[3, 0], [0, -4]]))
5
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import sympy as sp
from sympy.core.evalf import prec_to_dps

from .._errors import SymntkError


def _matrix(value: Any, what: str) -> sp.ImmutableMatrix:
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixExpr) and all(isinstance(d, int | sp.Integer) for d in value.shape):
        return sp.ImmutableMatrix(value.as_explicit())
    raise SymntkError(f"{what} needs an explicit matrix (a SymPy Matrix of known shape), got {value!r}")


class OperatorNorm(sp.Function):
    """‖M‖_op = the largest singular value of M (the Euclidean norm for a vector)."""

    nargs = 1
    is_real = True
    is_nonnegative = True

    @classmethod
    def eval(cls, m: sp.Basic) -> sp.Expr | None:
        if not isinstance(m, sp.MatrixBase):
            raise SymntkError("operator_norm needs an explicit matrix")
        if 1 in m.shape:
            return sp.sqrt(sum((sp.Abs(e) ** 2 for e in m), sp.Integer(0)))
        if m.is_zero_matrix:
            return sp.Integer(0)
        return None

    def _eval_evalf(self, prec: int) -> sp.Float | None:
        m = self.args[0]
        if m.free_symbols:
            return None
        dps = prec_to_dps(prec)
        with mpmath.workdps(dps + 20):
            entries = [[mpmath.mpmathify(str(sp.N(e, dps + 20))) for e in row] for row in m.tolist()]
            singular = mpmath.svd(mpmath.matrix(entries), compute_uv=False)
            top = max(abs(s) for s in singular)
        return sp.Float(mpmath.nstr(top, dps + 10), dps)


class FrobeniusNorm(sp.Function):
    """‖M‖_F = √(Σ |M_ij|²), which bounds ‖M‖_op from above."""

    nargs = 1

    @classmethod
    def eval(cls, m: sp.Basic) -> sp.Expr:
        if not isinstance(m, sp.MatrixBase):
            raise SymntkError("frobenius_norm needs an explicit matrix")
        return sp.sqrt(sum((sp.Abs(e) ** 2 for e in m), sp.Integer(0)))


def operator_norm(matrix: Any) -> sp.Expr:
    """‖M‖_op of an explicit matrix (its largest singular value)."""
    return OperatorNorm(_matrix(matrix, "operator_norm"))


def frobenius_norm(matrix: Any) -> sp.Expr:
    """‖M‖_F of an explicit matrix."""
    return FrobeniusNorm(_matrix(matrix, "frobenius_norm"))


def _numpy_operator_norm(m: Any) -> float:
    return float(np.linalg.norm(np.asarray(m, dtype=float), 2))


def _mpmath_operator_norm(m: Any) -> Any:
    singular = mpmath.svd(mpmath.matrix(m), compute_uv=False)
    return max(abs(s) for s in singular)


#: Extra namespaces for ``lambdify``: how the norms evaluate in float64 and in mpmath.
NUMPY = {"OperatorNorm": _numpy_operator_norm}
MPMATH = {"OperatorNorm": _mpmath_operator_norm}
