"""Derivations: a statement, assumptions, and an ordered chain of steps, each checked against the
previous one.

A derivation reads as a proof does on paper::

    Θ(x, x′) = Σ_p ∂f(x)/∂θ_p ∂f(x′)/∂θ_p        (definition)
             = Σ_i x_i x′_i + 1                   (∂f/∂w_i = x_i, ∂f/∂b = 1)
             = xᵀx′ + 1

``start`` is the first expression (by default the left side of ``statement`` when that is a SymPy relation);
each :class:`Step` holds the next expression, its :class:`~symntk.check.relation.Relation` to the
previous one,
its justification, and optionally a check strategy, a hint, options for the default strategy, and an
:class:`Erratum`. A step may be given as a SymPy expression, as a zero-argument callable returning one
(built at
check time, so an error in it is reported against that step), or as LaTeX text (parsed by
:mod:`symntk.check.latex`, never evaluated).

An erratum marks a step as the source writes it, expected to be refuted, with its correction (issue 5, like
``xfail`` in pytest): refuted as expected, it counts as an erratum and the chain carries on from the corrected
expression; not refuted, it is an unexpected result and fails the run.

Everything is a plain attribute, for reports: ``statement``, ``steps`` (``expression``, ``relation``,
``justification``, ``erratum``…), ``source``, ``references``; :meth:`Derivation.check` returns a
:class:`DerivationResult` with one :class:`StepResult` (``verdict``, ``corrected``, ``outcome``) per step.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.relational import Relational

from .._errors import SymntkError
from .assumptions import Assumptions
from .deadline import OutOfTime
from .equality import as_expression, check_shapes, equal
from .relation import EQ, GE, LE, Kind, Relation, compose
from .strategy import Claim, Strategy, default_strategy, seed_for
from .verdict import Status, Verdict, undecided

#: The kinds of result a derivation can state (they name the LaTeX environment of the report).
KINDS = ("theorem", "proposition", "lemma", "corollary", "definition", "example", "exercise", "remark")


@dataclass(frozen=True)
class Erratum:
    """The correction of a step that is wrong as the source writes it."""

    expression: Any
    note: str
    relation: Relation | str | None = None


@dataclass(frozen=True)
class Step:
    """One step of a chain: ``previous relation expression``, with the reason it holds.

    - ``expression``: a SymPy expression or matrix, a zero-argument callable returning one, or LaTeX text;
    - ``relation``: a :class:`~symntk.check.relation.Relation` or one of ``= <= ≤ >= ≥ E``;
    - ``justification``: the reason, as the source gives it ("chain rule", "by the CLT as n → ∞");
    - ``hint``: a note for readers on how the step is checked (not interpreted);
    - ``strategy``: a custom check (the :class:`~symntk.check.strategy.Strategy` protocol), else the default
      for the relation;
    - ``erratum``: the correction, when the step is wrong as the source writes it;
    - ``assumptions``: extra assumptions for this step only;
    - ``options``: keyword arguments for the default check (``points``, ``dps``, ``timeout``, ``symbolic``,
      ``samples`` …);
    - ``written``: the step as the source typesets it (LaTeX), for reports.
    """

    expression: Any
    relation: Relation | str = "="
    justification: str = ""
    hint: str | None = None
    strategy: Strategy | None = None
    erratum: Erratum | None = None
    assumptions: Assumptions | Mapping[str, Any] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    written: str | None = None

    @property
    def rel(self) -> Relation:
        """The relation as a :class:`Relation` (``relation`` may be given as a token such as ``"<="``)."""
        return Relation.of(self.relation)


@dataclass(frozen=True)
class Source:
    """Where a derivation comes from: a seed file and a section or slide, or a paper."""

    file: str
    location: str = ""

    def __str__(self) -> str:
        return f"{self.file}, {self.location}" if self.location else self.file


class Outcome(enum.Enum):
    """How a step's verdict counts for the run."""

    PASSED = "passed"  # proved, verified or consistent
    FAILED = "failed"  # refuted, and not a declared erratum
    ERRATUM = "erratum"  # a declared erratum, refuted as expected
    UNEXPECTED = "unexpected"  # a declared erratum that was not refuted
    UNDECIDED = "undecided"
    ERROR = "error"  # bad input in the step: the message names the derivation and the step


@dataclass(frozen=True)
class StepResult:
    """The check of one step: its verdict, the verdict of its correction if any, and how it counts."""

    index: int
    step: Step
    verdict: Verdict
    outcome: Outcome
    corrected: Verdict | None = None
    error: str | None = None
    seconds: float = 0.0
    #: the step's expression and its correction as SymPy objects (built from LaTeX or a callable if need be)
    expression: sp.Basic | None = None
    corrected_expression: sp.Basic | None = None

    @property
    def status(self) -> Status:
        return self.verdict.status

    def to_json(self) -> dict[str, Any]:
        erratum = None
        if self.step.erratum is not None:
            erratum = {
                "note": self.step.erratum.note,
                "corrected": _text(self.step.erratum.expression),
                "outcome": self.outcome.value,
                "corrected_status": self.corrected.status.value if self.corrected else None,
            }
        return {
            "index": self.index,
            "relation": str(self.step.rel) if self.error is None or _relation_ok(self.step) else "?",
            "status": self.verdict.status.value,
            "evidence": self.verdict.evidence,
            "justification": self.step.justification,
            "erratum": erratum,
        }


@dataclass(frozen=True)
class DerivationResult:
    """The check of a whole derivation."""

    derivation: Derivation
    steps: tuple[StepResult, ...]
    conclusion: Verdict | None
    seconds: float
    error: str | None = None
    #: the first expression of the chain as a SymPy object
    start: sp.Basic | None = None

    @property
    def status(self) -> Status:
        """Refuted if a step fails unexpectedly (or the conclusion does), else the weakest passing status."""
        outcomes = [r.outcome for r in self.steps]
        if self.error is not None or Outcome.ERROR in outcomes:
            return Status.UNDECIDED
        if Outcome.FAILED in outcomes or Outcome.UNEXPECTED in outcomes:
            return Status.REFUTED
        if self.conclusion is not None and self.conclusion.status is Status.REFUTED:
            return Status.REFUTED
        statuses = [
            r.corrected.status if r.outcome is Outcome.ERRATUM and r.corrected else r.status
            for r in self.steps
        ]
        if self.conclusion is not None:
            statuses.append(self.conclusion.status)
        if not statuses:
            return Status.UNDECIDED
        return max(statuses, key=lambda s: s.rank)

    @property
    def failed(self) -> bool:
        """True if a step is refuted without being a declared erratum, or an erratum was not refuted."""
        bad = {Outcome.FAILED, Outcome.UNEXPECTED, Outcome.ERROR}
        conclusion_bad = self.conclusion is not None and self.conclusion.status is Status.REFUTED
        return self.error is not None or conclusion_bad or any(r.outcome in bad for r in self.steps)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.steps if r.status is status)

    @property
    def errata(self) -> int:
        return sum(1 for r in self.steps if r.outcome is Outcome.ERRATUM)

    @property
    def errors(self) -> list[str]:
        messages = [self.error] if self.error else []
        return messages + [r.error for r in self.steps if r.error]

    def _repr_markdown_(self) -> str:
        """The chain of steps with the verdict of each, typeset for a notebook."""
        from ..report.markdown import markdown

        return markdown(self)

    def to_json(self) -> dict[str, Any]:
        d = self.derivation
        return {
            "id": d.id,
            "title": d.title,
            "source": str(d.source) if d.source else "",
            "steps": [r.to_json() for r in self.steps],
            "status": self.status.value,
        }


@dataclass(frozen=True)
class Derivation:
    """A checked derivation (see the module docstring).

    ``id`` is a short stable name (``"linear-regression-tangent-kernel"``); ``kind`` one of :data:`KINDS`;
    ``statement`` the claim, as a SymPy relation (then the chain's conclusion is checked against its right
    side; when ``start`` is given, its left side only names the start, e.g. Θ(x, x′)) or as text;
    ``assumptions`` apply to every step; ``functions`` names generic functions for steps written in LaTeX;
    ``source`` says where the derivation comes from; ``references`` are BibTeX keys or entries.
    """

    id: str
    title: str
    statement: Any
    steps: Sequence[Step]
    kind: str = "proposition"
    start: Any = None
    assumptions: Assumptions | Mapping[str, Any] | None = None
    source: Source | None = None
    references: Sequence[str] = ()
    functions: Sequence[str] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SymntkError(f"derivation {self.id}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        object.__setattr__(self, "steps", tuple(self.steps))

    def check(self, seed: int = 0, progress: Callable[[int], None] | None = None) -> DerivationResult:
        """Check every step against the previous one, reproducibly for a given ``seed``."""
        began = time.perf_counter()
        try:
            given = Assumptions.of(self.assumptions)
            previous = first = self._start()
            if given.names:
                given.check_known(self._expressions())
        except SymntkError as exc:
            return DerivationResult(
                self, (), None, time.perf_counter() - began, error=f"derivation {self.id}: {exc}"
            )
        results: list[StepResult] = []
        for index, step in enumerate(self.steps, start=1):
            result, previous = self._check_step(index, step, previous, given, seed)
            results.append(result)
            if progress is not None:
                progress(index)
        conclusion = None
        if not any(r.outcome is Outcome.ERROR for r in results):
            conclusion = self._conclusion(previous, given, seed)
        return DerivationResult(self, tuple(results), conclusion, time.perf_counter() - began, start=first)

    def _label(self, index: int) -> str:
        return f"derivation {self.id}, step {index}"

    def _start(self) -> sp.Basic:
        if self.start is not None:
            return self._expression(self.start, "start")
        if isinstance(self.statement, Relational):
            return self.statement.lhs
        raise SymntkError("no start: give start=… or a statement that is a SymPy relation")

    def _expression(self, value: Any, what: str) -> sp.Basic:
        if isinstance(value, str):
            from .latex import parse_latex

            return parse_latex(value, functions=self.functions)
        if callable(value) and not isinstance(value, sp.Basic):
            try:
                value = value()
            except SymntkError:
                raise
            except Exception as exc:  # a bug in the derivation: reported against its step, the rest runs
                detail = " ".join(str(exc).split())[:160]
                raise SymntkError(f"building {what} raised {type(exc).__name__}: {detail}") from exc
        return as_expression(value, what)

    def _check_step(
        self, index: int, step: Step, previous: sp.Basic, given: Assumptions, seed: int
    ) -> tuple[StepResult, sp.Basic]:
        began = time.perf_counter()
        label = self._label(index)
        step_seed = seed_for(seed, self.id, index)
        try:
            relation = step.rel
            current = self._expression(step.expression, "the step's expression")
            assumptions = given.merge(Assumptions.of(step.assumptions))
            claim = self._claim(previous, current, relation, assumptions, step, label)
            verdict = _run(step.strategy or default_strategy, claim, step_seed)
            corrected = fixed = None
            following = current
            if step.erratum is not None:
                fixed = self._expression(step.erratum.expression, "the erratum's corrected expression")
                fixed_relation = Relation.of(step.erratum.relation) if step.erratum.relation else relation
                fixed_claim = self._claim(previous, fixed, fixed_relation, assumptions, step, label)
                corrected = _run(step.strategy or default_strategy, fixed_claim, seed_for(step_seed, "fix"))
                following = fixed
        except Exception as exc:  # bad input (SymntkError) or a failure setting the claim up: never a pass
            reason = str(exc) if isinstance(exc, SymntkError) else f"{type(exc).__name__}: {exc}"
            message = f"{label}: {' '.join(reason.split())}"
            return StepResult(
                index,
                step,
                undecided(message, method="error"),
                Outcome.ERROR,
                error=message,
                seconds=time.perf_counter() - began,
            ), previous
        outcome = _outcome(verdict.status, step.erratum is not None)
        seconds = time.perf_counter() - began
        result = StepResult(index, step, verdict, outcome, corrected, None, seconds, current, fixed)
        return result, following

    def _claim(
        self,
        lhs: sp.Basic,
        rhs: sp.Basic,
        relation: Relation,
        assumptions: Assumptions,
        step: Step,
        label: str,
    ) -> Claim:
        check_shapes(lhs, rhs)
        symbols = [lhs, rhs] + ([relation.variable] if relation.variable is not None else [])
        if step.assumptions:
            Assumptions.of(step.assumptions).check_known(symbols)
        return Claim(lhs, rhs, relation, assumptions.restricted(symbols), label, dict(step.options))

    def _expressions(self) -> list[sp.Basic]:
        """Every expression of the derivation that can be built (the others report their own errors)."""
        out: list[sp.Basic] = []
        for value in (
            self.start,
            self.statement,
            *(s.expression for s in self.steps),
            *(s.erratum.expression for s in self.steps if s.erratum),
        ):
            if value is None:
                continue
            try:
                out.append(self._expression(value, "expression"))
            except Exception:  # reported against its step when that step is checked
                continue
        return out

    def _conclusion(self, last: sp.Basic, given: Assumptions, seed: int) -> Verdict | None:
        """Check that the chain establishes the statement: relations compose to it, the last step is its
        rhs."""
        if not isinstance(self.statement, Relational):
            return None
        chain = compose(
            [
                Relation.of(s.erratum.relation) if s.erratum and s.erratum.relation else s.rel
                for s in self.steps
            ]
        )
        claimed = {sp.Eq: EQ, sp.Le: LE, sp.Ge: GE}.get(type(self.statement))
        if claimed is None or chain is None or not _implies(chain, claimed):
            return undecided(
                f"the chain's relations ({chain or 'mixed'}) do not establish a statement of the form "
                f"{type(self.statement).__name__}",
                method="conclusion",
            )
        try:
            used = given.restricted([last, self.statement.rhs])
            return equal(
                last,
                self.statement.rhs,
                seed=seed_for(seed, self.id, "conclusion"),
                **_assumption_kwargs(used),
            )
        except SymntkError as exc:
            return undecided(f"derivation {self.id}, conclusion: {exc}", method="error")

    def _repr_markdown_(self) -> str:
        """The statement and the chain of steps, typeset for a notebook (not checked: see ``check``)."""
        from ..report.markdown import markdown

        return markdown(self)


def _implies(chain: Relation, claimed: Relation) -> bool:
    if chain.kind is claimed.kind:
        return True
    return chain.kind is Kind.EQ and claimed.kind in (Kind.LE, Kind.GE)


def _assumption_kwargs(given: Assumptions) -> dict[str, Any]:
    return {
        "positive": sorted(given.positive),
        "nonnegative": sorted(given.nonnegative),
        "nonzero": sorted(given.nonzero),
        "integer": sorted(given.integer),
        "where": list(given.where),
    }


def _run(strategy: Strategy, claim: Claim, seed: int) -> Verdict:
    """Run a strategy; an exception other than bad input is an honest 'undecided', never a pass."""
    try:
        verdict = strategy(claim, seed=seed)
    except SymntkError:
        raise
    except OutOfTime:
        return undecided("the check strategy ran out of time", method="timeout")
    except Exception as exc:
        return undecided(f"the check strategy failed: {type(exc).__name__}: {exc}"[:200], method="error")
    if not isinstance(verdict, Verdict):
        return undecided(
            f"the check strategy returned {type(verdict).__name__}, not a Verdict", method="error"
        )
    return verdict


def _outcome(status: Status, erratum: bool) -> Outcome:
    if erratum:
        return Outcome.ERRATUM if status is Status.REFUTED else Outcome.UNEXPECTED
    if status is Status.REFUTED:
        return Outcome.FAILED
    if status is Status.UNDECIDED:
        return Outcome.UNDECIDED
    return Outcome.PASSED


def _relation_ok(step: Step) -> bool:
    try:
        Relation.of(step.relation)
    except SymntkError:
        return False
    return True


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if callable(value) and not isinstance(value, sp.Basic):
        return "(built at check time)"
    return str(value)


def results_summary(results: Iterable[DerivationResult]) -> dict[str, int]:
    """Counts of step verdicts over all results, and of errata (the ``summary`` of ``symntk check
    --json``)."""
    summary = {s.value: 0 for s in Status}
    summary["errata"] = 0
    for result in results:
        for r in result.steps:
            summary[r.status.value] += 1
        summary["errata"] += result.errata
    return summary
