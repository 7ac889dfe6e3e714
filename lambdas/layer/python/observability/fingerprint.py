"""Error fingerprints: exception type plus the innermost frame of the function's own code.

Line numbers are left out on purpose, so the fingerprint survives unrelated edits above the failing line.
"""
from __future__ import annotations

import hashlib
import os
import sysconfig
import traceback
from dataclasses import dataclass

__all__ = ["ErrorFingerprint", "fingerprint"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_LIBRARY_DIRS = tuple(
    {os.path.abspath(path) for path in (sysconfig.get_paths().get("stdlib"), sysconfig.get_paths().get("purelib"),
                                        sysconfig.get_paths().get("platlib"), "/opt/python") if path}
)


@dataclass(frozen=True)
class ErrorFingerprint:
    """What identifies a class of error: its type and where in our code it surfaced.

    Example
    -------
    >>> ErrorFingerprint("ValueError", "handler.py:parse", "0123abcd").location
    'handler.py:parse'
    """

    error_type: str
    location: str
    fingerprint: str


def _is_own_code(filename: str) -> bool:
    path = os.path.abspath(filename)
    if path.startswith(_PACKAGE_DIR) or "site-packages" in path or path.startswith("<"):
        return False
    return not path.startswith(_LIBRARY_DIRS)


def fingerprint(error: BaseException) -> ErrorFingerprint:
    """Fingerprint an exception by type and the deepest traceback frame outside libraries and this layer.

    Parameters
    ----------
    error : BaseException
        A raised exception (with ``__traceback__``).

    Returns
    -------
    ErrorFingerprint
        Type name, ``file:function`` location, and a 16-hex-digit hash of both.

    Example
    -------
    >>> try:
    ...     int("x")
    ... except ValueError as e:
    ...     fingerprint(e).error_type
    'ValueError'
    """
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    own = [frame for frame in frames if _is_own_code(frame.filename)]
    chosen = own[-1] if own else (frames[-1] if frames else None)
    location = f"{os.path.basename(chosen.filename)}:{chosen.name}" if chosen else "unknown"
    error_type = type(error).__qualname__
    module = type(error).__module__
    if module not in ("builtins", "__main__"):
        error_type = f"{module}.{error_type}"
    digest = hashlib.sha256(f"{error_type}|{location}".encode()).hexdigest()[:16]
    return ErrorFingerprint(error_type=error_type, location=location, fingerprint=digest)

