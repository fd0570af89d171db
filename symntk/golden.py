"""Golden tables: Σ^{(L)}, Σ̇^{(L)}, Θ^{(L)} to 50 digits by an independent route, and their check.

The tables guard the closed forms of :mod:`symntk.activations` and the recursions of :mod:`symntk.limits`
(Proposition 1 and Theorem 1: seed 000, sections "Proposition 1" and "Theorem 1"; seed 001, slides 15 to 19;
Jacot et al. 2018, arXiv:1806.07572) in the NTK parametrization of NOTATION.md:

    Σ^{(1)} = x·x′/n₀ + β²,   Σ^{(ℓ+1)} = E[σ(u)σ(v)] + β²,   Σ̇^{(ℓ+1)} = E[σ̇(u)σ̇(v)],
    Θ^{(1)} = Σ^{(1)},   Θ^{(ℓ+1)} = Θ^{(ℓ)} Σ̇^{(ℓ+1)} + Σ^{(ℓ+1)},

for every activation with a closed form, depths L = 1 … 10, β ∈ {0, 0.1, 1} and the inputs of :data:`GRID`
(n₀ = 2: the diagonal, tiny angles, orthogonal, obtuse, nearly antipodal and antipodal pairs). Each entry
holds the 2×2 matrices of the pair (x, x′) as three numbers [K(x, x), K(x′, x′), K(x, x′)].

The independent route (never the closed form being guarded)
------------------------------------------------------------
The recursion is composed layer by layer in exact rationals (layer 1) and then at ``W`` working digits, each
Gaussian expectation computed by quadrature from σ alone:

* positively homogeneous σ (σ(rz) = rᵏσ(z) for r > 0, checked on σ itself, not read from the closed form):
  in polar coordinates (x, y) = r(cos t, sin t) of the standard normals with u = √Σ₁₁ x and
  v = √Σ₂₂ (x cos θ + y sin θ), θ = atan2(√Δ, Σ₁₂), the radial integral is the Gaussian moment
  ∫₀^∞ r^{m+1} e^{−r²/2} dr = 2^{m/2} Γ(m/2 + 1) (m the sum of the degrees of the two factors) and

      E[f(u) g(v)] = 2^{m/2} Γ(m/2 + 1)/(2π) · ∫₀^{2π} f(√Σ₁₁ cos t) g(√Σ₂₂ cos(t − θ)) dt,

  an integral of a function analytic between the kinks t = π/2, 3π/2, θ ± π/2, done by tanh-sinh
  quadrature on each piece (mpmath.quad, with its error estimate). Cho and Saul's J_k is this integral in
  closed form; here it is only ever computed numerically.
* smooth σ (no kinks): the trapezoidal rule in both conditional coordinates u = √Σ₁₁ x,
  v = √Σ₂₂ (ρx + √(1 − ρ²) y), nodes jh walked out until the Gaussian tails are negligible, in ball
  arithmetic (python-flint's arb) for speed. For these entire integrands its error falls like exp(−c/h²)
  (Trefethen and Weideman, SIAM Review 56 (2014) 385–458), so halving h raises it to the fourth power: the
  step is halved until the difference between the rules at h and 2h, raised to the fourth power, is below
  10^{−(W−8)}.

Error budget: every expectation is converged to W − 8 = 62 digits relative (or, for a value that vanishes by
symmetry, to 10^{−62} times the size of its integrand), at W = 70 working digits; the determinant
Δ = Σ₁₁Σ₂₂ − Σ₁₂² is carried through the layers (first layer exact, by Lagrange's identity). The whole
composition is run twice on disjoint quadrature nodes (tanh-sinh and Gauss–Legendre for the angular
integrals; trapezoid steps (2/5)·2⁻ⁿ and (7/20)·2⁻ⁿ), so that the truncation and rounding errors of the two
runs are independent; an entry is stored to 50 significant digits only if the two runs agree to 53 (else
generation fails, naming it). An entry below 10^{−60} times its scale √(K(x, x) K(x′, x′)) in both runs
vanishes by symmetry and is stored as 0; an entry near a zero whose runs agree only to 10^{−60}·scale is
stored with the digits that absolute accuracy supports. Depths at which an entry exceeds 10^{300} (exp from
depth 3, the square at large depth) are left out: float64 cannot hold them.

The check
---------
:func:`check_table` recomputes every entry through the closed form in the three backends of
:mod:`symntk.limits`: float64 (``kernels`` for Σ and Θ, ``dual_kernels`` at the layer-(L−1) covariance for
Σ̇) to 1e-13 relative, mpmath (``kernels(dps=70)``, ``dual_kernels(dps=55)``) to 45 digits, and SymPy
(``symbolic_kernels``, the textbook forms composed symbolically, evaluated node by node with ``evalf`` at
120 digits, each shared subexpression once) to 45 digits. Near a zero of an entry a relative bound is
meaningless, so each bound also admits an absolute error of 10^{−digits−2}·scale (float64: 1e-15·scale, the
limit stated in :mod:`symntk.limits`). It returns the entries that drifted, by name.

The SymPy backend checks the entries K(x, x′) of x ≠ x′. At ρ = 1 exactly (K(x, x) beyond layer 1) the
textbook forms cannot be evaluated in finite precision: √(1 − ρ²) and arccos ρ turn an error δ in ρ into √δ
(their singular parts cancel only in exact arithmetic), so every layer halves the digits. Those entries are
checked by the float64 and mpmath backends, which carry Δ = Σ₁₁Σ₂₂ − Σ₁₂² instead.
"""

from __future__ import annotations

import functools
import json
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath

from ._errors import SymntkError

__all__ = [
    "BETAS",
    "DEPTHS",
    "DIGITS",
    "GRID",
    "Drift",
    "GridPoint",
    "check_table",
    "closed_form_activations",
    "generate_tables",
    "load_table",
    "summary_rows",
    "table_path",
    "write_table",
]

#: Significant digits stored in the tables.
DIGITS = 50
#: Depths L (the number of affine layers).
DEPTHS = tuple(range(1, 11))
#: Bias scales β, as exact decimals.
BETAS = ("0", "0.1", "1")
#: The working precision of the generator (decimal digits); each expectation converges to WORK − 8.
WORK_DIGITS = 70
#: The generator runs: 0 and 1 use different quadrature nodes (see _Polar and _Trapezoid).
VARIANTS = (0, 1)
#: Entries beyond this magnitude are left out of the tables (float64 cannot hold them).
HUGE = mpmath.mpf(10) ** 300
#: The quantities of each entry: Σ (nngp), Σ̇ (sigma_dot), Θ (ntk).
QUANTITIES = ("nngp", "sigma_dot", "ntk")
FORMAT = "symntk-golden/1"
#: Default folder of the tables, relative to the repository root.
DEFAULT_DIR = Path("generated") / "golden"


@dataclass(frozen=True)
class GridPoint:
    """A pair of inputs x = (|x|, 0), x′ = |x′|(cos φ, sin φ) in ℝ² (n₀ = 2), rounded to float64.

    The stored inputs are the exact decimal values of the float64 numbers, so that every backend (float64
    included) sees the same inputs; ``angle`` is the nominal φ as text.
    """

    label: str
    norm1: str
    norm2: str
    angle: str

    def inputs(self) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]:
        """x and x′ as exact rationals (the binary values of float64 numbers)."""
        with mpmath.workdps(40):
            phi = _angle_value(self.angle)
            r1, r2 = float(Fraction(self.norm1)), float(Fraction(self.norm2))
            x2 = (float(r2 * mpmath.cos(phi)), float(r2 * mpmath.sin(phi)))
        if self.angle == "pi":  # exactly antipodal and exactly orthogonal, not cos π rounded
            x2 = (-r2, 0.0)
        elif self.angle == "pi/2":
            x2 = (0.0, r2)
        return (Fraction(r1), Fraction(0)), (Fraction(x2[0]), Fraction(x2[1]))

    def input_text(self) -> list[list[str]]:
        """x and x′ as exact decimal strings."""
        return [[_exact_decimal(v) for v in vec] for vec in self.inputs()]


def _angle_value(text: str) -> Any:
    table = {
        "0": 0,
        "1e-8": mpmath.mpf("1e-8"),
        "1e-3": mpmath.mpf("1e-3"),
        "pi/3": mpmath.pi / 3,
        "pi/2": mpmath.pi / 2,
        "2pi/3": 2 * mpmath.pi / 3,
        "pi-1e-6": mpmath.pi - mpmath.mpf("1e-6"),
        "pi": mpmath.pi,
    }
    return table[text]


def _exact_decimal(v: Fraction) -> str:
    """The exact decimal expansion of a binary fraction."""
    return str(Decimal(float(v)))


#: The input pairs: the diagonal, tiny angles, generic, orthogonal, obtuse, nearly antipodal, antipodal.
GRID: tuple[GridPoint, ...] = (
    GridPoint("diagonal", "1", "1", "0"),
    GridPoint("tiny angle 1e-8", "1", "1", "1e-8"),
    GridPoint("small angle, unequal norms", "0.5", "2", "1e-3"),
    GridPoint("generic", "1", "1.5", "pi/3"),
    GridPoint("orthogonal", "1", "1", "pi/2"),
    GridPoint("obtuse, unequal norms", "2", "0.5", "2pi/3"),
    GridPoint("nearly antipodal", "1", "1", "pi-1e-6"),
    GridPoint("antipodal", "1", "2", "pi"),
)


def closed_form_activations() -> list[str]:
    """The registry names of the activations with closed-form dual kernels (default parameters)."""
    from .activations import ACTIVATIONS, get_activation

    return [name for name in ACTIVATIONS if get_activation(name).has_closed_form]


# ---------------------------------------------------------------------------------------------------------
# The independent route: Gaussian expectations by quadrature from σ alone


def _homogeneity_degree(expr: Any) -> int | None:
    """k with σ(rz) = rᵏσ(z) for r > 0, checked exactly at rational points; None for σ ≡ 0 on ℝ∖{0}."""
    import sympy as sp

    from .activations import Z

    one, minus = expr.subs(Z, 1), expr.subs(Z, -1)
    if one == 0 and minus == 0:
        return None
    base = one if one != 0 else minus
    ratio = (expr.subs(Z, 2 if one != 0 else -2)) / base
    k = int(sp.log(ratio, 2)) if ratio > 0 else -1
    if k < 0 or sp.Integer(2) ** k != ratio:
        raise SymntkError(f"σ = {expr} is not positively homogeneous of integer degree")
    for r in (sp.Rational(1, 3), sp.Rational(7, 2), sp.Integer(5)):
        for z in (sp.Rational(-5, 4), sp.Rational(-1, 7), sp.Rational(3, 11), sp.Rational(9, 2)):
            if sp.simplify(expr.subs(Z, r * z) - r**k * expr.subs(Z, z)) != 0:
                raise SymntkError(f"σ = {expr} is not positively homogeneous of degree {k}")
    return k


class _Polar:
    """E[f(u)f(v)] for positively homogeneous f by the angular integral of the module docstring."""

    def __init__(self, expr: Any, variant: int) -> None:
        import sympy as sp

        from .activations import Z

        self.method = ("tanh-sinh", "gauss-legendre")[variant]
        self.degree = _homogeneity_degree(expr)
        self.f = sp.lambdify(Z, expr, modules=[{"Heaviside": _heaviside}, "mpmath"])

    def __call__(self, q1: Any, q2: Any, c: Any, d: Any, digits: int) -> Any:
        if self.degree is None:
            return mpmath.mpf(0)
        a, b = mpmath.sqrt(q1), mpmath.sqrt(q2)
        theta = mpmath.atan2(mpmath.sqrt(d), c) if a * b != 0 else mpmath.pi / 2
        half = mpmath.pi / 2
        cuts = {mpmath.mpf(0), half, 3 * half, 4 * half}
        cuts.update(mpmath.fmod(theta + s, 4 * half) for s in (half, 3 * half))
        points = sorted(cuts)
        f = self.f

        def integrand(t: Any) -> Any:
            return f(a * mpmath.cos(t)) * f(b * mpmath.cos(t - theta))

        value, error = mpmath.quad(integrand, points, error=True, method=self.method, maxdegree=10)
        # relative to the value, or for a value that vanishes (by symmetry) to 2π max|f(a·)| max|f(b·)|
        bound = 2 * mpmath.pi * max(abs(f(a)), abs(f(-a))) * max(abs(f(b)), abs(f(-b)))
        if error > mpmath.mpf(10) ** (-digits) * max(abs(value), bound):
            raise SymntkError(f"angular quadrature did not converge to {digits} digits (error {error})")
        m = 2 * self.degree
        return 2 ** mpmath.mpf(m / 2) * mpmath.gamma(mpmath.mpf(m) / 2 + 1) / (2 * mpmath.pi) * value


def _heaviside(z: Any, half: Any = None) -> Any:
    return mpmath.mpf(1) if z > 0 else (mpmath.mpf(0) if z < 0 else mpmath.mpf(1) / 2)


def _arb_function(expr: Any) -> Callable[[Any], Any]:
    """A SymPy expression of Z compiled to a closure over python-flint arb balls (smooth functions only)."""
    import flint
    import sympy as sp

    from .activations import Z

    def build(e: Any) -> Callable[[Any], Any]:
        if e == Z:
            return lambda z: z
        if e.is_Rational:
            p, q = int(e.p), int(e.q)
            return lambda z: flint.arb(p) / q
        if e == sp.pi:
            return lambda z: flint.arb.pi()
        if e == sp.E:
            return lambda z: flint.arb(1).exp()
        parts = [build(a) for a in e.args]
        if isinstance(e, sp.Add):

            def add(z: Any) -> Any:
                total = parts[0](z)
                for p in parts[1:]:
                    total = total + p(z)
                return total

            return add
        if isinstance(e, sp.Mul):

            def mul(z: Any) -> Any:
                total = parts[0](z)
                for p in parts[1:]:
                    total = total * p(z)
                return total

            return mul
        if isinstance(e, sp.Pow):
            base, ex = parts[0], e.args[1]
            if ex.is_Integer:
                n = int(ex)
                return lambda z: base(z) ** n
            if ex == sp.Rational(1, 2):
                return lambda z: base(z).sqrt()
            if ex == sp.Rational(-1, 2):
                return lambda z: 1 / base(z).sqrt()
            return lambda z: (parts[1](z) * base(z).log()).exp()
        methods = {
            sp.exp: "exp",
            sp.sin: "sin",
            sp.cos: "cos",
            sp.erf: "erf",
            sp.tanh: "tanh",
            sp.cosh: "cosh",
            sp.sinh: "sinh",
            sp.log: "log",
        }
        for fn, name in methods.items():
            if isinstance(e, fn):
                return _method(parts[0], name)
        raise SymntkError(f"no ball-arithmetic form for {e} (smooth activations only)")

    return build(sp.sympify(expr))


def _method(inner: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def call(z: Any) -> Any:
        return getattr(inner(z), name)()

    return call


def _to_arb(v: Any) -> Any:
    import flint

    if isinstance(v, Fraction):
        return flint.arb(v.numerator) / v.denominator
    man, exp = mpmath.mpf(v).man_exp
    return flint.arb(int(man)) * flint.arb(2) ** int(exp) if man else flint.arb(0)


def _from_arb(x: Any, digits: int) -> Any:
    return mpmath.mpf(x.mid().str(digits + 10, radius=False, more=True))


class _Trapezoid:
    """E[f(u)f(v)] for smooth f by the two-level trapezoidal rule of the module docstring (arb).

    ``variant`` 0 uses the steps h = (2/5)·2^{−n}, variant 1 the steps h = (7/20)·2^{−n}: the two generator
    runs share no node, so their agreement measures the truncation error.
    """

    def __init__(self, expr: Any, variant: int) -> None:
        self.f = _arb_function(expr)
        self.zero = expr == 0
        self.start = Fraction(2, 5) if variant == 0 else Fraction(7, 20)

    def __call__(self, q1: Any, q2: Any, c: Any, d: Any, digits: int) -> Any:
        import flint

        if self.zero:
            return mpmath.mpf(0)
        old = flint.ctx.dps
        flint.ctx.dps = digits + 12
        try:
            return self._compute(q1, q2, c, d, digits)
        finally:
            flint.ctx.dps = old

    def _compute(self, q1: Any, q2: Any, c: Any, d: Any, digits: int) -> Any:
        import flint

        a, b = _to_arb(q1).sqrt(), _to_arb(q2).sqrt()
        if q1 == 0 or q2 == 0:
            rho, beta = flint.arb(0), flint.arb(1)
        else:
            rho = _to_arb(c) / (a * b)
            beta = (_to_arb(d) / (_to_arb(q1) * _to_arb(q2))).sqrt() if d > 0 else flint.arb(0)
        reach = math.sqrt(2 * math.log(10) * (digits + 12))
        h = self.start
        for _ in range(10):
            fine, coarse, mass = self._levels(a, b, rho, beta, h, reach)
            # the error of the trapezoidal rule falls like exp(−c/h²) for these entire integrands, so it is
            # raised to the fourth power when h halves: |fine − coarse| ≈ the coarse error predicts the
            # fine one (the two runs on disjoint nodes then confirm it, to DIGITS + 3 digits)
            gap = abs(fine - coarse).mid() / max(abs(fine).mid(), (flint.arb(10) ** (-digits) * mass).mid())
            if (fine == 0 and mass == 0) or gap**4 <= (flint.arb(10) ** (-digits)).mid():
                return _from_arb(fine, digits)
            h = h / 2
        raise SymntkError(f"trapezoidal rule did not converge to {digits} digits")

    def _levels(
        self, a: Any, b: Any, rho: Any, beta: Any, step: Fraction, reach: float
    ) -> tuple[Any, Any, Any]:
        import flint

        f = self.f
        eps = flint.arb(10) ** (-(flint.ctx.dps + 2))
        h = flint.arb(step.numerator) / step.denominator
        hf = float(step)
        norm = h / (2 * flint.arb.pi()).sqrt()
        weights: dict[int, Any] = {}
        offsets: dict[int, Any] = {}

        def weight(j: int) -> Any:
            w = weights.get(j)
            if w is None:
                x = j * h
                w = weights[j] = norm * (-(x * x) / 2).exp()
            return w

        def offset(j: int) -> Any:
            o = offsets.get(j)
            if o is None:
                o = offsets[j] = b * beta * (j * h)
            return o

        degenerate = beta == 0

        def walk(term: Callable[[int], tuple[Any, Any]]) -> tuple[Any, Any, Any]:
            fine, coarse, mass = flint.arb(0), flint.arb(0), flint.arb(0)
            for start, direction in ((0, 1), (-1, -1)):
                j, quiet = start, 0
                while True:
                    tf, tc = term(j)
                    fine += tf
                    if j % 2 == 0:
                        coarse += 2 * tc
                    size = abs(tf).mid()
                    mass += size
                    if abs(j) * hf >= reach and size <= (eps * mass).mid():
                        quiet += 1
                        if quiet == 3:
                            break
                    else:
                        quiet = 0
                    j += direction
            return fine, coarse, mass

        def outer(i: int) -> tuple[Any, Any]:
            x = i * h
            fx = f(a * x) * weight(i)
            if degenerate:
                t = fx * f(b * rho * x)
                return t, t
            if fx == 0:
                return fx, fx
            mean = b * rho * x

            def inner(j: int) -> tuple[Any, Any]:
                t = f(mean + offset(j)) * weight(j)
                return t, t

            fine, coarse, _ = walk(inner)
            return fx * fine, fx * coarse

        return walk(outer)


def _expectation_routes(activation: str, variant: int) -> tuple[Any, Any]:
    """The quadrature of E[σσ] and of E[σ̇σ̇] for a registry activation, from its σ and σ̇ alone."""
    from .activations import get_activation

    act = get_activation(activation)
    if act.is_homogeneous:
        return _Polar(act.sigma, variant), _Polar(act.sigma_dot, variant)
    if act.kinks:
        raise SymntkError(f"no golden route for {activation}: kinks away from 0")
    return _Trapezoid(act.sigma, variant), _Trapezoid(act.sigma_dot, variant)


def _compose(
    activation: str, point: GridPoint, beta: str, work: int, variant: int
) -> dict[int, dict[str, list[Any]]]:
    """The recursion for the pair of ``point`` at ``work`` digits: {L: {quantity: [K11, K22, K12]}}."""
    e_sigma, e_dot = _expectation_routes(activation, variant)
    (x1, y1), (x2, y2) = point.inputs()
    b2 = Fraction(beta) ** 2
    n0 = 2
    out: dict[int, dict[str, list[Any]]] = {}
    with mpmath.workdps(work):
        # layer 1, exactly: Δ by Lagrange's identity plus β²|x − x′|²/n₀
        q1 = Fraction(x1 * x1 + y1 * y1, n0) + b2
        q2 = Fraction(x2 * x2 + y2 * y2, n0) + b2
        c = Fraction(x1 * x2 + y1 * y2, n0) + b2
        d = Fraction((x1 * y2 - y1 * x2) ** 2, n0 * n0) + b2 * Fraction((x1 - x2) ** 2 + (y1 - y2) ** 2, n0)
        s = [_mpf(q1), _mpf(q2), _mpf(c)]
        theta = list(s)
        delta = _mpf(d)
        out[1] = {"nngp": list(s), "ntk": list(theta)}
        b2m = _mpf(b2)
        zero = mpmath.mpf(0)
        tol = work - 8
        for depth in DEPTHS[1:]:
            q1m, q2m, cm = s
            k11 = e_sigma(q1m, q1m, q1m, zero, tol)
            k22 = e_sigma(q2m, q2m, q2m, zero, tol) if point.inputs()[0] != point.inputs()[1] else k11
            k12 = (
                e_sigma(q1m, q2m, cm, delta, tol)
                if delta != 0
                else _degenerate(k11, k22, q1m, q2m, cm, e_sigma, tol)
            )
            d11 = e_dot(q1m, q1m, q1m, zero, tol)
            d22 = e_dot(q2m, q2m, q2m, zero, tol) if k22 is not k11 else d11
            d12 = (
                e_dot(q1m, q2m, cm, delta, tol)
                if delta != 0
                else _degenerate(d11, d22, q1m, q2m, cm, e_dot, tol)
            )
            det = k11 * k22 - k12 * k12
            delta = max(det, zero) + b2m * max(k11 + k22 - 2 * k12, zero)
            s = [k11 + b2m, k22 + b2m, k12 + b2m]
            dots = [d11, d22, d12]
            theta = [t * sd + sg for t, sd, sg in zip(theta, dots, s, strict=True)]
            if any(abs(v) > HUGE for v in s + theta):
                break
            out[depth] = {"nngp": list(s), "sigma_dot": dots, "ntk": list(theta)}
    return out


def _degenerate(k11: Any, k22: Any, q1: Any, q2: Any, c: Any, route: Any, tol: int) -> Any:
    """E at Δ = 0: the diagonal value for x = x′, else the quadrature on the degenerate covariance."""
    if q1 == q2 == c:
        return k11
    return route(q1, q2, c, mpmath.mpf(0), tol)


def _mpf(v: Fraction) -> Any:
    return mpmath.mpf(v.numerator) / v.denominator


def _certify(
    low: dict[int, dict[str, list[Any]]], high: dict[int, dict[str, list[Any]]], where: str
) -> dict[str, dict[str, list[str]]]:
    """The entries of two runs that agree to DIGITS + 3 digits, as DIGITS-digit strings (0 for zeros)."""
    out: dict[str, dict[str, list[str]]] = {}
    depths = sorted(set(low) & set(high))
    with mpmath.workdps(WORK_DIGITS):
        for depth in depths:
            row: dict[str, list[str]] = {}
            for quantity, values in high[depth].items():
                texts = []
                scale = mpmath.sqrt(abs(values[0] * values[1]))
                for i, (u, v) in enumerate(zip(low[depth][quantity], values, strict=True)):
                    tiny = mpmath.mpf(10) ** -60 * scale
                    if abs(u) <= tiny and abs(v) <= tiny:
                        texts.append("0")
                    elif abs(u - v) <= mpmath.mpf(10) ** -(DIGITS + 3) * abs(v):
                        texts.append(mpmath.nstr(v, DIGITS, strip_zeros=False, min_fixed=1, max_fixed=0))
                    elif abs(u - v) <= tiny:  # near a zero: only the digits the absolute accuracy supports
                        shown = int(mpmath.floor(mpmath.log10(abs(v) / abs(u - v)))) - 3
                        texts.append(
                            mpmath.nstr(v, max(shown, 1), strip_zeros=False, min_fixed=1, max_fixed=0)
                        )
                    else:
                        raise SymntkError(
                            f"golden {where} L={depth} {quantity}[{_SLOTS[i]}]: the two runs (different "
                            f"nodes) agree only to {mpmath.nstr(abs(u - v) / abs(v), 3)} relative"
                        )
                row[quantity] = texts
            out[str(depth)] = row
    return out


_SLOTS = ("x,x", "x',x'", "x,x'")


def generate_tables(
    activations: Sequence[str], workers: int = 1, progress: Callable[[str], None] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The golden tables of registry activations, computed by the independent route (see the module).

    Yields (name, table) as each table completes. ``workers`` > 1 spreads the (activation, β, input pair)
    rows over that many processes (the rows are independent).
    """
    from .activations import get_activation

    for name in activations:
        if not get_activation(name).has_closed_form:
            raise SymntkError(f"{name} has no closed form to guard (golden tables are for closed forms)")
    tasks = [(name, beta, i) for name in activations for beta in BETAS for i in range(len(GRID))]
    pending = {name: len(BETAS) * len(GRID) for name in activations}
    results: dict[str, list[tuple[str, int, dict[str, dict[str, list[str]]], float]]] = {
        n: [] for n in pending
    }
    began = time.perf_counter()

    def done(r: tuple[str, str, int, dict[str, dict[str, list[str]]], float]) -> tuple[str, Any] | None:
        name = r[0]
        if pending[name] < 0:
            return None
        results[name].append(r[1:])
        pending[name] -= 1
        if progress:
            progress(f"{name} beta={r[1]} {GRID[r[2]].label}: {r[4]:.1f} s")
        if pending[name]:
            return None
        return name, _table(name, results.pop(name), time.perf_counter() - began)

    failed: list[str] = []

    def attempt(get: Callable[[], Any], task: tuple[str, str, int]) -> tuple[str, Any] | None:
        try:
            return done(get())
        except SymntkError as exc:  # the other tables still complete; the failure is reported at the end
            failed.append(str(exc))
            pending[task[0]] = -1
            if progress:
                progress(f"FAILED {task[0]} beta={task[1]} {GRID[task[2]].label}: {exc}")
            return None

    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_generate_one, t): t for t in tasks}
            for future in as_completed(futures):
                table = attempt(future.result, futures[future])
                if table is not None:
                    yield table
    else:
        for t in tasks:
            table = attempt(functools.partial(_generate_one, t), t)
            if table is not None:
                yield table
    if failed:
        raise SymntkError(f"{len(failed)} golden row(s) failed: {'; '.join(failed)}")


def _generate_one(task: tuple[str, str, int]) -> tuple[str, str, int, dict[str, dict[str, list[str]]], float]:
    activation, beta, index = task
    began = time.perf_counter()
    point = GRID[index]
    runs = [_compose(activation, point, beta, WORK_DIGITS, v) for v in VARIANTS]
    entries = _certify(runs[0], runs[1], f"{activation} beta={beta} {point.label}")
    return activation, beta, index, entries, time.perf_counter() - began


def _table(
    name: str, results: list[tuple[str, int, dict[str, dict[str, list[str]]], float]], seconds: float
) -> dict[str, Any]:
    import flint

    from .activations import get_activation

    act = get_activation(name)
    rows = []
    for beta, index, entries, row_seconds in sorted(results, key=lambda r: (BETAS.index(r[0]), r[1])):
        point = GRID[index]
        x, x_prime = point.input_text()
        rows.append(
            {
                "beta": beta,
                "point": point.label,
                "norms": [point.norm1, point.norm2],
                "angle": point.angle,
                "x": x,
                "x_prime": x_prime,
                "seconds": round(row_seconds, 2),
                "depths": entries,
            }
        )
    return {
        "format": FORMAT,
        "activation": act.name,
        "sigma": str(act.sigma),
        "provenance": {
            "method": "independent quadrature composed through the layers: polar angular integral by "
            "mpmath.quad for positively homogeneous sigma, two-level trapezoid in conditional "
            "coordinates (python-flint arb) for smooth sigma; never the closed form",
            "digits": DIGITS,
            "work_digits": WORK_DIGITS,
            "expectation_digits": WORK_DIGITS - 8,
            "runs": "two, on disjoint quadrature nodes (tanh-sinh and Gauss-Legendre; trapezoid steps "
            "(2/5) 2^-n and (7/20) 2^-n)",
            "agreement_digits": DIGITS + 3,
            "mpmath": mpmath.__version__,
            "python_flint": flint.__version__,
            "n0": 2,
            "depths": list(DEPTHS),
            "betas": list(BETAS),
            "quantities": {"nngp": "Sigma^(L)", "sigma_dot": "Sigma-dot^(L), L >= 2", "ntk": "Theta^(L)"},
            "slots": list(_SLOTS),
            "omitted": "depths at which an entry exceeds 1e300",
            "cpu_seconds": round(sum(r[3] for r in results), 1),
        },
        "rows": rows,
    }


# ---------------------------------------------------------------------------------------------------------
# files


def table_path(activation: str, folder: str | Path = DEFAULT_DIR) -> Path:
    """The JSON file of one activation's table."""
    return Path(folder) / f"{activation}.json"


def write_table(table: dict[str, Any], activation: str, folder: str | Path = DEFAULT_DIR) -> Path:
    path = table_path(activation, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_table(activation: str, folder: str | Path = DEFAULT_DIR) -> dict[str, Any]:
    """A committed table; SymntkError when it is missing or not a golden table."""
    path = table_path(activation, folder)
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SymntkError(f"no golden table for {activation} at {path} (run 'symntk golden')") from None
    except json.JSONDecodeError as exc:
        raise SymntkError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(table, dict) or table.get("format") != FORMAT:
        raise SymntkError(f"{path} is not a golden table ({FORMAT})")
    return table


# ---------------------------------------------------------------------------------------------------------
# the check through the closed forms


@dataclass(frozen=True)
class Drift:
    """One golden entry that a backend no longer reproduces."""

    entry: str
    backend: str
    golden: str
    got: str
    agreed: float  # significant digits of agreement (relative to the entry, or to its scale near zero)

    def __str__(self) -> str:
        return (
            f"{self.entry} [{self.backend}]: golden {self.golden}, got {self.got} ({self.agreed:.1f} digits)"
        )


#: Tolerances: (relative, absolute relative to the entry's scale √(K(x,x)K(x′,x′))).
TOLERANCES = {"float64": (1e-13, 1e-15), "mpmath": (1e-45, 1e-47), "sympy": (1e-45, 1e-47)}


def _entry_name(activation: str, beta: str, label: str, depth: int, quantity: str, slot: int) -> str:
    return f"{activation} beta={beta} {label} L={depth} {quantity}[{_SLOTS[slot]}]"


def check_table(
    table: dict[str, Any],
    activation: Any = None,
    backends: Sequence[str] = ("float64", "mpmath", "sympy"),
    sympy_depths: Iterable[int] | None = None,
) -> tuple[list[Drift], int]:
    """Recompute every entry of ``table`` through the closed forms; return (drifts, entries checked).

    ``activation`` overrides the table's (an Activation object: how a test perturbs a closed form);
    ``sympy_depths`` limits the SymPy backend to some depths (default: all).
    """
    from .activations import get_activation

    name = table.get("activation", "?")
    act = get_activation(activation if activation is not None else name)
    unknown = set(backends) - set(TOLERANCES)
    if unknown:
        raise SymntkError(f"unknown backend(s) {sorted(unknown)}; known: {', '.join(TOLERANCES)}")
    sym_depths = set(DEPTHS if sympy_depths is None else sympy_depths)
    drifts: list[Drift] = []
    checked = 0
    symbolic = _SymbolicCache(act) if "sympy" in backends else None
    for row in table["rows"]:
        beta, label = row["beta"], row["point"]
        xs = [row["x"], row["x_prime"]]
        depths = sorted(int(k) for k in row["depths"])
        mp_prev: Any = None
        for depth in depths:
            golden = row["depths"][str(depth)]
            previous = row["depths"].get(str(depth - 1))
            computed: dict[str, dict[str, list[Any]]] = {}
            if "float64" in backends:
                computed["float64"] = _float_entries(xs, act, depth, beta, previous)
            if "mpmath" in backends:
                mp_k = _mp_kernels(xs, act, depth, beta, 70)
                computed["mpmath"] = _mp_entries(mp_k, act, mp_prev)
                mp_prev = mp_k
            if symbolic is not None and depth in sym_depths:
                computed["sympy"] = symbolic.entries(xs, depth, beta)
            for backend, values in computed.items():
                rtol, atol = TOLERANCES[backend]
                for quantity, gold in golden.items():
                    got = values.get(quantity)
                    if got is None:
                        continue
                    with mpmath.workdps(60):
                        g = [mpmath.mpf(t) for t in gold]
                        scale = mpmath.sqrt(abs(g[0] * g[1]))
                        for slot in range(3):
                            if got[slot] is None:
                                continue
                            checked += 1
                            v = mpmath.mpf(got[slot])
                            err = abs(v - g[slot])
                            if err <= rtol * abs(g[slot]) + atol * scale:
                                continue
                            ref = abs(g[slot]) if g[slot] != 0 else scale
                            agreed = float(-mpmath.log10(err / ref)) if ref != 0 and err != 0 else 0.0
                            drifts.append(
                                Drift(
                                    _entry_name(name, beta, label, depth, quantity, slot),
                                    backend,
                                    gold[slot],
                                    mpmath.nstr(v, 20 if backend != "float64" else 17),
                                    agreed,
                                )
                            )
    return drifts, checked


def _mp_kernels(xs: list[list[str]], act: Any, depth: int, beta: str, dps: int) -> Any:
    from .limits import kernels

    return kernels(xs, xs, activation=act, depth=depth, beta=beta, dps=dps)


def _pair_values(matrix: Any) -> list[Any]:
    return [matrix[0, 0], matrix[1, 1], matrix[0, 1]]


def _float_entries(
    xs: list[list[str]], act: Any, depth: int, beta: str, previous: dict[str, list[str]] | None
) -> dict[str, list[Any]]:
    """Σ and Θ by the float64 recursion; Σ̇ by the float64 dual kernel at the golden layer-(L−1) covariance
    (given exactly, so that the check sees the closed form of the last layer, not rounded inputs)."""
    from .limits import dual_kernels, kernels

    inputs = [[float(Fraction(v)) for v in row] for row in xs]
    k = kernels(inputs, inputs, activation=act, depth=depth, beta=float(Fraction(beta)))
    out = {"nngp": [float(v) for v in _pair_values(k.nngp)], "ntk": [float(v) for v in _pair_values(k.ntk)]}
    if previous is not None:
        a, b, c = (Fraction(t) for t in previous["nngp"])
        out["sigma_dot"] = [dual_kernels(act, *cov)[1] for cov in ((a, a, a), (b, b, b), (a, b, c))]
    return out


def _covariances(s: Any) -> list[tuple[Fraction, Fraction, Fraction]]:
    """The covariances of the three slots, as exact rationals (the mpmath values' binary fractions)."""
    a, b, c = (Fraction(*mpmath.libmp.to_rational(v._mpf_)) for v in (s[0, 0], s[1, 1], s[0, 1]))
    return [(a, a, a), (b, b, b), (a, b, c)]


def _mp_entries(k: Any, act: Any, prev: Any) -> dict[str, list[Any]]:
    from .limits import dual_kernels

    out = {"nngp": _pair_values(k.nngp), "ntk": _pair_values(k.ntk)}
    if prev is not None:
        out["sigma_dot"] = [dual_kernels(act, a, b, c, dps=55)[1] for a, b, c in _covariances(prev.nngp)]
    return out


class _SymbolicCache:
    """symbolic_kernels(act, depth) with β symbolic, built once per depth, evaluated node by node."""

    PRECISION = 120

    def __init__(self, act: Any) -> None:
        self.act = act
        self.cache: dict[int, Any] = {}

    def entries(self, xs: list[list[str]], depth: int, beta: str) -> dict[str, list[Any]]:
        import sympy as sp

        from .limits import BETA, N0, XX, XY, YY, symbolic_kernels

        if depth not in self.cache:
            self.cache[depth] = symbolic_kernels(self.act, depth=depth)
        k = self.cache[depth]
        x, y = ([sp.Rational(Fraction(v).numerator, Fraction(v).denominator) for v in row] for row in xs)
        xx, yy, xy = x[0] ** 2 + x[1] ** 2, y[0] ** 2 + y[1] ** 2, x[0] * y[0] + x[1] * y[1]
        b = sp.Rational(Fraction(beta).numerator, Fraction(beta).denominator)
        out: dict[str, list[Any]] = {"nngp": [None, None], "sigma_dot": [None, None], "ntk": [None, None]}
        if xs[0] == xs[1]:  # ρ = 1 exactly: the textbook forms are ill-conditioned there (module docstring)
            return {}
        values = _evalf_dag(list(k), {XX: xx, YY: yy, XY: xy, N0: sp.Integer(2), BETA: b}, self.PRECISION)
        with mpmath.workdps(self.PRECISION):
            for quantity, v in zip(("nngp", "sigma_dot", "ntk"), values, strict=True):
                out[quantity].append(mpmath.mpf(str(v)) if v.is_real is not False else mpmath.nan)
        if depth == 1:
            del out["sigma_dot"]
        return out


def _evalf_dag(exprs: list[Any], subs: dict[Any, Any], precision: int) -> list[Any]:
    """Each expression evaluated with SymPy's evalf at ``precision`` digits, node by node, every shared
    subexpression once (the nested kernels are trees of exponential size but DAGs of linear size)."""
    import sympy as sp

    memo: dict[Any, Any] = {}
    rounding = sp.Float(10, precision) ** (10 - precision)

    def value(e: Any) -> Any:
        got = memo.get(e)
        if got is not None:
            return got
        if e in subs:
            out = sp.Float(subs[e], precision) if not subs[e].is_Rational else subs[e]
        elif not e.args or e.is_Number or e.is_NumberSymbol:
            out = e.evalf(precision) if e.is_number else e
        else:
            args = [value(a) for a in e.args]
            # at a diagonal (ρ = ±1) rounding can move an argument just out of the domain: put it back
            x = args[0]
            if isinstance(e, sp.acos | sp.asin) and x.is_real and 1 < abs(x) <= 1 + rounding:
                args[0] = sp.sign(x)
            elif (
                isinstance(e, sp.Pow)
                and e.exp.is_Rational
                and not e.exp.is_Integer
                and x.is_real
                and -rounding <= x < 0
            ):
                args[0] = sp.Integer(0)
            out = e.func(*args)
            if out.is_number:
                out = out.evalf(precision)
        memo[e] = out
        return out

    return [sp.N(value(e), precision) for e in exprs]


# ---------------------------------------------------------------------------------------------------------
# a short human-readable table


def summary_rows(
    folder: str | Path = DEFAULT_DIR,
    depths: Sequence[int] = (2, 10),
    beta: str = "0.1",
    point: str = "generic",
    digits: int = 15,
) -> list[dict[str, str]]:
    """One row per committed table: Σ^{(L)}(x, x′) and Θ^{(L)}(x, x′) at a few depths, to ``digits`` digits.

    For the report (rendering is symntk.report's): keys ``activation``, ``beta``, ``point``, ``depth``,
    ``nngp``, ``ntk``.
    """
    rows = []
    for path in sorted(Path(folder).glob("*.json")):
        table = load_table(path.stem, folder)
        for row in table["rows"]:
            if row["beta"] != beta or row["point"] != point:
                continue
            for depth in depths:
                entry = row["depths"].get(str(depth))
                if entry is None:
                    continue
                with mpmath.workdps(DIGITS):
                    rows.append(
                        {
                            "activation": table["activation"],
                            "beta": beta,
                            "point": point,
                            "depth": str(depth),
                            "nngp": mpmath.nstr(mpmath.mpf(entry["nngp"][2]), digits),
                            "ntk": mpmath.nstr(mpmath.mpf(entry["ntk"][2]), digits),
                        }
                    )
    return rows
