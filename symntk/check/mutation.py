"""Mutation testing of the checker: near misses derived automatically from correct identities.

A sound checker refutes every near miss of a correct identity (issue 5). :func:`mutants` derives them from an
expression, one change at a time, at every place it applies:

- ``factor``: a term or the whole side multiplied by 2, or by √n for a positive integer symbol n (a width);
- ``exponent``: a numeric exponent doubled (1/√n → 1/n) or increased by one;
- ``sign``: a term or the whole side negated;
- ``drop``: one term of a sum dropped;
- ``index``: two indices of an indexed object swapped, or an index shifted by one (W_ik → W_ki,
  a_k → a_{k+1}), or a Kronecker δ's index shifted;
- ``swap``: the arguments of a function of several arguments reversed (f(x, y) → f(y, x));
- ``relabel``: one occurrence of a symbol replaced by another symbol of the expression (x → x′,
  Σ^(ℓ) → Σ^(ℓ+1));
- ``transpose``: a transpose dropped or added on a square matrix.

:func:`run` checks every identity of a registry and every mutant of it, skipping mutants that SymPy shows
to be equivalent to the original (a mutation that changes nothing cannot be caught), and reports the kill
rate (the share of the other mutants refuted; must be 1) and the false-refutation rate (the share of correct
identities refuted; must be 0).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.tensor.indexed import Indexed

from .deadline import OutOfTime, deadline
from .equality import equal
from .identities import Identity
from .verdict import Status, Verdict

OPERATORS = ("factor", "exponent", "sign", "drop", "index", "swap", "relabel", "transpose")

Path = tuple[int, ...]


@dataclass(frozen=True)
class Mutant:
    """One near miss: the operator, what it changed, and the mutated expression."""

    operator: str
    description: str
    expression: sp.Basic


def _children(node: sp.Basic) -> Iterable[int]:
    """The argument positions that mutations may enter (not bound variables or derivative variables)."""
    if isinstance(node, sp.Sum | sp.Product):
        return [0]
    if isinstance(node, sp.Derivative):
        return [0]
    if isinstance(node, sp.Subs):
        return [2]
    if isinstance(node, sp.ImmutableMatrix):
        return [2]  # the entries (rows and columns are args 0 and 1)
    if isinstance(node, sp.MatrixSymbol | sp.Indexed | sp.IndexedBase | sp.Symbol | sp.Number):
        return []
    if isinstance(node, sp.matrices.expressions.matexpr.MatrixElement):
        return [0]
    return range(len(node.args))


def _walk(expr: sp.Basic, path: Path = ()) -> Iterator[tuple[Path, sp.Basic]]:
    yield path, expr
    for k in _children(expr):
        yield from _walk(expr.args[k], (*path, k))


def _replace(expr: sp.Basic, path: Path, new: sp.Basic) -> sp.Basic:
    if not path:
        return new
    k, rest = path[0], path[1:]
    args = list(expr.args)
    args[k] = _replace(args[k], rest, new)
    return expr.func(*args)


def _bound(expr: sp.Basic) -> set[sp.Symbol]:
    out: set[sp.Symbol] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum | sp.Product):
            out |= {lim[0] for lim in node.limits}
        if isinstance(node, sp.Derivative):
            out |= {v for v, _ in node.variable_count}
        if isinstance(node, sp.Subs | sp.Lambda):
            out |= set(node.variables)
    return out


def _node_mutations(
    node: sp.Basic, expr: sp.Basic, scalars: Sequence[sp.Symbol], widths: Sequence[sp.Symbol]
) -> Iterator[tuple[str, str, sp.Basic]]:
    is_matrix = isinstance(node, sp.MatrixExpr)
    if isinstance(node, sp.Add) and len(node.args) >= 2:
        for k, term in enumerate(node.args):
            rest = [a for j, a in enumerate(node.args) if j != k]
            yield "drop", f"dropped the term {term}", sp.Add(*rest)
            yield "sign", f"negated the term {term}", sp.Add(*rest, -term)
            yield "factor", f"doubled the term {term}", sp.Add(*rest, 2 * term)
    if isinstance(node, sp.Pow) and node.exp.is_Number:
        e = node.exp
        yield "exponent", f"exponent {e} → {2 * e}", sp.Pow(node.base, 2 * e)
        if e + 1 != 0:
            yield "exponent", f"exponent {e} → {e + 1}", sp.Pow(node.base, e + 1)
    if isinstance(node, Indexed):
        idx = list(node.indices)
        for p, q in itertools.combinations(range(len(idx)), 2):
            if idx[p] != idx[q]:
                swapped = idx.copy()
                swapped[p], swapped[q] = swapped[q], swapped[p]
                yield "index", f"swapped indices of {node}", node.base[tuple(swapped)]
        if len(idx) == 1:
            yield "index", f"shifted the index of {node}", node.base[idx[0] + 1]
    if isinstance(node, sp.KroneckerDelta):
        yield "index", f"shifted an index of {node}", sp.KroneckerDelta(node.args[0], node.args[1] + 1)
    if isinstance(node, AppliedUndef | sp.atan2) and len(node.args) >= 2 and len(set(node.args)) > 1:
        yield "swap", f"reversed the arguments of {node}", node.func(*reversed(node.args))
    if isinstance(node, sp.Symbol) and node in scalars:
        for other in scalars:
            if other != node:
                yield "relabel", f"{node} → {other} at one place", other
    if isinstance(node, sp.Transpose) and node.arg.is_square:
        yield "transpose", f"dropped the transpose of {node.arg}", node.arg
    if isinstance(node, sp.MatrixSymbol) and node.is_square:
        yield "transpose", f"transposed {node}", node.T
    if not is_matrix and isinstance(node, sp.Symbol) and node in widths:
        yield "factor", f"{node} → {node}·√{node}", node * sp.sqrt(node)


def mutants(expr: sp.Basic) -> list[Mutant]:
    """Every single-change near miss of ``expr`` (see the module docstring), well-formed and distinct."""
    if isinstance(expr, sp.MatrixBase):
        expr = sp.ImmutableMatrix(expr)
    bound = _bound(expr)
    scalars = sorted(
        (
            s
            for s in expr.free_symbols
            if isinstance(s, sp.Symbol)
            and s not in bound
            and not any(s == getattr(a.base, "label", None) for a in expr.atoms(Indexed))
        ),
        key=str,
    )
    widths = [s for s in scalars if s.is_integer and s.is_positive]
    out: dict[sp.Basic, Mutant] = {}
    out[2 * expr] = Mutant("factor", "doubled the whole side", 2 * expr)
    out[-expr] = Mutant("sign", "negated the whole side", -expr)
    for path, node in _walk(expr):
        for operator, description, new in _node_mutations(node, expr, scalars, widths):
            try:
                mutated = _replace(expr, path, new)
            except Exception:  # not well-formed (a shape mismatch): not a mutant
                continue
            if mutated != expr and mutated not in out:
                out[mutated] = Mutant(operator, description, mutated)
    return list(out.values())


@dataclass
class MutationReport:
    """The outcome of :func:`run`: per identity, its verdict and its mutants' verdicts."""

    identities: int = 0
    false_refutations: list[str] = field(default_factory=list)
    killed: int = 0
    survivors: list[tuple[str, Mutant, Verdict]] = field(default_factory=list)
    equivalent: int = 0
    by_operator: dict[str, list[int]] = field(default_factory=dict)

    @property
    def mutants(self) -> int:
        return self.killed + len(self.survivors)

    @property
    def kill_rate(self) -> float:
        return self.killed / self.mutants if self.mutants else 1.0

    @property
    def false_refutation_rate(self) -> float:
        return len(self.false_refutations) / self.identities if self.identities else 0.0

    def summary(self) -> str:
        ops = ", ".join(f"{op} {k}/{t}" for op, (k, t) in sorted(self.by_operator.items()))
        return (
            f"{self.identities} identities, {len(self.false_refutations)} refuted (false-refutation rate "
            f"{self.false_refutation_rate:.0%}); {self.mutants} mutants, {self.killed} refuted (kill rate "
            f"{self.kill_rate:.1%}), {self.equivalent} equivalent skipped; by operator: {ops}"
        )


def _equivalent(a: sp.Basic, b: sp.Basic, assumptions: dict[str, Any]) -> bool:
    verdict = equal(a, b, points=0, timeout=10, symbolic=True, **assumptions)
    return verdict.status is Status.PROVED


def run(
    identities: Iterable[Identity], *, limit: int | None = None, seed: int = 0, timeout: float = 20.0
) -> MutationReport:
    """Check each identity and up to ``limit`` mutants of each side (all of them when ``limit`` is None)."""
    report = MutationReport()
    for identity in identities:
        report.identities += 1
        verdict = equal(identity.lhs, identity.rhs, seed=seed, timeout=timeout, **identity.assumptions)
        if verdict.status is Status.REFUTED:
            report.false_refutations.append(identity.name)
        candidates = [(m, True) for m in mutants(identity.rhs)] + [(m, False) for m in mutants(identity.lhs)]
        chosen = _spread(candidates, limit)
        for mutant, on_rhs in chosen:
            original = identity.rhs if on_rhs else identity.lhs
            lhs, rhs = (identity.lhs, mutant.expression) if on_rhs else (mutant.expression, identity.rhs)
            result = equal(lhs, rhs, seed=seed, timeout=timeout, **identity.assumptions)
            if result.status is not Status.REFUTED:
                # a mutation that changes nothing cannot be caught: not counted, if SymPy shows it
                try:
                    with deadline(timeout):
                        same = _equivalent(mutant.expression, original, dict(identity.assumptions))
                except OutOfTime:
                    same = False
                if same:
                    report.equivalent += 1
                    continue
            tally = report.by_operator.setdefault(mutant.operator, [0, 0])
            tally[1] += 1
            if result.status is Status.REFUTED:
                report.killed += 1
                tally[0] += 1
            else:
                report.survivors.append((identity.name, mutant, result))
    return report


def _spread(candidates: list[tuple[Mutant, bool]], limit: int | None) -> list[tuple[Mutant, bool]]:
    """Up to ``limit`` mutants, taken round-robin over the operators so that every operator is represented."""
    if limit is None or len(candidates) <= limit:
        return candidates
    by_op: dict[str, list[tuple[Mutant, bool]]] = {}
    for item in candidates:
        by_op.setdefault(item[0].operator, []).append(item)
    chosen: list[tuple[Mutant, bool]] = []
    for round_ in itertools.count():
        added = False
        for op in OPERATORS:
            items = by_op.get(op, [])
            if round_ < len(items) and len(chosen) < limit:
                chosen.append(items[round_])
                added = True
        if not added or len(chosen) >= limit:
            return chosen
    return chosen
