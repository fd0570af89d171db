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

#: Public names defined in submodules that import SymPy or NumPy: loaded on first use (PEP 562), so that
#: ``import symntk`` and ``symntk --help`` stay fast.
_LAZY: dict[str, str] = {
    "ACTIVATIONS": "activations",
    "Activation": "activations",
    "get_activation": "activations",
    "activation_from_expr": "activations",
    "activation_from_callable": "activations",
    "KernelPair": "limits",
    "dual_kernels": "limits",
    "kernels": "limits",
    "symbolic_kernels": "limits",
    "Claim": "check",
    "Derivation": "check",
    "Erratum": "check",
    "Source": "check",
    "Status": "check",
    "Step": "check",
    "Verdict": "check",
    "equal": "check",
    "fit_rate": "check",
    "parse_latex": "check.latex",
    "Network": "network",
    "Identity": "network",
    "generic_activation": "network",
    "ntk_base_case": "network",
    "ntk_chain_rule": "network",
    "ntk_layer_recursion": "network",
    "ntk_gram_structure": "network",
    "backprop_gradient_identity": "network",
    "shallow_ntk": "network",
    "latex": "printing",
    "fold_sums": "printing",
    "initialization_expectation": "initialization",
    "proposition1_step": "initialization",
    "Architecture": "empirical",
    "Ensemble": "empirical",
    "train": "dynamics",
    "kernel_prediction": "dynamics",
    "fit_power_law": "convergence",
    "kernel_convergence": "convergence",
    "output_gaussianity": "convergence",
    "training_convergence": "convergence",
    "smallest_eigenvalue": "convergence",
    "derivative_orders": "convergence",
    "check_strategy": "convergence",
    "write_report": "report",
    "Estimate": "gaussian",
    "QuadratureError": "gaussian",
    "expectation": "gaussian",
    "expectation_float64": "gaussian",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'symntk' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = ["SymntkError", "__version__", *_LAZY]
