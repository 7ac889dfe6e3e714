"""PII redaction for log records: e-mail addresses, phone numbers, payment cards and sensitive field names.

Card-like digit runs are replaced only when they pass the Luhn check and start like a card (2-6), so order
ids and other long numbers survive. Sensitive field names match whole words of the key in any case style
(``accessToken``, ``X-Api-Key``, ``user_password``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["Redactor", "redact", "DEFAULT_SENSITIVE_FIELDS", "REDACTED", "luhn_valid"]

REDACTED = "[REDACTED]"
DEFAULT_SENSITIVE_FIELDS = (
    "password", "passwd", "pwd", "secret", "token", "authorization", "auth", "cookie", "ssn",
    "social security number", "api key", "apikey", "private key", "client secret", "credit card",
    "card number", "cvv", "cvc", "pin", "session", "credentials", "iban",
)

_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# Letters may touch the number: inside JSON text a newline before it reads as "\n4111...".
_CARD = r"(?<![\d-])[2-6](?:[ -]?\d){12,18}(?!\d)"
# International (+CC ...) or North-American (555) 123-4567 / 555-123-4567 / 555.123.4567 forms.
_PHONE = (r"(?<![\d+])(?:\+[1-9]\d{0,2}[ .-]?(?:\(?\d{1,4}\)?[ .-]?){1,4}\d{2,4}"
          r"|(?<![\d(])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?!\d)")
_PII = re.compile(f"(?P<email>{_EMAIL})|(?P<card>{_CARD})|(?P<phone>{_PHONE})")
# "password=hunter2", "api key: abc", '"token": "x"' inside free text (also exception messages): a key of one or
# two words, then = or :, then the value. One generic pattern, the key checked by is_sensitive_key: compiling an
# alternation of every sensitive name took ~6 ms of each cold start.
_INLINE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z][A-Za-z0-9_-]*)?)"
    r"([\"']?\s*[=:]\s*[\"']?)((?:(?:[Bb]earer|[Bb]asic|[Dd]igest)\s+)?[^\s\"',;&}]+)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn checksum used by payment cards.

    Example
    -------
    >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
    (True, False)
    """
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _words(name: str) -> tuple[str, ...]:
    return tuple(word for word in _WORD_SPLIT.split(_CAMEL.sub("_", name).lower()) if word)


def _replace(match: re.Match[str]) -> str:
    if match.lastgroup == "card":
        digits = re.sub(r"\D", "", match.group(0))
        if not (13 <= len(digits) <= 19 and luhn_valid(digits)):
            # The run may have swallowed a card (e.g. "\u9de2 4111..." reads "2 4111..."): rescan from the next
            # character, so a shorter valid card inside it is still found.
            text = match.group(0)
            return text[0] + _PII.sub(_replace, text[1:])
    return REDACTED


class Redactor:
    """Replaces PII in strings and nested structures.

    Parameters
    ----------
    extra_fields : Iterable[str]
        Field names to redact in addition to :data:`DEFAULT_SENSITIVE_FIELDS`.
    skip_keys : Iterable[str]
        Top-level keys never scanned (only for keys no caller can set; extras can override any other key).

    Example
    -------
    >>> Redactor(extra_fields=["dob"]).redact({"dob": "1990-01-01", "note": "mail a@b.io"})
    {'dob': '[REDACTED]', 'note': 'mail [REDACTED]'}
    """

    def __init__(self, extra_fields: Iterable[str] = (), skip_keys: Iterable[str] = ()) -> None:
        self._sensitive = tuple({_words(name) for name in (*DEFAULT_SENSITIVE_FIELDS, *extra_fields)} - {()})
        self._skip = frozenset(skip_keys)
        self._key_cache: dict[str, bool] = {}
        # Most logged strings repeat (ARNs, request ids, fixed messages): remember their redacted form.
        self._text_cache: dict[str, str] = {}

    def is_sensitive_key(self, key: str) -> bool:
        """Whether a field named ``key`` holds a secret (its words contain a sensitive name).

        Example
        -------
        >>> Redactor().is_sensitive_key("accessToken"), Redactor().is_sensitive_key("shipping")
        (True, False)
        """
        cached = self._key_cache.get(key)
        if cached is None:
            words = _words(key)
            cached = any(
                words[i:i + len(name)] == name for name in self._sensitive for i in range(len(words))
            )
            if len(self._key_cache) < 10_000:  # bounded: keys can come from user data
                self._key_cache[key] = cached
        return cached

    def _inline_value(self, match: re.Match[str]) -> str:
        if self.is_sensitive_key(match.group(1)):
            return match.group(1) + match.group(2) + REDACTED
        return match.group(0)

    def redact_text(self, text: str) -> str:
        """Redact PII inside one string.

        Example
        -------
        >>> Redactor().redact_text("call +44 20 7946 0958, card 4111 1111 1111 1111, order 1234567890123")
        'call [REDACTED], card [REDACTED], order 1234567890123'
        """
        cached = self._text_cache.get(text)
        if cached is not None:
            return cached
        redacted = _PII.sub(_replace, text)
        if "=" in redacted or ":" in redacted:
            redacted = _INLINE.sub(self._inline_value, redacted)
        if len(text) <= 256:
            if len(self._text_cache) >= 4096:  # bounded: values can be unique per call
                self._text_cache.clear()
            self._text_cache[text] = redacted
        return redacted

    def redact(self, value: Any) -> Any:
        """Return ``value`` with PII replaced, walking dicts, lists and tuples; other objects become text.

        Example
        -------
        >>> Redactor().redact({"user": {"email": "ann@example.com", "password": "x"}, "n": 3})
        {'user': {'email': '[REDACTED]', 'password': '[REDACTED]'}, 'n': 3}
        """
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, dict):
            return {key: (REDACTED if isinstance(key, str) and self.is_sensitive_key(key) else self.redact(item))
                    for key, item in value.items()}
        if isinstance(value, bool) or value is None or isinstance(value, float):
            return value
        if isinstance(value, int):
            if value > 10**11 and self.redact_text(str(value)) != str(value):
                return REDACTED
            return value
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.redact(item) for item in value]
        return self.redact_text(str(value))

    def redact_record(self, record: Mapping[str, Any], skip: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Redact a top-level log record, leaving ``skip`` (and ``skip_keys``) unscanned.

        Example
        -------
        >>> Redactor().redact_record({"level": "INFO", "message": "a@b.io"}, frozenset({"level"}))
        {'level': 'INFO', 'message': '[REDACTED]'}
        """
        skip = self._skip | skip if skip else self._skip
        redact, sensitive = self.redact, self.is_sensitive_key
        out = {}
        for key, value in record.items():
            if key in skip:
                out[key] = value
            elif sensitive(key):
                out[key] = REDACTED
            else:
                out[key] = redact(value)
        return out


_default: Redactor | None = None


def redact(value: Any, extra_fields: Iterable[str] = ()) -> Any:
    """Return a copy of ``value`` (text or nested data) with e-mails, phones, cards and secrets replaced.

    Parameters
    ----------
    value : Any
        A string, or dicts/lists of them; other objects are converted to text first.
    extra_fields : Iterable[str], optional
        More field names to treat as sensitive for this call.

    Example
    -------
    >>> redact({"email": "ann@example.com", "order_id": "4111111111111112"})
    {'email': '[REDACTED]', 'order_id': '4111111111111112'}
    """
    global _default
    extra = tuple(extra_fields)
    if extra:
        return Redactor(extra_fields=extra).redact(value)
    if _default is None:
        _default = Redactor()
    return _default.redact(value)
