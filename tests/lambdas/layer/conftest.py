"""Fixtures for the observability layer: an isolated runtime per test and captured stdout split into logs/EMF."""
from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import pytest

LAYER_PATH = Path(__file__).resolve().parents[3] / "lambdas" / "layer" / "python"
if str(LAYER_PATH) not in sys.path:  # as in Lambda, where the layer sits on the import path (/opt/python)
    sys.path.insert(0, str(LAYER_PATH))

from observability.runtime import Runtime  # noqa: E402
from observability.settings import load_settings  # noqa: E402


@dataclass
class Output:
    """Everything one test printed, parsed: JSON log lines and EMF blobs."""

    lines: list[str]

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    @property
    def logs(self) -> list[dict[str, Any]]:
        return [record for record in self.records if "_aws" not in record]

    @property
    def emf(self) -> list[dict[str, Any]]:
        return [record for record in self.records if "_aws" in record]


@pytest.fixture
def make_runtime() -> Callable[..., Runtime]:
    """Build a Runtime from an env dict; each gets its own service name (Powertools shares loggers by name)."""
    def build(**env: str) -> Runtime:
        env.setdefault("SERVICE_NAME", f"svc-{uuid.uuid4().hex[:8]}")
        env.setdefault("ENVIRONMENT", "test")
        env.setdefault("METRICS_NAMESPACE", "Tests")
        return Runtime(load_settings(env))
    return build


@pytest.fixture
def output(capsys: pytest.CaptureFixture[str]) -> Callable[[], Output]:
    """Call to read (and consume) what was printed so far."""
    def read() -> Output:
        text = capsys.readouterr().out
        return Output([line for line in text.splitlines() if line.strip()])
    return read


@pytest.fixture
def lambda_context() -> SimpleNamespace:
    return SimpleNamespace(function_name="orders-fn", memory_limit_in_mb=256,
                           invoked_function_arn="arn:aws:lambda:eu-west-1:123456789012:function:orders-fn",
                           aws_request_id="11111111-2222-3333-4444-555555555555")
