"""symntk: symbolic derivation and proof checking for the neural tangent kernel.

The public surface is what this module re-exports; implementation lives in the modules named after what
they hold (see DESIGN in the repository).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._errors import SymntkError as SymntkError

try:
    __version__ = version("symntk")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["SymntkError", "__version__"]
