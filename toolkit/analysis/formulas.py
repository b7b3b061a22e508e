"""Wilkinson formulas read as formulas only: nothing in a formula is run as Python.

formulaic evaluates the factors of a formula (``{...}``, ``bs(year)``, ``np.log(x)``) as Python expressions,
so a formula from a config could run any code. :func:`check_formula` reads the formula first, by its own
scanner, and lets through only this grammar: names of columns, numbers, the operators ``+ - * : / ** ( )``,
and calls of the functions in ``FUNCTIONS`` (and ``np.<name>`` for ``NUMPY``) whose arguments are columns,
such calls, or constants (numbers, true/false, lists of numbers; keyword arguments such as ``df=3``). Every
factor is parsed by Python's ``ast`` and checked node by node; anything else (``{...}``, backquotes, quoted
text, attributes, subscripts, lambdas, names with ``__``) is refused with the offending term named. Quoted text
is refused even as an argument: formulaic's tokenizer and this scanner could then disagree on where a call
ends.
"""

from __future__ import annotations

import ast
import re
import unicodedata

from ..errors import ToolkitError

# formulaic's transforms that compute only from their arguments.
FUNCTIONS = ("C", "bs", "cr", "cs", "cc", "poly", "center", "scale", "log", "log2", "log10", "exp")
NUMPY = ("log", "log1p", "log2", "log10", "exp", "sqrt", "abs")
OPERATORS = "+ - * : / ** ( )"
_NAME = re.compile(r"[\w.]+")
_NUMBER = re.compile(r"\d*\.?\d+(?:[eE][-+]?\d+)?")
_GRAMMAR = (
    f"a formula holds column names, numbers, {OPERATORS} and the functions "
    f"{', '.join(FUNCTIONS)}, {', '.join('np.' + f for f in NUMPY)} (keyword arguments such as df=3)"
)


MAX_LENGTH = 2_000  # characters of a formula: a model of a few dozen terms fits in a few hundred
MAX_DEPTH = 20  # parentheses inside one another
MAX_POWER = 5  # the exponent of a group's power: interactions of up to five factors (formulaic's time is exponential in it)
MAX_EXPANDED = 2_000  # the terms a group's power expands to
# a spline's or polynomial's degrees of freedom (df=, degree=, a number given to it) and the length of a list given
# to it: bs(year, df=10000000) made a design matrix past 5 GB; a model of a few hundred documents takes a few
MAX_ARGUMENT = 50


def check_formula(formula: str, what: str = "effects.formula") -> list[str]:
    """The column names ``formula`` uses, in order; raises ToolkitError naming the first term outside the
    grammar (see the module's docstring), or a formula too long or too deeply nested to be a model."""
    if len(formula) > MAX_LENGTH:
        raise ToolkitError(
            f"{what} is {len(formula):,} characters long, above the limit of {MAX_LENGTH:,}; write a shorter formula"
        )
    depth = deepest = 0
    for char in formula:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise ToolkitError(
            f"{what} nests {deepest} parentheses inside one another, above the limit of {MAX_DEPTH}; write a flatter formula"
        )
    try:
        return _check(formula, what)
    except (RecursionError, MemoryError):
        raise ToolkitError(
            f"{what} is too deeply nested to read (too many operators or calls inside one another); write a simpler formula"
        ) from None


def called_functions(formula: str) -> list[str]:
    """The names ``formula`` calls, in order: ``C``, ``bs``, ``log`` ..., and ``np`` for ``np.log(...)`` (a
    formula :func:`check_formula` passed)."""
    return list(dict.fromkeys(name.split(".")[0] for name in re.findall(r"([A-Za-z_][\w.]*)\s*\(", formula)))


def check_syntax(formula: str, what: str = "effects.formula") -> None:
    """Raise ToolkitError when formulaic cannot parse ``formula`` (``year +``, ``(year``): its syntax error, which
    escaped as a traceback, on one line. Parsing evaluates nothing (the factors are evaluated when a matrix is
    made); call it on a formula :func:`check_formula` passed, once its names are known to be columns (a column
    with a space in its name is a syntax error too, better said as such)."""
    import formulaic

    try:
        formulaic.Formula(formula)
    except Exception as exc:  # formulaic's FormulaSyntaxError and the parser's other errors on a malformed formula
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
        reason = text.splitlines()[0].rstrip(".") if text else type(exc).__name__
        raise ToolkitError(f"{what} {formula!r} is not a formula: {reason}; write terms joined by + (year + place)") from None
    if not {str(term) for term in formulaic.Formula(formula)} - {"1", "0"}:  # 1, (1), year - year: an intercept alone
        raise ToolkitError(
            f"{what} {formula!r} leaves no term of a column (1, year - year): it estimates no covariate's effect "
            "(an intercept alone would be written as one); name columns (year + level), or give '' for no effects"
        )
    _no_term_lost(formula, what)  # here, not in check_formula: formulaic's parser imports pandas, which a config's
    # check (`toolkit config`, `--help`) does without


def _check(formula: str, what: str) -> list[str]:
    for written in _NAME.findall(formula):
        if (plain := unicodedata.normalize("NFKC", written)) != written:  # as Python, and formulaic, read names
            if power := re.search("[⁰¹²³⁴⁵⁶⁷⁸⁹]+", written):  # year² is no name year2 (a review)
                base = written[: power.start()]
                raise ToolkitError(
                    f"{what}: {written!r} writes a power as a superscript; write poly({base}, "
                    f"{unicodedata.normalize('NFKC', power[0])}) for the polynomial"
                )
            raise ToolkitError(
                f"{what}: {written!r} is written in full-width or other compatibility letters, which Python reads as "
                f"{plain!r}; write {plain!r}"
            )
    names: list[str] = []
    i = 0
    while i < len(formula):
        char = formula[i]
        if char.isspace():
            i += 1
        elif formula.startswith("**", i):
            _check_power(formula, i, what)
            i += 2
        elif char in "+-*:/()":
            i += 1
        elif char.isdigit() or (char == "." and formula[i + 1 : i + 2].isdigit()):
            end = _NUMBER.match(formula, i).end()
            if end < len(formula) and _NAME.match(formula[end]):
                _refuse(formula, i, what)
            i = end
        elif char == "_" or char.isidentifier():
            name = _NAME.match(formula, i)
            if name is None:  # a letter Python takes that \w does not (℘, ℮): an AttributeError's traceback
                _refuse(formula, i, what)
            end = name.end()
            after = end
            while after < len(formula) and formula[after].isspace():
                after += 1
            if after < len(formula) and formula[after] == "(":
                end = _closing(formula, i, after, what)
            names += _factor_names(formula[i:end], what)
            i = end
        else:
            _refuse(formula, i, what)
    return list(dict.fromkeys(names))


def _check_power(formula: str, at: int, what: str) -> None:
    """Refuse the power at ``at`` (``**``) of a group whose expansion formulaic would take minutes or hours to make:
    an exponent above :data:`MAX_POWER`, or more than :data:`MAX_EXPANDED` interactions of the group's terms
    ((year + place)**24 passed, and a run spent over an hour in formulaic's parse before any message: a mutation
    audit; its time grows exponentially with the exponent)."""
    from math import comb

    exponent = re.match(r"\*\*\s*\(*\s*(\d+(?:\.\d*)?)", formula[at:])
    if exponent is None:
        return
    n = float(exponent.group(1))
    if n > MAX_POWER:
        raise ToolkitError(
            f"{what}: **{exponent.group(1)} asks for interactions of up to {exponent.group(1)} factors, above the limit "
            f"of {MAX_POWER}; use a smaller power, or write the interactions you mean (a:b)"
        )
    before = formula[:at].rstrip()
    if not before.endswith(")"):
        return  # a single term's power: _no_term_lost says what it is
    depth, start = 0, len(before) - 1
    while start >= 0:
        depth += {")": 1, "(": -1}.get(before[start], 0)
        if depth == 0:
            break
        start -= 1
    inner, depth, terms = before[start + 1 : -1], 0, 1
    for char in inner:
        depth += {"(": 1, ")": -1}.get(char, 0)
        terms += char == "+" and depth == 0
    expanded = sum(comb(terms, k) for k in range(1, int(n) + 1))
    if expanded > MAX_EXPANDED:
        raise ToolkitError(
            f"{what}: ({inner.strip()[:40]}{'...' if len(inner.strip()) > 40 else ''})**{exponent.group(1)} expands to "
            f"{expanded:,} terms, above the limit of {MAX_EXPANDED:,}; use a smaller power or fewer terms"
        )


def _no_term_lost(formula: str, what: str) -> None:
    """Refuse what a formula writes that it does not fit: the power of a single term (``x**2``, ``(year - 1)**2``,
    ``(year:place)**2``: ** raises a group of terms to their interactions, so a single term's power is that term,
    fitted alone where a quadratic was meant) and a term crossed with itself (``year*year``, ``(year):year``: the same,
    in silence). Read on formulaic's parse of the formula (its terms; no factor is evaluated), once the scanner has
    let it through and formulaic has parsed it (:func:`check_syntax`)."""
    from formulaic.parser import DefaultFormulaParser

    try:
        tree = DefaultFormulaParser().get_ast(formula)
    except Exception:  # formulaic's syntax errors, said by check_syntax in the user's words
        return

    def single(node) -> str:
        terms = {str(term) for term in node.to_terms()} - {"1", "0"} if hasattr(node, "to_terms") else set()
        return next(iter(terms)) if len(terms) == 1 else ""

    nodes = [tree]
    while nodes:
        node = nodes.pop()
        args = getattr(node, "args", None)
        if not args:
            continue
        nodes.extend(args)
        operator = str(getattr(node, "operator", ""))
        if operator == "**" and len(args) == 2 and (term := single(args[0])):
            n, written = str(args[1]), f"({term})" if ":" in term else term
            raise ToolkitError(
                f"{what}: {written}**{n} is no power of {term}: ** raises a group of terms to their interactions "
                f"((a + b)**2 is a + b + a:b), so {written}**{n} is {term} alone; "
                + (f"for a polynomial write poly({term}, {n})" if term.isidentifier() else "write the term once")
            )
        if operator in ("*", ":") and len(args) == 2 and (term := single(args[0])) and term == single(args[1]):
            raise ToolkitError(
                f"{what}: {term}{operator}{term} is {term} alone (a term crossed with itself is itself); "
                + (f"for a square write poly({term}, 2)" if term.isidentifier() else "write the term once")
            )


def _closing(formula: str, term: int, start: int, what: str) -> int:
    """The index after the parenthesis that closes the one at ``start`` (of the call that begins at ``term``)."""
    depth, i = 0, start
    while i < len(formula):
        char = formula[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ToolkitError(f"{what}: {formula[term:]!r} opens a parenthesis that is never closed")


NAMING = "a formula names a column as Python names things (letters, digits not first, _)"


def formula_name(column: str) -> str:
    """A name a formula can write for a metadata column that no formula can name as it is (city tier, gdp.growth,
    2020gdp): what a user may rename it to."""
    renamed = re.sub(r"\W+", "_", str(column)).strip("_")
    return renamed if renamed.isidentifier() else f"x_{renamed}"


def _refuse(formula: str, i: int, what: str):
    """Raise naming the term that starts at ``i``: a ``{...}`` or backquoted block whole, else up to the next
    space or operator."""
    closing = {"{": "}", "`": "`", "[": "]", "'": "'", '"': '"'}.get(formula[i])
    end = formula.find(closing, i + 1) + 1 if closing else 0
    if end <= 0:
        end = i + 1
        while end < len(formula) and not formula[end].isspace() and formula[end] not in "+-*:/()":
            end += 1
    term = formula[i:end]
    if (plain := unicodedata.normalize("NFKC", term)) != term and any(c in plain for c in "+-*:/()"):
        # ＋, （ of a Chinese input method: the signs are the ASCII ones (a hostile pass: refused without a word why)
        raise ToolkitError(f"{what}: {term!r} holds full-width signs of a Chinese input method; write {plain!r}")
    if re.fullmatch(r"[\w.（）]+", term):  # gdp.growth, 2020gdp, gdp（亿元）: a column's name no formula can write
        raise ToolkitError(
            f"{what}: {term!r} is not allowed: {NAMING}; if it is a column of the metadata, rename it there "
            f"({formula_name(term)!r}) and use that name; {_GRAMMAR}"
        )
    raise ToolkitError(f"{what}: {term!r} is not allowed: {_GRAMMAR}; nothing in a formula is run as Python")


def _factor_names(term: str, what: str) -> list[str]:
    """The column names of one factor (``year``, ``bs(year, df=3)``), checked against the grammar."""
    try:
        tree = ast.parse(term.strip(), mode="eval")
    except (SyntaxError, ValueError):
        raise ToolkitError(f"{what}: {term!r} is not a term of a formula: {_GRAMMAR}") from None
    return _expression(tree.body, term, what)


def _expression(node: ast.AST, term: str, what: str) -> list[str]:
    if isinstance(node, ast.Name):
        if "__" in node.id:
            raise ToolkitError(f"{what}: {term!r} is not allowed: names with '__' are not columns; {_GRAMMAR}")
        return [node.id]
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Name) and function.id in FUNCTIONS:
            pass
        elif (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "np"
            and function.attr in NUMPY
        ):
            pass
        else:
            raise ToolkitError(
                f"{what}: {term!r} is not allowed: {ast.unparse(function)}() is not one of the "
                f"functions a formula may call; {_GRAMMAR}"
            )
        names = []
        for argument in node.args:
            if _is_constant(argument):
                _check_size(argument, term, what)
            else:
                names += _expression(argument, term, what)
        for keyword in node.keywords:
            if keyword.arg is None or "__" in keyword.arg or not _is_constant(keyword.value):
                raise ToolkitError(
                    f"{what}: {term!r} is not allowed: a keyword argument's value must be a "
                    f"number or a list of numbers; {_GRAMMAR}"
                )
            if keyword.arg == "levels":  # C(x, levels=[...]): a value not listed made its documents missing, silently
                raise ToolkitError(
                    f"{what}: {term!r} is not allowed: a category's levels are the values of its column (a document "
                    "whose value is not listed would be left out); write C(column)"
                )
            _check_size(keyword.value, term, what, counts=keyword.arg in ("df", "degree"))
        return names
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):  # only inside a call: the scanner splits a term at its operators
        raise ToolkitError(
            f"{what}: {term!r} is not allowed: a function's arguments are columns, not arithmetic "
            f"({ast.unparse(node)}); use np.log1p(x) for log(x + 1), center(x) or scale(x) to shift or scale a column"
        )
    if isinstance(node, ast.Attribute):  # gdp.growth: a column's name no formula can write (os.system: no column)
        raise ToolkitError(
            f"{what}: {term!r} is not allowed: {NAMING}; if it is a column of the metadata, rename it there "
            f"({formula_name(ast.unparse(node))!r}) and use that name; {_GRAMMAR}"
        )
    raise ToolkitError(f"{what}: {term!r} is not allowed: {_GRAMMAR}")


def _check_size(node: ast.AST, term: str, what: str, *, counts: bool = True) -> None:
    """Refuse a constant argument that would make a design matrix without end: a list longer than MAX_ARGUMENT, or,
    where ``counts`` (a positional number, df=, degree=: degrees of freedom, not a knot's place), a number above it."""
    if isinstance(node, (ast.List, ast.Tuple)):
        if len(node.elts) > MAX_ARGUMENT:
            raise ToolkitError(f"{what}: {term!r} gives a list of {len(node.elts)} numbers, above the limit of {MAX_ARGUMENT}")
        return
    value = node.value if isinstance(node, ast.Constant) else None
    if counts and isinstance(value, (int, float)) and not isinstance(value, bool) and value > MAX_ARGUMENT:
        raise ToolkitError(
            f"{what}: {term!r} asks for {value:,} degrees of freedom, above the limit of {MAX_ARGUMENT}; a model of "
            "documents takes a few"
        )


def _is_constant(node: ast.AST) -> bool:
    """A number, true/false or none, a negative number, or a list or tuple of these (no text: see the module's
    docstring)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, bool)) or node.value is None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float))
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_is_constant(e) for e in node.elts)
    return False


SPLINES = ("bs", "cr", "cs", "cc")
# the parameters of formulaic's transforms that a formula may give by position, in order
POSITIONAL = {
    "bs": ("x", "df", "knots", "degree"),
    **dict.fromkeys(("cr", "cs", "cc"), ("x", "df", "knots")),
    "poly": ("x", "degree"),
}


def _number(node) -> float | None:
    """The value of a literal number in a formula's call (``df=4``), else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) else None


def columns_estimate(formula: str, data) -> int:
    """About how many columns the model matrix of ``formula`` (checked by :func:`check_formula`) has on ``data``,
    without making it: per term, the product of its factors' widths (a spline's or polynomial's degrees of freedom,
    a categorical column's levels, 1 for a number), summed over the terms. An upper bound as near as the encoding
    allows (a categorical's reference level is counted), for refusing a matrix without end before it is made."""
    import formulaic
    import pandas as pd

    def width(expr: str) -> int:
        node = ast.parse(expr, mode="eval").body
        if isinstance(node, ast.Constant):
            return 1
        if isinstance(node, ast.Name):
            column = data[node.id] if node.id in data else None
            numeric = column is None or pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)
            return 1 if numeric else max(int(column.nunique()), 1)
        if not isinstance(node, ast.Call):
            return 1
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        keywords = {k.arg: k.value for k in node.keywords}
        if name == "C":
            return width(ast.unparse(node.args[0])) if node.args and isinstance(node.args[0], ast.Name) else 1
        if name in SPLINES or name == "poly":
            # the arguments by name, those given by position too (bs(x, df, knots, degree), cr(x, df, knots),
            # poly(x, degree)): bs(x, None, [50 knots], 1) read its degree as its df, 1 column for 51
            given = dict(zip(POSITIONAL[name], node.args)) | keywords
            df, degree, knots = _number(given.get("df")), _number(given.get("degree")), given.get("knots")
            if name == "poly":
                return max(int(degree or 1), 1)
            # a column per knot and per degree (bs's default degree 3; a cubic cr, cs or cc makes as many), or df
            n_knots = len(knots.elts) if isinstance(knots, (ast.List, ast.Tuple)) else 0
            return max(int(df or 0), n_knots + int(3 if degree is None else degree), 1)
        return 1

    total = 0
    for term in formulaic.Formula(formula):
        product = 1
        for factor in term.factors:
            product *= width(str(factor.expr))
        total += product
    return total
