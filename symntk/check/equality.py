"""Checking an equality ``lhs = rhs``: exact symbolic proof, then independent random points.

The strategy, strongest first (issue 5; DESIGN, "The checker's honesty"):

1. **proved** when ``lhs − rhs`` simplifies to 0 with every symbol real and carrying its assumptions (a
   proof for all values in the domain and, for an undefined function, for every function); sums are
   re-indexed to a common form first, and a rational function is decided by its normal form;
2. otherwise random instances (:mod:`symntk.check.sampling`): **refuted** by the first point where the two
   sides differ (the point and both values are the counterexample); **verified** when every usable point
   agrees, exactly when both sides are rational there, else to ``dps`` and ``2·dps`` digits with a residual
   that shrinks with the precision (:mod:`symntk.check.evaluation`). A nonzero rational function vanishes at k
   independent random points only on a set of probability ≤ (deg/N)^k, and a nonzero analytic function on a
   set of measure zero: that is what the points buy, and the verdict says how many there were. Where a side
   has a branch cut or a kink, a false identity can fail on a region only, so more points are used
   (:data:`BRANCH_POINTS`) and the verdict says what they buy. Random symbols (sympy.stats) are checked
   pointwise: an identity for every value holds almost surely. Without free symbols, agreement to
   ``2·dps − 10`` digits with a shrinking residual is *verified* and a stable difference *refuted*;
3. **undecided** when time runs out, an exception occurs, or too few points could be evaluated.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import sympy as sp

from .._errors import SymntkError
from .assumptions import Assumptions
from .deadline import OutOfTime, deadline
from .evaluation import Agreement, Comparison, Compiled, Outcome, approximated, compare, decide
from .sampling import Concrete, NoPoint, concretize, draw, rational_function, substitute
from .verdict import Verdict, proved, refuted, undecided, verified

#: Default number of random points for a verified verdict, and the working precision in digits.
POINTS = 6
DIGITS = 50
#: Points used instead when a side has a branch cut or a kink (roots, log, inverse trigonometric functions,
#: |·|, max, piecewise): there an identity can fail on a whole region, not just on a set of measure zero,
#: and a failure on a quarter of the domain escapes k independent points with probability 0.75^k (3·10⁻⁴
#: for 28).
BRANCH_POINTS = 28

_BRANCHED = (
    sp.log,
    sp.asin,
    sp.acos,
    sp.atan,
    sp.acot,
    sp.asec,
    sp.acsc,
    sp.atan2,
    sp.Abs,
    sp.sign,
    sp.Piecewise,
    sp.Max,
    sp.Min,
    sp.floor,
    sp.ceiling,
    sp.arg,
    sp.re,
    sp.im,
    sp.Heaviside,
    sp.asinh,
    sp.acosh,
    sp.atanh,
)


def branched(*exprs: sp.Basic) -> bool:
    """Whether an expression has a branch cut or a kink (where identities hold only on part of the domain)."""
    for expr in exprs:
        if expr.atoms(*_BRANCHED):
            return True
        if any(not p.exp.is_Integer and not p.base.is_positive for p in expr.atoms(sp.Pow)):
            return True  # a root or power of something that may be negative: a branch cut
    return False


def as_expression(value: Any, what: str = "expression") -> sp.Basic:
    """A SymPy object for ``value``: SymPy objects and Python numbers only, never text."""
    if isinstance(value, str):
        raise SymntkError(
            f"{what} is text ({value!r}): give a SymPy expression; LaTeX is parsed only by symntk verify"
        )
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | complex | sp.MatrixBase):
        if isinstance(value, list | tuple) and value and all(isinstance(v, list | tuple) for v in value):
            return sp.ImmutableMatrix(value)
        raise SymntkError(f"{what} is a {type(value).__name__}, not a SymPy expression or a number")
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, float):
        return sp.Rational(value)
    return sp.sympify(value)


def pointwise(expr: sp.Basic) -> sp.Basic:
    """Random symbols (sympy.stats) as real variables: an identity for every value holds almost surely."""
    from sympy.stats.rv import RandomSymbol

    randoms = expr.atoms(RandomSymbol)
    if not randoms:
        return expr
    return expr.xreplace({rv: sp.Symbol(rv.symbol.name, real=True) for rv in randoms})


def shape(expr: sp.Basic) -> tuple[int, int] | None:
    """The shape of a matrix expression, ``None`` for a scalar."""
    if isinstance(expr, sp.MatrixBase | sp.MatrixExpr):
        return tuple(expr.shape)
    return None


def check_shapes(lhs: sp.Basic, rhs: sp.Basic) -> None:
    """Raise :class:`SymntkError` unless both sides are scalars or matrices of the same shape."""
    a, b = shape(lhs), shape(rhs)
    if a == b:
        return
    if a is None or b is None:
        m = a or b
        raise SymntkError(f"relation between a {_dims(m)} matrix and a scalar")
    if all(isinstance(d, int | sp.Integer) for d in (*a, *b)):
        raise SymntkError(f"relation between a {_dims(a)} matrix and a {_dims(b)} matrix")


def _dims(s: Any) -> str:
    return "×".join(str(d) for d in s)


def equal(
    lhs: Any,
    rhs: Any,
    *,
    seed: int | str = 0,
    points: int = POINTS,
    dps: int = DIGITS,
    timeout: float = 20.0,
    symbolic: bool = True,
    **assumptions: Any,
) -> Verdict:
    """Check ``lhs = rhs`` for all values of the symbols allowed by ``assumptions``.

    ``assumptions`` are ``positive``, ``nonnegative``, ``nonzero``, ``integer`` (symbols or names) and
    ``where`` (SymPy relationals); every symbol is real. ``seed`` makes the random points reproducible;
    ``points`` usable points are required for *verified*; ``timeout`` bounds the whole check in seconds.

    >>> import sympy as sp
    >>> a, b = sp.symbols("a b")
    >>> equal((a + b) ** 2, a**2 + 2 * a * b + b**2).status.value
    'proved'
    >>> equal(sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b)).status.value
    'refuted'
    >>> equal(sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), positive=[a, b]).status.value
    'proved'
    """
    given = Assumptions.of(assumptions)
    left, right = as_expression(lhs, "left-hand side"), as_expression(rhs, "right-hand side")
    check_shapes(left, right)
    left, right = pointwise(left), pointwise(right)
    given.check_known((left, right))
    left, right = given.apply_all(left, right)
    try:
        with deadline(timeout):
            return _equal(left, right, given, random.Random(f"equal:{seed}"), points, dps, symbolic)
    except OutOfTime:
        return undecided(f"out of time after {timeout:g} s", method="timeout", timeout=timeout)
    except SymntkError:
        raise
    except (RecursionError, MemoryError) as exc:
        return undecided(f"could not check: {type(exc).__name__}", method="error", reason=type(exc).__name__)
    except Exception as exc:  # any failure of SymPy is an honest 'undecided', never a pass
        return undecided(
            f"could not check: {type(exc).__name__}: {_short(exc)}",
            method="error",
            reason=f"{type(exc).__name__}: {_short(exc)}",
        )


def _equal(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Assumptions,
    rng: random.Random,
    points: int,
    dps: int,
    symbolic: bool,
) -> Verdict:
    if symbolic:
        verdict = _symbolic(lhs, rhs, given)
        if verdict is not None:
            return verdict
    return _at_points(lhs, rhs, given, rng, points, dps)


def _symbolic(lhs: sp.Basic, rhs: sp.Basic, given: Assumptions) -> Verdict | None:
    """Proved if the difference simplifies to zero; refuted if to a nonzero constant; else None."""
    try:
        with deadline(_SYMBOLIC_SHARE):
            diff = _difference(lhs, rhs)
            if diff is None:
                return None
            if _is_zero(diff):
                return proved(
                    f"the difference simplifies to 0 ({given.describe((lhs, rhs))})", method="symbolic"
                )
            if not diff.free_symbols and not isinstance(diff, sp.MatrixBase):
                return None  # a constant: decided by evaluation below, which shows both values
    except OutOfTime:
        return None
    return None


_SYMBOLIC_SHARE = 8.0


def _difference(lhs: sp.Basic, rhs: sp.Basic) -> sp.Basic | None:
    if isinstance(lhs, sp.MatrixExpr) and not isinstance(lhs, sp.MatrixBase):
        if not all(isinstance(d, int | sp.Integer) for d in lhs.shape):
            return None
        lhs = lhs.as_explicit()
    if isinstance(rhs, sp.MatrixExpr) and not isinstance(rhs, sp.MatrixBase):
        if not all(isinstance(d, int | sp.Integer) for d in rhs.shape):
            return None
        rhs = rhs.as_explicit()
    diff = lhs - rhs
    if isinstance(diff, sp.MatrixBase):
        return sp.ImmutableMatrix(diff.shape[0], diff.shape[1], [_simplified(e) for e in diff])
    return _simplified(diff)


def normalize_sums(expr: sp.Basic) -> sp.Basic:
    """Sums and products re-indexed to start at 0 with a canonical index per nesting depth.

    Σ_{i=1}^{d} g(i) becomes Σ_{k=0}^{d−1} g(k + 1): two sums that differ only by a shift or the name of the
    index become the same expression, so their difference can simplify to 0.
    """

    def rebuild(node: sp.Basic, depth: int) -> sp.Basic:
        if not node.args or isinstance(node, sp.MatrixSymbol | sp.Symbol | sp.Indexed | sp.IndexedBase):
            return node
        if isinstance(node, sp.Sum | sp.Product) and len(node.limits) == 1:
            var, low, high = node.limits[0]
            k = sp.Symbol(f"_k{depth}", integer=True)
            body = rebuild(node.function.xreplace({var: k + low}), depth + 1)
            return node.func(body, (k, 0, high - low))
        new_args = [rebuild(a, depth) for a in node.args]
        return node.func(*new_args) if new_args != list(node.args) else node

    return rebuild(expr, 0)


def _simplified(expr: sp.Basic) -> sp.Basic:
    expr = normalize_sums(expr.doit())
    if expr == 0:
        return expr
    candidate = sp.cancel(expr)
    if candidate == 0 or _rational_in_its_atoms(expr):
        # cancel is a normal form for rational functions: if it is not 0, nothing will make it 0
        return candidate
    return sp.simplify(expr)


def _rational_in_its_atoms(expr: sp.Basic) -> bool:
    """Whether ``expr`` is a rational function of symbols and entries (no functions, roots or sums)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and not node.exp.is_Integer:
            return False
        if isinstance(node, sp.Function | sp.Derivative | sp.Subs | sp.Sum | sp.Product | sp.Integral):
            return False
    return True


def _is_zero(diff: sp.Basic) -> bool:
    if isinstance(diff, sp.MatrixBase):
        return all(e == 0 for e in diff)
    return bool(diff == 0)


#: Random points drawn per concretization: sizes, expanded sums and random test functions are drawn anew
#: after that many points (fewer when there are sizes to vary, so that several sizes are tried).
POINTS_PER_INSTANCE = 10
POINTS_PER_SIZE = 3


def _at_points(
    lhs: sp.Basic, rhs: sp.Basic, given: Assumptions, rng: random.Random, points: int, dps: int
) -> Verdict:
    cut = branched(lhs, rhs)
    if cut:
        points = max(points, BRANCH_POINTS)
    symbols = {s for e in (lhs, rhs) for s in e.atoms(sp.Symbol)}
    conditions = given.conditions(symbols)
    constant = not any(e.free_symbols for e in (lhs, rhs))
    agreed = exact = undefined = inconclusive = 0
    attempts = 0
    checker: _Instance | None = None
    while agreed < points and attempts < 4 * points:
        try:
            if checker is None or attempts % checker.points == 0:
                checker = _Instance(concretize(lhs, rhs, conditions, rng))
            attempts += 1
            values = draw(checker.concrete, rng)
        except NoPoint:
            return undecided(
                "no point satisfying the conditions was found in 200 random draws",
                method="random points",
                reason="empty or thin domain",
            )
        outcome, is_exact, failure = checker.compare(values, dps)
        if failure is not None:
            where, comparison = failure
            point = checker.point(values)
            at = ", ".join(f"{k} = {v}" for k, v in point.items()) or "no free symbols"
            entry = f" (entry {where})" if where else ""
            return refuted(
                f"counterexample at {at}{entry}: lhs = {comparison.lhs}, rhs = {comparison.rhs}",
                method="random points",
                counterexample={"point": point, "entry": where, "lhs": comparison.lhs, "rhs": comparison.rhs},
                digits=dps,
            )
        if outcome is Agreement.AGREE:
            agreed += 1
            exact += is_exact
        elif outcome is Agreement.UNDEFINED:
            undefined += 1
        else:
            inconclusive += 1
        if constant and outcome is Agreement.AGREE:
            return verified(
                f"no free symbols; both sides agree to {2 * dps - 10} digits, the residual shrinking with "
                "the precision",
                method="high precision",
                points=1,
                digits=2 * dps - 10,
            )
    if agreed < points:
        return undecided(
            f"only {agreed} of {attempts} random points could be compared ({undefined} undefined, "
            f"{inconclusive} inconclusive)",
            method="random points",
            points=agreed,
            reason="too few usable points",
        )
    if exact == agreed:
        how = f"exactly at {agreed} independent random rational points"
    else:
        how = (
            f"at {agreed} independent random points ({exact} exactly, the others to {2 * dps - 10} digits "
            f"with the residual shrinking with the precision)"
        )
    generic = " (generic functions replaced by random test functions)" if _has_generic(lhs, rhs) else ""
    if cut:
        buys = (
            "the sides have branch cuts or kinks, so a false identity could fail on a region only: one "
            f"failing on a quarter of the domain escapes all {agreed} points with probability "
            f"{0.75**agreed:.0e}"
        )
    else:
        buys = "a false identity passes only if every point lands on the zero set of the difference"
    return verified(
        f"both sides agree {how}{generic}; {buys}",
        method="random points",
        points=agreed,
        exact_points=exact,
        digits=2 * dps - 10,
    )


class _Instance:
    """One concretization of a claim (sizes, sums, test functions fixed), compared at many random points:
    exactly where an entry is a rational function, else by compiled mpmath code (evalf where that fails)."""

    def __init__(self, concrete: Concrete) -> None:
        self.concrete = concrete
        self.entries = _entrywise(concrete.lhs, concrete.rhs)
        self._numeric = [
            k
            for k, (_, (a, b)) in enumerate(self.entries)
            if not (rational_function(a) and rational_function(b))
        ]
        self._compiled: Compiled | bool | None = False  # False: not compiled yet; None: cannot be
        self.points = POINTS_PER_SIZE if concrete.sizes else POINTS_PER_INSTANCE

    def point(self, values: dict[sp.Basic, sp.Rational]) -> dict[str, str]:
        point = dict(self.concrete.sizes)
        point.update({str(k): str(v) for k, v in values.items()})
        return point

    def _compile(self) -> Compiled | None:
        if self._compiled is False:
            sides = [self.entries[k][1][0] for k in self._numeric] + [
                self.entries[k][1][1] for k in self._numeric
            ]
            try:
                self._compiled = Compiled(sides, self.concrete.unknowns)
            except OutOfTime:
                raise
            except Exception:  # the printer cannot compile it: evaluate with evalf instead
                self._compiled = None
        return self._compiled if isinstance(self._compiled, Compiled) else None

    def compare(
        self, values: dict[sp.Basic, sp.Rational], dps: int
    ) -> tuple[Agreement, bool, tuple[str, Comparison] | None]:
        """The agreement at ``values`` over all entries, whether it was exact, and the first difference."""
        is_exact = True
        compiled = self._compile() if self._numeric else None
        args = [values[u] for u in self.concrete.unknowns]
        cache: dict[int, list[Outcome]] = {}

        def side(slot: int) -> Callable[[int], Outcome]:
            def at(digits: int) -> Outcome:
                if digits not in cache:
                    assert compiled is not None
                    cache[digits] = compiled.at(args, digits)
                return cache[digits][slot]

            return at

        for k, (where, (a, b)) in enumerate(self.entries):
            comparison = None
            if compiled is not None and k in self._numeric:
                slot = self._numeric.index(k)
                comparison = decide(side(slot), side(slot + len(self._numeric)), dps, approximated(a, b))
                if comparison.agreement is Agreement.UNDEFINED:
                    comparison = None  # perhaps a division by zero elsewhere: let evalf decide this entry
            if comparison is None:
                la, lb = substitute(a, values), substitute(b, values)
                comparison = compare(la, lb, dps)
                is_exact = is_exact and isinstance(la, sp.Rational) and isinstance(lb, sp.Rational)
            else:
                is_exact = False
            if comparison.agreement is Agreement.DIFFER:
                return Agreement.DIFFER, False, (where, comparison)
            if comparison.agreement is not Agreement.AGREE:
                return comparison.agreement, False, None
        return Agreement.AGREE, is_exact, None


def _has_generic(*exprs: sp.Basic) -> bool:
    from .sampling import generic_functions

    return bool(generic_functions(*exprs))


def _entrywise(a: sp.Basic, b: sp.Basic) -> list[tuple[str, tuple[sp.Basic, sp.Basic]]]:
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)) or a.shape != b.shape:
            raise SymntkError(f"relation between matrices of shapes {_dims(shape(a))} and {_dims(shape(b))}")
        return [
            (f"{i + 1},{j + 1}", (a[i, j], b[i, j])) for i in range(a.shape[0]) for j in range(a.shape[1])
        ]
    return [("", (a, b))]


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160]
