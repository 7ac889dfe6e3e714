"""Metric math for alarms: the subset CloudWatch alarms in this app use, evaluated over aligned series.

Supported: numbers, metric ids, + - * / ^, unary minus, comparisons (< > <= >= == !=, giving 1 or 0),
AND/&&, OR/||, NOT, arrays ``[a, b]``, and the functions ABS, CEIL, FLOOR, IF, FILL (value, REPEAT, LINEAR),
MAX, MIN, SUM, AVG (of an array: element-wise), METRICS(). A missing point (None) stays missing through
arithmetic; dividing by zero gives a missing point; FILL replaces missing points.

Series are evaluated as numpy arrays (a missing point is NaN), so a week of minutes costs a few array
operations per node; :meth:`Expression.evaluate` takes and returns plain lists with None.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping, Sequence, Union

import numpy as np

__all__ = ["MathError", "Expression", "parse_expression", "to_array", "to_list"]

Series = list  # list[float | None], one entry per evaluation step
Value = Union[float, "Series", tuple]  # tuple = array of series (from [a, b] or METRICS())


class MathError(ValueError):
    """An expression the simulator cannot parse or evaluate; the message names the problem and what is allowed."""


_TOKEN = re.compile(r"\s*(?:(\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|&&|\|\||"
                    r"[-+*/^()<>,\[\]])|(\"[^\"]*\"|'[^']*'))")
_NUMBER_FULL = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")
FUNCTIONS = ("ABS", "CEIL", "FLOOR", "IF", "FILL", "MAX", "MIN", "SUM", "AVG", "METRICS")


@dataclass(frozen=True)
class _Node:
    kind: str  # num, id, str, op, neg, not, call, array
    value: object = None
    args: tuple = ()


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match:
            raise MathError(f"expression {text!r}: unexpected character at {position + 1}: {text[position]!r}")
        number = _NUMBER_FULL.match(text, match.start(1)) if match.group(1) else None
        if number:
            tokens.append(number.group(0))
            position = number.end()
            continue
        tokens.append(match.group(2) or match.group(3) or match.group(4))
        position = match.end()
    return tokens


class _Parser:
    _LEVELS = (("OR", "||"), ("AND", "&&"), ("==", "!=", "<", ">", "<=", ">="), ("+", "-"), ("*", "/"))

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token.upper() != expected):
            raise MathError(f"expression {self.text!r}: expected {expected or 'more input'}, got {token or 'end'}")
        self.index += 1
        return token

    def parse(self) -> _Node:
        node = self.binary(0)
        if self.peek() is not None:
            raise MathError(f"expression {self.text!r}: unexpected {self.peek()!r}")
        return node

    def binary(self, level: int) -> _Node:
        if level == len(self._LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (self.peek() or "").upper() in self._LEVELS[level]:
            operator = self.take().upper()
            operator = {"&&": "AND", "||": "OR"}.get(operator, operator)
            node = _Node("op", operator, (node, self.binary(level + 1)))
        return node

    def unary(self) -> _Node:
        token = (self.peek() or "").upper()
        if token == "-":
            self.take()
            return _Node("neg", None, (self.unary(),))
        if token == "NOT":
            self.take()
            return _Node("not", None, (self.unary(),))
        return self.power()

    def power(self) -> _Node:
        base = self.atom()
        if self.peek() == "^":
            self.take()
            return _Node("op", "^", (base, self.unary()))
        return base

    def atom(self) -> _Node:
        token = self.take()
        if token == "(":
            node = self.binary(0)
            self.take(")")
            return node
        if token == "[":
            items = [self.binary(0)]
            while self.peek() == ",":
                self.take()
                items.append(self.binary(0))
            self.take("]")
            return _Node("array", None, tuple(items))
        if token[0] in "\"'":
            return _Node("str", token[1:-1])
        if _NUMBER_FULL.fullmatch(token):
            return _Node("num", float(token))
        if self.peek() == "(":
            name = token.upper()
            if name not in FUNCTIONS:
                raise MathError(f"expression {self.text!r}: function {token} is not supported "
                                f"(allowed: {', '.join(FUNCTIONS)})")
            self.take("(")
            args: list[_Node] = []
            if self.peek() != ")":
                args.append(self.binary(0))
                while self.peek() == ",":
                    self.take()
                    args.append(self.binary(0))
            self.take(")")
            return _Node("call", name, tuple(args))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
            raise MathError(f"expression {self.text!r}: unexpected {token!r}")
        return _Node("id", token)


def _lift(value: Value, length: int):
    if isinstance(value, tuple):
        raise MathError("an array can only be used inside MAX, MIN, SUM or AVG")
    if isinstance(value, str):
        raise MathError(f"{value!r} can only be the second argument of FILL")
    return value if isinstance(value, np.ndarray) else np.full(length, float(value))


def _missing_where(result, *inputs):
    """NaN wherever an input is missing (comparisons and logic would otherwise turn NaN into 0 or 1)."""
    mask = np.zeros(result.shape, dtype=bool)
    for item in inputs:
        mask |= np.isnan(item)
    return np.where(mask, np.nan, result)


def _binary(operator: str, a, b):
    with np.errstate(all="ignore"):
        if operator == "+":
            return a + b
        if operator == "-":
            return a - b
        if operator == "*":
            return a * b
        if operator == "/":
            return np.where(b == 0, np.nan, a / np.where(b == 0, 1.0, b))
        if operator == "^":
            result = np.power(a, b)
            return np.where(np.isfinite(result), result, np.nan)
        if operator == "AND":
            return _missing_where(((a != 0) & (b != 0)).astype(float), a, b)
        if operator == "OR":
            return _missing_where(((a != 0) | (b != 0)).astype(float), a, b)
        compare = {"<": np.less, ">": np.greater, "<=": np.less_equal, ">=": np.greater_equal,
                   "==": np.equal, "!=": np.not_equal}[operator]
        return _missing_where(compare(a, b).astype(float), a, b)


def _fill(series: Value, how: Value, length: int):
    values = _lift(series, length)
    if isinstance(how, str):
        mode = how.upper()
        known = np.flatnonzero(~np.isnan(values))
        if mode == "REPEAT":
            if not len(known):
                return values.copy()
            index = np.where(~np.isnan(values), np.arange(length), -1)
            index = np.maximum.accumulate(index)
            return np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
        if mode == "LINEAR":
            result = values.copy()
            if len(known) >= 2:
                inner = np.arange(known[0], known[-1] + 1)
                result[inner] = np.interp(inner, known, values[known])
            return result
        raise MathError(f"FILL mode {how!r} is not supported (allowed: a number, a series, REPEAT, LINEAR)")
    filler = _lift(how, length)
    return np.where(np.isnan(values), filler, values)


def _reduce(name: str, args: tuple, length: int):
    if len(args) == 1 and isinstance(args[0], tuple):
        members = [_lift(m, length) for m in args[0]]
    elif len(args) >= 2:
        members = [_lift(m, length) for m in args]
    else:
        raise MathError(f"{name} of a single series is not supported in alarms (allowed: {name}([a, b, ...]))")
    stacked = np.vstack(members)
    present = ~np.isnan(stacked)
    none = ~present.any(axis=0)
    with np.errstate(all="ignore"):
        if name == "MAX":
            result = np.where(present, stacked, -np.inf).max(axis=0)
        elif name == "MIN":
            result = np.where(present, stacked, np.inf).min(axis=0)
        elif name == "SUM":
            result = np.where(present, stacked, 0.0).sum(axis=0)
        else:
            result = np.where(present, stacked, 0.0).sum(axis=0) / np.maximum(present.sum(axis=0), 1)
    return np.where(none, np.nan, result)


def to_array(series: Sequence[float | None]):
    """A list with None for missing points as a float array with NaN.

    Example
    -------
    >>> to_array([1.0, None]).tolist()
    [1.0, nan]
    """
    return np.array([math.nan if v is None else float(v) for v in series], dtype=float)


def to_list(array) -> list[float | None]:
    """The inverse of :func:`to_array`.

    Example
    -------
    >>> to_list(to_array([1.0, None]))
    [1.0, None]
    """
    return [None if math.isnan(v) else v for v in array.tolist()]


@dataclass(frozen=True)
class Expression:
    """A parsed metric-math expression.

    Example
    -------
    >>> expr = parse_expression("IF(inv >= 10, 100 * err / inv, 0)")
    >>> expr.evaluate({"err": [1.0, 5.0, None], "inv": [100.0, 5.0, 50.0]}, 3)
    [1.0, 0.0, None]
    """

    text: str
    root: _Node

    def identifiers(self) -> set[str]:
        """Metric or expression ids the expression reads.

        Example
        -------
        >>> sorted(parse_expression("FILL(m1, 0) / m2").identifiers())
        ['m1', 'm2']
        """
        found: set[str] = set()

        def walk(node: _Node) -> None:
            if node.kind == "id" and str(node.value).upper() not in ("REPEAT", "LINEAR"):
                found.add(str(node.value))
            for child in node.args:
                walk(child)

        walk(self.root)
        return found

    def evaluate(self, variables: Mapping[str, Series], length: int,
                 metric_ids: Sequence[str] | None = None) -> Series:
        """Evaluate over series (lists, None = missing) of equal ``length``; a scalar result is repeated.

        ``metric_ids`` are the ids METRICS() returns (default: every variable).

        Raises
        ------
        MathError
            Unknown id or unsupported construct.
        """
        arrays = {name: to_array(series) for name, series in variables.items()}
        return to_list(self.evaluate_arrays(arrays, length, metric_ids))

    def evaluate_arrays(self, variables: Mapping[str, "np.ndarray"], length: int,
                        metric_ids: Sequence[str] | None = None) -> "np.ndarray":
        """:meth:`evaluate` on float arrays with NaN for missing points (what the simulator uses)."""
        scope = dict(variables)
        scope["\0metrics"] = tuple(variables[i] for i in (metric_ids if metric_ids is not None else sorted(variables)))
        return _lift(self._eval(self.root, scope, length), length)

    def _eval(self, node: _Node, variables: Mapping[str, object], length: int) -> Value:
        if node.kind == "num":
            return float(node.value)  # type: ignore[arg-type]
        if node.kind == "str":
            return str(node.value)  # type: ignore[return-value]
        if node.kind == "id":
            name = str(node.value)
            if name.upper() in ("REPEAT", "LINEAR"):
                return name.upper()  # type: ignore[return-value]
            if name not in variables:
                known = ", ".join(sorted(k for k in variables if not k.startswith("\0")))
                raise MathError(f"expression {self.text!r}: unknown id {name!r} (known: {known})")
            return variables[name]  # type: ignore[return-value]
        if node.kind == "array":
            return tuple(self._eval(child, variables, length) for child in node.args)
        if node.kind == "neg":
            return -_lift(self._eval(node.args[0], variables, length), length)
        if node.kind == "not":
            value = _lift(self._eval(node.args[0], variables, length), length)
            return _missing_where((value == 0).astype(float), value)
        if node.kind == "op":
            left, right = (_lift(self._eval(child, variables, length), length) for child in node.args)
            return _binary(str(node.value), left, right)
        return self._call(str(node.value), node.args, variables, length)

    def _call(self, name: str, arg_nodes: tuple, variables: Mapping[str, object], length: int) -> Value:
        if name == "METRICS":
            return variables["\0metrics"]  # type: ignore[return-value]
        args = tuple(self._eval(child, variables, length) for child in arg_nodes)
        if name in ("ABS", "CEIL", "FLOOR"):
            if len(args) != 1:
                raise MathError(f"{name} takes one argument")
            function = {"ABS": np.abs, "CEIL": np.ceil, "FLOOR": np.floor}[name]
            return function(_lift(args[0], length))
        if name == "IF":
            if len(args) not in (2, 3):
                raise MathError("IF takes 2 or 3 arguments: IF(condition, true_value[, false_value])")
            condition = _lift(args[0], length)
            when_true = _lift(args[1], length)
            when_false = _lift(args[2], length) if len(args) == 3 else np.full(length, np.nan)
            return _missing_where(np.where(condition != 0, when_true, when_false), condition)
        if name == "FILL":
            if len(args) != 2:
                raise MathError("FILL takes 2 arguments: FILL(series, value | REPEAT | LINEAR)")
            return _fill(args[0], args[1], length)
        return _reduce(name, args, length)


def parse_expression(text: str) -> Expression:
    """Parse a metric-math expression.

    Raises
    ------
    MathError
        One line naming what is wrong and what is allowed.

    Example
    -------
    >>> parse_expression("m1 + m2 * 2").evaluate({"m1": [1.0], "m2": [2.0]}, 1)
    [5.0]
    """
    if not text or not text.strip():
        raise MathError("expression is empty")
    return Expression(text, _Parser(text).parse())
