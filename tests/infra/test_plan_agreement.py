"""The plan and the synthesized templates agree alarm for alarm: names, thresholds, periods, evaluation
periods, datapoints, missing data, actions, composite rules and suppressors. Whatever the plan says is what
deploys, for every environment and for a service declared by ``template:``."""
from __future__ import annotations

import pytest

from config.services import ServiceConfig
from plan.agreement import PLANNED_STACKS, alarms_of_plan, alarms_of_templates, differences
from plan.build import plan_environment
from tests.conftest import ENVIRONMENTS
from tests.synth import synthesize

SHOP = "tests/fixtures/service_templates/Shop.template.json"


def _planned_templates(templates: dict[str, dict]) -> list[dict]:
    return [t for name, t in templates.items() if PLANNED_STACKS.search(name)]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_plan_and_the_templates_agree_alarm_for_alarm(synth, env):
    # GIVEN an environment synthesized by the app, and the plan of the same config
    deployed = alarms_of_templates(_planned_templates(synth.templates(env)))
    planned = alarms_of_plan(plan_environment(synth.app_config(env)))
    # THEN every alarm and composite is in both, with the same settings
    assert len(deployed) > 20
    assert differences(planned, deployed) == []


def test_a_service_declared_by_template_agrees_too(tmp_path):
    # GIVEN dev plus a service that only points at its template (resources discovered at synth)
    from config.loader import load_config

    dev = load_config("dev")
    cfg = dev.model_copy(update={"services": (*dev.services, ServiceConfig(name="shop", template=SHOP))})
    result = synthesize("dev", tmp_path / "out", cfg=cfg)
    deployed = alarms_of_templates(_planned_templates(result.templates))
    planned = alarms_of_plan(plan_environment(cfg))
    # THEN its discovered resources' alarms are planned and deployed alike
    assert sum(name.startswith("watchtower-dev-shop-") for name in deployed) > 30
    assert differences(planned, deployed) == []
