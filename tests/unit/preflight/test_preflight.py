"""Preflight against a fake account (moto, plus Stubber where moto lacks the API): the problems a first deploy of
prod would hit, one line each with what to do, and a clean pass on a complete account."""
from __future__ import annotations

import boto3
import pytest

from tests.unit.preflight.conftest import ACCOUNT, CANARY_SECRET, EXTRA, HOME, PROD, ROUTER_SECRETS, runtime
from tools.preflight import plan_for, run_checks
from tools.preflight.__main__ import main

# prod with the router's reservation turned on (the opt-in a team with a big account might choose) and the
# Synthetics runtime the app used to pin
RESERVING = PROD.model_copy(update={
    "routing": PROD.routing.model_copy(update={"function": PROD.routing.function.model_copy(
        update={"reserved_concurrency": 5})}),
    "synthetics": PROD.synthetics.model_copy(update={"runtime": "syn-python-selenium-7.0"}),
})


def _plan(cfg=PROD):
    return plan_for(cfg, home_region=HOME, account=ACCOUNT)


def test_a_new_account_gets_one_line_per_problem_and_a_blocking_exit(account, capsys, monkeypatch):
    # GIVEN a new account: concurrency quota 10, only the home region bootstrapped, the canary's headers secret
    # only in the home region, and config asking for reserved concurrency and a deprecated runtime
    account.bootstrap(HOME)
    for name in (*ROUTER_SECRETS, CANARY_SECRET):
        account.secret(name, HOME)
    account.lambda_quota(10, reserved_now={"watchtower-prod-alert-router": None})
    account.runtimes()
    account.cost_explorer()
    monkeypatch.setattr("config.loader.load_config", lambda env: RESERVING)
    # WHEN preflight runs
    code = main(["prod"], session=boto3.session.Session(region_name=HOME), clients=account.clients)
    lines = capsys.readouterr().out.splitlines()
    # THEN it exits 1 with exactly four lines, each naming the region, the problem and what to do
    assert code == 1
    assert len(lines) == 4, lines
    bootstrap, concurrency, secret, runtime_line = lines
    assert bootstrap.startswith(f"BLOCKING {EXTRA} bootstrap: aws://{ACCOUNT}/{EXTRA} is not bootstrapped")
    assert "make bootstrap ENV=prod" in bootstrap
    assert concurrency.startswith(f"BLOCKING {HOME} concurrency: Lambda concurrency quota 10")
    assert "routing.function.reserved_concurrency=5" in concurrency and "L-B99A9384" in concurrency
    assert secret.startswith(f"BLOCKING {EXTRA} secrets: secret '{CANARY_SECRET}' (read by the orders canary)")
    assert f"create-secret --region {EXTRA} --name {CANARY_SECRET}" in secret
    assert runtime_line.startswith(f"BLOCKING {HOME},{EXTRA} runtime: syn-python-selenium-7.0 was deprecated on "
                                   "2026-07-01")
    assert runtime_line.endswith("set synthetics.runtime: syn-python-selenium-14.0")


def test_a_complete_account_passes_silently(account, capsys):
    # GIVEN an account with everything prod needs / WHEN preflight runs
    account.complete()
    code = main(["prod"], session=boto3.session.Session(region_name=HOME), clients=account.clients)
    # THEN nothing is printed on stdout and it exits 0
    assert (code, capsys.readouterr().out) == (0, "")


def test_an_old_bootstrap_blocks_and_a_current_one_passes(account):
    account.bootstrap(HOME, version=5)
    account.bootstrap(EXTRA, version=6)
    plan = _plan()
    from tools.preflight.checks import check_bootstrap
    (old,) = check_bootstrap(plan, account.clients)
    assert old.blocking and old.region == HOME and "version 5 is older than the 6" in old.problem


def test_reserving_within_the_quota_passes_and_an_update_counts_what_is_already_reserved(account):
    from tools.preflight.checks import check_concurrency
    # GIVEN 105 unreserved: a new reservation of 5 leaves exactly the 100 Lambda keeps
    account.lambda_quota(1000, unreserved=105, reserved_now={"watchtower-prod-alert-router": None})
    assert check_concurrency(_plan(RESERVING), account.clients) == []
    # AND on an update the router already holds its 5, so 100 unreserved is still enough
    account.lambda_quota(1000, unreserved=100, reserved_now={"watchtower-prod-alert-router": 5})
    assert check_concurrency(_plan(RESERVING), account.clients) == []
    # BUT 104 unreserved for a new reservation of 5 does not fit
    account.lambda_quota(1000, unreserved=104, reserved_now={"watchtower-prod-alert-router": None})
    (finding,) = check_concurrency(_plan(RESERVING), account.clients)
    assert finding.blocking


def test_a_tiny_quota_without_reservations_only_warns(account):
    from tools.preflight.checks import check_concurrency
    account.lambda_quota(10)
    (finding,) = check_concurrency(_plan(), account.clients)
    assert not finding.blocking and "quota is 10" in finding.problem


def test_a_runtime_not_offered_blocks_and_one_about_to_be_deprecated_warns(account):
    from tools.preflight.checks import check_runtime
    account.runtimes(versions=[runtime("syn-python-selenium-13.0")])
    (missing,) = run_checks_of(check_runtime, account)
    assert missing.blocking and "does not offer syn-python-selenium-14.0" in missing.problem and missing.region == f"{HOME},{EXTRA}"
    assert missing.fix == "set synthetics.runtime: syn-python-selenium-13.0"
    from tests.unit.preflight.conftest import FUTURE
    account.runtimes(versions=[runtime("syn-python-selenium-14.0", FUTURE)])
    (soon,) = run_checks_of(check_runtime, account)
    assert not soon.blocking and "will be deprecated on 2099-01-01" in soon.problem


def run_checks_of(check, account):
    from tools.preflight.checks import _merged
    return _merged(check(_plan(), account.clients))


def test_service_anomaly_monitor_advice_follows_the_account(account):
    from tools.preflight.checks import check_anomaly_monitor
    # GIVEN the account has AWS's default SERVICE monitor and config asks for another one: blocking
    on = PROD.model_copy(update={"cost": PROD.cost.model_copy(update={"anomaly": PROD.cost.anomaly.model_copy(
        update={"service_monitor": True})})})
    account.stub("ce", EXTRA).add_response("get_anomaly_monitors", {"AnomalyMonitors": [
        {"MonitorName": "Default-Services-Monitor", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"}]})
    (clash,) = check_anomaly_monitor(_plan(on), account.clients)
    assert clash.blocking and "Default-Services-Monitor" in clash.problem
    assert clash.fix == "set cost.anomaly.service_monitor: false"
    # GIVEN no SERVICE monitor at all and the default (off): preflight says to turn it on
    account.stub("ce", EXTRA).add_response("get_anomaly_monitors", {"AnomalyMonitors": []})
    (advice,) = check_anomaly_monitor(_plan(), account.clients)
    assert not advice.blocking and advice.fix.startswith("set cost.anomaly.service_monitor: true")


def test_inactive_cost_allocation_tags_are_named_with_the_command_that_activates_them(account):
    from tools.preflight.checks import check_cost_tags
    account.stub("ce", EXTRA).add_response("list_cost_allocation_tags", {"CostAllocationTags": [
        {"TagKey": "Project", "Type": "UserDefined", "Status": "Active"}]})
    (finding,) = check_cost_tags(_plan(), account.clients)
    assert "'Environment' is not active" in finding.problem and "TagKey=Environment,Status=Active" in finding.fix


def test_after_a_deploy_unconfirmed_email_subscriptions_are_listed(account):
    from tools.preflight.checks import check_subscriptions
    # GIVEN the deployed e-mail topic where one recipient has confirmed and one has not, and the ops topic all
    # confirmed (moto confirms every subscription at once, so SNS's answers are stubbed)
    email_arn, ops_arn = (f"arn:aws:sns:{HOME}:{ACCOUNT}:watchtower-prod-alerts-{n}" for n in ("email", "ops"))
    stub = account.stub("sns", HOME)
    stub.add_response("list_subscriptions_by_topic", {"Subscriptions": [
        {"SubscriptionArn": f"{email_arn}:1", "Protocol": "email", "Endpoint": "oncall@example.com",
         "TopicArn": email_arn},
        {"SubscriptionArn": "PendingConfirmation", "Protocol": "email", "Endpoint": "sre-leads@example.com",
         "TopicArn": email_arn}]}, {"TopicArn": email_arn})
    stub.add_response("list_subscriptions_by_topic", {"Subscriptions": [
        {"SubscriptionArn": f"{ops_arn}:1", "Protocol": "email", "Endpoint": "oncall@example.com",
         "TopicArn": ops_arn}]}, {"TopicArn": ops_arn})
    plan = _plan()
    plan.email_topics = {HOME: plan.email_topics[HOME]}  # the us-east-1 canary topic is not deployed here
    (pending,) = check_subscriptions(plan, account.clients, after_deploy=True)
    assert "sre-leads@example.com has not confirmed its subscription to watchtower-prod-alerts-email" \
        in pending.problem
    assert not pending.blocking


def test_a_topic_not_deployed_yet_is_skipped_before_a_deploy(account):
    from tools.preflight.checks import check_subscriptions
    assert check_subscriptions(_plan(), account.clients) == []
    after = check_subscriptions(_plan(), account.clients, after_deploy=True)
    assert {f.problem for f in after} == {"topic watchtower-prod-alerts-email does not exist",
                                          "topic watchtower-prod-alerts-ops does not exist",
                                          "topic watchtower-prod-alerts-us-east-1-ops does not exist"}


def test_credentials_of_another_account_stop_everything_else(account):
    plan = _plan()
    (finding,) = run_checks(plan, account.clients, caller_account="999999999999")
    assert finding.blocking and "credentials are for account 999999999999" in finding.problem


def test_the_demo_api_needs_an_api_gateway_logging_role_unless_the_demo_sets_it(account):
    from tools.preflight.checks import check_api_gateway_account
    dev = PROD.model_copy(update={"demo_service": True})
    (finding,) = check_api_gateway_account(_plan(dev), account.clients)
    assert finding.blocking and finding.fix.startswith("set demo_api_gateway_account: true")
    opted_in = dev.model_copy(update={"demo_api_gateway_account": True})
    assert check_api_gateway_account(_plan(opted_in), account.clients) == []
    role = boto3.client("iam").create_role(RoleName="apigw-logs", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("apigateway", region_name=HOME).update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}])
    assert check_api_gateway_account(_plan(dev), account.clients) == []


def test_the_plan_reads_every_secret_in_each_region_that_reads_it():
    plan = _plan()
    assert plan.regions == [HOME, EXTRA] and plan.canary_regions == [HOME, EXTRA]
    assert sorted((s.name, s.region) for s in plan.secrets) == sorted(
        [(n, HOME) for n in ROUTER_SECRETS] + [(CANARY_SECRET, HOME), (CANARY_SECRET, EXTRA)])
    assert plan.reservations == []  # nothing reserved by default


@pytest.mark.parametrize("argv", [["prod", "--targets"]])
def test_targets_lists_every_region_to_bootstrap(account, capsys, argv):
    assert main(argv, session=boto3.session.Session(region_name=HOME), clients=account.clients) == 0
    assert capsys.readouterr().out.splitlines() == [f"aws://{ACCOUNT}/{HOME}", f"aws://{ACCOUNT}/{EXTRA}"]


def test_with_nothing_reserved_a_quota_of_10_is_a_warning_among_the_blocking_lines(account, capsys, monkeypatch):
    # GIVEN the same new account, and prod's default config (nothing reserved) with the old runtime
    account.bootstrap(HOME)
    for name in (*ROUTER_SECRETS, CANARY_SECRET):
        account.secret(name, HOME)
    account.lambda_quota(10)
    account.runtimes()
    account.cost_explorer()
    old_runtime = PROD.model_copy(update={"synthetics": RESERVING.synthetics})
    monkeypatch.setattr("config.loader.load_config", lambda env: old_runtime)
    code = main(["prod"], session=boto3.session.Session(region_name=HOME), clients=account.clients)
    lines = capsys.readouterr().out.splitlines()
    # THEN the deploy is still blocked (bootstrap, secret, runtime) and the small quota is a warning only
    assert code == 1 and len(lines) == 4
    assert [line.split()[0] for line in lines] == ["BLOCKING", "WARNING", "BLOCKING", "BLOCKING"]
    assert lines[1].startswith(f"WARNING {HOME} concurrency: Lambda concurrency quota is 10")
