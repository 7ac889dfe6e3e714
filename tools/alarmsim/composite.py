"""Composite alarm rules: ALARM(x), OK(x), INSUFFICIENT_DATA(x), TRUE, FALSE, AND, OR, NOT, parentheses.

NOT binds tightest, then AND, then OR; parentheses group. An alarm is named by its name or ARN, quoted or not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

__all__ = ["RuleError", "Rule", "parse_rule", "alarm_name_from_reference"]

_STATE_FUNCTIONS = ("ALARM", "OK", "INSUFFICIENT_DATA")
_TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|\'[^\']*\'|[^\s()]+)')
MAX_RULE_LENGTH = 10240


class RuleError(ValueError):
    """A composite rule that does not follow the grammar; the message names the problem and what is allowed."""


def alarm_name_from_reference(reference: str) -> str:
    """The alarm name in an ARN (``arn:aws:cloudwatch:region:account:alarm:NAME``) or the reference itself.

    Example
    -------
    >>> alarm_name_from_reference("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:app-prod-x")
    'app-prod-x'
    """
    if reference.startswith("arn:") and ":alarm:" in reference:
        return reference.split(":alarm:", 1)[1]
    return reference


@dataclass(frozen=True)
class _Node:
    kind: str  # const, state, and, or, not
    value: object = None
    args: tuple = ()


@dataclass(frozen=True)
class Rule:
    """A parsed rule.

    Example
    -------
    >>> rule = parse_rule('ALARM("a") AND NOT (OK(b) OR FALSE)')
    >>> rule.evaluate({"a": "ALARM", "b": "INSUFFICIENT_DATA"}), sorted(rule.alarm_names())
    (True, ['a', 'b'])
    """

    text: str
    root: _Node

    def alarm_names(self) -> set[str]:
        """Names of the alarms the rule reads."""
        found: set[str] = set()

        def walk(node: _Node) -> None:
            if node.kind == "state":
                found.add(str(node.value[1]))  # type: ignore[index]
            for child in node.args:
                walk(child)

        walk(self.root)
        return found

    def evaluate(self, states: Mapping[str, str]) -> bool:
        """True when the rule holds for the given alarm states (an unknown alarm counts as INSUFFICIENT_DATA)."""
        return self._eval(self.root, states)

    def _eval(self, node: _Node, states: Mapping[str, str]) -> bool:
        if node.kind == "const":
            return bool(node.value)
        if node.kind == "state":
            wanted, name = node.value  # type: ignore[misc]
            return states.get(name, "INSUFFICIENT_DATA") == wanted
        if node.kind == "not":
            return not self._eval(node.args[0], states)
        if node.kind == "and":
            return all(self._eval(child, states) for child in node.args)
        return any(self._eval(child, states) for child in node.args)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [m.group(1) for m in _TOKEN.finditer(text)]
        self.index = 0

    def _error(self, message: str) -> RuleError:
        return RuleError(f"alarm rule {self.text[:80]!r}: {message} (allowed: ALARM(x), OK(x), "
                         "INSUFFICIENT_DATA(x), TRUE, FALSE, AND, OR, NOT, parentheses)")

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self._error("unexpected end")
        self.index += 1
        return token

    def parse(self) -> _Node:
        if not self.tokens:
            raise self._error("rule is empty")
        node = self.or_()
        if self.peek() is not None:
            raise self._error(f"unexpected {self.peek()!r}")
        return node

    def or_(self) -> _Node:
        items = [self.and_()]
        while (self.peek() or "").upper() == "OR":
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else _Node("or", None, tuple(items))

    def and_(self) -> _Node:
        items = [self.not_()]
        while (self.peek() or "").upper() == "AND":
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else _Node("and", None, tuple(items))

    def not_(self) -> _Node:
        if (self.peek() or "").upper() == "NOT":
            self.take()
            return _Node("not", None, (self.not_(),))
        return self.atom()

    def atom(self) -> _Node:
        token = self.take()
        upper = token.upper()
        if token == "(":
            node = self.or_()
            if self.take() != ")":
                raise self._error("missing ')'")
            return node
        if upper in ("TRUE", "FALSE"):
            return _Node("const", upper == "TRUE")
        if upper in _STATE_FUNCTIONS:
            if self.take() != "(":
                raise self._error(f"{upper} must be followed by (alarm)")
            argument = self.take()
            if argument == ")":
                raise self._error(f"{upper}() needs an alarm name or ARN")
            if argument[0] in "\"'":
                argument = argument[1:-1]
            if self.take() != ")":
                raise self._error(f"{upper}({argument} is missing ')'")
            return _Node("state", (upper, alarm_name_from_reference(argument)))
        raise self._error(f"unexpected {token!r}")


def parse_rule(text: str) -> Rule:
    """Parse a composite alarm rule.

    Raises
    ------
    RuleError
        One line naming the problem and the grammar.

    Example
    -------
    >>> parse_rule("TRUE").evaluate({})
    True
    """
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(f"alarm rule is {len(text)} characters (allowed: at most {MAX_RULE_LENGTH})")
    return Rule(text, _Parser(text).parse())
