"""Expectations over the Gaussian initialization of a :class:`~symntk.network.Network`.

At initialization every weight W^{(ℓ)}_{jk} and bias b^{(ℓ)}_j is an independent centred Gaussian (variance
1 in NTK parametrization, see :meth:`Network.variance`), so E[W_{ik} W_{i'k'}] = δ_{ii'} δ_{kk'}. For a
polynomial in the parameters, Isserlis' theorem (Wick's theorem) gives the moments: for centred jointly
Gaussian z_1 … z_{2m}, E[z_1 ⋯ z_{2m}] = Σ over the pairings of {1 … 2m} of Π E[z_a z_b], and odd moments
vanish; for one variable of variance v it counts the (2m−1)!! pairings, E[z^{2m}] = (2m−1)!! v^m.

Conditional expectations average over the parameters of some layers and hold the others fixed: the
pre-activations that do not depend on the averaged parameters stay symbols. That is the step of the seeds'
proofs by induction (seed 000, proof of Proposition 1; seed 001 slide 16; seed 002 §3.2): given the layers
below, E[f_k(x) f_{k'}(x')] = δ_{kk'} (n_{L−1}^{-1} Σ_i σ(α̃_i(x)) σ(α̃_i(x')) + β²), and with the
α̃_i i.i.d. centred Gaussian of covariance Σ^{(L−1)} this is δ_{kk'} Σ^{(L)}(x, x').

``sympy.stats`` is no source of truth here (it leaves bivariate Gaussian expectations of nonlinearities
unevaluated); the expectations below are exact algebra on polynomials.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sympy
from sympy import Add, Expr, Function, Integer, Matrix, Mul, Symbol

from ._errors import SymntkError
from .network import Entry, Input, Network, _Ring

__all__ = [
    "InitializationExpectation",
    "Proposition1Step",
    "expectation",
    "expectation_strategy",
    "gaussian_moment",
    "initialization_expectation",
    "isserlis",
    "pairings",
    "proposition1_step",
]

T = TypeVar("T")


def pairings(items: Sequence[T]) -> Iterator[tuple[tuple[T, T], ...]]:
    """Every perfect matching of ``items`` (none when their number is odd): (2m−1)!! of them for 2m items."""
    if not items:
        yield ()
        return
    if len(items) % 2:
        return
    first, rest = items[0], tuple(items[1:])
    for i, partner in enumerate(rest):
        for tail in pairings(rest[:i] + rest[i + 1 :]):
            yield ((first, partner), *tail)


def isserlis(factors: Sequence[Expr], covariance: Callable[[Expr, Expr], Expr]) -> Expr:
    """E[z_1 ⋯ z_m] for centred jointly Gaussian z_a: Σ_pairings Π covariance(z_a, z_b) (Isserlis 1918)."""
    return Add(*(Mul(*(covariance(a, b) for a, b in pairing)) for pairing in pairings(tuple(factors))))


def gaussian_moment(variance: Expr, order: int) -> Expr:
    """E[z^order], z ~ N(0, variance): the number of pairings of ``order`` copies × variance^{order/2}."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise SymntkError(f"a moment order is a non-negative integer, got {order!r}")
    if order % 2:
        return Integer(0)
    return sympy.factorial2(order - 1) * sympy.sympify(variance) ** (order // 2)


def expectation(expr: Any, variances: Mapping[Symbol, Expr]) -> Any:
    """E[expr] over independent centred Gaussians z (the keys of ``variances``, valued their variances).

    ``expr`` must be a polynomial in those z; every other symbol or function application is a constant.
    Each monomial c Π z^{e_z} has expectation c Π E[z^{e_z}] (independence, then :func:`gaussian_moment`).
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: expectation(e, variances))
    expr = sympy.sympify(expr)
    if not any(z in expr.free_symbols for z in variances):
        return expr
    ring = _Ring()
    terms = []
    for coefficient, powers in ring.terms(ring.convert(expr)):
        factors = [sympy.Rational(coefficient.numerator, coefficient.denominator)]
        for generator, exponent in powers.items():
            if generator in variances:
                factors.append(gaussian_moment(variances[generator], exponent))
            elif isinstance(generator, Expr) and any(z in generator.free_symbols for z in variances):
                raise SymntkError(
                    f"the expectation needs a polynomial in the Gaussian parameters, not {generator}"
                )
            else:
                factors.append(generator**exponent)
        terms.append(Mul(*factors))
    return Add(*terms)


def initialization_expectation(network: Network, expr: Any, layers: Iterable[int] | None = None) -> Any:
    """E over the initialization of the parameters of ``layers`` (all by default), the others held fixed.

    The pre-activations that depend on the averaged parameters are inlined (so those parameters appear
    explicitly); the others stay symbols, constants of the conditional expectation. The result must then be
    a polynomial in the averaged parameters — for a deep network with a nonlinear σ, average one layer at a
    time from the top, as the seeds' inductions do.
    """
    chosen = set(range(network.depth)) if layers is None else set(layers)
    for ell in chosen:
        network._check_layer(ell, 0, network.depth - 1)
    params = [p for p in network.parameters if network.layer_of(p) in chosen]
    inlined = network.inline(expr, depending_on=params)
    return expectation(inlined, {p: network.variance(p) for p in params})


@dataclass(frozen=True)
class Proposition1Step:
    """The inductive step of Proposition 1, derived from the model.

    ``conditional`` is E[f_k(x) f_{k'}(x') | layers below L−1], an n_L × n_L matrix (δ_{kk'} structure);
    ``kernel`` is its diagonal once each σ(α̃_i(x)) σ(α̃_i(x')) is replaced by its expectation
    E_{(u,v)∼N(0,Σ^{(L−1)})}[σ(u)σ(v)] (the α̃_i being i.i.d. by the induction hypothesis): Σ^{(L)}(x, x') =
    E[σ(u)σ(v)] + β² in NTK parametrization. For L = 1 it is the base case Σ^{(1)} = x·x'/n_0 + β².
    """

    conditional: Matrix
    kernel: Expr
    gaussian_expectation: Symbol | None


def proposition1_step(
    network: Network, x: str | Input = "x", x_prime: str | Input = "x'"
) -> Proposition1Step:
    """Derive E[f_k(x) f_{k'}(x')] over the last layer and the Σ^{(L)} it gives (seed 000 Proposition 1)."""
    L = network.depth
    f = Matrix(network.nodes(x)[-1])
    f_prime = Matrix(network.nodes(x_prime)[-1])
    conditional = initialization_expectation(network, f * f_prime.T, layers=[L - 1])
    conditional = conditional.applyfunc(sympy.expand)
    diagonal = conditional[0, 0]
    if L == 1:
        return Proposition1Step(conditional, diagonal, None)
    mean = Entry("E_sigma_sigma", L - 1, ())
    below, below_prime = network.nodes(x)[L - 2], network.nodes(x_prime)[L - 2]
    kernel = diagonal
    for node, node_prime in zip(below, below_prime, strict=True):
        kernel = kernel.subs(network.sigma(node) * network.sigma(node_prime), mean)
    kernel = network.concrete(sympy.expand(kernel))  # n_{L-1} equal terms over n_{L-1}
    leftover = [n for n in kernel.free_symbols if n in set(below) | set(below_prime)]
    if leftover:
        raise SymntkError(
            "the conditional covariance is not a sum of σ(α̃_i(x)) σ(α̃_i(x')) over the layer below; "
            f"left over: {sorted(map(str, leftover))}"
        )
    return Proposition1Step(conditional, kernel, mean)


class InitializationExpectation(Function):
    """E[·] over the initialization, left unevaluated in a derivation's step (printed 𝔼[·]).

    Seed 000 writes its proofs with expectations inside the chain ("Σ^{(1)}(x, x′) = E⟨α̃^{(1)}(x),
    α̃^{(1)}(x′)⟩ = …"); a step holding this marker is checked by :func:`expectation_strategy`, which replaces
    each marker by the exact Wick expectation of its argument.
    """

    nargs = 1

    def _latex(self, printer: Any) -> str:
        return r"\mathbb{E}\left[" + printer._print(self.args[0]) + r"\right]"

    def _sympystr(self, printer: Any) -> str:
        return "E[" + printer._print(self.args[0]) + "]"


def expectation_strategy(network: Network, layers: Iterable[int] | None = None) -> Callable[..., Any]:
    """A check strategy (:mod:`symntk.check`) for ``=`` steps holding expectation markers.

    Each marker E[g] (:class:`InitializationExpectation`) is replaced by the exact expectation of g over
    the parameters of ``layers`` (all by default; the other layers' pre-activations held fixed), by
    :func:`initialization_expectation` (Isserlis' theorem); the two sides are then compared by
    :func:`symntk.check.equal`. A proof is a proof for the concrete widths of ``network``.

    >>> from symntk.check import EQ, Claim
    >>> net = Network((1, 1))
    >>> bias = net.biases[0][0]
    >>> check = expectation_strategy(net)
    >>> check(Claim(InitializationExpectation(bias**4), Integer(3), EQ), seed=0).status.value
    'proved'
    >>> check(Claim(InitializationExpectation(bias**4), Integer(1), EQ), seed=0).status.value
    'refuted'
    """

    def evaluate(expr: Any) -> Any:
        return sympy.sympify(expr).replace(
            lambda e: isinstance(e, InitializationExpectation),
            lambda e: initialization_expectation(network, e.args[0], layers),
        )

    def strategy(claim: Any, *, seed: int) -> Any:
        from .check import EQ, equal

        if claim.relation != EQ:
            raise SymntkError(
                f"{claim.label}: the expectation strategy checks '=' steps, not {claim.relation}"
            )
        lhs, rhs = network.concrete(evaluate(claim.lhs)), network.concrete(evaluate(claim.rhs))
        return equal(lhs, rhs, seed=seed, **dict(claim.options))

    return strategy
