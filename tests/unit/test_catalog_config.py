"""Service config: bad input gets one clear line naming the field and what is allowed."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config.loader import ConfigError, load_config
from config.services import ServiceConfig

BASE = {
    "app": "watchtower", "env": "test",
    "tags": {"Project": "w", "Environment": "test", "Owner": "o", "CostCenter": "c"},
    "powertools_layer_version": 27,
}


def _load(tmp_path: Path, services: list) -> ConfigError | None:
    (tmp_path / "test.yaml").write_text(yaml.safe_dump({**BASE, "services": services}))
    try:
        load_config("test", tmp_path)
    except ConfigError as exc:
        return exc
    return None


def test_an_override_of_an_unknown_family_names_the_allowed_families(tmp_path):
    error = _load(tmp_path, [{"name": "orders", "resources": {"tables": ["orders"]},
                              "overrides": {"HighErrorRat": {"threshold": 3}}}])
    assert error is not None and len(error.lines) == 1
    assert "services.0.overrides" in error.lines[0]
    assert "'HighErrorRat' must be Family or Family.severity" in error.lines[0]
    assert "ServiceDown" in error.lines[0]


def test_a_service_without_resources_or_template_is_rejected(tmp_path):
    error = _load(tmp_path, [{"name": "orders"}])
    assert error is not None and "lists no resources" in error.lines[0]


def test_a_missing_template_file_is_one_line(tmp_path):
    error = _load(tmp_path, [{"name": "orders", "template": "nowhere/Orders.template.json"}])
    assert error is not None and error.lines == [
        f"{tmp_path / 'test.yaml'}: services.0.template: template 'nowhere/Orders.template.json' does not exist "
        "(paths are relative to the repository root) (got 'nowhere/Orders.template.json')"]


def test_an_invalid_alarm_period_names_the_allowed_values(tmp_path):
    error = _load(tmp_path, [{"name": "orders", "resources": {"tables": [
        {"name": "orders", "overrides": {"DatabaseThrottling": {"period_seconds": 45}}}]}}])
    assert error is not None and "10, 20, 30 or a multiple of 60" in error.lines[0]


@pytest.mark.parametrize(("kind", "arn", "name"), [
    ("functions", "arn:aws:lambda:eu-west-1:123456789012:function:orders-api", "orders-api"),
    ("tables", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders", "orders"),
    ("queues", "arn:aws:sqs:eu-west-1:123456789012:orders-q", "orders-q"),
    ("state_machines", "arn:aws:states:eu-west-1:123456789012:stateMachine:fulfil", "fulfil"),
    ("topics", "arn:aws:sns:eu-west-1:123456789012:order-events", "order-events"),
])
def test_resources_are_accepted_by_name_or_arn(kind, arn, name):
    service = ServiceConfig(name="orders", resources={kind: [arn]})
    assert getattr(service.resources, kind)[0].name == name


def test_an_arn_of_the_wrong_kind_is_rejected():
    with pytest.raises(ValueError, match="not an ARN of this resource kind"):
        ServiceConfig(name="orders", resources={"tables": ["arn:aws:sqs:eu-west-1:123456789012:orders"]})


def test_a_template_that_is_not_json_is_one_line_at_load(tmp_path):
    broken = tmp_path / "Broken.template.json"
    broken.write_text("{ not json")
    error = _load(tmp_path, [{"name": "shop", "template": str(broken)}])
    assert error is not None and len(error.lines) == 1 and "is not valid JSON (line 1" in error.lines[0]


@pytest.mark.parametrize("text", ['[1, 2]', '{"Resources": {"Fn": 5}}', '{"Resources": {"Fn": {"Properties": []}}}'])
def test_a_template_that_is_not_a_cloudformation_template_is_one_line_at_load(tmp_path, text):
    # GIVEN a service template that parses as JSON but is not a template (discovery crashed on these at synth)
    odd = tmp_path / "Odd.template.json"
    odd.write_text(text)
    # WHEN the config loads THEN one line names the template and says what it is not
    error = _load(tmp_path, [{"name": "shop", "template": str(odd)}])
    assert error is not None and len(error.lines) == 1 and "is not a CloudFormation template" in error.lines[0]


def test_an_slo_source_that_is_not_listed_names_the_candidates(tmp_path):
    error = _load(tmp_path, [{"name": "orders", "resources": {"functions": ["orders-create"], "tables": ["t"]},
                              "slo": {"source": "orders-api"}}])
    assert error is not None and len(error.lines) == 1
    assert "slo.source 'orders-api' is not one of the service's APIs or functions (orders-create)" in error.lines[0]
