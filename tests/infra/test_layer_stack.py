"""The observability LayerVersion: runtimes, architectures, retained versions, ARN in SSM, no Powertools inside."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from config.loader import load_config
from stacks.layer.bundle import LayerBundling
from stacks.layer_stack import LayerStack


@pytest.fixture(scope="module")
def layer_template(tmp_path_factory):
    app = App(outdir=str(tmp_path_factory.mktemp("layer-out")))
    stack = LayerStack(app, "LayerUnderTest", cfg=load_config("dev"))
    return stack, Template.from_stack(stack)


def test_layer_supports_python_312_313_on_arm64_and_x86_64(layer_template):
    _, template = layer_template
    template.has_resource_properties("AWS::Lambda::LayerVersion", {
        "LayerName": "watchtower-dev-observability",
        "CompatibleRuntimes": ["python3.12", "python3.13"],
        "CompatibleArchitectures": ["arm64", "x86_64"],
    })


def test_old_layer_versions_are_retained(layer_template):
    _, template = layer_template
    template.has_resource("AWS::Lambda::LayerVersion", {"DeletionPolicy": "Retain",
                                                        "UpdateReplacePolicy": "Retain"})


def test_layer_arn_is_published_to_ssm(layer_template):
    _, template = layer_template
    layer_id = next(iter(template.find_resources("AWS::Lambda::LayerVersion")))
    template.has_resource_properties("AWS::SSM::Parameter", {
        "Name": "/watchtower/dev/observability-layer-arn", "Type": "String", "Value": {"Ref": layer_id}})


def test_build_id_is_the_layer_content_hash(layer_template):
    stack, template = layer_template
    content = next(iter(template.find_resources("AWS::Lambda::LayerVersion").values()))["Properties"]["Content"]
    assert content["S3Key"].startswith(stack.build_id) and len(stack.build_id) == 16


def test_bundle_holds_the_package_and_no_powertools(tmp_path):
    # GIVEN the layer bundled locally (no Docker), as synth does
    assert LayerBundling().try_bundle(str(tmp_path)) is True
    files = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()}
    # THEN python/observability is there with its public modules, and Powertools is not
    assert "python/observability/__init__.py" in files and "python/observability/health.py" in files
    assert not any("aws_lambda_powertools" in name or "aws_xray_sdk" in name for name in files)
    # AND any bytecode is for Lambda runtimes only (3.12 / 3.13), never this machine's interpreter
    pyc_tags = {Path(name).suffixes[0] for name in files if name.endswith(".pyc")}
    assert pyc_tags <= {".cpython-312", ".cpython-313"}


def test_bundle_zips_small(tmp_path):
    LayerBundling().try_bundle(str(tmp_path / "out"))
    archive = tmp_path / "layer.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in (tmp_path / "out").rglob("*"):
            zf.write(path, path.relative_to(tmp_path / "out"))
    assert archive.stat().st_size < 250_000


def test_every_environment_has_the_layer_stack(synth):
    for env in ("dev", "staging", "prod"):
        template = synth.templates(env)[f"watchtower-{env}-Layer"]
        names = [r["Properties"]["Name"] for r in template["Resources"].values() if r["Type"] == "AWS::SSM::Parameter"]
        assert names == [f"/watchtower/{env}/observability-layer-arn"]
