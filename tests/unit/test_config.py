"""Config validation: good files load; each kind of mistake fails with one clear line, never a traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.loader import CONFIG_DIR, ConfigError, known_environments, load_config

ROOT = Path(__file__).resolve().parents[2]


def write_env(tmp_path: Path, mutate, env: str = "dev") -> Path:
    """A copy of config/<env>.yaml in tmp_path, changed by ``mutate(dict)``."""
    data = yaml.safe_load((CONFIG_DIR / f"{env}.yaml").read_text())
    mutate(data)
    (tmp_path / f"{env}.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


def problems(tmp_path: Path, env: str = "dev") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(env, tmp_path)
    return caught.value.lines


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_configs_are_valid(env):
    # GIVEN the shipped config WHEN it loads THEN its identity fields match the file
    cfg = load_config(env)
    assert cfg.env == env and cfg.tags.Environment == env and cfg.app == "watchtower"


def test_known_environments_are_the_yaml_files():
    assert known_environments() == ["dev", "prod", "staging"]


def test_misspelled_key_names_the_key_and_the_allowed_ones(tmp_path):
    # GIVEN a config whose 'log_retention_days' is misspelled
    write_env(tmp_path, lambda d: d.update(log_retension_days=d.pop("log_retention_days")))
    # WHEN it loads THEN exactly one line names the file, the bad key, and what is allowed
    lines = problems(tmp_path)
    assert len(lines) == 1
    assert "dev.yaml" in lines[0] and "log_retension_days" in lines[0] and "unknown key" in lines[0]
    assert "log_retention_days" in lines[0]


def test_misspelled_nested_key_lists_the_keys_of_that_section(tmp_path):
    write_env(tmp_path, lambda d: d["notifications"]["critical"].update(email=["a@example.com"]))
    (line,) = problems(tmp_path)
    assert "notifications.critical.email" in line and "emails, slack_secret" in line


def test_malformed_email_is_named_with_its_path(tmp_path):
    write_env(tmp_path, lambda d: d["notifications"]["critical"].update(emails=["oncall-at-example.com"]))
    (line,) = problems(tmp_path)
    assert "notifications.critical.emails" in line and "'oncall-at-example.com'" in line
    assert "not an e-mail address" in line


def test_negative_retention_lists_the_values_cloudwatch_accepts(tmp_path):
    write_env(tmp_path, lambda d: d.update(log_retention_days=-7))
    (line,) = problems(tmp_path)
    assert "log_retention_days" in line and "-7" in line and "1, 3, 5, 7, 14, 30" in line


@pytest.mark.parametrize("field,value", [
    ("slack_secret", "https://hooks.slack.com/services/T-FAKE/B-FAKE/fake-webhook-token"),
    ("teams_secret", "https://acme.webhook.office.com/webhookb2/1234-abcd@5678/IncomingWebhook/x/y"),
    ("slack_secret", "xoxb-1234567890-abcdefghij"),
])
def test_a_pasted_secret_is_refused_without_echoing_it(tmp_path, field, value):
    # GIVEN a webhook URL (or token) pasted where a Secrets Manager secret name belongs
    write_env(tmp_path, lambda d: d["notifications"]["info"].update({field: value}))
    # WHEN it loads THEN one line says what it looks like and what belongs there, and never repeats it or a regex
    (line,) = problems(tmp_path)
    assert f"notifications.info.{field}: this looks like" in line or f"notifications.info: {field}: this looks" in line
    assert "store it in Secrets Manager and put the secret's name here" in line
    assert value not in line and value[:20] not in line and "^" not in line


def test_a_secret_name_with_a_bad_character_is_described_in_words(tmp_path):
    write_env(tmp_path, lambda d: d["notifications"]["info"].update(slack_secret="team slack"))
    (line,) = problems(tmp_path)
    assert "notifications.info.slack_secret: must be a Secrets Manager secret name" in line and "^" not in line


def test_every_problem_gets_its_own_line(tmp_path):
    def two_mistakes(d):
        d["log_retention_days"] = 0
        d["tags"]["CostCentre"] = d["tags"].pop("CostCenter")

    write_env(tmp_path, two_mistakes)
    lines = problems(tmp_path)
    assert any("log_retention_days" in l for l in lines)
    assert any("tags.CostCentre" in l and "unknown key" in l for l in lines)
    assert any("tags.CostCenter: is required" in l for l in lines)


def test_environment_tag_must_match_env(tmp_path):
    write_env(tmp_path, lambda d: d["tags"].update(Environment="production"))
    (line,) = problems(tmp_path)
    assert "tags.Environment ('production') must equal env ('dev')" in line


def test_unknown_environment_lists_the_known_ones():
    with pytest.raises(ConfigError) as caught:
        load_config("nope")
    assert caught.value.lines == ["unknown environment 'nope': known environments are dev, prod, staging"]


def test_invalid_yaml_names_the_line(tmp_path):
    (tmp_path / "dev.yaml").write_text("app: watchtower\nenv: [dev\n")
    (line,) = problems(tmp_path)
    assert line.startswith(str(tmp_path / "dev.yaml")) and "not valid YAML" in line


def test_a_file_that_is_not_utf8_is_one_line(tmp_path):
    # GIVEN a config file of binary bytes (e.g. saved in the wrong encoding)
    (tmp_path / "dev.yaml").write_bytes(b"app: \xca\xfe\xff\n")
    # WHEN it loads THEN one line names the file and says what a config must be
    (line,) = problems(tmp_path)
    assert line.startswith(str(tmp_path / "dev.yaml")) and "not UTF-8 text" in line


def test_a_business_metric_of_an_unknown_service_is_one_line(tmp_path):
    # GIVEN dev's config with a business metric charted for a service it does not list
    write_env(tmp_path, lambda d: d["dashboards"]["business_metrics"].append({"service": "ghost", "name": "Orders"}))
    # WHEN it loads THEN one line names the metric, the unknown service and the services there are
    (line,) = problems(tmp_path)
    assert line.endswith("dashboards: business metric Orders: service 'ghost' is not one of the services: demo")


def test_a_services_mistake_is_not_repeated_as_a_business_metric_error(tmp_path):
    # GIVEN a mistake inside services (which business metrics refer to)
    write_env(tmp_path, lambda d: d["services"][0].update(bogus=1))
    # WHEN it loads THEN only that mistake is reported
    (line,) = problems(tmp_path)
    assert "services.0.bogus: unknown key" in line


def test_a_routing_key_pasted_as_a_secret_name_is_refused_without_echoing_it(tmp_path):
    # GIVEN prod's config with a PagerDuty routing key where the secret's name belongs
    key = "R0UTINGKEY0123456789012345678901"
    write_env(tmp_path, lambda d: d["notifications"]["critical"].update(pagerduty_secret=key), env="prod")
    # WHEN it loads THEN one line says what belongs there, and the key is not repeated on the terminal
    (line,) = problems(tmp_path, "prod")
    assert "notifications.critical: pagerduty_secret looks like a PagerDuty routing key" in line
    assert key not in line


def test_validate_command_prints_one_line_and_exits_2(tmp_path):
    # GIVEN the CLI and an unknown environment WHEN it runs THEN one line on stderr, exit 2, no traceback
    done = subprocess.run([sys.executable, "-m", "config", "validate", "nope"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "config error: unknown environment 'nope': known environments are dev, prod, staging"]
    assert "Traceback" not in done.stderr


def test_a_single_value_where_a_list_belongs_says_list_not_tuple(tmp_path):
    # GIVEN a YAML mapping where the list of a service's functions belongs
    write_env(tmp_path, lambda d: d["services"][0]["resources"].update(tables={"name": "t"}))
    (line,) = problems(tmp_path)
    assert line.endswith("services.0.resources.tables: must be a list") and "tuple" not in line


def test_a_repeated_service_is_one_short_line(tmp_path):
    # GIVEN prod's services with the first one repeated
    write_env(tmp_path, lambda d: d["services"].append(dict(d["services"][0])), env="prod")
    (line,) = problems(tmp_path, "prod")
    assert line.endswith("services: service names must be unique; repeated: orders")
    assert len(line) < 200


def test_every_bad_override_key_is_reported_each_on_its_own_line(tmp_path):
    # GIVEN two misspelled override keys on one service and a bad severity on a resource
    def mutate(d):
        d["services"][0]["overrides"] = {"Latncy.warning": {"threshold": 1}, "HighErorRate": {"threshold": 2},
                                         "Latency": {"threshold": 3000}}
        d["services"][0]["resources"]["functions"][0]["overrides"] = {"ColdStarts.critcal": {"enabled": False}}
    write_env(tmp_path, mutate)
    # WHEN it loads THEN each bad key has its own line naming it (with a guess), and the good one is not reported
    lines = problems(tmp_path)
    assert len(lines) == 3
    assert any("services.0.overrides: override key 'Latncy.warning' must be Family or Family.severity of a "
               "known family; did you mean 'Latency'?" in l for l in lines)
    assert any("override key 'HighErorRate'" in l and "'HighErrorRate'" in l for l in lines)
    assert any("functions.0.overrides: override key 'ColdStarts.critcal': the severity after the dot must be "
               "critical, warning or info" in l for l in lines)


def test_a_time_zone_that_does_not_exist_is_one_line_with_a_guess(tmp_path):
    write_env(tmp_path, lambda d: d["services"][0].update(maintenance_windows=[
        {"name": "patching", "cron": "0 2 * * SUN", "duration_minutes": 60, "timezone": "Europe/Berln"}]))
    (line,) = problems(tmp_path)
    assert "services.0.maintenance_windows.0.timezone: 'Europe/Berln' is not a time zone; did you mean " \
           "'Europe/Berlin'?" in line


def test_a_real_time_zone_is_accepted(tmp_path):
    write_env(tmp_path, lambda d: d["services"][0].update(maintenance_windows=[
        {"name": "patching", "cron": "0 2 * * SUN", "duration_minutes": 60, "timezone": "America/Argentina/Salta"}]))
    assert load_config("dev", tmp_path).services[0].maintenance_windows[0].timezone == "America/Argentina/Salta"


def test_a_queue_that_is_its_own_dlq_is_one_line(tmp_path):
    write_env(tmp_path, lambda d: d["services"][0]["resources"].update(
        queues=[{"name": "orders-jobs", "dlq": "arn:aws:sqs:eu-west-1:123456789012:orders-jobs"}]))
    (line,) = problems(tmp_path)
    assert line.endswith("services.0.resources.queues.0: queue 'orders-jobs' names itself as its dlq: give the name "
                         "of its dead-letter queue")


@pytest.mark.parametrize("services", ["absent", "empty"])
def test_an_environment_without_services_is_an_error(tmp_path, services):
    # GIVEN prod without services (the key left out, or an empty list without saying it is on purpose)
    write_env(tmp_path, lambda d: d.pop("services") if services == "absent" else d.update(services=[]), env="prod")
    (line,) = problems(tmp_path, "prod")
    assert "environment 'prod' lists no services, so nothing would be monitored" in line
    assert "allow_no_services: true" in line


def test_no_services_on_purpose_is_accepted_only_with_an_explicit_empty_list(tmp_path):
    write_env(tmp_path, lambda d: d.update(services=[], allow_no_services=True), env="prod")
    assert load_config("prod", tmp_path).services == ()
    write_env(tmp_path, lambda d: (d.pop("services"), d.update(allow_no_services=True)), env="prod")
    assert problems(tmp_path, "prod")


def test_environment_names_may_have_hyphens(tmp_path):
    # GIVEN config/eu-prod.yaml (prod's config under another name)
    data = yaml.safe_load((CONFIG_DIR / "prod.yaml").read_text())
    data["env"] = data["tags"]["Environment"] = "eu-prod"
    (tmp_path / "eu-prod.yaml").write_text(yaml.safe_dump(data))
    # WHEN it loads THEN it is a known environment and loads
    assert "eu-prod" in known_environments(tmp_path)
    assert load_config("eu-prod", tmp_path).env == "eu-prod"


@pytest.mark.parametrize("name", ["EU_prod", "prod-", "a"])
def test_a_file_whose_name_breaks_the_rule_says_the_rule(tmp_path, name):
    (tmp_path / f"{name}.yaml").write_text("app: watchtower\n")
    with pytest.raises(ConfigError) as caught:
        load_config(name, tmp_path)
    (line,) = caught.value.lines
    assert f"'{name}' is not a valid environment name" in line and "single hyphens" in line


def test_a_bad_url_where_a_url_belongs_is_shown_not_mistaken_for_a_secret(tmp_path):
    write_env(tmp_path, lambda d: d.update(runbook_base_url="http://wiki.example.com/runbooks"))
    (line,) = problems(tmp_path)
    assert "runbook_base_url" in line and "http://wiki.example.com/runbooks" in line and "Secrets Manager" not in line


def test_bounds_and_choices_are_said_in_words(tmp_path):
    def mutate(d):
        d["services"][0]["tier"] = 4
        d["services"][0]["maintenance_windows"] = [{"name": "w", "cron": "0 2 * * SUN", "duration_minutes": 0}]
    lines = problems(tmp_path, env="dev") if write_env(tmp_path, mutate) else []
    assert any(l.endswith("services.0.tier: must be 1, 2 or 3 (got 4)") for l in lines)
    assert any(l.endswith("maintenance_windows.0.duration_minutes: must be at least 1 (got 0)") for l in lines)
    assert not any("Input should" in l for l in lines)
