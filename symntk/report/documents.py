"""The documents of a report, rendered from checked derivations (issue 6).

For each checked derivation (a :class:`~symntk.check.DerivationResult`):

- an *appendix snippet*, ``appendix/<id>.tex``, for ``\\input`` into a paper that loads amsmath and amsthm:
  its statement in a theorem, proposition, lemma, … environment, its proof as an aligned chain of steps with
  the number of each step over its relation and its verdict mark on the right, then the steps' justifications
  with their verdicts, the evidence in a footnote where it is short, and for a step refuted as written the
  counterexample and the corrected step (the chain goes on from the corrected one);
- a *standalone document*, ``derivations/<id>.tex``, the same with a preamble, the legend of the marks and
  its bibliography.

Then one document per seed text, ``seed-000.tex`` …, following the seed's structure (seed 001's figure of
slide 15 at its place), and ``summary.tex``: the legend, the table of verdicts per derivation, the errata
(every step refuted as written, where it comes from, as written, corrected, and the evidence), the figures
and the bibliography. The same sources give byte-identical LaTeX: no dates, stable order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.relational import Relational

from .._errors import SymntkError
from ..check.derivation import Derivation, DerivationResult, Outcome, Source, StepResult
from ..check.relation import Relation
from ..check.verdict import Status, Verdict
from . import bibliography
from .bibliography import Reference
from .seeds import Seed, heading, position, seed_of
from .templates import render
from .typesetting import MEANINGS, Tex, formula, mark, relation, step_formula

#: Evidence up to this many characters goes in a footnote; longer evidence is set in the text.
FOOTNOTE_LIMIT = 240

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class Line:
    """One line of a proof chain: a step, or a step as written and its correction."""

    number: Tex
    relation: Tex
    formula: Tex
    body: Tex  # the expression itself (``formula`` may wrap it, as O(·))
    status: Status
    mark: Tex
    role: str  # "step", "written" (refuted as written) or "corrected"
    justification: str
    evidence: str
    counterexample: str = ""
    note: str = ""

    @property
    def counterexample_new(self) -> bool:
        """True if the counterexample says more than the evidence already does."""
        return bool(self.counterexample) and "counterexample" not in self.evidence

    @property
    def footnote(self) -> bool:
        """Short evidence goes in a footnote; a refutation is always shown in the text."""
        return len(self.evidence) <= FOOTNOTE_LIMIT and self.status is not Status.REFUTED


@dataclass(frozen=True)
class Figure:
    """A figure of the report: the file (without extension) under ``figures/``, its caption, the place in
    a seed it belongs to, and its references."""

    name: str
    caption: Tex
    source: Source
    references: tuple[str, ...] = ()

    @property
    def label(self) -> Tex:
        return Tex(f"fig:{self.name}")

    @property
    def file(self) -> Tex:
        return Tex(self.name)

    @property
    def cited(self) -> list[Reference]:
        return bibliography.collect([(f"figure {self.name}", self.references)])

    @property
    def citations(self) -> list[Tex]:
        return [r.cite_key for r in self.cited]

    @property
    def cite(self) -> Tex:
        return Tex(",".join(self.citations))


@dataclass(frozen=True)
class View:
    """Everything a template needs to show one checked derivation."""

    id: str
    label: Tex
    kind: Tex
    title: str
    source: Source | None
    seed: Seed
    statement: Tex | None
    statement_text: str
    start: Tex | None
    lines: tuple[Line, ...]
    conclusion: Verdict | None
    status: Status
    counts: Mapping[Status, int]
    errata: int
    failed: bool
    error: str
    citations: tuple[str, ...]
    notes: str
    assumptions: str = ""
    references: tuple[Reference, ...] = field(default=())

    @property
    def cite(self) -> Tex:
        return Tex(",".join(self.citations))

    @property
    def status_mark(self) -> Tex:
        return mark(self.status)

    @property
    def conclusion_mark(self) -> Tex | None:
        return mark(self.conclusion.status) if self.conclusion is not None else None


def check_id(derivation: Derivation) -> str:
    """The derivation's id, which names its files: letters, digits, ``- _ .``, not starting with a dot."""
    if not _ID.match(derivation.id):
        raise SymntkError(
            f"derivation {derivation.id!r}: an id that names report files must be letters, digits, - _ ."
        )
    return derivation.id


def _number(index: int, prime: bool = False) -> Tex:
    return Tex(f"{index}'" if prime else str(index))


def _counterexample(verdict: Verdict) -> str:
    found = verdict.counterexample
    if not found:
        return ""
    point = found.get("point")
    at = ", ".join(f"{k} = {v}" for k, v in point.items()) if isinstance(point, Mapping) else str(point or "")
    sides = [f"{side} = {found[side]}" for side in ("lhs", "rhs", "gap") if side in found]
    return "; ".join(part for part in (f"at {at}" if at else "", *sides) if part)


def _line(
    result: StepResult, rel: Relation, value: Any, verdict: Verdict, role: str, where: str, notation: str
) -> Line:
    number = _number(result.index, prime=role == "corrected")
    try:
        body = formula(value, where, notation)
    except SymntkError:
        if result.outcome is not Outcome.ERROR:
            raise
        body = Tex(r"\text{(not built: see the step's note)}")  # the checker reports why, in the evidence
    return Line(
        number=number,
        relation=relation(rel, number, notation),
        formula=step_formula(rel, body),
        body=body,
        status=verdict.status,
        mark=mark(verdict.status),
        role=role,
        justification=result.step.erratum.note
        if role == "corrected" and result.step.erratum
        else result.step.justification,
        evidence=verdict.evidence,
        counterexample=_counterexample(verdict),
        note=result.step.erratum.note if role == "written" and result.step.erratum else "",
    )


def _lines(result: DerivationResult, notation: str) -> tuple[Line, ...]:
    out: list[Line] = []
    for r in result.steps:
        step = r.step
        where = f"derivation {result.derivation.id}, step {r.index}"
        shown = step.written if step.written is not None else _shown(step.expression, r.expression)
        try:
            rel = step.rel
        except SymntkError:
            rel = Relation.of("=")
        written = step.erratum is not None and r.outcome is not Outcome.ERROR  # a declared erratum
        out.append(_line(r, rel, shown, r.verdict, "written" if written else "step", where, notation))
        if step.erratum is not None and r.corrected is not None:
            fixed_rel = Relation.of(step.erratum.relation) if step.erratum.relation else rel
            out.append(
                _line(
                    r,
                    fixed_rel,
                    _shown(step.erratum.expression, r.corrected_expression),
                    r.corrected,
                    "corrected",
                    f"{where}, corrected",
                    notation,
                )
            )
    return tuple(out)


def _shown(given: Any, built: sp.Basic | None) -> Any:
    """What to typeset for an expression: LaTeX text as the derivation writes it, else the SymPy object
    the checker built (a callable is not called twice), else what was given."""
    if isinstance(given, str) or built is None:
        return given
    return built


def _statement(derivation: Derivation, notation: str) -> tuple[Tex | None, str]:
    s = derivation.statement
    where = f"derivation {derivation.id}, statement"
    if isinstance(s, str):
        return None, s
    if isinstance(s, Relational | sp.Basic) or callable(s):
        return formula(s, where, notation), ""
    raise SymntkError(f"{where}: a statement must be a SymPy relation or text, not a {type(s).__name__}")


def start_formula(d: Derivation, built: sp.Basic | None, notation: str) -> Tex | None:
    """The first expression of the chain (``built`` by the checker, if it was checked)."""
    where = f"derivation {d.id}, start"
    if d.start is not None:
        return formula(_shown(d.start, built), where, notation)
    if isinstance(d.statement, Relational):
        return formula(d.statement.lhs, where, notation)
    return None


def _assumptions(d: Derivation) -> str:
    """The derivation's assumptions in words (empty when it makes none)."""
    from ..check.assumptions import Assumptions

    if not d.assumptions:
        return ""
    try:
        return Assumptions.of(d.assumptions).describe()
    except SymntkError:
        return ""  # the checker reports bad assumptions as the derivation's error


def view(result: DerivationResult) -> View:
    """The view of one checked derivation (raises :class:`SymntkError` naming a formula that cannot be
    typeset)."""
    d = result.derivation
    check_id(d)
    seed = seed_of(d.source)
    notation = seed.notation
    statement, statement_text = _statement(d, notation)
    try:
        start = start_formula(d, result.start, notation)
    except SymntkError:
        if result.error is None:
            raise
        start = None
    lines = _lines(result, notation) if result.error is None else ()
    refs = bibliography.collect([(f"derivation {d.id}", d.references)])
    return View(
        id=d.id,
        label=Tex(f"symntk:{d.id}"),
        kind=Tex(d.kind),
        title=d.title,
        source=d.source,
        seed=seed,
        statement=statement,
        statement_text=statement_text,
        start=start,
        lines=lines,
        conclusion=result.conclusion,
        status=result.status,
        counts={s: result.count(s) for s in Status},
        errata=result.errata,
        failed=result.failed,
        error="; ".join(result.errors),
        citations=tuple(Tex(r.key) for r in refs),
        notes=d.notes,
        assumptions=_assumptions(d),
        references=tuple(refs),
    )


@dataclass(frozen=True)
class Erratum:
    """A step refuted as written, for the summary's errata."""

    derivation: View
    line: Line
    corrected: Line | None
    previous: Tex | None  # the expression the step starts from


def errata(views: Sequence[View]) -> list[Erratum]:
    """Every step refuted as written, in report order, with its correction when the derivation has one."""
    found: list[Erratum] = []
    for v in views:
        lines = list(v.lines)
        previous = v.start
        for i, line in enumerate(lines):
            if line.role != "corrected" and line.status is Status.REFUTED:
                nxt = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].role == "corrected" else None
                found.append(Erratum(v, line, nxt, previous))
            if line.role != "written" or i + 1 == len(lines) or lines[i + 1].role != "corrected":
                previous = line.body  # the chain goes on from the corrected expression, if there is one
    return found


def legend() -> list[tuple[Tex, str]]:
    return [(mark(s), MEANINGS[s]) for s in Status]


def order(views: Sequence[View]) -> list[View]:
    """Views in the order of their seeds, and within a seed in the order of their locations in it."""
    seeds = sorted({v.seed.name for v in views})
    return sorted(views, key=lambda v: (seeds.index(v.seed.name), position(v.source)))


def appendix(v: View) -> str:
    """The appendix snippet of one derivation, for ``\\input`` into a paper."""
    return render("appendix.tex", d=v, kinds=_kinds([v]), legend=legend())


def standalone(v: View) -> str:
    """The standalone document of one derivation."""
    return render("standalone.tex", d=v, kinds=_kinds([v]), legend=legend(), references=v.references)


def _kinds(views: Sequence[View]) -> list[tuple[Tex, Tex]]:
    """The theorem-like environments the documents use, with their printed names."""
    return [(Tex(k), Tex(k.capitalize())) for k in sorted({v.kind for v in views})]


def _references(
    views: Sequence[View], figures: Sequence[Figure], seed: Seed | None = None
) -> list[Reference]:
    """What a document cites: its seed, its derivations' references, its figures' (and their activations')."""
    groups: list[Sequence[Reference]] = []
    if seed is not None and seed.reference:
        groups.append([bibliography.parse(seed.reference, f"seed {seed.file}")])
    groups += [v.references for v in views]
    groups += [f.cited for f in figures]
    return bibliography.merge(groups)


def seed_document(seed: Seed, views: Sequence[View], figures: Sequence[Figure]) -> str:
    """The report of one seed text: its derivations in the seed's order, a section per part of the seed's
    outline, and the figures that belong to it."""
    mine = [f for f in figures if f.source.file == seed.file]
    items: list[tuple[tuple[int, tuple[int, ...]], int, View | Figure]] = []
    for i, v in enumerate(views):
        items.append((position(v.source), i, v))
    for i, f in enumerate(mine):
        items.append((position(f.source), len(views) + i, f))
    items.sort(key=lambda item: (item[0], item[1]))
    parts: list[tuple[str | None, list[tuple[str, View | Figure]]]] = []
    for _, _, x in items:
        head = heading(x.source) if seed.outline else None
        if not parts or parts[-1][0] != head:
            parts.append((head, []))
        parts[-1][1].append(("figure" if isinstance(x, Figure) else "derivation", x))
    return render(
        "seed.tex",
        seed=seed,
        seed_reference=Tex(seed.reference) if seed.reference else None,
        parts=parts,
        kinds=_kinds(views),
        legend=legend(),
        references=_references(views, mine, seed),
    )


def summary(views: Sequence[View], figures: Sequence[Figure], seeds: Sequence[Seed]) -> str:
    """The summary: the table of verdicts per derivation, the errata, the figures, the bibliography."""
    totals = {s: sum(v.counts[s] for v in views) for s in Status}
    return render(
        "summary.tex",
        views=views,
        statuses=list(Status),
        totals=totals,
        errata=errata(views),
        figures=figures,
        seeds=seeds,
        kinds=_kinds(views),
        legend=legend(),
        references=_references(views, figures),
    )
