"""The jinja2 environment of the LaTeX templates.

The templates live in the repository's ``templates/`` folder; an installed wheel carries them as
``symntk/_templates`` (pyproject's force-include), which is looked up first. Their delimiters cannot be
confused with TeX: ``\\VAR{…}`` prints, ``\\BLOCK{…}`` is a statement, ``\\#{…}`` a comment; TeX braces
and ``%`` are left alone.

Nothing reaches the output unfiltered: a value must be :class:`~symntk.report.typesetting.Tex` (LaTeX made
by symntk or vetted) or a number, and text goes through the explicit ``tex`` filter; printing a plain string
is an error, so a template cannot forget to escape.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .._errors import SymntkError
from .typesetting import Tex, text


def template_folder() -> Path:
    """``symntk/_templates`` in an installed wheel, else the repository's ``templates/``."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "_templates", package.parent / "templates"):
        if (folder / "preamble.tex").is_file():
            return folder
    raise SymntkError("the LaTeX templates are missing (neither symntk/_templates nor templates/ is there)")


def _finalize(value: Any) -> Any:
    if isinstance(value, Tex) or value is None:
        return "" if value is None else value
    if isinstance(value, bool) or not isinstance(value, int):
        raise SymntkError(
            f"template bug: a {type(value).__name__} reached the LaTeX unescaped ({str(value)[:40]!r}): "
            "use the tex filter"
        )
    return str(value)


def _math(value: Any) -> Tex:
    if not isinstance(value, Tex):
        raise SymntkError(f"template bug: the math filter needs typeset LaTeX, got {str(value)[:40]!r}")
    return value


@cache
def environment() -> jinja2.Environment:
    """The environment: TeX-safe delimiters, strict undefined values, the ``tex`` and ``math`` filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_folder())),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
    )
    env.filters["tex"] = text
    env.filters["math"] = _math
    return env


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` with ``context``."""
    return environment().get_template(name).render(**context)
