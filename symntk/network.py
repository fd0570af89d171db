"""Symbolic finite-width fully-connected networks, and the exact identities the seeds' proofs rest on.

The model (NOTATION.md; seed 000 "The network"; seed 002 §1), for widths (n_0, …, n_L):

    α^{(0)}(x) = x,  α̃^{(ℓ+1)}(x) = s_ℓ W^{(ℓ)} α^{(ℓ)}(x) + c b^{(ℓ)},  α^{(ℓ)} = σ(α̃^{(ℓ)}),  f = α̃^{(L)},

where the parametrization fixes the weight scale s_ℓ, the bias scale c and the initial variances:

    parametrization     s_ℓ           c     Var W^{(ℓ)}_{jk}   Var b^{(ℓ)}_j
    "ntk"               n_ℓ^{-1/2}    β     1                  1
    "mean-field"        n_ℓ^{-1}      β     1                  1
    "standard"          1             1     1/n_ℓ              β²
    a (a Rational)      n_ℓ^{-a}      β     1                  1

Index convention of the code: W^{(ℓ)} is the n_{ℓ+1} × n_ℓ matrix of NOTATION.md, so the entry
``W^{(ℓ)}_{jk}`` connects neuron k of layer ℓ to neuron j of layer ℓ+1 (indices from 1). Seeds 000 and 002
write the transpose, W_{ik} with i in layer ℓ; seed 001 writes w^{ℓ+1}_{ij}. :mod:`symntk.printing` renders
each seed's own convention.

Widths enter the formulas as positive integer symbols n_ℓ (so that derived expressions read
``1/sqrt(n_0)`` as the seeds write them); the index ranges are the concrete widths, and
:meth:`Network.concrete` substitutes n_ℓ = width. σ is a concrete activation of the registry
(:mod:`symntk.activations`), a SymPy ``Lambda``, or a generic σ: an undefined function whose derivatives are
the undefined functions σ̇, σ̈, … (:func:`generic_activation`), so that what is derived holds for every σ.

The forward pass is a graph: each pre-activation α̃^{(ℓ)}_i(x) is a named symbol (:class:`Entry`) with a
one-step definition in terms of the layer below, exactly as the seeds write it, and :meth:`Network.inline`
substitutes the definitions to give the fully explicit expression. Derivatives with respect to the
parameters are total derivatives through that graph (the chain rule applied mechanically, layer by layer;
the tests hold them equal to ``sympy.diff`` of the inlined expressions).

Identities are established by :meth:`Network.establish`: first by exact simplification (both sides are
expanded as polynomials over ℚ in the parameters, inputs, β and the function applications, with square roots
of integers reduced exactly); where that is too large or inconclusive, by exact evaluation in ℚ(√p, …) at
random rational points with every generic function replaced by a random rational polynomial — evidence, not
proof, and said so in the verdict.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Literal

import sympy
from sympy import Add, Basic, Expr, Function, Integer, Lambda, Matrix, Mul, Pow, Rational, Symbol
from sympy.external.gmpy import MPQ

from ._errors import SymntkError

__all__ = [
    "BETA",
    "Entry",
    "GenericActivation",
    "Identity",
    "Input",
    "Network",
    "ShallowNTK",
    "backprop_gradient_identity",
    "generic_activation",
    "ntk_base_case",
    "ntk_chain_rule",
    "ntk_gram_structure",
    "ntk_layer_recursion",
    "shallow_ntk",
]

#: The bias scale β of the seeds (a real symbol).
BETA = Symbol("beta", real=True)

Verdict = Literal["proved", "verified", "refuted", "undecided"]


# ---------------------------------------------------------------------------------------------------------
# Symbols: named entries of the network's arrays
# ---------------------------------------------------------------------------------------------------------


class Entry(Symbol):
    """A scalar entry of a named array of the model: a real SymPy symbol that knows what it is.

    ``base`` names the array (``"W"``, ``"b"``, ``"alpha_tilde"``, ``"x"``, ``"d"``, ``"y"``, …), ``layer``
    its layer ℓ (or None), ``indices`` its neuron indices (from 1, or SymPy symbols for statements over named
    indices) and ``argument`` the input it is evaluated at (``"x"``, ``"x'"``, ``"x_1"``, or None).
    The printer renders it in the seeds' notation.
    """

    base: str
    layer: int | None
    indices: tuple[Any, ...]
    argument: str | None

    def __new__(
        cls, base: str, layer: int | None, indices: Sequence[Any], argument: str | None = None
    ) -> Entry:
        indices = tuple(int(i) if isinstance(i, Integer) else i for i in indices)
        name = base
        if layer is not None:
            name += f"^({layer})"
        if indices:
            name += "_" + ",".join(str(i) for i in indices)
        if argument is not None:
            name += f"({argument})"
        obj = super().__new__(cls, name, real=True)
        obj.base, obj.layer, obj.indices, obj.argument = base, layer, indices, argument
        return obj

    @classmethod
    def class_key(cls) -> tuple[int, int, str]:
        """Entries sort after plain symbols, so that products print as the seeds write them (β b, η L')."""
        return 2, 1, cls.__name__

    def sort_key(self, order: Any = None) -> Any:
        """Order by array, layer, input (x before x'), then index: x_i x'_i, and W_{1,2} before W_{1,10}."""
        indices = tuple(f"{i:09d}" if isinstance(i, int) else str(i) for i in self.indices)
        argument = (self.argument or "").replace("'", "~")
        layer = -1 if self.layer is None else self.layer
        return self.class_key(), (1, (self.base, layer, argument, indices)), Integer(1).sort_key(), Integer(1)

    def __getnewargs_ex__(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (self.base, self.layer, self.indices, self.argument), {}

    @property
    def free_symbols(self) -> set[Basic]:
        """The entry itself and its named (symbolic) indices, so that ``Sum`` over an index sees it."""
        out: set[Basic] = {self}
        for i in self.indices:
            if isinstance(i, Basic):
                out |= i.free_symbols
        return out

    def _eval_subs(self, old: Any, new: Any) -> Entry | None:
        """Substituting a named index (``Sum.doit``, ``subs(i, 2)``) re-indexes the entry."""
        if old is self or not any(isinstance(i, Basic) and old in i.free_symbols for i in self.indices):
            return None
        value = int(new) if isinstance(new, Integer) else new
        indices = tuple(
            value if i == old else i.subs(old, new) if isinstance(i, Entry) else i for i in self.indices
        )
        return Entry(self.base, self.layer, indices, self.argument)


# ---------------------------------------------------------------------------------------------------------
# Activations: generic σ with its derivatives, or a concrete one
# ---------------------------------------------------------------------------------------------------------


class GenericActivation(Function):
    """σ^{(m)} for a generic (undefined) σ: ``order`` m = 0 is σ, 1 is σ̇, 2 is σ̈; d/dz σ^{(m)} = σ^{(m+1)}."""

    symbol: ClassVar[str] = "sigma"
    order: ClassVar[int] = 0
    nargs = 1

    def fdiff(self, argindex: int = 1) -> Expr:
        return generic_activation(self.symbol, self.order + 1)(self.args[0])

    def _eval_evalf(self, prec: int) -> None:
        # A generic σ has no value. SymPy would otherwise look its name up in mpmath, where φ, β, ψ, γ, …
        # are constants or unrelated functions (``phi(0.5).evalf()`` raised TypeError).
        return None


@functools.cache
def generic_activation(symbol: str = "sigma", order: int = 0) -> type[GenericActivation]:
    """The undefined function σ^{(order)} of a generic activation named ``symbol`` (σ̇ is ``order=1``)."""
    if order < 0:
        raise SymntkError(f"a derivative order is a non-negative integer, got {order}")
    name = symbol if order == 0 else f"{symbol}_d{order}"
    cls = type(name, (GenericActivation,), {"symbol": symbol, "order": order, "nargs": 1})
    return cls


_Z = Symbol("z", real=True)


@dataclass(frozen=True)
class _Activation:
    """σ and its derivatives as SymPy expressions: generic (undefined σ) or concrete (an expression in z)."""

    name: str
    generic: bool
    expr: Expr | None = None
    _derivatives: list[Expr] = field(default_factory=list, compare=False, repr=False)

    def __call__(self, z: Expr, order: int = 0) -> Expr:
        if self.generic:
            return generic_activation(self.name, order)(z)
        assert self.expr is not None
        while len(self._derivatives) <= order:
            previous = self._derivatives[-1] if self._derivatives else None
            self._derivatives.append(self.expr if previous is None else sympy.diff(previous, _Z))
        return self._derivatives[order].xreplace({_Z: z})


def _resolve_activation(activation: object) -> _Activation:
    if activation is None:
        return _Activation("sigma", generic=True)
    if isinstance(activation, type) and issubclass(activation, GenericActivation):
        return _Activation(activation.symbol, generic=True)
    if isinstance(activation, sympy.core.function.UndefinedFunction):
        return _Activation(str(activation), generic=True)
    if isinstance(activation, Lambda):
        if len(activation.variables) != 1:
            raise SymntkError(f"an activation Lambda takes one variable, got {len(activation.variables)}")
        return _Activation(str(activation), generic=False, expr=activation(_Z))
    from .activations import Activation, get_activation

    if isinstance(activation, str | Activation):
        entry = get_activation(activation)
        return _Activation(entry.name, generic=False, expr=sympy.sympify(entry.expr(_Z)))
    raise SymntkError(
        "the activation is None (generic σ), a registered name or Activation, an undefined SymPy Function "
        f"or a SymPy Lambda, got {type(activation).__name__}"
    )


# ---------------------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """An input vector of the network: its label (``"x"``, ``"x'"``, ``"x_1"``) and its n_0 entries."""

    label: str
    entries: tuple[Expr, ...]

    def vector(self) -> Matrix:
        return Matrix(self.entries)


@dataclass(frozen=True)
class Identity:
    """What :meth:`Network.establish` showed about ``lhs = rhs``.

    ``verdict`` is ``"proved"`` (lhs − rhs expands to 0 exactly), ``"verified"`` (exact evaluation at
    ``points`` random rational points with generic functions replaced by random polynomials gave 0: evidence,
    not proof), ``"refuted"`` (an exact nonzero value, in ``counterexample``) or ``"undecided"``.
    """

    statement: str
    lhs: Matrix
    rhs: Matrix
    verdict: Verdict
    method: str
    points: int = 0
    counterexample: str | None = None

    @property
    def holds(self) -> bool:
        """True when the identity was proved or verified."""
        return self.verdict in ("proved", "verified")

    def _repr_latex_(self) -> str:
        """``lhs = rhs`` in the seeds' notation with the verdict, for notebooks."""
        from .report.markdown import identity_latex

        return identity_latex(self)


def _exact(value: object, what: str) -> Expr:
    if isinstance(value, bool) or isinstance(value, float | str):
        raise SymntkError(f"{what} must be exact (an int, a Fraction or a SymPy expression), got {value!r}")
    if isinstance(value, Fraction):
        return Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return Integer(value)
    if isinstance(value, sympy.Basic) and isinstance(value, Expr):
        if any(isinstance(a, sympy.Float) for a in sympy.preorder_traversal(value)):
            raise SymntkError(f"{what} must be exact, got the float expression {value}")
        return value
    raise SymntkError(f"{what} must be an int, a Fraction or a SymPy expression, got {type(value).__name__}")


class Network:
    """A fully-connected network of widths (n_0, …, n_L) as exact SymPy expressions.

    Args:
        widths: (n_0, …, n_L), at least two positive integers (L ≥ 1 affine layers).
        beta: the bias scale β (default the symbol β).
        parametrization: ``"ntk"`` (default), ``"standard"``, ``"mean-field"``, or a Rational exponent a for
            the weight scale n_ℓ^{-a}.
        activation: None for a generic σ, a registered activation name, an undefined SymPy Function (a
            generic σ of that name) or a one-variable SymPy Lambda.

    >>> net = Network((2, 3, 1))
    >>> net.depth, len(net.parameters)
    (2, 13)
    >>> net.output("x")[0].coeff(net.weights[1][0, 2])
    sigma(alpha_tilde^(1)_3(x))/sqrt(n_1)
    """

    def __init__(
        self,
        widths: Sequence[int],
        beta: object = BETA,
        parametrization: str | int | Fraction | Rational = "ntk",
        activation: object = None,
    ) -> None:
        if isinstance(widths, str | bytes) or not isinstance(widths, Sequence):
            raise SymntkError(f"widths must be a sequence of positive integers, got {widths!r}")
        if len(widths) < 2:
            raise SymntkError(f"a network needs at least an input and an output width, got {tuple(widths)}")
        for n in widths:
            if isinstance(n, bool) or not isinstance(n, int | Integer) or n < 1:
                raise SymntkError(f"widths must be positive integers, got {tuple(widths)}")
        self.widths: tuple[int, ...] = tuple(int(n) for n in widths)
        self.depth: int = len(widths) - 1
        self.beta: Expr = _exact(beta, "beta")
        self.parametrization, self.exponent = _resolve_parametrization(parametrization)
        self.activation = _resolve_activation(activation)

        L = self.depth
        self.weights: tuple[Matrix, ...] = tuple(
            Matrix(
                self.widths[ell + 1],
                self.widths[ell],
                lambda j, k, ell=ell: Entry("W", ell, (j + 1, k + 1)),
            )
            for ell in range(L)
        )
        self.biases: tuple[tuple[Entry, ...], ...] = tuple(
            tuple(Entry("b", ell, (j + 1,)) for j in range(self.widths[ell + 1])) for ell in range(L)
        )
        params: list[Entry] = []
        self._layer_of: dict[Symbol, int] = {}
        for ell in range(L):
            layer = [*self.weights[ell], *self.biases[ell]]
            params.extend(layer)
            self._layer_of.update(dict.fromkeys(layer, ell))
        #: every parameter θ_p, layer by layer, each layer's weights (row by row) then biases
        self.parameters: tuple[Entry, ...] = tuple(params)

        self._inputs: dict[str, Input] = {}
        self._nodes: dict[str, tuple[tuple[Entry, ...], ...]] = {}
        self._definitions: dict[Symbol, Expr] = {}
        self._parents: dict[Symbol, tuple[Entry, ...]] = {}
        self._depends: dict[Symbol, frozenset[Symbol]] = {}
        self._local_partials: dict[tuple[Symbol, Symbol], Expr] = {}
        self._node_derivatives: dict[tuple[Symbol, Symbol], Expr] = {}
        self._inlined: dict[Expr, Expr] = {}

    def __repr__(self) -> str:
        return (
            f"Network(widths={self.widths}, beta={self.beta}, parametrization={self.parametrization!r}, "
            f"activation={self.activation.name!r})"
        )

    def _repr_latex_(self) -> str:
        """The forward pass in the seeds' notation, for notebooks."""
        from .report.markdown import network_latex

        return network_latex(self)

    # -- scales and initialization -------------------------------------------------------------------------

    def n(self, layer: int) -> Symbol:
        """The width n_ℓ as a positive integer symbol (its value is ``widths[ℓ]``)."""
        self._check_layer(layer, 0, self.depth)
        return Symbol(f"n_{layer}", positive=True, integer=True)

    def weight_scale(self, layer: int) -> Expr:
        """s_ℓ, the factor of W^{(ℓ)} in the forward pass (n_ℓ^{-1/2} in NTK parametrization)."""
        self._check_layer(layer, 0, self.depth - 1)
        if self.exponent is None:
            return Integer(1)
        return Pow(self.n(layer), -self.exponent)

    @property
    def bias_scale(self) -> Expr:
        """c, the factor of b^{(ℓ)} in the forward pass (β, or 1 in standard parametrization)."""
        return Integer(1) if self.parametrization == "standard" else self.beta

    def variance(self, parameter: Symbol) -> Expr:
        """A parameter's variance at initialization (all are independent centred Gaussians)."""
        layer = self.layer_of(parameter)
        if self.parametrization != "standard":
            return Integer(1)
        assert isinstance(parameter, Entry)
        return 1 / self.n(layer) if parameter.base == "W" else self.beta**2

    def layer_of(self, parameter: Symbol) -> int:
        """The layer ℓ of a parameter of W^{(ℓ)} or b^{(ℓ)}."""
        try:
            return self._layer_of[parameter]
        except KeyError:
            raise SymntkError(f"{parameter} is not a parameter of this network") from None

    def parameters_below(self, layer: int) -> tuple[Entry, ...]:
        """The parameters of the layers 0 … ℓ−1: those the pre-activations α̃^{(ℓ)} depend on."""
        self._check_layer(layer, 1, self.depth)
        return tuple(p for p in self.parameters if self._layer_of[p] < layer)

    def concrete(self, expr: Any) -> Any:
        """``expr`` with every width symbol n_ℓ replaced by its value."""
        return sympy.sympify(expr).xreplace({self.n(ell): Integer(w) for ell, w in enumerate(self.widths)})

    def sigma(self, z: Expr, order: int = 0) -> Expr:
        """σ^{(order)}(z): σ, σ̇ (order 1), σ̈ (order 2), … of this network's activation."""
        return self.activation(z, order)

    # -- inputs and the forward pass -------------------------------------------------------------------------

    def input(self, label: str = "x", values: Sequence[object] | None = None) -> Input:
        """The input vector labelled ``label``: symbols x_i (or the given exact ``values``), i = 1 … n_0."""
        if not isinstance(label, str) or not label:
            raise SymntkError(f"an input label is a non-empty string, got {label!r}")
        if values is None:
            entries: tuple[Expr, ...] = tuple(
                Entry("x", None, (i + 1,), label) for i in range(self.widths[0])
            )
        else:
            if len(values) != self.widths[0]:
                raise SymntkError(
                    f"input {label!r} has {len(values)} entries but the input width is {self.widths[0]}"
                )
            entries = tuple(_exact(v, f"entry of input {label!r}") for v in values)
        known = self._inputs.get(label)
        if known is not None:
            if values is not None and known.entries != entries:
                raise SymntkError(f"input {label!r} was already defined with other entries")
            return known
        inp = Input(label, entries)
        self._inputs[label] = inp
        self._build_nodes(inp)
        return inp

    def _as_input(self, x: str | Input) -> Input:
        if isinstance(x, Input):
            if self._inputs.get(x.label) != x:
                raise SymntkError(f"input {x.label!r} does not belong to this network")
            return x
        return self.input(x)

    def _build_nodes(self, inp: Input) -> None:
        previous: Sequence[Expr] = inp.entries
        layers: list[tuple[Entry, ...]] = []
        for ell in range(self.depth):
            s, c = self.weight_scale(ell), self.bias_scale
            parents = layers[-1] if layers else ()
            nodes = []
            for j in range(self.widths[ell + 1]):
                node = Entry("alpha_tilde", ell + 1, (j + 1,), inp.label)
                row = self.weights[ell][j, :]
                self._definitions[node] = Add(
                    *(s * row[k] * previous[k] for k in range(self.widths[ell])), c * self.biases[ell][j]
                )
                self._parents[node] = parents
                own = frozenset([*row, self.biases[ell][j]])
                self._depends[node] = own.union(*(self._depends[p] for p in parents))
                nodes.append(node)
            layers.append(tuple(nodes))
            previous = [self.sigma(node) for node in nodes]
        self._nodes[inp.label] = tuple(layers)

    def nodes(self, x: str | Input) -> tuple[tuple[Entry, ...], ...]:
        """The pre-activation symbols α̃^{(ℓ)}_i(x), layer by layer for ℓ = 1 … L."""
        return self._nodes[self._as_input(x).label]

    def definition(self, node: Symbol) -> Expr:
        """The one-step definition of a pre-activation: s_ℓ Σ_k W^{(ℓ)}_{jk} α^{(ℓ)}_k + c b^{(ℓ)}_j."""
        try:
            return self._definitions[node]
        except KeyError:
            raise SymntkError(f"{node} is not a pre-activation of this network") from None

    def preactivations(self, x: str | Input, inline: bool = False) -> tuple[Matrix, ...]:
        """α̃^{(ℓ)}(x) for ℓ = 1 … L, each as its one-step definition (or fully explicit with ``inline``)."""
        layers = self.nodes(x)
        out = tuple(Matrix([self._definitions[n] for n in layer]) for layer in layers)
        return tuple(self.inline(m) for m in out) if inline else out

    def activations(self, x: str | Input, inline: bool = False) -> tuple[Matrix, ...]:
        """α^{(ℓ)}(x) for ℓ = 0 … L−1: α^{(0)} = x and α^{(ℓ)}_i = σ(α̃^{(ℓ)}_i(x))."""
        inp = self._as_input(x)
        out = [inp.vector()] + [Matrix([self.sigma(n) for n in layer]) for layer in self.nodes(inp)[:-1]]
        return tuple(self.inline(m) for m in out) if inline else tuple(out)

    def output(self, x: str | Input, inline: bool = False) -> Matrix:
        """f(x) = α̃^{(L)}(x): the definition of the last layer (or fully explicit with ``inline``)."""
        return self.preactivations(x, inline=inline)[-1]

    def inline(self, expr: Any, depending_on: Iterable[Symbol] | None = None) -> Any:
        """``expr`` with every pre-activation symbol replaced, recursively, by its definition.

        With ``depending_on``, only the pre-activations that depend on one of those parameters are replaced
        (the others stay symbols: what a conditional expectation given the other layers holds fixed).
        """
        if isinstance(expr, sympy.MatrixBase):
            return expr.applyfunc(lambda e: self.inline(e, depending_on))
        expr = sympy.sympify(expr)
        wanted = None if depending_on is None else frozenset(depending_on)
        nodes = [
            s
            for s in expr.free_symbols
            if s in self._definitions and (wanted is None or self._depends[s] & wanted)
        ]
        if not nodes:
            return expr
        if wanted is None:
            return expr.xreplace({n: self._inline_node(n) for n in nodes})
        return expr.xreplace({n: self.inline(self._definitions[n], wanted) for n in nodes})

    def _inline_node(self, node: Symbol) -> Expr:
        cached = self._inlined.get(node)
        if cached is None:
            cached = self.inline(self._definitions[node])
            self._inlined[node] = cached
        return cached

    # -- derivatives -----------------------------------------------------------------------------------------

    def derivative(self, expr: Expr, parameter: Symbol) -> Expr:
        """d expr / dθ_p: the total derivative through the forward graph (pre-activations depend on θ).

        The chain rule applied mechanically: d e/dθ = ∂e/∂θ + Σ_ν ∂e/∂ν · dν/dθ over the pre-activation
        symbols ν in e, with dν/dθ from ν's definition in turn. Sums over named indices are written out
        first: differentiating ``Sum(W_{ki} x_i, i)`` by W_{12} term by term would otherwise miss the term
        i = 2 (the bound-index trap of SymPy's ``Sum`` derivatives).
        """
        self.layer_of(parameter)
        expr = sympy.sympify(expr)
        if _contains_sum([expr]):  # a bound index must not hide which entry is differentiated
            expr = self.expand_sums(expr)
        terms = [sympy.diff(expr, parameter)]
        for node in expr.free_symbols:
            if node in self._definitions:
                dn = self._node_derivative(node, parameter)
                if dn != 0:
                    terms.append(sympy.diff(expr, node) * dn)
        return Add(*terms)

    def _local(self, node: Symbol, parent: Symbol) -> Expr:
        key = (node, parent)
        value = self._local_partials.get(key)
        if value is None:
            value = sympy.diff(self._definitions[node], parent)
            self._local_partials[key] = value
        return value

    def _node_derivative(self, node: Symbol, parameter: Symbol) -> Expr:
        key = (node, parameter)
        value = self._node_derivatives.get(key)
        if value is not None:
            return value
        if parameter not in self._depends[node]:
            value = Integer(0)
        else:
            terms = [sympy.diff(self._definitions[node], parameter)]
            for parent in self._parents[node]:
                if parameter in self._depends[parent]:
                    terms.append(self._local(node, parent) * self._node_derivative(parent, parameter))
            value = Add(*terms)
        self._node_derivatives[key] = value
        return value

    def jacobian(self, x: str | Input, layer: int | None = None) -> Matrix:
        """∂α̃^{(ℓ)}_i(x)/∂θ_p (ℓ = L by default: ∂f_k/∂θ_p): rows i, columns the parameters below layer ℓ."""
        layer = self.depth if layer is None else layer
        nodes = self.nodes(x)[self._check_layer(layer, 1, self.depth) - 1]
        params = self.parameters_below(layer)
        return Matrix(len(nodes), len(params), lambda i, p: self._node_derivative(nodes[i], params[p]))

    def ntk(
        self,
        x: str | Input,
        x_prime: str | Input,
        layer: int | None = None,
        by_layer: bool = False,
    ) -> Any:
        """The empirical NTK Θ^{(ℓ)}_{ii'}(x, x') = Σ_p ∂α̃^{(ℓ)}_i(x)/∂θ_p ∂α̃^{(ℓ)}_{i'}(x')/∂θ_p.

        ℓ = L by default (Θ_{kk'}(x, x') of the outputs, seed 000 "A glimpse of NTK", seed 002 §2). With
        ``by_layer`` the result is a dict {m: the contribution of the parameters W^{(m)}, b^{(m)}} for m < ℓ:
        the seeds' "second part" is m = ℓ−1, the "first part" the sum of the others.
        """
        layer = self.depth if layer is None else layer
        self._check_layer(layer, 1, self.depth)
        jac, jac_prime = self.jacobian(x, layer), self.jacobian(x_prime, layer)
        params = self.parameters_below(layer)

        def block(columns: list[int]) -> Matrix:
            return Matrix(
                jac.rows,
                jac_prime.rows,
                lambda i, j: Add(*(jac[i, p] * jac_prime[j, p] for p in columns)),
            )

        if not by_layer:
            return block(list(range(len(params))))
        return {
            m: block([p for p, theta in enumerate(params) if self._layer_of[theta] == m])
            for m in range(layer)
        }

    def backprop_directions(self, x: str | Input, d: Sequence[Expr] | None = None) -> tuple[Matrix, ...]:
        """The training directions d^{(ℓ)}(x) for ℓ = 1 … L (seed 002, Lemma 1, step 1):

        d^{(L)} = d (default the symbols d_k, the gradient of the cost with respect to the outputs) and
        d^{(ℓ)} = σ̇(α̃^{(ℓ)}) ⊙ (s_ℓ W^{(ℓ)})ᵀ d^{(ℓ+1)}.
        """
        inp = self._as_input(x)
        n_out = self.widths[-1]
        if d is None:
            top = Matrix([Entry("d", self.depth, (k + 1,), inp.label) for k in range(n_out)])
        else:
            if len(d) != n_out:
                raise SymntkError(f"d has {len(d)} entries but the network has {n_out} outputs")
            top = Matrix([_exact(v, "an entry of d") for v in d])
        directions = [top]
        layers = self.nodes(inp)
        for ell in range(self.depth - 1, 0, -1):
            back = (self.weight_scale(ell) * self.weights[ell]).T * directions[0]
            sigma_dot = [self.sigma(node, 1) for node in layers[ell - 1]]
            directions.insert(0, Matrix([sigma_dot[i] * back[i] for i in range(len(sigma_dot))]))
        return tuple(directions)

    def expand_sums(self, expr: Any) -> Any:
        """``expr`` with n_ℓ = width and every ``Sum`` over a named index written out term by term.

        Statements written as the seeds write them (Σ_{i=1}^{n_ℓ} over :class:`Entry` objects with symbolic
        indices) become explicit expressions of this network. SymPy's ``Sum.doit`` cannot see an index inside
        an Entry (an atom), so each value is substituted explicitly.
        """
        expr = self.concrete(expr)

        def write_out(s: sympy.Sum) -> Expr:
            body = s.function
            for index, low, high in reversed(s.limits):
                if not (low.is_Integer and high.is_Integer):
                    raise SymntkError(f"a sum over {index} needs concrete bounds, got {low} … {high}")
                body = Add(*(body.subs(index, v) for v in range(int(low), int(high) + 1)))
            return body

        return expr.replace(lambda e: isinstance(e, sympy.Sum), write_out)

    # -- establishing identities -----------------------------------------------------------------------------

    def establish(
        self,
        statement: str,
        lhs: Any,
        rhs: Any,
        points: int = 3,
        budget: int = 3_000_000,
        seed: int = 0,
    ) -> Identity:
        """Establish ``lhs = rhs`` (expressions or matrices of this network's symbols) as exactly as possible.

        Exact simplification first: lhs − rhs, with n_ℓ = width, is expanded as a polynomial over ℚ in the
        symbols and function applications (√ of integers reduced exactly), as is and then with the
        pre-activations inlined; 0 is a proof. When the expansion would exceed ``budget`` terms or does not
        vanish, both sides are evaluated exactly at ``points`` random rational points (generic functions
        replaced by random rational polynomials): a nonzero difference refutes, agreement is evidence.
        """
        left, right = _as_matrix(lhs), _as_matrix(rhs)
        if _contains_sum([*left, *right]):
            left, right = self.expand_sums(left), self.expand_sums(right)
        if left.shape != right.shape:
            raise SymntkError(f"{statement}: the sides have shapes {left.shape} and {right.shape}")
        pairs = list(zip(left, right, strict=True))
        widths = {self.n(ell): Fraction(w) for ell, w in enumerate(self.widths)}
        for inlined in (False, True):
            sides = [(self.inline(a), self.inline(b)) for a, b in pairs] if inlined else pairs
            if _term_estimate(sides) > budget:
                break
            ring = _Ring(widths)
            if all(ring.convert(a) == ring.convert(b) for a, b in sides):
                how = "exact simplification" + (" after inlining the pre-activations" if inlined else "")
                return Identity(statement, left, right, "proved", how)
        rng = random.Random(seed)
        method = (
            f"exact evaluation at {points} random rational points, generic functions replaced by random "
            "rational polynomials (evidence, not proof)"
        )
        for point in range(points):
            evaluator = _Evaluator(self, rng)
            for index, (a, b) in enumerate(pairs):
                try:
                    va, vb = evaluator.value(a), evaluator.value(b)
                except _Unsupported as exc:
                    return Identity(statement, left, right, "undecided", f"no exact evaluation: {exc}")
                if va != vb:
                    where = f"entry {divmod(index, left.cols)}" if left.cols > 1 or left.rows > 1 else "value"
                    text = f"{where} at random point {point}: lhs = {va}, rhs = {vb}"
                    return Identity(statement, left, right, "refuted", method, point + 1, text)
        return Identity(statement, left, right, "verified", method, points)

    # -- helpers ---------------------------------------------------------------------------------------------

    def _check_layer(self, layer: object, low: int, high: int) -> int:
        if isinstance(layer, bool) or not isinstance(layer, int) or not low <= layer <= high:
            raise SymntkError(
                f"layer must be an integer in {low} … {high} for depth {self.depth}, got {layer!r}"
            )
        return layer


def _resolve_parametrization(value: object) -> tuple[str, Rational | None]:
    if value == "ntk":
        return "ntk", Rational(1, 2)
    if value == "mean-field":
        return "mean-field", Integer(1)
    if value == "standard":
        return "standard", None
    if isinstance(value, str):
        raise SymntkError(
            f"unknown parametrization {value!r}: use 'ntk', 'standard', 'mean-field' or a Rational exponent"
        )
    exponent = _exact(value, "the parametrization exponent")
    if not isinstance(exponent, Rational):
        raise SymntkError(f"a parametrization exponent is a rational number, got {exponent}")
    return f"n^-({exponent})", exponent


def _contains_sum(exprs: Iterable[Expr]) -> bool:
    """Whether a ``Sum`` occurs in the expressions (a walk that visits each shared subexpression once)."""
    seen: set[int] = set()
    stack = list(exprs)
    while stack:
        e = stack.pop()
        if id(e) in seen or e.is_Atom:
            continue
        seen.add(id(e))
        if isinstance(e, sympy.Sum):
            return True
        stack.extend(e.args)
    return False


def _as_matrix(value: Any) -> Matrix:
    if isinstance(value, sympy.MatrixBase):
        return Matrix(value)
    if isinstance(value, list | tuple):
        return Matrix(value)
    return Matrix([[sympy.sympify(value)]])


# ---------------------------------------------------------------------------------------------------------
# Exact simplification: sparse polynomials over ℚ in symbols, atoms and prime square roots
# ---------------------------------------------------------------------------------------------------------

#: a monomial is the product of the distinct primes attached to its generators, to their exponents
_Poly = dict[int, Any]  # monomial -> nonzero rational coefficient (int or MPQ)


def _term_estimate(pairs: Iterable[tuple[Expr, Expr]]) -> int:
    """An upper estimate of the number of terms of the expansion of all the given sides."""
    memo: dict[Expr, int] = {}

    def count(e: Expr) -> int:
        if e.is_Atom:
            return 1
        known = memo.get(e)
        if known is not None:
            return known
        if isinstance(e, Add):
            value = sum(count(a) for a in e.args)
        elif isinstance(e, Mul):
            value = math.prod(count(a) for a in e.args)
        elif isinstance(e, Pow) and e.exp.is_Integer and e.exp > 0:
            value = count(e.base) ** int(e.exp)
        else:
            value = 1
        value = min(value, 10**12)
        memo[e] = value
        return value

    return sum(count(a) + count(b) for a, b in pairs)


class _Ring:
    """Converts SymPy expressions into sparse polynomials over ℚ with a canonical form.

    Generators: every symbol (except those given values, such as the widths n_ℓ), every function application
    as an opaque atom keyed by the function and the polynomials of its arguments (so σ(n_0^{-1/2} u x) and
    σ(u x) are one atom when n_0 = 1), every other non-polynomial subexpression as an atom, and √p for each
    prime p, reduced with (√p)² = p. Equal polynomials mean equal expressions; unequal ones prove nothing.
    """

    def __init__(self, values: dict[Symbol, Fraction] | None = None) -> None:
        self._values = {k: MPQ(v.numerator, v.denominator) for k, v in (values or {}).items()}
        self._ids: dict[object, int] = {}
        self._primes = sympy.sieve
        self._radicals: list[tuple[int, int, int]] = []  # (generator prime q, q², the integer p = (√p)²)
        self._memo: dict[Expr, _Poly] = {}
        self._exprs: dict[int, Any] = {}

    def _gen(self, key: object, radicand: int | None = None, expr: Expr | None = None) -> int:
        gid = self._ids.get(key)
        if gid is None:
            gid = self._primes[len(self._ids) + 1]
            self._ids[key] = gid
            self._exprs[gid] = expr if expr is not None else sympy.sqrt(radicand) if radicand else key
            if radicand is not None:
                self._radicals.append((gid, gid * gid, radicand))
        return gid

    def _atom(self, key: object, expr: Expr | None = None) -> _Poly:
        return {self._gen(key, expr=expr): 1}

    def terms(self, poly: _Poly) -> Iterator[tuple[Any, dict[Expr, int]]]:
        """The terms of a polynomial as (rational coefficient, {generator expression: exponent})."""
        for monomial, coefficient in poly.items():
            powers: dict[Expr, int] = {}
            rest = monomial
            for prime, expr in self._exprs.items():
                if rest == 1:
                    break
                while rest % prime == 0:
                    rest //= prime
                    powers[expr] = powers.get(expr, 0) + 1
            yield coefficient, powers

    def convert(self, e: Expr) -> _Poly:
        known = self._memo.get(e)
        if known is not None:
            return known
        value: _Poly
        if isinstance(e, Rational):
            value = {1: _rational(e)} if e != 0 else {}
        elif isinstance(e, Symbol):
            fixed = self._values.get(e)
            value = {1: fixed} if fixed is not None else self._atom(e)
        elif isinstance(e, Add):
            value = {}
            for a in e.args:
                value = self._add(value, self.convert(a))
        elif isinstance(e, Mul):
            value = {1: 1}
            for a in e.args:
                value = self._mul(value, self.convert(a))
        elif isinstance(e, Pow) and isinstance(e.exp, Rational):
            base = self.convert(e.base)
            constant = base.get(1) if len(base) == 1 else None
            if e.exp.is_Integer and e.exp >= 0:
                value = {1: 1}
                for _ in range(int(e.exp)):
                    value = self._mul(value, base)
            elif constant is not None and constant > 0:
                value = self._rational_power(constant, e.exp) or self._atom(e)
            else:
                value = self._atom(e)
        elif isinstance(e, sympy.Function) and not isinstance(e, sympy.Derivative):
            value = self._atom((e.func, tuple(frozenset(self.convert(a).items()) for a in e.args)), e)
        else:
            value = self._atom(e)
        self._memo[e] = value
        return value

    def _rational_power(self, base: Any, exp: Rational) -> _Poly | None:
        if exp.q not in (1, 2):
            return None
        coefficient: Any = 1
        monomial = 1
        factors = dict(sympy.factorint(int(base.numerator)))
        for prime, multiplicity in sympy.factorint(int(base.denominator)).items():
            factors[prime] = -multiplicity
        for prime, multiplicity in factors.items():
            total = Fraction(int(exp.p), int(exp.q)) * multiplicity  # prime^total with total in ½ℤ
            whole = math.floor(total)
            coefficient = coefficient * (MPQ(prime) ** whole if whole < 0 else prime**whole)
            if total != whole:
                monomial *= self._gen(("sqrt", prime), prime)
        return {monomial: coefficient}

    @staticmethod
    def _add(a: _Poly, b: _Poly) -> _Poly:
        if len(a) < len(b):
            a, b = b, a
        out = dict(a)
        for m, c in b.items():
            total = out.get(m, 0) + c
            if total:
                out[m] = total
            else:
                out.pop(m, None)
        return out

    def _mul(self, a: _Poly, b: _Poly) -> _Poly:
        out: _Poly = {}
        radicals = self._radicals
        for ma, ca in a.items():
            for mb, cb in b.items():
                m, c = ma * mb, ca * cb
                for _, q2, radicand in radicals:
                    if m % q2 == 0:
                        m //= q2
                        c *= radicand
                total = out.get(m, 0) + c
                if total:
                    out[m] = total
                else:
                    out.pop(m, None)
        return out


def _rational(e: Rational) -> Any:
    return int(e.p) if e.q == 1 else MPQ(int(e.p), int(e.q))


# ---------------------------------------------------------------------------------------------------------
# Exact evaluation at random points, in ℚ(√2, √3, …)
# ---------------------------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """An expression this exact evaluator cannot evaluate (e.g. a transcendental function)."""


@functools.cache
def _squarefree(n: int) -> tuple[int, int]:
    """(s, r) with n = s² r and r squarefree."""
    s, r = 1, 1
    for p, e in sympy.factorint(n).items():
        s *= p ** (e // 2)
        r *= p ** (e % 2)
    return s, r


class _Surd:
    """An element Σ_r c_r √r of ℚ(√2, √3, …): rational c_r, distinct squarefree r ≥ 1."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict[int, Any]) -> None:
        self.terms = {r: c for r, c in terms.items() if c}

    @classmethod
    def rational(cls, q: Any | int) -> _Surd:
        return cls({1: MPQ(q)})

    @classmethod
    def sqrt(cls, q: Any) -> _Surd:
        if q < 0:
            raise _Unsupported("square root of a negative number")
        num = int(q.numerator) * int(q.denominator)  # √(p/d) = √(p d)/d
        s, r = _squarefree(num)
        return cls({r: MPQ(s, int(q.denominator))})

    def as_rational(self) -> Any | None:
        if not self.terms:
            return MPQ(0)
        if set(self.terms) == {1}:
            return self.terms[1]
        return None

    def __add__(self, other: _Surd) -> _Surd:
        out = dict(self.terms)
        for r, c in other.terms.items():
            out[r] = out.get(r, MPQ(0)) + c
        return _Surd(out)

    def __neg__(self) -> _Surd:
        return _Surd({r: -c for r, c in self.terms.items()})

    def __mul__(self, other: _Surd) -> _Surd:
        if len(self.terms) == 1 and len(other.terms) == 1:
            ((r1, c1),) = self.terms.items()
            ((r2, c2),) = other.terms.items()
            if r1 == 1 or r2 == 1:
                return _Surd({r1 * r2: c1 * c2})
        out: dict[int, Any] = {}
        for r1, c1 in self.terms.items():
            for r2, c2 in other.terms.items():
                g = math.gcd(r1, r2)
                r = (r1 // g) * (r2 // g)
                out[r] = out.get(r, MPQ(0)) + c1 * c2 * g
        return _Surd(out)

    def __pow__(self, k: int) -> _Surd:
        if k < 0:
            if len(self.terms) != 1:
                raise _Unsupported("inverse of a sum of square roots")
            ((r, c),) = self.terms.items()
            return _Surd({r: 1 / (c * r)}) ** (-k)
        out = _Surd.rational(1)
        for _ in range(k):
            out = out * self
        return out

    def sign(self) -> int:
        if not self.terms:
            return 0
        import mpmath

        with mpmath.workdps(60):
            v = mpmath.fsum(
                mpmath.mpf(int(c.numerator)) / int(c.denominator) * mpmath.sqrt(r)
                for r, c in self.terms.items()
            )
            if abs(v) < mpmath.mpf(10) ** -45:
                raise _Unsupported("the sign of a tiny algebraic number")
            return 1 if v > 0 else -1

    def key(self) -> tuple[tuple[int, Any], ...]:
        return tuple(sorted(self.terms.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Surd) and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(self.key())

    def __str__(self) -> str:
        if not self.terms:
            return "0"
        parts = [str(c) if r == 1 else f"{c}*sqrt({r})" for r, c in sorted(self.terms.items())]
        return " + ".join(parts)


def _random_rational(rng: random.Random) -> Any:
    while True:
        q = MPQ(rng.randint(-12, 12), rng.randint(1, 7))
        if q:
            return q


class _Evaluator:
    """Evaluates expressions of one network exactly at one random point.

    Parameters, inputs, β and every other free symbol get random nonzero rationals; widths their values;
    pre-activations their definitions; a generic σ^{(m)} the m-th derivative of a random rational polynomial
    of degree 4 (one per generic function name); any other undefined function (a loss l, …) and its
    derivatives a random value per (function, derivative, argument values).
    """

    def __init__(self, network: Network, rng: random.Random) -> None:
        self.network = network
        self.rng = rng
        self.symbols: dict[Symbol, _Surd] = {
            network.n(ell): _Surd.rational(w) for ell, w in enumerate(network.widths)
        }
        self.polynomials: dict[str, list[Any]] = {}
        self.undefined: dict[object, _Surd] = {}
        self.memo: dict[Expr, _Surd] = {}

    def value(self, e: Expr) -> _Surd:
        known = self.memo.get(e)
        if known is None:
            known = self._value(e)
            self.memo[e] = known
        return known

    def _value(self, e: Expr) -> _Surd:
        if isinstance(e, Rational):
            return _Surd.rational(MPQ(int(e.p), int(e.q)))
        if isinstance(e, Symbol):
            if e in self.network._definitions:
                return self.value(self.network._definitions[e])
            if e not in self.symbols:
                self.symbols[e] = _Surd.rational(_random_rational(self.rng))
            return self.symbols[e]
        if isinstance(e, Add):
            out = _Surd({})
            for a in e.args:
                out = out + self.value(a)
            return out
        if isinstance(e, Mul):
            out = _Surd.rational(1)
            for a in e.args:
                out = out * self.value(a)
            return out
        if isinstance(e, Pow):
            if e.exp.is_Integer:
                return self.value(e.base) ** int(e.exp)
            if isinstance(e.exp, Rational) and e.exp.q == 2:
                base = self.value(e.base).as_rational()
                if base is None:
                    raise _Unsupported(f"a square root of an irrational number in {e}")
                return _Surd.sqrt(base) ** int(e.exp.p)
            raise _Unsupported(f"the power {e}")
        if isinstance(e, GenericActivation):
            return self._polynomial(e.symbol, e.order, self.value(e.args[0]))
        if isinstance(e, sympy.KroneckerDelta):
            a, b = (self.value(x) for x in e.args)
            return _Surd.rational(int(a == b))
        if isinstance(e, sympy.Heaviside):
            s = self.value(e.args[0]).sign()
            if s == 0:
                raise _Unsupported("the Heaviside step at 0")
            return _Surd.rational(int(s > 0))
        if isinstance(e, sympy.Max | sympy.Min):
            values = [self.value(a) for a in e.args]
            best = values[0]
            for v in values[1:]:
                s = (v + -best).sign()
                if (s > 0) == isinstance(e, sympy.Max) and s != 0:
                    best = v
            return best
        if isinstance(e, sympy.Abs):
            v = self.value(e.args[0])
            return v if v.sign() >= 0 else -v
        if isinstance(e, sympy.core.function.AppliedUndef):
            return self._undefined((e.func, ()), e.args)
        if isinstance(e, sympy.Derivative) and isinstance(e.expr, sympy.core.function.AppliedUndef):
            position = {a: i for i, a in enumerate(e.expr.args)}
            if not all(v in position for v, _ in e.variable_count):
                raise _Unsupported(f"the derivative {e}")
            orders = tuple(sorted((position[v], int(c)) for v, c in e.variable_count))
            return self._undefined((e.expr.func, orders), e.expr.args)
        raise _Unsupported(f"the function {type(e).__name__}")

    def _polynomial(self, name: str, order: int, z: _Surd) -> _Surd:
        coefficients = self.polynomials.get(name)
        if coefficients is None:
            coefficients = [_random_rational(self.rng) for _ in range(5)]
            self.polynomials[name] = coefficients
        # the order-th derivative of Σ_k a_k z^k
        out = _Surd({})
        power = _Surd.rational(1)
        for k in range(order, len(coefficients)):
            falling = math.perm(k, order)
            out = out + _Surd.rational(coefficients[k] * falling) * power
            power = power * z
        return out

    def _undefined(self, key: tuple[object, tuple[tuple[int, int], ...]], args: tuple[Expr, ...]) -> _Surd:
        full = (key, tuple(self.value(a).key() for a in args))
        if full not in self.undefined:
            self.undefined[full] = _Surd.rational(_random_rational(self.rng))
        return self.undefined[full]


# ---------------------------------------------------------------------------------------------------------
# The identities of the seeds, derived from the model
# ---------------------------------------------------------------------------------------------------------


def _delta(n: int) -> Matrix:
    return sympy.eye(n)


def ntk_base_case(network: Network, x: str | Input = "x", x_prime: str | Input = "x'") -> Identity:
    """(a) Θ^{(1)}_{kk'}(x, x') = (s_0² x·x' + c²) δ_{kk'}: (x·x'/n_0 + β²) δ_{kk'} in NTK parametrization.

    Seed 000, proof of Theorem 1, base case; seed 002 §4.1. Θ^{(1)} is the NTK of the first layer's
    pre-activations (the whole network when L = 1), computed from its definition.
    """
    u, v = network._as_input(x).vector(), network._as_input(x_prime).vector()
    lhs = network.ntk(x, x_prime, layer=1)
    scalar = network.weight_scale(0) ** 2 * (u.T * v)[0, 0] + network.bias_scale**2
    return network.establish(
        "(a) base case: Θ^(1)_kk'(x, x') = (x·x'/n_0 + β²) δ_kk' (seed 000 Theorem 1; seed 002 §4.1)",
        lhs,
        scalar * _delta(network.widths[1]),
    )


def _chain_form(network: Network, layer: int, x: str | Input, inner: Matrix) -> Matrix:
    """s_ℓ Σ_i inner[i, p] σ̇(α̃^{(ℓ)}_i(x)) W^{(ℓ)}_{ki} for the parameters p below layer ℓ (ℓ = ``layer``)."""
    nodes = network.nodes(x)[layer - 1]
    s, weights = network.weight_scale(layer), network.weights[layer]
    dot = [network.sigma(n, 1) for n in nodes]
    return Matrix(
        network.widths[layer + 1],
        inner.cols,
        lambda k, p: s * Add(*(inner[i, p] * dot[i] * weights[k, i] for i in range(len(nodes)))),
    )


def ntk_chain_rule(network: Network, x: str | Input = "x", layer: int | None = None) -> Identity:
    """(b) ∂f_k/∂θ̃_p = s_{L−1} Σ_i ∂α̃^{(L−1)}_i/∂θ̃_p σ̇(α̃^{(L−1)}_i) W_{ik} for every θ̃_p below the last layer.

    Seed 000, proof of Theorem 1 (step ③); seed 002 §4.2, "by the chain rule" (their network has L+1 layers,
    so their n_L is our n_{L−1}). W_{ik} is in the seeds' order: i in layer L−1, k an output; in the code's
    matrix it is ``weights[L-1][k, i]``. With ``layer`` = ℓ + 1 < L the same for α̃^{(ℓ+1)} in place of f.
    """
    if network.depth < 2:
        raise SymntkError("the chain rule through the last layer needs a network of depth at least 2")
    top = network.depth if layer is None else network._check_layer(layer, 2, network.depth)
    below = network.parameters_below(top - 1)
    lhs = network.jacobian(x, top)[:, : len(below)]
    rhs = _chain_form(network, top - 1, x, network.jacobian(x, top - 1))
    return network.establish(
        f"(b) chain rule into layer {top}: ∂α̃^({top})_k/∂θ̃_p = n_{top - 1}^(-1/2) Σ_i ∂α̃^({top - 1})_i/∂θ̃_p "
        "σ̇(α̃_i) W_ik (seed 000 Theorem 1; seed 002 §4.2)",
        lhs,
        rhs,
    )


def ntk_layer_recursion(
    network: Network,
    layer: int,
    x: str | Input = "x",
    x_prime: str | Input = "x'",
    **establish: Any,
) -> Identity:
    """(c) Θ^{(ℓ+1)}_{kk'} = s_ℓ² Σ_{i,i'} Θ^{(ℓ)}_{ii'} σ̇(α̃_i(x)) σ̇(α̃_{i'}(x')) W_{ik} W_{i'k'}
    + (s_ℓ² α^{(ℓ)}(x)·α^{(ℓ)}(x') + c²) δ_{kk'}, for 1 ≤ ℓ < L.

    Seed 001 slide 18 ("Step 1 - finite network"); seed 002 Lemma 1 (the sub-network NTK recursion). Both
    Θ^{(ℓ+1)} and Θ^{(ℓ)} are computed from the definition Σ_p ∂α̃ ∂α̃; s_ℓ² = 1/n_ℓ and c = β in NTK
    parametrization. ``establish`` is passed on to :meth:`Network.establish` (``budget``, ``points``).
    """
    network._check_layer(layer, 1, network.depth - 1)
    statement = (
        f"(c) layer recursion ℓ = {layer}: Θ^(ℓ+1)_kk' = (1/n_ℓ) Σ_ii' Θ^(ℓ)_ii' σ̇σ̇' W_ik W_i'k' "
        "+ (α·α'/n_ℓ + β²) δ_kk' (seed 001 slide 18; seed 002 Lemma 1)"
    )
    lhs = network.ntk(x, x_prime, layer=layer + 1)
    inner, inner_prime = network.jacobian(x, layer), network.jacobian(x_prime, layer)
    theta = inner * inner_prime.T  # Θ^{(ℓ)}_{ii'} = Σ_p ∂α̃_i(x)/∂θ_p ∂α̃_{i'}(x')/∂θ_p
    nodes, nodes_prime = network.nodes(x)[layer - 1], network.nodes(x_prime)[layer - 1]
    dot = [network.sigma(n, 1) for n in nodes]
    dot_prime = [network.sigma(n, 1) for n in nodes_prime]
    act = [network.sigma(n) for n in nodes]
    act_prime = [network.sigma(n) for n in nodes_prime]
    s2, c2, w = network.weight_scale(layer) ** 2, network.bias_scale**2, network.weights[layer]
    width = network.widths[layer]
    gram = s2 * Add(*(act[i] * act_prime[i] for i in range(width))) + c2

    def entry(k: int, kp: int) -> Expr:
        first = Add(
            *(
                theta[i, ip] * dot[i] * dot_prime[ip] * w[k, i] * w[kp, ip]
                for i in range(width)
                for ip in range(width)
            )
        )
        return s2 * first + (gram if k == kp else 0)

    rhs = Matrix(lhs.rows, lhs.cols, entry)
    return network.establish(statement, lhs, rhs, **establish)


def backprop_gradient_identity(network: Network, x: str | Input = "x") -> Identity:
    """∂(dᵀf(x))/∂W^{(ℓ)}_{jk} = s_ℓ d^{(ℓ+1)}_j α^{(ℓ)}_k and ∂(dᵀf(x))/∂b^{(ℓ)}_j = c d^{(ℓ+1)}_j.

    Seed 002, Lemma 1 step 1: the gradient flow ∂_t W^{(ℓ)} = n_ℓ^{-1/2} ⟨α^{(ℓ)}, d^{(ℓ+1)}⟩ with the
    training directions of :meth:`Network.backprop_directions`.
    """
    inp = network._as_input(x)
    directions = network.backprop_directions(inp)
    top = directions[-1]
    outputs = network.nodes(inp)[-1]
    cost = Add(*(top[k] * outputs[k] for k in range(len(outputs))))
    activations = network.activations(inp)
    lhs, rhs = [], []
    for theta in network.parameters:
        ell = network.layer_of(theta)
        lhs.append(network.derivative(cost, theta))
        j = theta.indices[0] - 1
        if theta.base == "W":
            rhs.append(
                network.weight_scale(ell) * directions[ell][j] * activations[ell][theta.indices[1] - 1]
            )
        else:
            rhs.append(network.bias_scale * directions[ell][j])
    return network.establish(
        "backpropagation: ∂(d·f)/∂W^(ℓ)_jk = n_ℓ^{-1/2} d^(ℓ+1)_j α^(ℓ)_k, ∂(d·f)/∂b^(ℓ)_j = β d^(ℓ+1)_j "
        "(seed 002 Lemma 1)",
        Matrix(lhs),
        Matrix(rhs),
    )


def ntk_gram_structure(network: Network, inputs: int = 2) -> list[Identity]:
    """(d) On inputs x_1 … x_M the NTK is a Gram matrix, hence PSD, and kills ∇_f L at critical points.

    Three identities, with J the (M n_L) × P Jacobian stacked over the inputs and Θ the block matrix
    Θ_{(a,k),(b,k')} = Θ_{kk'}(x_a, x_b) computed from its definition:

    - Θ = J Jᵀ;
    - vᵀ Θ v = Σ_p (Σ_{a,k} v_{a,k} ∂f_k(x_a)/∂θ_p)² ≥ 0 for every v (seed 001 slide 27: PSD);
    - Θ ∇_f L = J ∇_θ L for the loss L = (1/M) Σ_a l(f(x_a), y_a) with a generic l (seed 001 slide 28): at a
      critical point ∇_θ L = 0, hence ∇_f L ∈ ker Θ; when l is convex in f and the loss is not minimal there,
      ∇_f L ≠ 0 and Θ is singular.
    """
    if isinstance(inputs, bool) or not isinstance(inputs, int) or inputs < 1:
        raise SymntkError(f"the input set needs a positive number of inputs, got {inputs!r}")
    labels = [network.input(f"x_{a + 1}") for a in range(inputs)]
    n_out = network.widths[-1]
    jac = Matrix.vstack(*(network.jacobian(inp) for inp in labels))
    blocks = [[network.ntk(a, b) for b in labels] for a in labels]
    theta = Matrix.vstack(*(Matrix.hstack(*row) for row in blocks))
    gram = network.establish("(d) Θ = J Jᵀ on the input set (seed 001 slide 27)", theta, jac * jac.T)

    v = Matrix([Entry("v", None, (a + 1, k + 1)) for a in range(inputs) for k in range(n_out)])
    jv = jac.T * v
    psd = network.establish(
        "(d) vᵀ Θ v = |Jᵀ v|² ≥ 0: Θ is positive semi-definite (seed 001 slide 27)",
        (v.T * theta * v)[0, 0],
        Add(*(e**2 for e in jv)),
    )

    loss_fn = Function("l")
    outputs = [network.nodes(inp)[-1] for inp in labels]
    targets = [[Entry("y", None, (k + 1,), inp.label) for k in range(n_out)] for inp in labels]
    loss = Add(*(loss_fn(*outputs[a], *targets[a]) for a in range(inputs))) / inputs
    grad_f = Matrix([sympy.diff(loss, node) for a in range(inputs) for node in outputs[a]])
    grad_theta = Matrix([network.derivative(loss, p) for p in network.parameters])
    kernel = network.establish(
        "(d) Θ ∇_f L = J ∇_θ L: at a critical point ∇_f L ∈ ker Θ (seed 001 slide 28)",
        theta * grad_f,
        jac * grad_theta,
    )
    return [gram, psd, kernel]


@dataclass(frozen=True)
class ShallowNTK:
    """Seed 001 slides 20–21: the shallow network f(x) = n^{-1/2} Σ_i v_i φ(u_i x), derived from the model.

    ``network`` has widths (1, n, 1), β = 0 (u_i = W^{(0)}_{i1}, v_i = W^{(1)}_{1i}); ``ntk`` is its
    Θ(x, x'); ``delta_ntk`` its first-order variation Σ_p ∂Θ/∂θ_p Δθ_p in the symbols Δu_i, Δv_i;
    ``steps`` the one gradient step Δθ_p = −η Σ_a ∂f(x_a)/∂θ_p L'_a; ``identities`` compare each with the
    slides' formulas.
    """

    network: Network
    ntk: Expr
    delta_ntk: Expr
    steps: dict[Symbol, Expr]
    identities: list[Identity]


def shallow_ntk(width: int = 3, activation: object = None, inputs: int = 2) -> ShallowNTK:
    """Derive seed 001's shallow-network NTK (slide 20) and its variation under one GD step (slide 21)."""
    phi = activation if activation is not None else Function("phi")
    net = Network((1, width, 1), beta=0, activation=phi)
    x, xp = net.input("x"), net.input("x'")
    u = [net.weights[0][i, 0] for i in range(width)]
    v = [net.weights[1][0, i] for i in range(width)]
    n = net.n(1)
    theta = net.ntk(x, xp)[0, 0].xreplace({net.n(0): 1})  # n_0 = 1: the input is a scalar
    phi_ = net.sigma
    X, XP = x.entries[0], xp.entries[0]

    slide20 = (
        Add(
            *(
                phi_(u[i] * X) * phi_(u[i] * XP) + v[i] ** 2 * X * XP * phi_(u[i] * X, 1) * phi_(u[i] * XP, 1)
                for i in range(width)
            )
        )
        / n
    )
    ntk_identity = net.establish("(e) slide 20: Θ(x,x') = (1/n) Σ_i [φφ' + v_i² x x' φ̇φ̇']", theta, slide20)

    delta = {p: Entry("Delta", None, (p,)) for p in net.parameters}
    du = [delta[p] for p in u]
    dv = [delta[p] for p in v]
    delta_theta = Add(*(net.derivative(theta, p) * delta[p] for p in net.parameters)).xreplace({net.n(0): 1})
    slide21 = (
        Add(
            *(
                du[i]
                * (
                    X * phi_(u[i] * X, 1) * phi_(u[i] * XP)
                    + phi_(u[i] * X) * XP * phi_(u[i] * XP, 1)
                    + v[i] ** 2
                    * X
                    * XP
                    * (
                        X * phi_(u[i] * X, 2) * phi_(u[i] * XP, 1)
                        + phi_(u[i] * X, 1) * XP * phi_(u[i] * XP, 2)
                    )
                )
                + dv[i] * 2 * v[i] * X * XP * phi_(u[i] * X, 1) * phi_(u[i] * XP, 1)
                for i in range(width)
            )
        )
        / n
    )
    delta_identity = net.establish("(e) slide 21: ΔΘ to first order in Δu_i, Δv_i", delta_theta, slide21)

    eta = Symbol("eta", positive=True)
    train = [net.input(f"x_{a + 1}") for a in range(inputs)]
    slopes = [Entry("L'", None, (a + 1,)) for a in range(inputs)]
    steps = {
        p: -eta * Add(*(net.derivative(net.nodes(t)[-1][0], p) * slopes[a] for a, t in enumerate(train)))
        for p in net.parameters
    }
    xa = [t.entries[0] for t in train]
    slide21_steps = [
        -eta / sympy.sqrt(n) * Add(*(phi_(u[i] * xa[a]) * slopes[a] for a in range(inputs)))
        for i in range(width)
    ] + [
        -eta / sympy.sqrt(n) * v[i] * Add(*(phi_(u[i] * xa[a], 1) * xa[a] * slopes[a] for a in range(inputs)))
        for i in range(width)
    ]
    steps_identity = net.establish(
        "(e) slide 21: Δv_i = −η n^{-1/2} Σ_a φ(u_i x_a) L'_a, "
        "Δu_i = −η n^{-1/2} v_i Σ_a φ̇(u_i x_a) x_a L'_a",
        Matrix([steps[p] for p in v + u]),
        Matrix(slide21_steps),
    )
    return ShallowNTK(net, theta, delta_theta, steps, [ntk_identity, delta_identity, steps_identity])
