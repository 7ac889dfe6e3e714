"""The argument parser every tool's command line uses: a usage mistake is one line on stderr and exit 2."""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from config.schema import EnvironmentConfig

__all__ = ["ArgumentParser", "positive_int", "non_negative_float", "load_env_config"]


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose errors print one line (``PROG: error: MESSAGE``), not the usage text.

    Example
    -------
    >>> import contextlib, io
    >>> stderr = io.StringIO()
    >>> with contextlib.redirect_stderr(stderr):
    ...     ArgumentParser(prog="tool").parse_args(["--nope"])
    Traceback (most recent call last):
    SystemExit: 2
    >>> stderr.getvalue().rstrip()
    'tool: error: unrecognized arguments: --nope (see --help)'
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number of at least 1.

    Example
    -------
    >>> positive_int("50")
    50
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """An argparse ``type``: a number of seconds, 0 or more.

    Example
    -------
    >>> non_negative_float("2.5")
    2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds (0 or more), got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds (0 or more), got {text!r}")
    return value


def load_env_config(tool: str, env: str) -> EnvironmentConfig | None:
    """``config/ENV.yaml`` loaded, or None after printing each config problem as ``TOOL: config error: LINE``.

    Example
    -------
    >>> load_env_config("preflight", "nope")
    >>> load_env_config("preflight", "prod").env
    'prod'
    """
    from config.loader import ConfigError, load_config  # tools that never read config do not pay for pydantic

    try:
        return load_config(env)
    except ConfigError as error:
        for line in error.lines:
            print(f"{tool}: config error: {line}", file=sys.stderr)
        return None
