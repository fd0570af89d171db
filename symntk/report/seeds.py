"""The seed texts a report can follow: their titles, authors, outlines, and where a location falls in them.

A derivation's :class:`~symntk.check.Source` names a seed file and a place in it (``"slide 26"``,
``"§5.2"``, ``"Proof of Theorem 1, base case"``). A seed's report follows the seed's outline: each part of
it is a section of the report, holding the derivations whose location falls in it, sorted by the numbers in
the location (slides, numbered sections); ties keep the order in which the derivations were found, and a
location the outline does not place comes last, under "Other results".

The outlines are read off the seed texts (shared/seeds): seed 000's named sections, seed 001's slide titles
(by first slide), seed 002's numbered sections.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from ..check.derivation import Source

#: The heading of the results whose location the outline does not place.
OTHER = "Other results"


@dataclass(frozen=True)
class Part:
    """A part of a seed's outline: a name found in locations (named sections) or the first number of the
    part (slides, numbered sections), and the heading it has in the report."""

    heading: str
    key: str = ""
    first: int = 0


@dataclass(frozen=True)
class Seed:
    """A seed text: its file, the report's file name, title, author and BibTeX key, its outline (named or
    numbered parts, in order), and the notation of :mod:`symntk.printing` it writes in."""

    file: str
    name: str
    title: str
    author: str
    reference: str
    outline: tuple[Part, ...] = ()
    notation: str = "jacot"

    @property
    def named(self) -> bool:
        return any(p.key for p in self.outline)


def _numbered(*parts: tuple[int, str]) -> tuple[Part, ...]:
    return tuple(Part(heading, first=first) for first, heading in parts)


#: The three seed texts (shared/seeds/README.md).
SEEDS: dict[str, Seed] = {
    s.file: s
    for s in (
        Seed(
            "000_08eb6ccc4f7c932b.txt",
            "seed-000",
            "NTK deduce",
            "student notes (2024)",
            "jacot2018ntk",
            (
                Part("The network", "the network"),
                Part("NTK from the loss function", "from the loss"),
                Part("A glimpse of NTK", "glimpse"),
                Part("Proof of Proposition 1", "proposition 1"),
                Part("Proof of Theorem 1", "theorem 1"),
            ),
        ),
        Seed(
            "001_9a6c6fe078691bcf.txt",
            "seed-001",
            "Infinitely wide networks. Neural Tangent Kernel",
            "slides by M. Velikanov",
            "velikanov-ntk-slides",
            _numbered(
                (1, "Wide networks and their limits (slides 1–4)"),
                (5, "Tangent kernel and gradient descent (slides 5–9)"),
                (10, "Tangent kernel: properties (slide 10)"),
                (11, "Network parametrization: NTK, mean field, standard (slides 11–12)"),
                (13, "Normalizing the backward pass; the NTK regime (slides 13–14)"),
                (15, "GP property (slides 15–16)"),
                (17, "NTK at initialisation (slides 17–19)"),
                (20, "NTK during training (slides 20–21)"),
                (22, "Exact computation with infinite or linearized nets (slides 22–23)"),
                (24, "Exercise solutions (slides 24–31)"),
            ),
            notation="velikanov",
        ),
        Seed(
            "002_086f346ea6a82670.txt",
            "seed-002",
            "Notes on Jacot et al. (2018), Neural Tangent Kernel",
            "notes by G. Valle Pérez",
            "valleperez-ntk-notes",
            _numbered(
                (1, "§1 Notation"),
                (2, "§2 Neural tangent kernel"),
                (3, "§3 Gaussian process ∞-width limit (Proposition 1)"),
                (4, "§4 NTK deterministic ∞-width limit (Theorem 1)"),
                (5, "§5 NTK constant during training (Theorem 2)"),
                (6, "§6 Lemma 1: bounding the operator norm of weight variations"),
                (7, "§7 Positive-definiteness of Θ∞ (Proposition 2)"),
                (8, "§8 Intuition on NTK results"),
                (9, "§9 NTK solution for least squares regression"),
            ),
        ),
    )
}

_NUMBER = re.compile(r"\d+")


def seed_of(source: Source | None) -> Seed:
    """The seed a source names; a source that is not a seed text (a paper) gets a seed of its own."""
    if source is None:
        return Seed("", "other", "Other derivations", "", "")
    if source.file in SEEDS:
        return SEEDS[source.file]
    slug = re.sub(r"[^a-z0-9]+", "-", source.file.lower()).strip("-") or "other"
    return Seed(source.file, f"source-{slug}", source.file, "", "")


def position(source: Source | None) -> tuple[int, tuple[int, ...]]:
    """Where a location falls in its seed: (index of its part of the outline, the numbers in the location);
    a location the outline does not place comes after every part."""
    if source is None:
        return (sys.maxsize, ())
    seed = seed_of(source)
    location = source.location.lower()
    numbers = tuple(int(n) for n in _NUMBER.findall(location))
    if seed.named:
        part = next((i for i, p in enumerate(seed.outline) if p.key in location), sys.maxsize)
    elif seed.outline and numbers and numbers[0] >= seed.outline[0].first:
        part = max(i for i, p in enumerate(seed.outline) if p.first <= numbers[0])
    else:
        part = sys.maxsize
    return (part, numbers)


def heading(source: Source | None) -> str:
    """The heading of the part of its seed's outline that a location falls in."""
    part, _ = position(source)
    outline = seed_of(source).outline
    return outline[part].heading if part < len(outline) else OTHER
