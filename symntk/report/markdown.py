"""Derivations, their checks and verdicts as Markdown with LaTeX math, so that notebooks show them typeset.

The objects' ``_repr_markdown_`` / ``_repr_latex_`` methods call these functions. The mathematics is the
report's (:mod:`symntk.report.typesetting`: the seeds' notation, vetted formulas) inside ``$$…$$``, which
Jupyter typesets with MathJax; text is escaped for Markdown, and a verdict mark is its word in bold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sympy as sp

from .._errors import SymntkError

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|$])")


def text(value: object) -> str:
    """Text with Markdown's special characters escaped (and whitespace runs made one space)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def verdict(v: Any) -> str:
    """A :class:`~symntk.check.Verdict` as Markdown: the status in bold, then the evidence."""
    return f"**{v.status.value}**: {text(v.evidence)}"


def _chain(start: str | None, rows: Sequence[tuple[str, str, str]]) -> str:
    lines = [f"& {start}"] if start is not None else []
    lines += [f"& {rel} {body} && {tag}" for rel, body, tag in rows]
    return "$$\\begin{aligned}" + " \\\\ ".join(lines) + "\\end{aligned}$$"


def _heading(d: Any) -> str:
    from .documents import _statement

    statement, statement_text = _statement(d, _notation(d))
    head = f"**{text(d.kind.capitalize())}** ({text(d.title)})."
    if d.source is not None:
        head += f" *Source: {text(d.source)}.*"
    body = f"$${statement}$$" if statement is not None else text(statement_text)
    return head + "\n\n" + body


def _notation(d: Any) -> str:
    from .seeds import seed_of

    return seed_of(d.source).notation


def derivation(d: Any) -> str:
    """An unchecked :class:`~symntk.check.Derivation`: its statement and its chain of steps, unmarked."""
    from .documents import start_formula
    from .typesetting import formula, relation, step_formula

    notation = _notation(d)
    rows = []
    notes = []
    for index, step in enumerate(d.steps, start=1):
        where = f"derivation {d.id}, step {index}"
        shown = step.written if step.written is not None else step.expression
        rel = step.rel
        rows.append(
            (relation(rel, str(index), notation), step_formula(rel, formula(shown, where, notation)), "")
        )
        notes.append(f"{index}. {text(step.justification)}")
    parts = [
        _heading(d),
        _chain(start_formula(d, None, notation), rows),
        "\n".join(notes),
        "*Not checked yet: call `.check()`.*",
    ]
    return "\n\n".join(parts)


def result(r: Any) -> str:
    """A checked derivation (:class:`~symntk.check.DerivationResult`): the chain, a verdict on each step."""
    from .documents import view

    v = view(r)
    rows = [(line.relation, line.formula, rf"\textsf{{[{line.status.value}]}}") for line in v.lines]
    notes = []
    for line in v.lines:
        role = {"written": "*as written, refuted* ", "corrected": "*corrected:* "}.get(line.role, "")
        notes.append(
            f"- ({text(line.number)}) **{line.status.value}** {role}{text(line.justification)}: "
            f"{text(line.evidence)}"
        )
    parts = [_heading(r.derivation)]
    if v.error:
        parts.append(f"**undecided**: {text(v.error)}")
    else:
        parts += [_chain(v.start, rows), "\n".join(notes)]
    if v.conclusion is not None:
        parts.append(f"Conclusion: {verdict(v.conclusion)}")
    parts.append(f"Status: **{v.status.value}**" + (" (FAILED)" if v.failed else ""))
    return "\n\n".join(parts)


def markdown(obj: Any) -> str:
    """A derivation, a derivation's check or a verdict as Markdown (a one-line error if it cannot be
    typeset)."""
    from ..check.derivation import Derivation, DerivationResult
    from ..check.verdict import Verdict

    try:
        if isinstance(obj, Verdict):
            return verdict(obj)
        if isinstance(obj, DerivationResult):
            return result(obj)
        if isinstance(obj, Derivation):
            return derivation(obj)
    except SymntkError as exc:
        return f"**cannot typeset**: {text(exc)}"
    raise SymntkError(f"cannot show a {type(obj).__name__} as Markdown")


def latex_equations(rows: Sequence[tuple[str, Any]], notation: str = "jacot", **settings: Any) -> str:
    """``$$\\begin{aligned} name &= expr \\\\ … \\end{aligned}$$`` for (LaTeX name, SymPy expression) rows,
    in the seeds' notation: the ``_repr_latex_`` of kernel expressions and networks."""
    from .typesetting import expression

    body = " \\\\ ".join(
        f"{name} &= {expression(sp.sympify(value), notation, **settings)}" for name, value in rows
    )
    return f"$$\\begin{{aligned}} {body} \\end{{aligned}}$$"


def network_latex(network: Any) -> str:
    """A :class:`~symntk.network.Network` as its forward pass: the first pre-activation of each layer as
    defined from the layer below, sums folded over named indices (seed 000, "The network")."""
    from ..printing import fold_sums
    from .typesetting import expression

    rows = [
        (expression(layer[0]), fold_sums(network.definition(layer[0]), network))
        for layer in network.nodes("x")
    ]
    return latex_equations(rows)


def identity_latex(identity: Any) -> str:
    """An :class:`~symntk.network.Identity` as ``lhs = rhs`` with its verdict."""
    from .typesetting import expression

    lhs, rhs = expression(identity.lhs), expression(identity.rhs)
    return f"$${lhs} = {rhs} \\qquad \\textsf{{[{identity.verdict}]}}$$"
