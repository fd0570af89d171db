"""The NumPy networks and their structured empirical NTK, held against independent computations."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symntk import SymntkError
from symntk.empirical import (
    PARAMETRIZATIONS,
    Architecture,
    batches,
    jacobian,
    memory_bytes,
    nngp,
    ntk,
    ntk_explicit,
    outputs,
    sample,
)

RNG = np.random.default_rng(20261123)
X = RNG.standard_normal((5, 3))
X2 = RNG.standard_normal((3, 3))


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
@pytest.mark.parametrize("activation", ["relu", "erf", "tanh", "monomial"])
def test_structured_ntk_equals_explicit_jacobian_gram(activation: str, parametrization: str) -> None:
    arch = Architecture((3, 7, 6, 4), activation, beta=0.3, parametrization=parametrization)  # type: ignore[arg-type]
    net = sample(arch, 2, seed=1)
    structured = ntk(net, X)
    jac = jacobian(net, X)
    assert jac.shape == (2, 5, 4, arch.n_parameters)
    gram = np.einsum("sakp,sblp->sakbl", jac, jac)
    scale = np.abs(gram).max()
    np.testing.assert_allclose(structured, gram, rtol=0, atol=1e-13 * scale)
    np.testing.assert_allclose(ntk_explicit(net, X), gram, rtol=0, atol=1e-13 * scale)


def test_explicit_ntk_in_many_column_blocks_equals_one_block() -> None:
    net = sample(Architecture((3, 9, 8, 2), "erf", beta=0.2), 1, seed=2)
    whole = ntk_explicit(net, X)
    blocked = ntk_explicit(net, X, max_bytes=memory_bytes(net.architecture, n_inputs=5) + 2 * 8 * 10 * 9)
    np.testing.assert_allclose(blocked, whole, rtol=1e-14, atol=0)


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
def test_jacobian_matches_central_finite_differences(parametrization: str) -> None:
    """An independent check of the backpropagated signals: (f(θ + h e_p) − f(θ − h e_p)) / 2h."""
    arch = Architecture((3, 5, 4, 2), "tanh", beta=0.7, parametrization=parametrization)  # type: ignore[arg-type]
    net = sample(arch, 1, seed=3)
    jac = jacobian(net, X)
    theta = net.parameters()
    h = 1e-5
    for p in range(arch.n_parameters):
        step = np.zeros_like(theta)
        step[:, p] = h
        fd = (
            outputs(net.with_parameters(theta + step), X) - outputs(net.with_parameters(theta - step), X)
        ) / (2 * h)
        # truncation h²|f'''|/6 ≲ 1e-10 and rounding 1e-16/h ≈ 1e-11: a wrong factor or index is O(0.1)
        np.testing.assert_allclose(jac[..., p], fd, rtol=0, atol=1e-8)


def test_cross_kernel_is_the_off_diagonal_block_of_the_joint_kernel() -> None:
    net = sample(Architecture((3, 6, 6, 3), "relu", beta=0.1), 2, seed=4)
    joint = ntk(net, np.concatenate([X, X2]))
    np.testing.assert_allclose(ntk(net, X, X2), joint[:, :5, :, 5:, :], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(nngp(net, X, X2), nngp(net, np.concatenate([X, X2]))[:, :5, 5:], rtol=1e-13)


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
def test_ntk_matches_the_symbolic_network_at_tiny_width(parametrization: str) -> None:
    """symntk.network builds Θ from SymPy's chain rule; evaluated at the same parameters it must agree."""
    from symntk.network import Network

    arch = Architecture((2, 2, 3, 2), "tanh", beta=0.5, parametrization=parametrization)  # type: ignore[arg-type]
    net = sample(arch, 1, seed=5)
    model = Network(arch.widths, beta=sp.Rational(1, 2), parametrization=parametrization, activation="tanh")
    model.input("x", [sp.Rational(3, 5), sp.Rational(-4, 5)])
    model.input("y", [sp.Rational(1, 3), sp.Integer(2)])
    values = dict(zip(model.parameters, [sp.Float(v, 30) for v in net.parameters()[0]], strict=True))
    symbolic = model.concrete(model.inline(model.ntk("x", "y"))).xreplace(values).evalf(25)
    numeric = ntk(net, [[0.6, -0.8]], [[1 / 3, 2.0]])[0, 0, :, 0, :]
    np.testing.assert_allclose(numeric, np.array(symbolic.tolist(), dtype=float), rtol=1e-13, atol=1e-15)
    out = model.concrete(model.inline(model.output("x"))).xreplace(values).evalf(25)
    np.testing.assert_allclose(
        outputs(net, [[0.6, -0.8]])[0, 0], np.array(out, dtype=float).ravel(), rtol=1e-13
    )


def test_one_layer_network_kernels_are_the_base_case_exactly() -> None:
    """L = 1: Θ = Σ^(1) ⊗ Id with Σ^(1)(x, x') = x·x'/n_0 + β², whatever the parameters (seed 002 §4.1)."""
    beta = 0.4
    net = sample(Architecture((3, 4), "relu", beta=beta), 3, seed=6)
    sigma1 = X @ X2.T / 3 + beta**2
    expected = np.einsum("ab,kl->akbl", sigma1, np.eye(4))
    np.testing.assert_allclose(
        ntk(net, X, X2), np.broadcast_to(expected, (3, 5, 4, 3, 4)), rtol=1e-14, atol=1e-15
    )


def test_standard_and_ntk_parametrizations_are_the_same_function_with_other_kernels() -> None:
    """Seed 001 slide 12: equivalent forward pass; ∂f/∂W differ by the factor √n_ℓ layer by layer."""
    base = dict(widths=(3, 8, 5, 1), activation="erf", beta=0.0)
    ntk_net = sample(Architecture(**base, parametrization="ntk"), 2, seed=7)  # type: ignore[arg-type]
    std_net = sample(Architecture(**base, parametrization="standard"), 2, seed=7)  # type: ignore[arg-type]
    np.testing.assert_allclose(outputs(std_net, X), outputs(ntk_net, X), rtol=1e-13)
    j_ntk, j_std = jacobian(ntk_net, X), jacobian(std_net, X)
    at = 0
    for n_in, n_out in zip(base["widths"][:-1], base["widths"][1:], strict=True):  # type: ignore[index]
        w = slice(at, at + n_in * n_out)
        np.testing.assert_allclose(j_std[..., w], np.sqrt(n_in) * j_ntk[..., w], rtol=1e-12)
        at += n_in * n_out + n_out


def test_networks_are_reproducible_from_the_seed_whatever_the_batch_size() -> None:
    arch = Architecture((3, 16, 16, 2), "relu", beta=0.2)
    whole = sample(arch, 5, seed=11)
    one = memory_bytes(arch, samples=1, n_inputs=5)
    parts = list(batches(arch, 5, seed=11, n_inputs=5, max_bytes=2.5 * one))
    assert [p.samples for p in parts] == [2, 2, 1]
    np.testing.assert_array_equal(np.concatenate([p.parameters() for p in parts]), whole.parameters())
    assert not np.array_equal(sample(arch, 5, seed=12).parameters(), whole.parameters())
    np.testing.assert_array_equal(sample(arch, 5, seed=11).parameters(), whole.parameters())


def test_empirical_nngp_is_the_last_layer_conditional_covariance() -> None:
    """Given the lower layers, f_k = m W α + m_b b is centred Gaussian of covariance Σ̂ (Monte Carlo)."""
    arch = Architecture((3, 6, 1), "erf", beta=0.5)
    net = sample(arch, 1, seed=8)
    rng = np.random.default_rng(9)
    draws = 40000
    w_last = rng.standard_normal((draws, 1, 6))
    b_last = rng.standard_normal((draws, 1))
    resampled = type(net)(
        arch, (np.repeat(net.weights[0], draws, 0), w_last), (np.repeat(net.biases[0], draws, 0), b_last)
    )
    f = outputs(resampled, X)[:, :, 0]
    cov = f.T @ f / draws
    expected = nngp(net, X)[0]
    # standard error of a Gaussian second moment: √((Σ_aa Σ_bb + Σ_ab²)/draws); allow 5 of them
    se = np.sqrt((np.outer(np.diag(expected), np.diag(expected)) + expected**2) / draws)
    assert np.all(np.abs(cov - expected) < 5 * se)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(widths=(3,), activation="relu"), "at least an input and an output"),
        (dict(widths=(3, 0, 1), activation="relu"), "positive integers"),
        (dict(widths=(3, 4, 1), activation="relu", parametrization="lazy"), "unknown parametrization"),
        (dict(widths=(3, 4, 1), activation="relu", beta=-1.0), "β"),
        (dict(widths=(3, 4, 1), activation="nope"), "unknown activation"),
    ],
)
def test_bad_architectures_are_refused_in_one_line(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SymntkError, match=message) as info:
        Architecture(**kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_bad_inputs_are_refused() -> None:
    net = sample(Architecture((3, 4, 1), "relu"), 1, seed=0)
    with pytest.raises(SymntkError, match=r"shape \(N, 3\)"):
        ntk(net, np.ones((2, 4)))
    with pytest.raises(SymntkError, match="NaN"):
        outputs(net, [[1.0, np.nan, 0.0]])


def test_a_width_too_large_for_memory_is_refused_with_the_estimate() -> None:
    arch = Architecture.uniform(3, 2**20, 3, "relu")
    with pytest.raises(SymntkError, match=r"would need about 8\.0 TiB"):
        sample(arch, 1, seed=0)
    small = Architecture.uniform(3, 64, 3, "relu")
    with pytest.raises(SymntkError, match="GiB of memory, more than the"):
        list(batches(small, 4, seed=0, n_inputs=20000, max_bytes=2**30))
