"""The LaTeX parser of ``symntk verify``: what SymPy prints parses back, and everything else is rejected.

The round-trip tests print SymPy expressions with ``sympy.latex`` and require the parse to be the very same
expression (structural ``==``, symbols' names and assumptions included), over a hand-written corpus covering
every construct of the grammar and over a seeded random corpus.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import random
from pathlib import Path

import pytest
import sympy as sp

from symntk import SymntkError
from symntk.check import latex as latex_module
from symntk.check.latex import parse_condition, parse_latex, parse_texts

R = {"real": True}
x, y, z, t, a, b, c, w = sp.symbols("x y z t a b c w", real=True)
alpha, sigma_s, tau = sp.symbols("alpha sigma tau", real=True)
n = sp.Symbol("n", integer=True, positive=True)
i, j, k = sp.symbols("i j k", integer=True)
f = sp.Function("f", real=True)
sigma = sp.Function("sigma", real=True)
X = sp.IndexedBase("x", real=True)
W = sp.IndexedBase("W", real=True)


def _parse_back(expr: sp.Basic) -> sp.Basic:
    functions = sorted({str(g.func) for g in expr.atoms(sp.core.function.AppliedUndef)})
    return parse_latex(sp.latex(expr), functions=functions)


HAND_CORPUS = [
    x,
    -x,
    x + 1,
    x - y,
    2 * x,
    x * y * z,
    x / y,
    (x + 1) / (x - 1),
    1 / (x + 1) ** 2,
    x / (y * z),
    sp.Rational(3, 4) * x,
    -sp.Rational(3, 4) * x,
    sp.Integer(10) ** 25 + 1,
    sp.Rational(-7, 3),
    x**2,
    x**-2,
    x ** sp.Rational(3, 2),
    x ** sp.Rational(-1, 2),
    sp.sqrt(x),
    sp.root(x, 3),
    x**y,
    x ** (y**z),
    (x**y) ** z,
    2**x,
    2 ** (x + 1),
    sp.Integer(2) ** sp.Rational(3, 4),
    (-1) ** x,
    sp.sqrt(x**2 + 1),
    sp.sqrt(2) * sp.sqrt(sp.pi) / 2,
    sp.pi / 2 - sp.asin(x),
    sp.E,
    sp.E * x,
    sp.exp(x),
    sp.exp(-(x**2) / 2),
    sp.exp(sp.exp(x)),
    sp.exp(x) ** y,
    sp.exp(x) / (x + 1),
    sp.log(x),
    sp.log(x) ** 2,
    sp.log(x, 2),
    sp.log(sp.exp(x) + 1),
    sp.sin(x),
    sp.cos(y),
    sp.tan(x),
    sp.cot(x),
    sp.sec(x),
    sp.csc(x),
    sp.sin(x) ** 2,
    sp.sin(x) * sp.cos(y),
    sp.sin(x + y),
    sp.sin(2 * x),
    sp.sin(x) / x,
    sp.sqrt(sp.sin(x)),
    sp.asin(x),
    sp.acos(x),
    sp.atan(x),
    sp.acot(x),
    sp.asec(x),
    sp.acsc(x),
    sp.acos(x) ** 2,
    sp.sinh(x),
    sp.cosh(x),
    sp.tanh(x),
    sp.coth(x),
    sp.sech(x),
    sp.csch(x),
    sp.asinh(x),
    sp.acosh(x),
    sp.atanh(x),
    sp.acoth(x),
    sp.erf(x),
    sp.erfc(x),
    sp.erfi(x),
    sp.erf(x) ** 2,
    sp.erf(x / sp.sqrt(2)),
    sp.Abs(x),
    sp.Abs(x + y) ** 3,
    sp.sign(x),
    sp.Max(x, y),
    sp.Min(x, y, z),
    sp.atan2(y, x),
    sp.factorial(x),
    sp.pi,
    sp.pi * x,
    2 / sp.pi * sp.asin(2 * x / sp.sqrt((1 + 2 * y) * (1 + 2 * z))),
    sp.sqrt(x * y) * (sp.sin(t) + (sp.pi - t) * sp.cos(t)) / (2 * sp.pi),
    f(x),
    f(x, y),
    sigma(x),
    sigma(x) ** 2,
    f(x**2 + 1),
    sigma(f(x)),
    sp.Derivative(f(x), x),
    sp.Derivative(f(x), (x, 2)),
    sp.Derivative(f(x, y), x, y),
    sp.Derivative(f(x, y), x, (y, 2)),
    sp.Derivative(x**2 + x, x),
    sp.Derivative(2 * x, x),
    y * sp.Derivative(x * y, x),
    sp.Derivative(f(x) * y, x),
    sp.Derivative(sigma(w * x), w),
    sp.Sum(X[i], (i, 1, n)),
    2 * sp.Sum(X[i] + 1, (i, 1, n)),
    sp.Sum(i, (i, 1, n)),
    sp.Sum(i**2, (i, 0, n)),
    sp.Sum(W[sp.Symbol("i", **R), k] * X[k], (k, 1, n)),
    sp.Sum(sp.Sum(X[i] * X[j], (j, 1, i)), (i, 1, n)),
    sp.Product(X[i], (i, 1, n)),
    sp.Sum(X[i + 1], (i, 1, n)),
    sp.Sum(X[i], (i, 1, n)) / n,
    sp.Subs(sp.Derivative(f(t), t), t, 2 * x),
    sp.Subs(f(x, y), (x, y), (1, 2)),
    sp.floor(x),
    sp.ceiling(x / 2),
    sp.binomial(x, y),
    sp.Limit(1 / x, x, 0),
    sp.Limit(1 / x, x, 0, "-"),
    sp.Limit(sp.sin(x) / x, x, 0, "+-"),
    sp.Limit((1 + 1 / y) ** y, y, sp.oo),
    2 * sp.Limit(x, x, 1) + 1,
    sp.Limit(x, x, -sp.oo),
    sp.Integral(x**2, (x, 0, 1)),
    sp.Integral(x + 1, x),
    sp.Integral(x * y, (x, 0, 1), (y, 0, 1)),
    sp.Integral(sp.exp(-(x**2) / 2), (x, -sp.oo, sp.oo)) / sp.sqrt(2 * sp.pi),
    2 * sp.Integral(x, (x, 0, y)) + 1,
    sp.Integral(x * y, x, y),
    sp.Integral(sigma(x) * sigma(y), (x, 0, 1)),
    alpha,
    sigma_s,
    tau * alpha,
    sp.Symbol("W_ik", **R),
    sp.Symbol("n_0", **R),
    sp.Symbol("n_ell", **R),
    sp.Symbol("alpha^(ell)", **R),
    sp.Symbol("W^(ell)_ik", **R),
    sp.Symbol("Sigma^(ell+1)", **R),
    sp.Symbol("alphatilde^(ell+1)_i", **R),
    sp.Symbol("sigmadot", **R),
    sp.Symbol("xhat", **R),
    sp.Symbol("xbar", **R),
    sp.Symbol("Lcal", **R),
    sp.Symbol("x'", **R),
    sp.Symbol("x_i,j", **R),
    sp.Symbol("beta", **R) ** 2 + sp.Symbol("Theta^(L)", **R),
    sp.Symbol("varphi", **R),
    sp.Symbol("ell", **R),
    sp.Symbol("x_10", **R) * sp.Symbol("Gamma", **R),
]


@pytest.mark.parametrize("expr", HAND_CORPUS, ids=lambda e: sp.latex(e))
def test_sympy_latex_parses_back_to_the_same_expression(expr: sp.Basic) -> None:
    assert _parse_back(expr) == expr


def _random_expression(rng: random.Random, depth: int) -> sp.Basic:
    atoms = [
        x,
        y,
        z,
        a,
        alpha,
        tau,
        sp.Symbol("W_ik", **R),
        sp.Symbol("n_0", **R),
        sp.Symbol("x'", **R),
        sp.Symbol("alpha^(ell)", **R),
        sp.Symbol("sigmadot", **R),
    ]
    if depth == 0:
        roll = rng.random()
        if roll < 0.6:
            return rng.choice(atoms)
        if roll < 0.8:
            return sp.Integer(rng.randint(-9, 12))
        if roll < 0.9:
            return sp.Rational(rng.randint(-9, 9), rng.randint(2, 9))
        return rng.choice([sp.pi, sp.E, sp.sqrt(2)])
    sub = [_random_expression(rng, depth - 1) for _ in range(3)]
    roll = rng.random()
    if roll < 0.2:
        return sp.Add(*sub[: rng.randint(2, 3)])
    if roll < 0.4:
        return sp.Mul(*sub[: rng.randint(2, 3)])
    if roll < 0.5:
        return sub[0] ** rng.choice([2, 3, -1, -2, sp.Rational(1, 2), sp.Rational(-3, 2), sub[1], y])
    if roll < 0.75:
        unary = [
            sp.sin,
            sp.cos,
            sp.tan,
            sp.asin,
            sp.acos,
            sp.atan,
            sp.sinh,
            sp.tanh,
            sp.exp,
            sp.log,
            sp.erf,
            sp.erfc,
            sp.sqrt,
            sp.Abs,
            sp.sign,
            sp.acot,
            sp.asinh,
        ]
        return rng.choice(unary)(sub[0])
    if roll < 0.85:
        return rng.choice([f, sigma])(sub[0]) if rng.random() < 0.7 else f(sub[0], sub[1])
    if roll < 0.92:
        v = rng.choice(atoms[:6])
        return sp.Derivative(rng.choice([f(v), sigma(v) * sub[0], f(v, y)]), v)
    return sp.Sum(X[i] * sub[0].subs(atoms[6], x) + i, (i, 1, n))  # W_{ik} in a sum over i would be W[i, k]


def _random_corpus(seed: int, count: int) -> list[sp.Basic]:
    """Random expressions SymPy prints unambiguously: no ∞ or complex values, and a derivative or sum in a
    product only with numbers (SymPy prints ∂f/∂x·g as \\frac{d}{dx} f g, which reads as ∂(fg)/∂x)."""
    rng = random.Random(seed)
    out: list[sp.Basic] = []
    while len(out) < count:
        expr = _random_expression(rng, rng.randint(1, 3))
        if expr.has(sp.zoo, sp.nan, sp.oo, sp.I) or not expr.is_real:
            continue
        products = [m for m in expr.atoms(sp.Mul) | ({expr} if expr.is_Mul else set())]
        if any(
            any(isinstance(arg, sp.Derivative | sp.Sum) for arg in m.args)
            and sum(not arg.is_number for arg in m.args) > 1
            for m in products
        ):
            continue
        out.append(expr)
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_random_sympy_expressions_parse_back_exactly(seed: int) -> None:
    corpus = _random_corpus(seed, 150)
    mismatches = [sp.latex(e) for e in corpus if _parse_back(e) != e]
    assert mismatches == []


# ----------------------------------------------------------------------------------------- rejection


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("x -", "expected a term after '-'"),
        ("x +", "expected a term after '+'"),
        ("x \\cdot", "expected a factor after"),
        ("x^", "expected an argument"),
        ("x_", "expected an argument"),
        ("{x", "unbalanced braces"),
        ("x}", "unbalanced '}'"),
        ("\\frac{1}{2", "unbalanced braces"),
        ("\\left(x", "never closed"),
        ("(x", "never closed"),
        ("x)", "unbalanced ')'"),
        ("\\left[x\\right)", "expected '\\right]'"),
        ("\\left(x)", "expected '\\right)'"),
        ("\\left) x \\right(", "not a left-hand delimiter"),
        ("\\left( x \\right(", "not a right-hand delimiter"),
        ("\\foo{x}", "unknown command '\\foo'"),
        ("\\operatorname{foo}(x)", "unknown function"),
        ("x \\text{ for all } x", "prose, not mathematics"),
        ("sqrt(x)", "'sqrt' spells a command"),
        ("alpha + 1", "'alpha' spells a command"),
        ("pi r^2", "'pi' spells a command"),
        ("ln x", "'ln' spells a command"),
        ("1e-3", "1e-3 is not LaTeX"),
        ("2.5E4 x", "2.5E4 is not LaTeX"),
        ("__import__('os')", "expected a term"),
        ("x + __import__('os').system('ls')", "unexpected character '.'"),
        ("lambda: 0", "unexpected character ':'"),
        ("os.system", "unexpected character '.'"),
        ("x; y", "unexpected character ';'"),
        ("$x$", "unexpected character '$'"),
        ("x = y", "found the relation '='"),
        ("x < y", "found the relation '<'"),
        ("", "empty expression"),
        ("{}", "empty expression"),
        ("x^23", "a number after a factor is ambiguous"),
        ("2 3", "a number after a factor is ambiguous"),
        ("a/b c", "ambiguous product after '/'"),
        ("\\sin^{-1} x", "ambiguous"),
        ("\\sin x y", "ambiguous argument of 'sin'"),
        ("\\sum_{i=1}^{n}", "no summand"),
        ("\\sum_{i} x_{i}", "must read _{i=a}^{b}"),
        ("\\sum x_{i}", "needs bounds"),
        ("\\sum_{1}^{n} x", "must read _{i=a}^{b}"),
        ("\\sum_{i=1}^{n}^{m} x", "two '^' bounds"),
        ("\\frac{d}{dx}", "must be applied to an expression"),
        ("\\frac{d^{2}}{dx} x^{3}", "orders of a derivative"),
        ("\\partial x", "only in a derivative"),
        ("\\lim x", "write a limit as"),
        ("\\lim_{x \\to y x} x", "SymPy cannot build it"),
        ("\\lim_{x \\to 0}", "applied to an expression"),
        ("\\frac{1}{0}", "undefined"),
        ("x^{-1} + 0^{-1}", "undefined"),
        ("10^{10^{10}}", "too large"),
        ("100000!", "too large"),
        ("\\left. x \\right|", "write the point after"),
        ("\\left. x \\right|_{3}", "write the point after"),
        ("x \\right.", "invisible delimiter"),
        ("\\left\\lfloor x \\right)", "expected '\\right\\rfloor'"),
        ("(x, y)", "only function arguments take commas"),
        ("x_1_2", "double subscript"),
        ("x^2^3", "double superscript"),
        ("e^x^2", "double superscript"),
        ("\\hat{xy}", "must decorate a single letter"),
        ("(x+1)_{2}", "applies to a symbol"),
        ("\\max x", "needs its arguments in parentheses"),
        ("x^-1", "signed exponent in braces"),
        ("x \\cdot -y", "expected a factor after"),
        ("\\langle x \\rangle", "not supported"),
        ("(" * 80 + "x" + ")" * 80, "nested more than"),
        ("x" * 30_000, "too long"),
    ],
)
def test_text_outside_the_grammar_is_rejected_with_one_line(text: str, says: str) -> None:
    with pytest.raises(SymntkError) as info:
        parse_latex(text)
    message = str(info.value)
    assert says in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text",
    [
        "\\sin " * 300 + "x",
        "\\hat{" * 200 + "x" + "}" * 200,
        "{" * 300 + "x" + "}" * 300,
        "x^{" * 200 + "2" + "}" * 200,
    ],
)
def test_deep_nesting_is_an_error_not_a_stack_overflow(text: str) -> None:
    with pytest.raises(SymntkError, match="nested more than"):
        parse_latex(text)


def test_mutated_latex_raises_only_symntk_errors() -> None:
    """Random edits of valid texts (deletions, insertions of texts and of single tokens) either parse or raise
    SymntkError with one line: never another exception (an internal error in the CLI)."""
    texts = [sp.latex(e) for e in HAND_CORPUS]
    rng = random.Random(5)
    pieces = [
        "{",
        "}",
        "(",
        ")",
        "^",
        "_",
        "d",
        "\\",
        "-",
        "1",
        "|",
        "'",
        "\\partial",
        " ",
        "\\left(",
        ",",
        "\\left)",
        "\\right(",
        "\\to",
        "\\lim_{x \\to y}",
        "=",
        "\\int",
        "dx",
    ]
    for _ in range(1500):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            lo, hi = sorted(rng.randrange(len(text) + 1) for _ in range(2))
            roll = rng.random()
            if roll < 0.4:
                text = text[:lo] + text[hi:]
            elif roll < 0.7:
                text = text[:lo] + rng.choice(texts) + text[lo:]
            else:
                text = text[:lo] + rng.choice(pieces) + text[lo:]
        try:
            parse_latex(text)
        except SymntkError as exc:
            assert "\n" not in str(exc)


def test_a_declared_function_needs_its_arguments() -> None:
    with pytest.raises(SymntkError, match="declared a function"):
        parse_latex("\\sigma + 1", functions=["sigma"])
    with pytest.raises(SymntkError, match="ambiguous"):
        parse_latex("f^{-1}(x)", functions=["f"])


def test_parsing_never_calls_eval_or_exec(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec called while parsing")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for expr in HAND_CORPUS:
        _parse_back(expr)
    with pytest.raises(SymntkError):
        parse_latex("__import__('os').system('true')")


def test_the_parser_source_has_no_evaluating_calls() -> None:
    tree = ast.parse(Path(latex_module.__file__).read_text())
    forbidden = {
        "eval",
        "exec",
        "compile",
        "__import__",
        "sympify",
        "parse_expr",
        "S",
        "lambdify",
        "literal_eval",
    }
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    imported = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    assert forbidden & (names | imported) == set()
    assert (forbidden - {"compile"}) & attributes == set()  # re.compile is fine


# ----------------------------------------------------------------------------------------- semantics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c \\left(x+1\\right)", c * (x + 1)),
        ("n (n+1)", sp.Symbol("n", **R) * (sp.Symbol("n", **R) + 1)),
        ("\\sigma(x)", sigma_s * x),
        ("f{\\left(x \\right)}", sp.Symbol("f", **R) * x),
        ("a \\left[b + c\\right]", a * (b + c)),
    ],
)
def test_a_letter_before_parentheses_is_a_product(text: str, expected: sp.Basic) -> None:
    assert parse_latex(text) == expected


def test_symbols_read_as_products_before_parentheses_are_reported() -> None:
    parsed = parse_texts(["\\sigma(x) + n \\left(n+1\\right) + f{\\left(y \\right)}", "c x (y)"])
    assert parsed.multiplied == {"sigma", "n", "f", "x"}
    assert parse_texts(["\\sigma(x)"], functions=["sigma"]).multiplied == frozenset()


def test_a_declared_function_is_applied() -> None:
    assert parse_latex("\\sigma(x) + \\sigma{\\left(y \\right)}", functions=["sigma"]) == sigma(x) + sigma(y)
    assert parse_latex("\\sigma^{2}(u)", functions=["\\sigma"]) == sigma(sp.Symbol("u", **R)) ** 2
    assert parse_latex("c \\left(x+1\\right)", functions=["c"]) == sp.Function("c", real=True)(x + 1)
    sigmadot = sp.Function("sigmadot", real=True)
    assert parse_latex("\\dot{\\sigma}(x)", functions=["sigmadot"]) == sigmadot(x)
    assert parse_latex("f'(x)", functions=["f"]) == sp.Derivative(f(x), x)
    assert parse_latex("f''(x)", functions=["f"]).doit() == sp.Derivative(f(x), (x, 2))
    at_2x = parse_latex("f'(2 x)", functions=["f"])
    assert at_2x.doit() == sp.diff(f(2 * x), x) / 2


def test_e_is_eulers_number_unless_declared_or_subscripted() -> None:
    assert parse_latex("e") == sp.E
    assert parse_latex("e^{x}") == sp.exp(x)
    assert parse_latex("\\mathrm{e}^{i \\pi}") == sp.exp(sp.pi * sp.Symbol("i", **R))
    assert parse_latex("e_{1}") == sp.Symbol("e_1", **R)
    assert parse_latex("e^{(x+1)}") == sp.exp(x + 1)  # a power of e, not a label
    assert parse_latex("e^{x}", positive=["e"]) == sp.Symbol("e", positive=True) ** x
    assert sp.simplify(parse_latex("\\sum_{e=1}^{n} e").doit() - n * (n + 1) / 2) == 0


def test_letters_that_spell_nothing_are_products_and_subscripts_may_spell_words() -> None:
    assert parse_latex("ab") == a * b
    assert parse_latex("p i") == sp.Symbol("p", **R) * sp.Symbol("i", **R)
    assert parse_latex("\\lambda_{min}") == sp.Symbol("lambda_min", **R)
    assert parse_latex("2e") == 2 * sp.E


def test_i_is_an_ordinary_symbol_not_the_imaginary_unit() -> None:
    assert parse_latex("i^{2}") == sp.Symbol("i", **R) ** 2


def test_numbers_are_exact() -> None:
    assert parse_latex("0.1") == sp.Rational(1, 10)
    assert parse_latex("1.5 \\cdot 10^{-3}") == sp.Rational(3, 2000)
    assert parse_latex("\\frac12") == sp.Rational(1, 2)
    assert parse_latex("123456789012345678901234567890") == sp.Integer(123456789012345678901234567890)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("W_{ik}", "W_ik"),
        ("W_ik", "W_i"),  # TeX: the subscript is one token, then a product with k (checked below)
        ("\\alpha^{(\\ell)}", "alpha^(ell)"),
        ("W^{(\\ell)}_{ik}", "W^(ell)_ik"),
        ("W_{ik}^{(\\ell)}", "W^(ell)_ik"),
        ("\\tilde{\\alpha}^{(\\ell+1)}_{m}", "alphatilde^(ell+1)_m"),
        ("n_{\\ell}", "n_ell"),
        ("n_\\ell", "n_ell"),
        ("x'_i", "x'_i"),
        ("x^{\\prime}", "x'"),
        ("\\dot{\\sigma}", "sigmadot"),
        ("\\mathcal{L}", "Lcal"),
        ("\\mathrm{NTK}", "NTK"),
        ("{x}_{i}", "x_i"),
        ("\\Sigma^{(1)}", "Sigma^(1)"),
    ],
)
def test_subscripts_and_labels_are_part_of_a_symbols_name(text: str, name: str) -> None:
    value = parse_latex(text)
    assert sp.Symbol(name, **R) in value.free_symbols
    if text not in ("W_ik", "\\mathrm{NTK}"):  # SymPy prints Symbol("NTK") as NTK, a product
        assert value == sp.Symbol(name, **R)
        assert parse_latex(sp.latex(value)) == value  # SymPy prints the name back as we read it


def test_a_power_written_before_the_subscript_applies_to_the_subscripted_symbol() -> None:
    x_1 = sp.Symbol("x_1", **R)
    assert parse_latex("x^{2}_{1}") == parse_latex("x_1^2") == x_1**2
    assert parse_latex("\\sum_{i=1}^{n} x^{2}_{i}") == sp.Sum(X[i] ** 2, (i, 1, n))
    assert parse_latex("{x^2}^3") == x**6


def test_w_ik_without_braces_is_w_i_times_k() -> None:
    assert parse_latex("W_ik") == sp.Symbol("W_i", **R) * sp.Symbol("k", **R)


def test_a_sum_binds_its_index_and_makes_its_bounds_positive_integers() -> None:
    value = parse_latex("\\frac{1}{n} \\sum_{i=1}^{n} i")
    assert value == sp.Sum(i, (i, 1, n)) / n
    assert sp.simplify(value.doit() - (n + 1) / 2) == 0
    lhs, rhs = parse_texts(["\\sum_{k=1}^{m} k", "\\frac{m (m+1)}{2}"]).values
    m = sp.Symbol("m", integer=True, positive=True)
    assert rhs == m * (m + 1) / 2  # m bounds the sum on the left, so it is the same integer on the right
    assert sp.simplify(lhs.doit() - rhs) == 0


def test_a_subscript_on_a_summation_index_is_indexed_everywhere() -> None:
    lhs, rhs = parse_texts(["\\sum_{i=1}^{2} x_{i}", "x_{1} + x_{2}"]).values
    assert rhs == X[1] + X[2]
    assert lhs.doit() == rhs
    value = parse_latex("\\sum_{k=1}^{n} W_{ik} x_{k}")
    assert value == sp.Sum(W[sp.Symbol("i", **R), k] * X[k], (k, 1, n))
    assert parse_latex("\\sum_{i=1}^{n} x_{i,i+1}") == sp.Sum(X[i, i + 1], (i, 1, n))


def test_sum_and_derivative_bind_the_rest_of_the_term() -> None:
    assert parse_latex("2 \\sum_{i=1}^{n} i x + 1") == 2 * sp.Sum(i * x, (i, 1, n)) + 1
    assert parse_latex("\\frac{d}{dt} t^{3} + t").doit() == 3 * t**2 + t
    assert parse_latex("\\frac{d}{dx} x \\cdot y").doit() == y


def test_derivatives_in_every_written_form() -> None:
    forms = {
        "\\frac{d}{dt} \\left(t^{2} + t\\right)": 2 * t + 1,
        "\\frac{\\mathrm{d}}{\\mathrm{d}t} t^{2}": 2 * t,
        "\\frac{d t^{2}}{d t}": 2 * t,
        "\\frac{\\partial}{\\partial w} \\sigma(w x)": x * sp.Subs(sp.Derivative(sigma(t), t), t, w * x),
        "\\frac{\\partial^{2}}{\\partial x \\partial y} x^{2} y^{3}": 6 * x * y**2,
        "\\frac{d^{2}}{d x^{2}} \\sin(x)": -sp.sin(x),
        "\\frac{\\partial^2}{\\partial x^2} e^{2x}": 4 * sp.exp(2 * x),
    }
    for text, derivative in forms.items():
        value = parse_latex(text, functions=["sigma"] if "sigma" in text else [])
        assert isinstance(value, sp.Derivative), text
        assert sp.simplify(value.doit() - derivative.doit()) == 0, text


def test_a_fraction_of_d_by_a_non_differential_is_a_fraction() -> None:
    d = sp.Symbol("d", **R)
    assert parse_latex("\\frac{d}{2}") == d / 2
    assert parse_latex("\\frac{d}{e}") == d / sp.E


def test_integrals_run_to_their_differential() -> None:
    assert parse_latex("\\int_0^1 x + 1 \\, dx") == sp.Integral(x + 1, (x, 0, 1))
    gauss = parse_latex("\\int_{-\\infty}^{\\infty} e^{-x^2} \\mathrm{d}x")
    assert gauss.doit() == sp.sqrt(sp.pi)
    assert (
        parse_latex("\\int_0^1 \\sum_{i=1}^{n} i x \\, dx + 1")
        == sp.Integral(sp.Sum(i * x, (i, 1, n)), (x, 0, 1)) + 1
    )
    assert parse_latex("\\int dx") == sp.Integral(1, x)
    for text, says in [
        ("\\int_0^1 x", "expected the dx"),
        ("\\int_0 x dx", "both bounds or none"),
        ("\\iint_0^1 x y dx dy", "both bounds or none"),
        ("\\int x \\, d", "expected the dx"),
    ]:
        with pytest.raises(SymntkError, match=says):
            parse_latex(text)


def test_unicode_and_sized_delimiters() -> None:
    assert parse_latex("σ · π − x ≥ 0".replace(" ≥ 0", "")) == sigma_s * sp.pi - x
    assert parse_latex("\\Bigl( x \\Bigr) \\left\\lvert y \\right\\rvert") == x * sp.Abs(y)
    assert parse_latex("|x| |y|") == sp.Abs(x) * sp.Abs(y)
    assert parse_latex("\\max\\{a, b\\}") == sp.Max(a, b)


def test_conditions_are_relations_and_chains_are_conjunctions() -> None:
    assert parse_condition("c^2 < a b") == sp.StrictLessThan(c**2, a * b)
    assert parse_condition("0 \\le x < 1") == sp.And(sp.LessThan(0, x), sp.StrictLessThan(x, 1))
    assert parse_condition("x \\neq y") == sp.Ne(x, y)
    assert parse_condition("x ≥ 2") == sp.GreaterThan(x, 2)
    with pytest.raises(SymntkError, match="not a domain condition"):
        parse_condition("x = 1")
    with pytest.raises(SymntkError, match="expected a relation"):
        parse_condition("x + 1")
    with pytest.raises(SymntkError, match="always true"):
        parse_condition("1 < 2")


def test_positive_symbols_and_their_names() -> None:
    parsed = parse_texts(["\\sqrt{a b}", "\\sqrt{a} \\sqrt{b}"], positive=["a", "b"])
    lhs, rhs = parsed.values
    assert lhs == rhs  # positive symbols: SymPy itself splits the root
    assert parsed.symbols["a"].is_positive
    alpha_l = parse_latex("\\alpha^{(\\ell)}", positive=["\\alpha^{(\\ell)}"])
    assert alpha_l == sp.Symbol("alpha^(ell)", positive=True)
    assert parse_latex("x_{i,j}", positive=["x_{i,j}"]) == sp.Symbol("x_i,j", positive=True)
    assert parse_latex("\\sqrt{a b}", positive="a,b") == sp.sqrt(a * b).subs(
        {a: sp.Symbol("a", positive=True), b: sp.Symbol("b", positive=True)}
    )


def test_declaring_a_name_no_expression_uses_is_an_error() -> None:
    with pytest.raises(SymntkError, match="do not use"):
        parse_latex("x + y", positive=["z"])
    with pytest.raises(SymntkError, match="do not use"):
        parse_latex("x + y", functions=["sigma"])
    with pytest.raises(SymntkError, match="both a function and a positive"):
        parse_latex("f(x)", functions=["f"], positive=["f"])
    with pytest.raises(SymntkError, match="expects symbol names"):
        parse_latex("x", positive=["x + 1"])


def test_the_module_doctests_pass() -> None:
    failures, tried = doctest.testmod(latex_module, verbose=False)
    assert tried > 0
    assert failures == 0


def test_parse_latex_is_part_of_the_public_api() -> None:
    import symntk

    assert symntk.parse_latex is parse_latex
