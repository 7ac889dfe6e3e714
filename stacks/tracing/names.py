"""Names within X-Ray's 32-character limit that stay stable and unique."""
from __future__ import annotations

import hashlib

__all__ = ["short_name"]


def short_name(full: str, limit: int = 32) -> str:
    """``full`` if it fits in ``limit``, else a prefix plus a 6-hex hash of ``full`` (stable across deploys).

    Example
    -------
    >>> short_name("watchtower-prod-orders-faults")
    'watchtower-prod-orders-faults'
    >>> len(short_name("watchtower-staging-payment-reconciliation-slow"))
    32
    """
    if len(full) <= limit:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:6]
    return f"{full[: limit - 7].rstrip('-')}-{digest}"
