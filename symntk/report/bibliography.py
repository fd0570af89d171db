"""The bibliography of a report, collected from the references of what it uses.

A derivation's ``references`` are BibTeX keys of :data:`ENTRIES` (``"jacot2018ntk"``), whole BibTeX
entries (``"@article{key, author = {…}, title = {…}, year = {2019}}"``), or ``"activation:NAME"`` for the
references of an activation it uses. An activation's references are one-line citations in text (``"Y. Cho
and L. K. Saul, Kernel methods for deep learning, NeurIPS 2009 (…)"``), which get a stable key of their
own. A report cites what its derivations and its figures (and the activations they draw) carry, in the
order first cited, and :func:`bibtex` writes them all as a ``.bib`` file for a paper that ``\\input``\\s
the appendix snippets.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .._errors import SymntkError
from .typesetting import Tex


@dataclass(frozen=True)
class Reference:
    """One bibliography entry: its BibTeX ``key``, ``kind`` (article, misc, …) and ``fields``."""

    key: str
    kind: str
    fields: tuple[tuple[str, str], ...]

    @property
    def cite_key(self) -> Tex:
        """The key as it is written in ``\\cite`` and ``\\bibitem`` (keys are checked when read)."""
        return Tex(self.key)

    def field(self, name: str) -> str:
        return dict(self.fields).get(name, "")

    @property
    def text(self) -> str:
        """The entry as one sentence of plain text (authors, title, venue, year, arXiv), for
        ``\\bibitem``."""
        if self.kind == "text":
            return self.field("note")
        parts = [self.field("author").replace(" and ", ", "), self.field("title")]
        venue = self.field("journal") or self.field("booktitle") or self.field("howpublished")
        parts.append(venue)
        parts.append(self.field("year"))
        if self.field("eprint"):
            parts.append(f"arXiv:{self.field('eprint')}")
        return ". ".join(p for p in parts if p) + "."

    def bibtex(self) -> str:
        if self.kind == "text":
            return f"@misc{{{self.key},\n  note = {{{self.field('note')}}}\n}}\n"
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in self.fields)
        return f"@{self.kind}{{{self.key},\n{body}\n}}\n"


def _entry(key: str, kind: str, **fields: str) -> Reference:
    return Reference(key, kind, tuple(fields.items()))


#: The references the seeds and the toolkit cite, by BibTeX key.
ENTRIES: dict[str, Reference] = {
    r.key: r
    for r in (
        _entry(
            "jacot2018ntk",
            "inproceedings",
            author="Arthur Jacot and Franck Gabriel and Clément Hongler",
            title="Neural Tangent Kernel: Convergence and Generalization in Neural Networks",
            booktitle="Advances in Neural Information Processing Systems 31 (NeurIPS)",
            year="2018",
            eprint="1806.07572",
        ),
        _entry(
            "lee2018gp",
            "inproceedings",
            author="Jaehoon Lee and Yasaman Bahri and Roman Novak and Samuel S. Schoenholz and "
            "Jeffrey Pennington and Jascha Sohl-Dickstein",
            title="Deep Neural Networks as Gaussian Processes",
            booktitle="International Conference on Learning Representations (ICLR)",
            year="2018",
            eprint="1711.00165",
        ),
        _entry(
            "lee2019wide",
            "inproceedings",
            author="Jaehoon Lee and Lechao Xiao and Samuel S. Schoenholz and Yasaman Bahri and Roman Novak "
            "and Jascha Sohl-Dickstein and Jeffrey Pennington",
            title="Wide Neural Networks of Any Depth Evolve as Linear Models Under Gradient Descent",
            booktitle="Advances in Neural Information Processing Systems 32 (NeurIPS)",
            year="2019",
            eprint="1902.06720",
        ),
        _entry(
            "chizat2019lazy",
            "inproceedings",
            author="Lénaïc Chizat and Edouard Oyallon and Francis Bach",
            title="On Lazy Training in Differentiable Programming",
            booktitle="Advances in Neural Information Processing Systems 32 (NeurIPS)",
            year="2019",
            eprint="1812.07956",
        ),
        _entry(
            "arora2019exact",
            "inproceedings",
            author="Sanjeev Arora and Simon S. Du and Wei Hu and Zhiyuan Li and Ruslan Salakhutdinov and "
            "Ruosong Wang",
            title="On Exact Computation with an Infinitely Wide Neural Net",
            booktitle="Advances in Neural Information Processing Systems 32 (NeurIPS)",
            year="2019",
            eprint="1904.11955",
        ),
        _entry(
            "mei2018meanfield",
            "article",
            author="Song Mei and Andrea Montanari and Phan-Minh Nguyen",
            title="A Mean Field View of the Landscape of Two-Layer Neural Networks",
            journal="Proceedings of the National Academy of Sciences",
            year="2018",
            eprint="1804.06561",
        ),
        _entry(
            "cho2009kernel",
            "inproceedings",
            author="Youngmin Cho and Lawrence K. Saul",
            title="Kernel Methods for Deep Learning",
            booktitle="Advances in Neural Information Processing Systems 22 (NeurIPS)",
            year="2009",
        ),
        _entry(
            "williams1997infinite",
            "inproceedings",
            author="Christopher K. I. Williams",
            title="Computing with Infinite Networks",
            booktitle="Advances in Neural Information Processing Systems 9 (NeurIPS)",
            year="1997",
        ),
        _entry(
            "novak2020neural",
            "inproceedings",
            author="Roman Novak and Lechao Xiao and Jiri Hron and Jaehoon Lee and Alexander A. Alemi and "
            "Jascha Sohl-Dickstein and Samuel S. Schoenholz",
            title="Neural Tangents: Fast and Easy Infinite Neural Networks in Python",
            booktitle="International Conference on Learning Representations (ICLR)",
            year="2020",
            eprint="1912.02803",
        ),
        _entry(
            "velikanov-ntk-slides",
            "misc",
            author="Maksim Velikanov",
            title="Infinitely Wide Networks. Neural Tangent Kernel",
            howpublished="Lecture slides",
        ),
        _entry(
            "valleperez-ntk-notes",
            "misc",
            author="Guillermo Valle Pérez",
            title="Notes on the Neural Tangent Kernel of Jacot et al. (2018)",
            howpublished="Lecture notes",
        ),
    )
}

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9:_.\-]*$")
_BIBTEX = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,(.*)\}\s*$", re.S)
_FIELD = re.compile(r"\s*(\w+)\s*=\s*(?:\{((?:[^{}]|\{[^{}]*\})*)\}|\"([^\"]*)\"|(\d+))\s*,?", re.S)


def parse(reference: str, where: str) -> Reference:
    """A :class:`Reference` from a key of :data:`ENTRIES`, a BibTeX entry, or a one-line citation in text.

    >>> parse("jacot2018ntk", "example").field("year")
    '2018'
    >>> parse("@article{doe2020, author = {J. Doe}, title = {A Title}, year = 2020}", "example").text
    'J. Doe. A Title. 2020.'
    """
    reference = reference.strip()
    if reference.startswith("@"):
        m = _BIBTEX.match(reference)
        if m is None:
            raise SymntkError(f"{where}: cannot read the BibTeX entry {reference[:60]!r}")
        kind, key, body = m.groups()
        fields: list[tuple[str, str]] = []
        pos = 0
        while body[pos:].strip():
            f = _FIELD.match(body, pos)
            if f is None:
                raise SymntkError(f"{where}: cannot read the fields of the BibTeX entry {key!r}")
            name, braced, quoted, number = f.groups()
            value = next(v for v in (braced, quoted, number) if v is not None)
            fields.append((name.lower(), " ".join(value.split())))
            pos = f.end()
        _check_key(key, where)
        return Reference(key, kind.lower(), tuple(fields))
    if reference in ENTRIES:
        return ENTRIES[reference]
    if _KEY.match(reference) and " " not in reference:
        raise SymntkError(
            f"{where}: unknown reference key {reference!r}: give a whole BibTeX entry, or one of "
            f"{', '.join(sorted(ENTRIES))}"
        )
    digest = hashlib.sha256(reference.encode()).hexdigest()[:10]
    return Reference(f"ref-{digest}", "text", (("note", reference),))


def _check_key(key: str, where: str) -> None:
    if not _KEY.match(key):
        raise SymntkError(f"{where}: the BibTeX key {key!r} must be letters, digits and : _ . -")


def collect(groups: Iterable[tuple[str, Iterable[str]]]) -> list[Reference]:
    """The references of several sources (``(where, references)`` pairs) in order of first citation,
    without repeats. ``"activation:NAME"`` stands for the references of that activation of the registry.

    >>> [r.key for r in collect([("d", ["jacot2018ntk", "activation:erf", "jacot2018ntk"])])][:1]
    ['jacot2018ntk']
    """
    return merge([r for raw in refs for r in _expand(raw, where)] for where, refs in groups)


def _expand(raw: str, where: str) -> list[Reference]:
    if raw.startswith("activation:"):
        from ..activations import get_activation

        try:
            activation = get_activation(raw.removeprefix("activation:").strip())
        except SymntkError as exc:
            raise SymntkError(f"{where}: {exc}") from exc
        return [parse(text, f"{where}, {activation.name}") for text in activation.references]
    return [parse(raw, where)]


def merge(groups: Iterable[Iterable[Reference]]) -> list[Reference]:
    """The references of several lists in order of first appearance, without repeats; a key that names two
    different entries is an error."""
    seen: dict[str, Reference] = {}
    for refs in groups:
        for ref in refs:
            if ref.key in seen and seen[ref.key] != ref:
                raise SymntkError(f"the BibTeX key {ref.key!r} names two different entries")
            seen.setdefault(ref.key, ref)
    return list(seen.values())


def bibtex(references: Iterable[Reference]) -> str:
    """All ``references`` as a BibTeX file, sorted by key."""
    return "\n".join(r.bibtex() for r in sorted(references, key=lambda r: r.key))
