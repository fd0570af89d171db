"""The report's figures, drawn with matplotlib and saved as PDF for ``\\includegraphics``.

- :func:`kernel_angle`: Σ^{(L)} and Θ^{(L)} against the angle γ between two unit inputs, for depths
  L = 1 … 5, for ReLU and erf (seed 001, slide 15, "Σ^l(x, x′) for ReLU network", whose exercise notes that
  Σ^l depends on x, x′ only through their norms and the angle; no bias, β = 0, as in seed 001). The kernels
  come from :func:`symntk.limits.kernels` in float64.
- :func:`ntk_convergence`: the relative error of the empirical NTK and NNGP of finite networks against
  Θ^{(L)} ⊗ Id and Σ^{(L)} as the hidden width n grows, on log-log axes, with the fitted power law n^r, its
  95% interval and the n^{−1/2} of Theorem 1's fluctuations (seed 002 §4; seed 000, Theorem 1), from
  :func:`symntk.convergence.kernel_convergence`.

Deterministic: seeded experiments, ``metadata={"CreationDate": None}`` and a fixed ``svg.hashsalt``, so the
same sources give the same files (and, rounded as printed, the same numbers in the captions).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..check.derivation import Source
from .documents import Figure
from .typesetting import Tex, interval, number, sentence

#: Depths drawn in the kernel figure, and the activations (with the β of seed 001).
DEPTHS = (1, 2, 3, 4, 5)
ACTIVATIONS = ("relu", "erf")


@dataclass(frozen=True)
class Experiment:
    """The convergence experiment of the report."""

    activation: str = "relu"
    depth: int = 3
    beta: float = 0.0
    widths: tuple[int, ...] = (64, 128, 256, 512, 1024)
    samples: int = 8


#: ReLU, depth 3, no bias, 8 networks per width from 64 to 1024.
CONVERGENCE = Experiment()


def _name(activation: str) -> str:
    """An activation's name as papers write it."""
    return {"relu": "ReLU", "leaky_relu": "leaky ReLU", "gelu": "GELU"}.get(activation, activation)


@dataclass(frozen=True)
class Drawn:
    """A figure written to disk: its :class:`~symntk.report.documents.Figure` and the file's path."""

    figure: Figure
    path: Path


def _style() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "symntk",
            "font.size": 9,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "figure.dpi": 100,
            "pdf.compression": 6,
        }
    )
    return plt


def _save(fig: Any, path: Path) -> None:
    fig.savefig(path, format="pdf", metadata={"CreationDate": None, "ModDate": None}, bbox_inches="tight")


def kernel_angle(folder: Path, points: int = 181) -> Drawn:
    """Σ^{(L)}(x, x′) and Θ^{(L)}(x, x′) for |x| = |x′| = 1 against the angle γ ∈ [0, π] (seed 001,
    slide 15)."""
    from ..limits import kernels

    plt = _style()
    gamma = np.linspace(0.0, np.pi, points)
    x = np.array([[1.0, 0.0]])
    xs = np.stack([np.cos(gamma), np.sin(gamma)], axis=1)
    fig, axes = plt.subplots(len(ACTIVATIONS), 2, figsize=(7.0, 2.6 * len(ACTIVATIONS)), sharex=True)
    colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, len(DEPTHS)))
    for row, name in zip(axes, ACTIVATIONS, strict=True):
        for depth, colour in zip(DEPTHS, colours, strict=True):
            k = kernels(x, xs, activation=name, depth=depth, beta=0.0)
            row[0].plot(gamma, np.asarray(k.nngp, float)[0], color=colour, label=f"L = {depth}")
            row[1].plot(gamma, np.asarray(k.ntk, float)[0], color=colour, label=f"L = {depth}")
        row[0].set_ylabel(rf"$\Sigma^{{(L)}}$, {_name(name)}")
        row[1].set_ylabel(rf"$\Theta^{{(L)}}$, {_name(name)}")
    for ax in axes[-1]:
        ax.set_xlabel(r"angle $\gamma$ between $x$ and $x'$")
        ax.set_xticks([0, np.pi / 4, np.pi / 2, 3 * np.pi / 4, np.pi], ["0", "π/4", "π/2", "3π/4", "π"])
    axes[0][1].legend(fontsize=7, ncol=1, loc="upper right")
    fig.tight_layout()
    path = folder / "kernel_angle.pdf"
    _save(fig, path)
    plt.close(fig)
    caption = sentence(
        "The infinite-width kernels of unit inputs ",
        Tex(r"$x, x' \in \mathbb{R}^2$"),
        " against the angle γ between them, for depths ",
        Tex(f"$L = {DEPTHS[0]}, \\dots, {DEPTHS[-1]}$"),
        ", no bias (β = 0): ",
        Tex(r"$\Sigma^{(L)}(x, x')$"),
        " (left) and ",
        Tex(r"$\Theta^{(L)}(x, x')$"),
        " (right), for ReLU (top) and erf (bottom). Slide 15 of the slides draws ",
        Tex(r"$\Sigma^{l}$"),
        " for ReLU; as its exercise says, the kernels depend on ",
        Tex("$x, x'$"),
        " only through their norms and the angle.",
    )
    figure = Figure(
        "kernel_angle",
        caption,
        Source("001_9a6c6fe078691bcf.txt", "slide 15"),
        ("lee2018gp", *(f"activation:{name}" for name in ACTIVATIONS)),
    )
    return Drawn(figure, path)


def ntk_convergence(folder: Path, seed: int = 0) -> Drawn:
    """Relative errors of the empirical NTK and NNGP against width, log-log, with the fitted slopes."""
    from ..convergence import kernel_convergence

    plt = _style()
    spec = CONVERGENCE
    result = kernel_convergence(
        spec.activation, spec.depth, spec.beta, widths=spec.widths, samples=spec.samples, seed=seed
    )
    widths = np.asarray(result.widths, float)
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for key, colour, name in (
        ("ntk", "C0", r"$\hat\Theta$ vs $\Theta^{(L)}\otimes \mathrm{Id}$"),
        ("nngp", "C1", r"$\hat\Sigma$ vs $\Sigma^{(L)}$"),
    ):
        for n, errors in zip(widths, result.samples[key], strict=True):
            ax.scatter(np.full(len(errors), n), errors, s=8, color=colour, alpha=0.35, linewidths=0)
        fit = result.rates[key]
        low, high = fit.ci
        ax.plot(
            widths,
            fit.prefactor * widths**fit.estimate,
            color=colour,
            label=f"{name}: slope {fit.estimate:.2f} [{low:.2f}, {high:.2f}]",
        )
    reference = result.rates["ntk"].prefactor * widths[0] ** result.rates["ntk"].estimate
    ax.plot(widths, reference * (widths / widths[0]) ** -0.5, "k--", lw=0.8, label=r"$n^{-1/2}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("hidden width n")
    ax.set_ylabel("relative error (Frobenius)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = folder / "ntk_convergence.pdf"
    _save(fig, path)
    plt.close(fig)
    ntk, nngp = result.rates["ntk"], result.rates["nngp"]
    caption = sentence(
        f"Relative Frobenius errors of the empirical kernels of {spec.samples} independent "
        f"{_name(spec.activation)} "
        f"networks of depth L = {spec.depth} per hidden width n (NTK parametrization, β = {spec.beta:g}, "
        f"seed {seed}, {len(result.x)} inputs on the unit sphere) against their infinite-width limits, "
        "log-log: ",
        Tex(r"$\hat\Theta$ against $\Theta^{(L)} \otimes \mathrm{Id}_{n_L}$"),
        " (blue) and ",
        Tex(r"$\hat\Sigma$ against $\Sigma^{(L)}$"),
        " (orange), one dot per network. The fitted slope of the NTK error is ",
        number(ntk.estimate),
        " (95% interval ",
        interval(*ntk.ci),
        "), of the NNGP error ",
        number(nngp.estimate),
        " (",
        interval(*nngp.ci),
        "); the fluctuations of Theorem 1 predict ",
        Tex(r"$n^{-1/2}$"),
        " (dashed).",
    )
    figure = Figure("ntk_convergence", caption, Source("002_086f346ea6a82670.txt", "§4"), ("jacot2018ntk",))
    return Drawn(figure, path)


def draw_all(folder: Path, seed: int = 0) -> list[Drawn]:
    """Every figure of the report, written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [kernel_angle(folder), ntk_convergence(folder, seed=seed)]
