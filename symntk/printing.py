"""LaTeX in the seeds' notation for the expressions of :mod:`symntk.network`.

Two notations, each following its seed:

- ``"jacot"`` (seeds 000 and 002, after Jacot et al. 2018): pre-activations α̃^{(ℓ)}_i(x), activations
  α^{(ℓ)}, weights W^{(ℓ)}_{ik} with i the neuron of layer ℓ and k the neuron of layer ℓ+1 (the transpose of
  the code's matrix, as the seeds write it), biases b^{(ℓ)}_k, the nonlinearity σ with derivatives σ̇, σ̈, NTK
  entries Θ^{(ℓ)}_{kk'}(x, x') and Kronecker deltas δ_{kk'};
- ``"velikanov"`` (seed 001, slides 11 and 15–19): z^{l}_j(x) for α̃^{(l)}_j, weights w^{l}_{ij} with
  l = ℓ+1 the layer they feed (i below, j above), biases b^{l}_j, the nonlinearity φ.

:func:`fold_sums` turns the explicit finite sums of a derived expression back into sums over named neuron
indices (Σ_{i=1}^{n_ℓ}), so that what the model derives reads like the papers.

>>> from symntk.network import Network
>>> net = Network((2, 3, 1))
>>> latex(net.weights[0][2, 1])
'W^{(0)}_{23}'
>>> latex(net.weights[0][2, 1], notation="velikanov")
'w^{1}_{23}'
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

import sympy
from sympy import Add, Expr, Symbol
from sympy.printing.latex import LatexPrinter

from ._errors import SymntkError
from .network import Entry, GenericActivation, Network

__all__ = ["NOTATIONS", "SeedLatexPrinter", "fold_sums", "latex", "unfold_sums"]

Notation = Literal["jacot", "velikanov"]

#: The notations the printer knows, each after its seed.
NOTATIONS: tuple[str, ...] = ("jacot", "velikanov")

_GREEK = {"sigma": r"\sigma", "phi": r"\phi", "psi": r"\psi", "rho": r"\rho", "tau": r"\tau"}


class SeedLatexPrinter(LatexPrinter):
    """A SymPy LaTeX printer that renders the network's symbols in one seed's notation."""

    def __init__(self, notation: Notation = "jacot", settings: dict[str, Any] | None = None) -> None:
        if notation not in NOTATIONS:
            raise SymntkError(f"unknown notation {notation!r}: use one of {', '.join(NOTATIONS)}")
        super().__init__(settings or {})
        self.notation = notation

    # -- pieces ----------------------------------------------------------------------------------------------

    def _index(self, index: object) -> str:
        if isinstance(index, int):
            return str(index)
        return self._print(index)

    def _indices(self, indices: tuple[object, ...]) -> str:
        printed = [self._index(i) for i in indices]
        if all(len(p.replace("'", "").replace("\\prime", "")) == 1 for p in printed):
            return "".join(printed)
        return ",".join(printed)

    def _argument(self, argument: str | None) -> str:
        if argument is None:
            return ""
        return "(" + ", ".join(self._label(a.strip()) for a in argument.split(",")) + ")"

    @staticmethod
    def _label(label: str) -> str:
        head, _, tail = label.partition("_")
        return f"{head}_{{{tail}}}" if tail else head

    def _layer(self, layer: int | None, shift: int = 0) -> str:
        if layer is None:
            return ""
        if self.notation == "velikanov":
            return f"^{{{layer + shift}}}"
        return f"^{{({layer})}}"

    def _sigma_name(self, symbol: str) -> str:
        if self.notation == "velikanov" and symbol == "sigma":
            return r"\phi"
        return _GREEK.get(symbol, rf"\operatorname{{{symbol}}}")

    # -- SymPy hooks -----------------------------------------------------------------------------------------

    def _print_Entry(self, e: Entry) -> str:
        base, layer, indices, argument = e.base, e.layer, e.indices, e.argument
        velikanov = self.notation == "velikanov"
        if base == "W":
            j, k = indices  # code order: j in layer ℓ+1, k in layer ℓ; the seeds put k first
            name = "w" if velikanov else "W"
            return f"{name}{self._layer(layer, 1)}_{{{self._indices((k, j))}}}"
        if base == "b":
            return f"b{self._layer(layer, 1)}_{{{self._indices(indices)}}}"
        if base in ("alpha_tilde", "alpha"):
            if velikanov:
                name = "z" if base == "alpha_tilde" else "h"
            else:
                name = r"\tilde{\alpha}" if base == "alpha_tilde" else r"\alpha"
            return f"{name}{self._layer(layer)}_{{{self._indices(indices)}}}{self._argument(argument)}"
        if base == "x":
            if argument is None or argument == "x":
                return f"x_{{{self._indices(indices)}}}"
            head, _, tail = argument.partition("_")
            if tail:
                return f"{head}_{{{tail},{self._indices(indices)}}}"
            return f"{argument}_{{{self._indices(indices)}}}"
        if base == "Delta":
            return r"\Delta " + self._print(indices[0])
        if base == "Theta":
            return rf"\Theta{self._layer(layer)}_{{{self._indices(indices)}}}{self._argument(argument)}"
        if base == "Sigma":
            return rf"\Sigma{self._layer(layer)}{self._argument(argument)}"
        if base == "E_sigma_sigma":
            s = self._sigma_name("sigma")
            return (
                rf"\mathbb{{E}}_{{(u,v)\sim\mathcal{{N}}(0,\Sigma{self._layer(layer)})}}"
                rf"\left[{s}(u)\,{s}(v)\right]"
            )
        sub = ""
        if indices:
            if argument is not None and base in ("y",):
                head, _, tail = argument.partition("_")
                sub = f"_{{{tail},{self._indices(indices)}}}" if tail else f"_{{{self._indices(indices)}}}"
                argument = None
            else:
                sub = f"_{{{self._indices(indices)}}}"
        name = base.replace("'", "'")
        return f"{name}{self._layer(layer)}{sub}{self._argument(argument)}"

    def _print_Function(self, e: Any, exp: str | None = None) -> str:
        if isinstance(e, GenericActivation):
            return self._print_generic_activation(e, exp)
        return super()._print_Function(e, exp)

    def _print_Pow(self, e: sympy.Pow) -> str:
        if isinstance(e.base, Entry) and e.exp.is_Integer and e.exp > 0:
            base = self._print(e.base)
            if "^" in base:
                base = rf"\left({base}\right)"
            elif "'" in base:
                base = f"{{{base}}}"
            return f"{base}^{{{self._print(e.exp)}}}"
        return super()._print_Pow(e)

    def _print_generic_activation(self, e: GenericActivation, exp: str | None = None) -> str:
        name = self._sigma_name(e.symbol)
        if e.order == 1:
            name = rf"\dot{{{name}}}"
        elif e.order == 2:
            name = rf"\ddot{{{name}}}"
        elif e.order > 2:
            name = f"{name}^{{({e.order})}}"
        arg = self._print(e.args[0])
        out = rf"{name}\left({arg}\right)"
        return f"{out}^{{{exp}}}" if exp else out

    def _print_KroneckerDelta(self, e: sympy.KroneckerDelta, exp: str | None = None) -> str:
        out = rf"\delta_{{{self._indices(tuple(e.args))}}}"
        return f"\\left({out}\\right)^{{{exp}}}" if exp else out

    def _print_Symbol(self, e: Symbol, style: str = "plain") -> str:
        if e.name.startswith("n_") and e.name[2:].isdigit():
            return f"n_{{{e.name[2:]}}}"
        if e.name.endswith("'") and len(e.name) > 1:
            return self._print_Symbol(Symbol(e.name[:-1])) + "'"
        return super()._print_Symbol(e, style=style)


def latex(expr: Any, notation: Notation = "jacot", **settings: Any) -> str:
    """LaTeX of ``expr`` (an expression or a matrix) in a seed's notation (``"jacot"`` or ``"velikanov"``)."""
    return SeedLatexPrinter(notation, settings).doprint(expr)


# ---------------------------------------------------------------------------------------------------------
# Folding explicit sums into sums over named indices
# ---------------------------------------------------------------------------------------------------------

_INDEX_NAMES = ("i", "j", "m", "p", "q", "r")


def _index_layers(e: Entry) -> tuple[int | None, ...]:
    """The layer of the neuron each index of an entry ranges over (None where it is not a neuron index)."""
    if e.base == "W" and e.layer is not None:
        return (e.layer + 1, e.layer)
    if e.base == "b" and e.layer is not None:
        return (e.layer + 1,)
    if e.base in ("alpha_tilde", "alpha", "d") and e.layer is not None:
        return (e.layer,)
    if e.base == "x" and len(e.indices) == 1:
        return (0,)
    return (None,) * len(e.indices)


def _reindex(e: Entry, layer: int, old: object, new: object) -> Entry:
    if e.base == "Delta":
        inner = e.indices[0]
        if isinstance(inner, Entry):
            return Entry("Delta", None, (_reindex(inner, layer, old, new),))
        return e
    layers = _index_layers(e)
    indices = tuple(new if (m == layer and i == old) else i for m, i in zip(layers, e.indices, strict=True))
    return e if indices == e.indices else Entry(e.base, e.layer, indices, e.argument)


def _occurrences(term: Expr) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for e in term.atoms(Entry):
        entries = [e.indices[0]] if e.base == "Delta" and isinstance(e.indices[0], Entry) else [e]
        for entry in entries:
            for m, i in zip(_index_layers(entry), entry.indices, strict=True):
                if m is not None and isinstance(i, int):
                    out.add((m, i))
    return out


def _substitute(term: Expr, layer: int, old: int, new: Symbol) -> Expr:
    mapping = {}
    for e in term.atoms(Entry):
        r = _reindex(e, layer, old, new)
        if r is not e:
            mapping[e] = r
    return term.xreplace(mapping)


def fold_sums(expr: Any, network: Network) -> Any:
    """Rewrite explicit sums over all the neurons of a layer as Σ_{i=1}^{n_ℓ} over a named index.

    A group of terms of an Add that differ only in the neuron index of one layer ℓ, and take every value
    1 … n_ℓ of it, becomes ``Sum(term(i), (i, 1, n_ℓ))`` with the factors independent of i in front. Applied
    until nothing folds, inside out, so double sums come out as Σ_i Σ_{i'}. The result is equal to ``expr``
    (the tests evaluate both).
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: fold_sums(e, network))
    expr = sympy.sympify(expr)
    if expr.is_Atom:
        return expr
    args = [fold_sums(a, network) for a in expr.args]
    if isinstance(expr, sympy.Sum):
        return expr.func(*args)
    rebuilt = expr.func(*args) if args != list(expr.args) else expr
    if not isinstance(rebuilt, Add):
        return rebuilt
    return _fold_add(list(rebuilt.args), network)


def unfold_sums(expr: Any, network: Network) -> Any:
    """The inverse of :func:`fold_sums`: each Σ over a named index written out (``Network.expand_sums``)."""
    return network.expand_sums(expr)


def _fold_add(terms: list[Expr], network: Network) -> Expr:
    while True:
        groups: dict[tuple[int, Expr], dict[int, int]] = defaultdict(dict)
        placeholder = Symbol("_fold_index")
        for t, term in enumerate(terms):
            for layer, value in _occurrences(term):
                pattern = _substitute(term, layer, value, placeholder)
                groups[(layer, pattern)].setdefault(value, t)
        best = None
        for (layer, pattern), members in groups.items():
            width = network.widths[layer]
            if width > 1 and set(members) == set(range(1, width + 1)) and len(set(members.values())) == width:
                if best is None or width > len(best[2]):
                    best = (layer, pattern, members)
        if best is None:
            return Add(*terms)
        layer, pattern, members = best
        used = {s.name for s in pattern.free_symbols | pattern.atoms(Symbol)}
        used |= {str(i) for e in pattern.atoms(Entry) for i in e.indices if isinstance(i, Symbol)}
        name = next(n for n in (a + "'" * k for k in range(4) for a in _INDEX_NAMES) if n not in used)
        index = Symbol(name, integer=True, positive=True)
        body = pattern.subs(placeholder, index)
        outside, inside = _split_factors(body, index)
        folded = outside * sympy.Sum(inside, (index, 1, network.n(layer)))
        taken = set(members.values())
        terms = [t for k, t in enumerate(terms) if k not in taken] + [folded]


def _mentions(e: Expr, index: Symbol) -> bool:
    if index in e.free_symbols:
        return True
    for entry in e.atoms(Entry):
        inner = entry.indices[0] if entry.base == "Delta" and entry.indices else None
        if index in entry.indices or (isinstance(inner, Entry) and index in inner.indices):
            return True
    return False


def _split_factors(term: Expr, index: Symbol) -> tuple[Expr, Expr]:
    """(the factors of ``term`` that do not involve ``index``, those that do)."""
    outside: list[Expr] = []
    inside: list[Expr] = []
    for factor in sympy.Mul.make_args(term):
        (inside if _mentions(factor, index) else outside).append(factor)
    return sympy.Mul(*outside), sympy.Mul(*inside)
