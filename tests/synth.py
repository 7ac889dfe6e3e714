"""Synthesize one environment in-process, the way app.py does, and read back templates and the nag report."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_cdk import App

from config.loader import load_config
from config.schema import EnvironmentConfig
from stacks.environment import build_environment
from stacks.nag import enable_nag

__all__ = ["SynthResult", "synthesize", "read_back", "cdk_json_context"]

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


@dataclass
class SynthResult:
    """What one synth produced: templates by stack name, the cdk-nag report, and a synth error if any."""

    cfg: EnvironmentConfig
    outdir: Path
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    template_paths: dict[str, Path] = field(default_factory=dict)
    validation_report: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Every resource of ``resource_type`` across the environment's stacks, keyed ``stack/logicalId``."""
        return {
            f"{stack}/{logical_id}": resource
            for stack, template in self.templates.items()
            for logical_id, resource in template.get("Resources", {}).items()
            if resource.get("Type") == resource_type
        }


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` block of cdk.json (feature flags and defaults), as the CDK CLI would pass it."""
    return json.loads(CDK_JSON.read_text()).get("context", {})


def synthesize(env_name: str, outdir: Path, cfg: EnvironmentConfig | None = None) -> SynthResult:
    """Synthesize ``env_name`` (or ``cfg``) into ``outdir`` with cdk-nag enabled.

    A nag violation makes CDK raise; the templates are written before that, so they are still read and the
    violation is left in ``validation_report`` for the nag test to report.
    """
    cfg = cfg or load_config(env_name)
    # The same context (feature flags) the CLI passes from cdk.json, so tests synthesize what `make synth` does.
    app = App(outdir=str(outdir), context=cdk_json_context())
    build_environment(app, cfg)
    enable_nag(app)
    error = None
    try:
        app.synth()
    except RuntimeError as exc:  # jsii surfaces ValidationFailed as RuntimeError
        error = str(exc).splitlines()[0]
    return read_back(outdir, cfg, error)


def read_back(outdir: Path, cfg: EnvironmentConfig, error: str | None = None) -> SynthResult:
    """The templates and the cdk-nag report a synth of ``cfg`` wrote to ``outdir`` (another test process's, too)."""
    result = SynthResult(cfg=cfg, outdir=outdir, error=error)
    for path in sorted(outdir.glob("*.template.json")):
        stack = path.name.removesuffix(".template.json")
        result.templates[stack] = json.loads(path.read_text())
        result.template_paths[stack] = path
    report = outdir / "validation-report.json"
    if report.exists():
        result.validation_report = json.loads(report.read_text())
    return result
