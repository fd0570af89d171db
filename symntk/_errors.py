"""The one exception type that symntk raises for bad input.

A :class:`SymntkError` carries a message meant for the user: one line, saying what is wrong and, where it
helps, what would be right. The command line prints it on stderr as ``symntk: error: <message>`` and exits
with status 2; it never shows a traceback for it (``--debug`` does).
"""

from __future__ import annotations


class SymntkError(ValueError):
    """Bad input to symntk: the message is one line for the user."""
