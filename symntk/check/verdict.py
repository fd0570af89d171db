"""Verdicts: what the checker concludes about one claim, and why.

The five statuses, strongest first (DESIGN, "The checker's honesty"; issue 5):

- ``proved``: exact symbolic reasoning (the difference simplifies to 0 under the assumptions);
- ``verified``: exact evaluation at independent random rational points, or agreement at random points to
  at least 40 digits that keeps improving with the working precision, generic functions replaced by random
  test functions;
- ``consistent``: numerical evidence (Monte Carlo, a fitted rate, a falsification search that found nothing),
  with an estimate and a confidence interval;
- ``refuted``: a counterexample, with both sides' values;
- ``undecided``: unsupported, out of time, or an exception. Never a pass.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Status(enum.Enum):
    """The outcome of checking a claim; ``Status.PROVED.rank`` orders them strongest first."""

    PROVED = "proved"
    VERIFIED = "verified"
    CONSISTENT = "consistent"
    REFUTED = "refuted"
    UNDECIDED = "undecided"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def passes(self) -> bool:
        """True for proved, verified and consistent: the claim survived the check."""
        return self in (Status.PROVED, Status.VERIFIED, Status.CONSISTENT)

    def __str__(self) -> str:
        return self.value


_RANK = {s: i for i, s in enumerate(Status)}


@dataclass(frozen=True)
class Verdict:
    """The result of one check.

    ``status`` is the outcome; ``evidence`` one short sentence for people (how many points, what that buys,
    the counterexample, the estimate and its interval); ``data`` the same facts as plain JSON-able values
    under
    stable keys: ``method`` always, and as they apply ``points``, ``digits``, ``counterexample`` (``point``,
    ``lhs``, ``rhs``), ``estimate``, ``interval``, ``samples``, ``exponent``, ``reason``.
    """

    status: Status
    evidence: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return str(self.data.get("method", ""))

    @property
    def counterexample(self) -> Mapping[str, Any] | None:
        value = self.data.get("counterexample")
        return value if isinstance(value, Mapping) else None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status.value, "evidence": self.evidence, **_jsonable(dict(self.data))}

    def __str__(self) -> str:
        return f"{self.status.value}: {self.evidence}"

    def _repr_markdown_(self) -> str:
        """The status in bold and the evidence, for a notebook."""
        from ..report.markdown import markdown

        return markdown(self)


def proved(evidence: str, **data: Any) -> Verdict:
    return Verdict(Status.PROVED, evidence, data)


def verified(evidence: str, **data: Any) -> Verdict:
    return Verdict(Status.VERIFIED, evidence, data)


def consistent(evidence: str, **data: Any) -> Verdict:
    return Verdict(Status.CONSISTENT, evidence, data)


def refuted(evidence: str, **data: Any) -> Verdict:
    return Verdict(Status.REFUTED, evidence, data)


def undecided(evidence: str, **data: Any) -> Verdict:
    return Verdict(Status.UNDECIDED, evidence, data)


def weakest(verdicts: Iterable[Verdict]) -> Status:
    """The status of a conjunction of claims: refuted if any is refuted, else the weakest of them."""
    statuses = [v.status for v in verdicts]
    if not statuses:
        return Status.UNDECIDED
    if Status.REFUTED in statuses:
        return Status.REFUTED
    return max(statuses, key=lambda s: s.rank)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
