"""Proof checking: derivations as chains of checked steps, with honest verdicts (issue 5).

The public surface:

- :func:`equal`, :func:`less_equal`, :func:`tends_to`, :func:`of_order`, :func:`expectation_equal`: check one
  claim, returning a :class:`Verdict` (``.status``, a :class:`Status`; ``.evidence``; ``.data``);
- :func:`fit_rate`: a verdict on a rate measured over widths;
- :func:`operator_norm`, :func:`frobenius_norm`: matrix norms for norm bounds (seed 002, Lemma 1);
- :class:`Derivation`, :class:`Step`, :class:`Erratum`, :class:`Source`: author derivations;
  :meth:`Derivation.check` returns a :class:`DerivationResult` with one :class:`StepResult` per step;
- relations :data:`EQ`, :data:`LE`, :data:`GE`, :data:`EXPECTATION`, :func:`limit`, :func:`order`;
- :class:`Claim` and the :class:`Strategy` protocol for custom checks; :func:`default_strategy`;
- :func:`discover`: the derivations of ``derivations/``.
"""

from __future__ import annotations

from .assumptions import Assumptions as Assumptions
from .asymptotics import fit_rate as fit_rate
from .asymptotics import of_order as of_order
from .asymptotics import tends_to as tends_to
from .derivation import KINDS as KINDS
from .derivation import Derivation as Derivation
from .derivation import DerivationResult as DerivationResult
from .derivation import Erratum as Erratum
from .derivation import Outcome as Outcome
from .derivation import Source as Source
from .derivation import Step as Step
from .derivation import StepResult as StepResult
from .derivation import results_summary as results_summary
from .discovery import LoadError as LoadError
from .discovery import discover as discover
from .equality import equal as equal
from .expectation import expectation_equal as expectation_equal
from .inequality import less_equal as less_equal
from .norms import frobenius_norm as frobenius_norm
from .norms import operator_norm as operator_norm
from .relation import EQ as EQ
from .relation import EXPECTATION as EXPECTATION
from .relation import GE as GE
from .relation import LE as LE
from .relation import Kind as Kind
from .relation import Relation as Relation
from .relation import limit as limit
from .relation import order as order
from .strategy import Claim as Claim
from .strategy import Strategy as Strategy
from .strategy import default_strategy as default_strategy
from .strategy import seed_for as seed_for
from .verdict import Status as Status
from .verdict import Verdict as Verdict

__all__ = [
    "EQ",
    "EXPECTATION",
    "GE",
    "KINDS",
    "LE",
    "Assumptions",
    "Claim",
    "Derivation",
    "DerivationResult",
    "Erratum",
    "Kind",
    "LoadError",
    "Outcome",
    "Relation",
    "Source",
    "Status",
    "Step",
    "StepResult",
    "Strategy",
    "Verdict",
    "default_strategy",
    "discover",
    "equal",
    "expectation_equal",
    "fit_rate",
    "frobenius_norm",
    "less_equal",
    "limit",
    "of_order",
    "operator_norm",
    "order",
    "results_summary",
    "seed_for",
    "tends_to",
]
