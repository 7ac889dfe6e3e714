"""Pseudonymized user ids: a keyed hash (HMAC-SHA256) so logs and traces can group by user, never name one.

The salt comes from a Secrets Manager secret whose NAME is in USER_ID_SALT_SECRET_NAME (read once per
container). Without it, a random per-container salt keeps ids unlinkable to people, at the price of the same
user getting different pseudonyms in different containers.
"""
from __future__ import annotations

import os
from collections.abc import Callable

__all__ = ["Pseudonymizer", "PseudonymError"]


class PseudonymError(RuntimeError):
    """The salt secret could not be read."""


def _read_secret(name: str) -> bytes:
    import boto3  # lazy: only functions that configure a salt secret pay for boto3

    try:
        response = boto3.client("secretsmanager").get_secret_value(SecretId=name)
    except Exception as error:  # any SDK/network failure -> fall back, reported once
        raise PseudonymError(f"cannot read salt secret {name!r}: {type(error).__name__}") from None
    value = response.get("SecretString") or response.get("SecretBinary") or b""
    return value.encode() if isinstance(value, str) else bytes(value)


class Pseudonymizer:
    """Turns raw user ids into stable pseudonyms.

    Parameters
    ----------
    secret_name : str, optional
        Secrets Manager secret holding the salt.
    on_problem : Callable[[str], None]
        Called once with a one-line description when the salt secret cannot be used.
    read_secret : Callable[[str], bytes]
        How to read the secret (injectable so tests can use moto or a fake).

    Example
    -------
    >>> p = Pseudonymizer(salt=b"pepper")
    >>> p("alice") == p("alice") != p("bob"), "alice" in p("alice")
    (True, False)
    """

    def __init__(self, secret_name: str | None = None, salt: bytes | None = None,
                 on_problem: Callable[[str], None] = lambda line: None,
                 read_secret: Callable[[str], bytes] = _read_secret) -> None:
        self._secret_name = secret_name
        self._salt = salt
        self._on_problem = on_problem
        self._read_secret = read_secret
        self._known: dict[str, str] = {}  # same user, same container: skip the HMAC

    def _load_salt(self) -> bytes:
        if self._secret_name:
            try:
                salt = self._read_secret(self._secret_name)
                if salt:
                    return salt
                self._on_problem(f"salt secret {self._secret_name!r} is empty; using a per-container salt")
            except PseudonymError as error:
                self._on_problem(f"{error}; using a per-container salt")
        return os.urandom(32)

    def __call__(self, raw_user_id: str) -> str:
        """Return the pseudonym of ``raw_user_id`` (24 hex characters).

        Example
        -------
        >>> len(Pseudonymizer(salt=b"s")("user-1"))
        24
        """
        known = self._known.get(raw_user_id)
        if known is not None:
            return known
        if self._salt is None:
            self._salt = self._load_salt()
        import hashlib  # lazy: OpenSSL loads in ~2 ms, and functions without users never need it
        import hmac

        pseudonym = hmac.new(self._salt, raw_user_id.encode(), hashlib.sha256).hexdigest()[:24]
        if len(self._known) >= 4096:  # bounded: a warm container can see many users
            self._known.clear()
        self._known[raw_user_id] = pseudonym
        return pseudonym
