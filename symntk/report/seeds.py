"""The seed texts a report can follow: their titles, authors, structure, and the order of a location in them.

A derivation's :class:`~symntk.check.Source` names a seed file and a place in it (``"slide 26"``,
``"§5.2"``, ``"Proof of Theorem 1, base case"``). A seed's report follows the seed: its derivations are sorted
by the section the location names (for seeds with named sections) and then by the numbers in the location
(slides, numbered sections), ties kept in the order the derivations were found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..check.derivation import Source


@dataclass(frozen=True)
class Seed:
    """A seed text: its file, the report's file name, title, author and BibTeX key, its named sections in
    order, and the notation of :mod:`symntk.printing` it writes in."""

    file: str
    name: str
    title: str
    author: str
    reference: str
    sections: tuple[str, ...] = ()
    notation: str = "jacot"


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
            ("The network", "NTK from the loss", "A glimpse of NTK", "Proposition 1", "Theorem 1"),
        ),
        Seed(
            "001_9a6c6fe078691bcf.txt",
            "seed-001",
            "Infinitely wide networks. Neural Tangent Kernel",
            "slides by M. Velikanov",
            "velikanov-ntk-slides",
            notation="velikanov",
        ),
        Seed(
            "002_086f346ea6a82670.txt",
            "seed-002",
            "Notes on Jacot et al. (2018), Neural Tangent Kernel",
            "notes by G. Valle Pérez",
            "valleperez-ntk-notes",
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
    """Where a location falls in its seed: (index of the named section, the numbers in the location)."""
    if source is None:
        return (0, ())
    seed = seed_of(source)
    location = source.location.lower()
    section = next(
        (i for i, name in enumerate(seed.sections) if name.lower() in location), len(seed.sections)
    )
    return (section, tuple(int(n) for n in _NUMBER.findall(location)))
