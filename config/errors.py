"""The one base class of "the input is wrong" errors: config, service templates, overrides, SLOs.

``app.py`` (and every command) reports an ``InputError`` as one line per problem and exits 2; any other
exception is a bug and keeps its traceback. A ``ValueError`` so that code catching the older classes by their
base goes on working.
"""
from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input, told in words: what was wrong and what is allowed. ``lines`` holds one line per problem.

    Example
    -------
    >>> InputError("prod.yaml: services[0].name: must not be empty").lines
    ['prod.yaml: services[0].name: must not be empty']
    """

    @property
    def lines(self) -> list[str]:
        """The problems, one per line (subclasses that gather several set them)."""
        return str(self).splitlines() or [type(self).__name__]
