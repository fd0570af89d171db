"""The symbolic finite-width network: its forward pass, derivatives, NTK, and the exact identities (a)–(e)."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from symntk import SymntkError
from symntk.network import (
    Entry,
    GenericActivation,
    Network,
    backprop_gradient_identity,
    generic_activation,
    ntk_base_case,
    ntk_chain_rule,
    ntk_gram_structure,
    ntk_layer_recursion,
    shallow_ntk,
)

PARAMETRIZATIONS = ["ntk", "standard", "mean-field", sp.Rational(1, 3)]
WIDTHS = (3, 4, 4, 2)  # the target for (a)–(d) with generic σ


@pytest.fixture(scope="module")
def net() -> Network:
    return Network(WIDTHS)


# -- construction and bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"widths": ()}, "at least an input and an output"),
        ({"widths": (3,)}, "at least an input and an output"),
        ({"widths": (3, 0, 2)}, "positive integers"),
        ({"widths": (3, -1)}, "positive integers"),
        ({"widths": (3, 2.0)}, "positive integers"),
        ({"widths": (3, True)}, "positive integers"),
        ({"widths": "32"}, "sequence of positive integers"),
        ({"widths": (2, 2), "beta": 0.5}, "exact"),
        ({"widths": (2, 2), "beta": "beta"}, "exact"),
        ({"widths": (2, 2), "parametrization": "ntk2"}, "unknown parametrization"),
        ({"widths": (2, 2), "activation": 3}, "activation"),
        ({"widths": (2, 2), "activation": sp.Lambda((sp.Symbol("a"), sp.Symbol("b")), 0)}, "one variable"),
        ({"widths": (2, 2), "activation": "no-such-activation"}, "unknown activation"),
    ],
)
def test_bad_construction_is_one_clear_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SymntkError, match=message) as info:
        Network(**kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_bad_inputs_and_layers_are_clear_errors(net: Network) -> None:
    with pytest.raises(SymntkError, match="input width is 3"):
        net.input("z", [1, 2])
    net.input("u", [1, 2, 3])
    with pytest.raises(SymntkError, match="already defined"):
        net.input("u", [1, 2, 4])
    with pytest.raises(SymntkError, match="exact"):
        net.input("w", [1.5, 2, 3])
    with pytest.raises(SymntkError, match="layer must be"):
        net.jacobian("x", layer=0)
    with pytest.raises(SymntkError, match="layer must be"):
        ntk_layer_recursion(net, 3)
    with pytest.raises(SymntkError, match="not a parameter"):
        net.derivative(net.nodes("x")[-1][0], sp.Symbol("q"))
    with pytest.raises(SymntkError, match="depth at least 2"):
        ntk_chain_rule(Network((2, 3)))
    with pytest.raises(SymntkError, match="outputs"):
        net.backprop_directions("x", d=[1, 2, 3])
    with pytest.raises(SymntkError, match="shapes"):
        net.establish("s", sp.Matrix([1, 2]), sp.Matrix([1]))


def test_parameters_are_every_weight_and_bias_once(net: Network) -> None:
    assert len(net.parameters) == sum(m * n + m for n, m in itertools.pairwise(WIDTHS))
    assert len(set(net.parameters)) == len(net.parameters)
    assert net.weights[1].shape == (4, 4) and net.weights[2].shape == (2, 4)
    assert [net.layer_of(p) for p in net.parameters] == sorted(net.layer_of(p) for p in net.parameters)


# -- forward pass and derivatives --------------------------------------------------------------------------


def _forward_by_hand(
    widths: tuple[int, ...], values: dict[sp.Symbol, sp.Expr], x: list[sp.Expr], act
) -> list:
    """The NTK-parametrized forward pass written out independently of the model (lists of Rationals)."""
    a = list(x)
    z: list[sp.Expr] = []
    for ell in range(len(widths) - 1):
        z = []
        for j in range(widths[ell + 1]):
            s = sum(values[Entry("W", ell, (j + 1, k + 1))] * a[k] for k in range(widths[ell]))
            z.append(
                s / sp.sqrt(widths[ell])
                + values[sp.Symbol("beta", real=True)] * values[Entry("b", ell, (j + 1,))]
            )
        a = [act(v) for v in z]
    return z


def test_inlined_output_is_the_forward_pass_written_out_independently() -> None:
    z = sp.Symbol("z")
    net = Network((2, 3, 2), activation=sp.Lambda(z, z**3 - z / 2))
    rng = __import__("random").Random(1)
    values = {p: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for p in net.parameters}
    values[net.beta] = sp.Rational(2, 3)
    x = [sp.Rational(1, 2), sp.Rational(-3, 4)]
    net.input("q", x)
    model = [net.concrete(net.inline(e)).xreplace(values) for e in net.output("q")]
    expected = _forward_by_hand((2, 3, 2), values, x, lambda v: v**3 - v / 2)
    assert [sp.nsimplify(sp.expand(m - e)) for m, e in zip(model, expected, strict=True)] == [0, 0]


def test_graph_derivatives_equal_sympy_diff_of_the_inlined_output() -> None:
    """The chain rule through the graph is SymPy's own derivative of the explicit expression."""
    net = Network((2, 2, 2, 1))
    output = net.inline(net.output("x")[0])
    jac = net.jacobian("x")
    for p, theta in enumerate(net.parameters):
        assert sp.expand(net.inline(jac[0, p]) - sp.diff(output, theta)) == 0, theta


def test_graph_derivatives_equal_sympy_diff_for_a_registered_activation() -> None:
    net = Network((2, 2, 1), activation="tanh")
    output = net.inline(net.output("x")[0])
    jac = net.jacobian("x")
    for p, theta in enumerate(net.parameters):
        assert sp.simplify(net.inline(jac[0, p]) - sp.diff(output, theta)) == 0, theta


def test_generic_sigma_derivatives_are_named_functions() -> None:
    z = sp.Symbol("z")
    sigma = generic_activation()
    assert sp.diff(sigma(z), z) == generic_activation("sigma", 1)(z)
    assert sp.diff(sigma(2 * z), z, 2) == 4 * generic_activation("sigma", 2)(2 * z)
    assert Network((1, 1), activation=sp.Function("phi")).sigma(z, 1) == generic_activation("phi", 1)(z)


def test_ntk_by_layer_adds_up_and_the_kernel_is_symmetric(net: Network) -> None:
    parts = net.ntk("x", "x'", by_layer=True)
    total = net.ntk("x", "x'")
    assert sorted(parts) == [0, 1, 2]
    ring_zero = net.establish("sum of parts", total, sum(parts.values(), sp.zeros(2, 2)))
    assert ring_zero.verdict == "proved"
    swapped = net.ntk("x'", "x")
    assert net.establish("symmetry", total, swapped.T).verdict == "proved"


# -- the identities ----------------------------------------------------------------------------------------


def test_identities_a_to_d_are_proved_for_generic_sigma_at_the_target_widths(net: Network) -> None:
    results = [
        ntk_base_case(net),
        ntk_chain_rule(net),
        ntk_chain_rule(net, "x'", layer=2),
        ntk_layer_recursion(net, 1),
        ntk_layer_recursion(net, 2),
        backprop_gradient_identity(net),
        *ntk_gram_structure(net),
    ]
    assert [r.verdict for r in results] == ["proved"] * len(results), [r.statement for r in results]


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS, ids=str)
def test_base_case_and_recursion_hold_in_every_parametrization(parametrization: object) -> None:
    net = Network((2, 3, 2), parametrization=parametrization)  # type: ignore[arg-type]
    assert ntk_base_case(net).verdict == "proved"
    assert ntk_layer_recursion(net, 1).verdict == "proved"
    assert backprop_gradient_identity(net).verdict == "proved"


def test_identities_hold_for_a_registered_activation() -> None:
    net = Network((2, 3, 2), activation="erf", beta=sp.Rational(1, 3))
    assert ntk_layer_recursion(net, 1).verdict == "proved"
    assert ntk_chain_rule(net).verdict == "proved"


def test_base_case_reads_as_the_seed_writes_it() -> None:
    net = Network((3, 2))
    theta = net.ntk("x", "x'")
    x, xp = net.input("x").entries, net.input("x'").entries
    sigma1 = sum(a * b for a, b in zip(x, xp, strict=True)) / sp.Symbol("n_0", positive=True, integer=True)
    assert sp.expand(theta[0, 0] - sigma1 - net.beta**2) == 0
    assert theta[0, 1] == 0


def _recursion_near_miss(net: Network, layer: int, variant: str) -> sp.Matrix:
    """The right side of (c) with one deliberate slip (a √n, an index, a prime, a transpose)."""
    theta = net.ntk("x", "x'", layer=layer)
    nodes, nodes_p = net.nodes("x")[layer - 1], net.nodes("x'")[layer - 1]
    w = net.weights[layer]
    s2 = net.weight_scale(layer) ** 2
    width = net.widths[layer]

    def entry(k: int, kp: int) -> sp.Expr:
        terms = []
        for i in range(width):
            for ip in range(width):
                dot_p = net.sigma(nodes_p[ip] if variant != "prime" else nodes[ip], 1)
                wk = w[k, i] if variant != "transpose" else w[i, k]
                terms.append(theta[i, ip] * net.sigma(nodes[i], 1) * dot_p * wk * w[kp, ip])
        scale = s2 if variant != "sqrt" else net.weight_scale(layer)
        gram = s2 * sum(net.sigma(nodes[i]) * net.sigma(nodes_p[i]) for i in range(width)) + net.beta**2
        return scale * sp.Add(*terms) + (gram if k == kp else 0)

    return sp.Matrix(net.widths[layer + 1], net.widths[layer + 1], entry)


@pytest.mark.parametrize("variant", ["sqrt", "prime", "transpose"])
@pytest.mark.parametrize("budget", [3_000_000, 0], ids=["symbolic-first", "random-points-only"])
def test_near_misses_of_the_recursion_are_refuted(variant: str, budget: int) -> None:
    net = Network((2, 3, 3, 3))
    lhs = net.ntk("x", "x'", layer=3)
    result = net.establish("near miss", lhs, _recursion_near_miss(net, 2, variant), budget=budget)
    assert result.verdict == "refuted"
    assert result.counterexample and "lhs =" in result.counterexample


def test_random_point_evaluation_verifies_what_expansion_proves() -> None:
    net = Network((2, 3, 3, 2))
    result = ntk_layer_recursion(net, 2, budget=0, points=2)
    assert result.verdict == "verified" and result.points == 2
    assert "evidence, not proof" in result.method


def test_a_transcendental_activation_without_expansion_is_undecided_not_passed() -> None:
    net = Network((2, 2, 1), activation="tanh")
    result = ntk_layer_recursion(net, 1, budget=0)
    assert result.verdict == "undecided"


def test_base_case_near_miss_beta_instead_of_beta_squared_is_refuted(net: Network) -> None:
    x, xp = net.input("x").vector(), net.input("x'").vector()
    wrong = ((x.T * xp)[0, 0] / net.n(0) + net.beta) * sp.eye(4)
    assert net.establish("near miss", net.ntk("x", "x'", layer=1), wrong).verdict == "refuted"


def test_standard_and_ntk_parametrizations_compute_the_same_function() -> None:
    """Seed 001 slide 12: W̃ = n^{-1/2} W and b̃ = β b give the same forward pass."""
    ntk_net = Network((2, 3, 2), parametrization="ntk")
    std_net = Network((2, 3, 2), parametrization="standard")
    mapping = {}
    for ell in range(2):
        for w in ntk_net.weights[ell]:
            mapping[w] = w / sp.sqrt(ntk_net.widths[ell])
        for b in ntk_net.biases[ell]:
            mapping[b] = ntk_net.beta * b
    f_std = std_net.inline(std_net.output("x")).xreplace(mapping)
    f_ntk = ntk_net.concrete(ntk_net.inline(ntk_net.output("x")))
    assert ntk_net.establish("slide 12", f_ntk, f_std).verdict == "proved"


def test_shallow_network_ntk_and_its_variation_match_slides_20_and_21() -> None:
    result = shallow_ntk(width=3)
    assert [r.verdict for r in result.identities] == ["proved"] * 3
    # a slip in the slide's formula (no factor 2 on the Δv_i term) must be caught
    net = result.network
    v = [net.weights[1][0, i] for i in range(3)]
    delta_v = [Entry("Delta", None, (p,)) for p in v]
    x, xp = net.input("x").entries[0], net.input("x'").entries[0]
    wrong = result.delta_ntk - sum(
        dv * vi * x * xp * net.sigma(a, 1) * net.sigma(b, 1) / net.n(1)
        for dv, vi, a, b in zip(delta_v, v, net.nodes("x")[0], net.nodes("x'")[0], strict=True)
    )
    assert net.establish("slip", result.delta_ntk, wrong).verdict == "refuted"


@pytest.mark.slow
def test_recursion_still_runs_at_widths_8_16_16_4() -> None:
    net = Network((8, 16, 16, 4))
    result = ntk_layer_recursion(net, 2)
    assert result.verdict in ("proved", "verified")


def test_exact_evaluation_handles_square_roots_of_widths() -> None:
    """Widths 2 and 8 make √2 appear; the evaluator must keep ℚ(√2) exact, not round."""
    net = Network((2, 8, 1))
    assert ntk_layer_recursion(net, 1, budget=0, points=1).verdict == "verified"


def test_statements_written_with_sums_over_named_indices_are_checked() -> None:
    """The seed's base case as written, Σ_{i=1}^{n_0} x_i x'_i / n_0 + β² times δ_kk', against the model."""
    net = Network((3, 2))
    i = sp.Symbol("i", integer=True, positive=True)
    sigma1 = sp.Sum(Entry("x", None, (i,), "x") * Entry("x", None, (i,), "x'"), (i, 1, net.n(0))) / net.n(0)
    stated = sp.Matrix(2, 2, lambda k, kp: (sigma1 + net.beta**2) * sp.KroneckerDelta(k, kp))
    assert net.establish("seed 002 §4.1", net.ntk("x", "x'"), stated).verdict == "proved"
    wrong = sp.Matrix(2, 2, lambda k, kp: (sigma1 + net.beta**2))  # no δ_kk'
    assert net.establish("no delta", net.ntk("x", "x'"), wrong).verdict == "refuted"
    with pytest.raises(SymntkError, match="concrete bounds"):
        net.expand_sums(sp.Sum(Entry("x", None, (i,), "x"), (i, 1, sp.Symbol("m"))))


def test_relu_from_the_registry_is_evaluated_exactly_at_random_points() -> None:
    from symntk.activations import get_activation

    net = Network((2, 3, 2), activation=get_activation("relu"))
    assert net.activation.name == "relu"
    assert ntk_layer_recursion(net, 1).verdict == "proved"
    assert ntk_layer_recursion(net, 1, budget=0).verdict == "verified"


@pytest.mark.parametrize("module", ["symntk.network", "symntk.printing"])
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_derivatives_of_sums_over_named_indices_avoid_the_bound_index_trap() -> None:
    """d/dW_{12} of Σ_i W_{ki} x_i (k = 1) is x_2; SymPy's Sum derivative would capture the bound index."""
    net = Network((3, 2))
    i = sp.Symbol("i", integer=True, positive=True)
    x = net.input("x").entries
    stated = sp.Sum(Entry("W", 0, (1, i)) * Entry("x", None, (i,), "x"), (i, 1, net.n(0)))
    assert net.derivative(stated, net.weights[0][0, 1]) == x[1]
    assert net.derivative(stated, net.weights[0][1, 1]) == 0
    # a sum of Kronecker deltas comes out as the entry it selects, not as a Piecewise over the range
    delta_sum = sp.Sum(sp.KroneckerDelta(i, 2) * Entry("x", None, (i,), "x"), (i, 1, net.n(0)))
    assert net.expand_sums(delta_sum) == x[1]


def test_gram_identity_misses_a_parameter_and_is_refuted() -> None:
    """Θ = J Jᵀ must use every parameter: dropping one bias column is caught."""
    net = Network((2, 2, 1))
    jac = sp.Matrix.vstack(net.jacobian("x_1"), net.jacobian("x_2"))
    short = jac[:, :-1]
    theta = sp.Matrix(2, 2, lambda a, b: net.ntk(f"x_{a + 1}", f"x_{b + 1}")[0, 0])
    assert net.establish("Θ = J Jᵀ", theta, jac * jac.T).verdict == "proved"
    assert net.establish("one column short", theta, short * short.T).verdict == "refuted"


@pytest.mark.parametrize("name", ["phi", "beta", "psi", "gamma", "sigma"])
def test_a_generic_activation_has_no_numeric_value_whatever_its_name(name: str) -> None:
    """SymPy evaluates an undefined function by the mpmath function of the same name; φ is a constant there.
    A generic σ must stay unevaluated under evalf, whatever it is called (seed 001 writes φ)."""
    sigma = generic_activation(name)
    value = sigma(sp.Float(0.5)).evalf()
    assert isinstance(value, GenericActivation)
