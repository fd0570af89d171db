"""``python -m symntk`` is the ``symntk`` command."""

from .cli import run

run()
