"""Finding derivations: the Python modules of ``derivations/`` (or the paths given), and what they define.

A derivation module defines :class:`~symntk.check.derivation.Derivation` objects at module level (all of them,
in the order they are defined), or lists them in ``DERIVATIONS``. Modules whose names start with ``_`` are
skipped. A module that fails to import is reported as a :class:`LoadError` naming the file, and the others
still load.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .._errors import SymntkError
from .derivation import Derivation


@dataclass(frozen=True)
class LoadError:
    """A derivation module that could not be loaded, and why (one line)."""

    path: Path
    message: str


def module_files(paths: Iterable[str | Path]) -> list[Path]:
    """The derivation modules under ``paths`` (files, or folders searched for ``*.py``), sorted, no
    repeats."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.py") if not p.name.startswith("_")))
        elif path.is_file() and path.suffix == ".py":
            files.append(path)
        else:
            raise SymntkError(f"no derivation module or folder at {raw}")
    unique: dict[Path, None] = {}
    for f in files:
        unique.setdefault(f.resolve(), None)
    return list(unique)


def load(path: Path) -> list[Derivation]:
    """The derivations a module defines; raises :class:`SymntkError` naming the file if it cannot be
    loaded."""
    name = f"symntk_derivations.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SymntkError(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SymntkError as exc:
        raise SymntkError(f"{path.name}: {exc}") from exc
    except Exception as exc:
        line = _line(exc, path)
        raise SymntkError(f"{path.name}{line}: {type(exc).__name__}: {' '.join(str(exc).split())}") from exc
    listed = getattr(module, "DERIVATIONS", None)
    if listed is not None:
        found = list(listed)
    else:
        found = [v for v in vars(module).values() if isinstance(v, Derivation)]
    for item in found:
        if not isinstance(item, Derivation):
            raise SymntkError(f"{path.name}: DERIVATIONS holds a {type(item).__name__}, not a Derivation")
    return found


def _line(exc: BaseException, path: Path) -> str:
    tb = exc.__traceback__
    lineno = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == path.resolve():
            lineno = tb.tb_lineno
        tb = tb.tb_next
    if lineno is None and isinstance(exc, SyntaxError):
        lineno = exc.lineno
    return f", line {lineno}" if lineno else ""


def discover(paths: Iterable[str | Path] = ()) -> tuple[list[Derivation], list[LoadError]]:
    """All derivations under ``paths`` (default ``derivations/`` in the current folder), and the load
    errors."""
    paths = list(paths)
    if not paths:
        default = Path.cwd() / "derivations"
        if not default.is_dir():
            raise SymntkError("no derivations/ folder in the current directory: give the paths to check")
        paths = [default]
    derivations: list[Derivation] = []
    errors: list[LoadError] = []
    seen: dict[str, Path] = {}
    for path in module_files(paths):
        try:
            found = load(path)
        except SymntkError as exc:
            errors.append(LoadError(path, str(exc)))
            continue
        for d in found:
            if d.id in seen:
                errors.append(
                    LoadError(
                        path, f"{path.name}: derivation id {d.id!r} is also defined in {seen[d.id].name}"
                    )
                )
                continue
            seen[d.id] = path
            derivations.append(d)
    return derivations, errors
