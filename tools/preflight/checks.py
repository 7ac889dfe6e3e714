"""The preflight checks: read-only calls against the account, one Finding per problem, each saying what to do.

Every check takes the DeployPlan and a ``clients(service, region)`` factory, so tests hand in moto clients (and
botocore Stubber clients for the APIs moto does not implement).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

from tools.preflight.plan import DeployPlan

__all__ = ["Finding", "Clients", "CHECKS", "run_checks", "LAMBDA_UNRESERVED_MINIMUM", "COST_EXPLORER_REGION",
           "AFTER_DEPLOY_CHECKS"]

Clients = Callable[[str, str], Any]
LAMBDA_UNRESERVED_MINIMUM = 100  # Lambda keeps this many concurrent executions of the quota unreserved
COST_EXPLORER_REGION = "us-east-1"  # Cost Explorer (anomaly monitors, cost allocation tags) answers there only
_RUNTIME = re.compile(r"^syn-python-selenium-(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Finding:
    """One problem: ``blocking`` ones make the deploy fail (preflight exits 1); the others only need attention.

    Example
    -------
    >>> str(Finding(True, "us-east-1", "bootstrap", "no CDK bootstrap", "run make bootstrap ENV=prod"))
    'BLOCKING us-east-1 bootstrap: no CDK bootstrap; run make bootstrap ENV=prod'
    """

    blocking: bool
    region: str
    check: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{'BLOCKING' if self.blocking else 'WARNING'} {self.region} {self.check}: {self.problem}; {self.fix}"


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def _unreadable(region: str, check: str, what: str, error: ClientError) -> Finding:
    return Finding(False, region, check, f"could not read {what} ({_code(error) or 'error'})",
                   "run preflight with credentials that may read it, or check it by hand")


def check_account(plan: DeployPlan, clients: Clients, caller_account: str | None) -> list[Finding]:
    """The credentials belong to the account the config deploys to."""
    if plan.cfg.account and caller_account and caller_account != plan.cfg.account:
        return [Finding(True, plan.home_region, "account",
                        f"the credentials are for account {caller_account}, config/{plan.cfg.env}.yaml deploys to "
                        f"{plan.cfg.account}", "use credentials of that account (AWS_PROFILE) or fix `account:`")]
    return []


def check_bootstrap(plan: DeployPlan, clients: Clients) -> list[Finding]:
    """Every region has a CDK bootstrap at least as recent as the synthesized stacks require."""
    env = plan.cfg.env
    parameter = f"/cdk-bootstrap/{plan.qualifier}/version"
    found = []
    for region in plan.regions:
        wanted = plan.bootstrap_version.get(region, 0)
        try:
            value = clients("ssm", region).get_parameter(Name=parameter)["Parameter"]["Value"]
        except ClientError as error:
            if _code(error) == "ParameterNotFound":
                found.append(Finding(True, region, "bootstrap", f"{plan.bootstrap_target(region)} is not "
                                     f"bootstrapped (no SSM parameter {parameter})",
                                     f"run `make bootstrap ENV={env}` (bootstraps every region of the environment)"))
            else:
                found.append(_unreadable(region, "bootstrap", parameter, error))
            continue
        try:
            version = int(value)
        except ValueError:
            version = 0
        if version < wanted:
            found.append(Finding(True, region, "bootstrap", f"CDK bootstrap version {value} is older than the "
                                 f"{wanted} the stacks require", f"run `make bootstrap ENV={env}` to upgrade it"))
    return found


def check_concurrency(plan: DeployPlan, clients: Clients) -> list[Finding]:
    """What the app reserves still leaves Lambda its 100 unreserved executions; a tiny quota is worth a line."""
    found = []
    for region in dict.fromkeys([plan.home_region, *(r.region for r in plan.reservations)]):
        wanted = [r for r in plan.reservations if r.region == region]
        client = clients("lambda", region)
        try:
            limit = client.get_account_settings()["AccountLimit"]
        except ClientError as error:
            found.append(_unreadable(region, "concurrency", "the Lambda account settings", error))
            continue
        quota, unreserved = limit["ConcurrentExecutions"], limit["UnreservedConcurrentExecutions"]
        already = 0
        for reservation in wanted:  # an update: what our functions reserve now is already out of `unreserved`
            try:
                current = client.get_function_concurrency(FunctionName=reservation.function)
                already += min(current.get("ReservedConcurrentExecutions") or 0, reservation.executions)
            except ClientError as error:
                if _code(error) != "ResourceNotFoundException":  # not deployed yet: nothing reserved
                    found.append(_unreadable(region, "concurrency", f"the concurrency of {reservation.function}",
                                             error))
        more = sum(r.executions for r in wanted) - already
        if wanted and unreserved - more < LAMBDA_UNRESERVED_MINIMUM:
            asked = ", ".join(f"{r.setting}={r.executions}" for r in wanted)
            found.append(Finding(True, region, "concurrency",
                                 f"Lambda concurrency quota {quota} with {unreserved} unreserved cannot take {more} "
                                 f"more reserved ({asked}): Lambda keeps {LAMBDA_UNRESERVED_MINIMUM} unreserved",
                                 "remove those settings from config or request a higher 'Concurrent executions' "
                                 "quota (Service Quotas, Lambda L-B99A9384)"))
        elif quota <= LAMBDA_UNRESERVED_MINIMUM:
            found.append(Finding(False, region, "concurrency",
                                 f"Lambda concurrency quota is {quota}: the alert router shares it with every other "
                                 "function of the account and may be throttled in an alarm storm",
                                 "request a higher 'Concurrent executions' quota (Service Quotas, Lambda L-B99A9384)"))
    return found


def check_secrets(plan: DeployPlan, clients: Clients) -> list[Finding]:
    """Every secret config names exists in each region that reads it (only its metadata is read)."""
    found = []
    for use in plan.secrets:
        try:
            clients("secretsmanager", use.region).describe_secret(SecretId=use.name)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                found.append(Finding(True, use.region, "secrets", f"secret '{use.name}' (read by {use.reader}) does "
                                     f"not exist in {use.region}",
                                     f"create it there: aws secretsmanager create-secret --region {use.region} "
                                     f"--name {use.name} --secret-string file://VALUE (or replicate it)"))
            else:
                found.append(_unreadable(use.region, "secrets", f"secret '{use.name}'", error))
    return found


def _runtime_versions(client: Any) -> dict[str, dict]:
    versions: dict[str, dict] = {}
    token = None
    while True:
        page = client.describe_runtime_versions(**({"NextToken": token} if token else {}))
        for version in page.get("RuntimeVersions", []):
            versions[version["VersionName"]] = version
        token = page.get("NextToken")
        if not token:
            return versions


def _newest_python(versions: dict[str, dict], now: datetime) -> str | None:
    live = [(tuple(map(int, m.groups())), name) for name, v in versions.items()
            if (m := _RUNTIME.match(name)) and not _deprecated(v, now)]
    return max(live)[1] if live else None


def _deprecated(version: dict, now: datetime) -> bool:
    date = version.get("DeprecationDate")
    return date is not None and date <= now


def check_runtime(plan: DeployPlan, clients: Clients, now: datetime | None = None) -> list[Finding]:
    """The Synthetics runtime is offered in every canary region and not deprecated (DescribeRuntimeVersions)."""
    now = now or datetime.now(timezone.utc)
    runtime = plan.cfg.synthetics.runtime
    found = []
    for region in plan.canary_regions:
        try:
            versions = _runtime_versions(clients("synthetics", region))
        except ClientError as error:
            found.append(_unreadable(region, "runtime", "the Synthetics runtime versions", error))
            continue
        newest = _newest_python(versions, now)
        advice = f"set synthetics.runtime: {newest}" if newest else "pick a current syn-python-selenium runtime"
        version = versions.get(runtime)
        if version is None:
            found.append(Finding(True, region, "runtime", f"Synthetics does not offer {runtime} here", advice))
        elif _deprecated(version, now):
            found.append(Finding(True, region, "runtime", f"{runtime} was deprecated on "
                                 f"{version['DeprecationDate']:%Y-%m-%d}: deprecated runtimes cannot create canaries",
                                 advice))
        elif version.get("DeprecationDate") is not None:
            found.append(Finding(False, region, "runtime", f"{runtime} will be deprecated on "
                                 f"{version['DeprecationDate']:%Y-%m-%d}", advice))
    return found


def check_anomaly_monitor(plan: DeployPlan, clients: Clients) -> list[Finding]:
    """AWS allows one SERVICE anomaly monitor per account: say whether to create ours."""
    cost = plan.cfg.cost
    if not cost.enabled:
        return []
    ours = f"{plan.cfg.app}-{plan.cfg.env}-cost-services"
    try:
        client, monitors, token = clients("ce", COST_EXPLORER_REGION), [], None
        while True:
            page = client.get_anomaly_monitors(**({"NextPageToken": token} if token else {}))
            monitors += page.get("AnomalyMonitors", [])
            token = page.get("NextPageToken")
            if not token:
                break
    except ClientError as error:
        return [_unreadable(COST_EXPLORER_REGION, "anomaly", "the Cost Anomaly Detection monitors", error)]
    service = [m for m in monitors if m.get("MonitorType") == "DIMENSIONAL" and m.get("MonitorDimension") == "SERVICE"
               and m.get("MonitorName") != ours]
    if cost.anomaly.service_monitor and service:
        return [Finding(True, COST_EXPLORER_REGION, "anomaly", f"the account already has the SERVICE anomaly monitor "
                        f"'{service[0].get('MonitorName')}' and AWS allows one",
                        "set cost.anomaly.service_monitor: false")]
    if not cost.anomaly.service_monitor and not service:
        return [Finding(False, COST_EXPLORER_REGION, "anomaly", "the account has no SERVICE anomaly monitor, so "
                        "anomalies of individual AWS services go unnoticed",
                        "set cost.anomaly.service_monitor: true (one environment per account)")]
    return []


def check_cost_tags(plan: DeployPlan, clients: Clients) -> list[Finding]:
    """The tags the budget filter, the tag monitor and the checker's scope read are active cost-allocation tags."""
    cost = plan.cfg.cost
    if not cost.enabled:
        return []
    keys = sorted({cost.anomaly.tag_key, "Environment"})
    try:
        tags = clients("ce", COST_EXPLORER_REGION).list_cost_allocation_tags(TagKeys=keys, Type="UserDefined")
    except ClientError as error:
        return [_unreadable(COST_EXPLORER_REGION, "cost-tags", "the cost allocation tags", error)]
    active = {t["TagKey"] for t in tags.get("CostAllocationTags", []) if t.get("Status") == "Active"}
    return [Finding(False, COST_EXPLORER_REGION, "cost-tags", f"cost allocation tag '{key}' is not active, so the "
                    "budget, the tag anomaly monitor and per-environment cost see nothing",
                    f"aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey={key},"
                    "Status=Active (tags appear there a day after resources carry them)")
            for key in keys if key not in active]


def check_api_gateway_account(plan: DeployPlan, clients: Clients) -> list[Finding]:
    """The demo API logs to CloudWatch: without its own account setting, the account must have a logging role."""
    cfg = plan.cfg
    if not cfg.demo_service or cfg.demo_api_gateway_account:
        return []
    try:
        account = clients("apigateway", plan.home_region).get_account()
    except ClientError as error:
        return [_unreadable(plan.home_region, "api-gateway", "the API Gateway account settings", error)]
    if not account.get("cloudwatchRoleArn"):
        return [Finding(True, plan.home_region, "api-gateway", "API Gateway has no CloudWatch logging role in this "
                        "account and region, so the demo API's logging stage fails to deploy",
                        "set demo_api_gateway_account: true (the demo stack then sets it) or set the role with "
                        "aws apigateway update-account")]
    return []


def check_subscriptions(plan: DeployPlan, clients: Clients, after_deploy: bool = False) -> list[Finding]:
    """After a deploy: e-mail subscriptions still waiting for their recipient to confirm get nothing."""
    found = []
    for region, topics in plan.email_topics.items():
        client = clients("sns", region)
        for topic in topics:
            arn = f"arn:aws:sns:{region}:{plan.account}:{topic}"
            try:
                subscriptions, token = [], None
                while True:
                    page = client.list_subscriptions_by_topic(TopicArn=arn, **({"NextToken": token} if token else {}))
                    subscriptions += page.get("Subscriptions", [])
                    token = page.get("NextToken")
                    if not token:
                        break
            except ClientError as error:
                if _code(error) in ("NotFound", "NotFoundException"):
                    if after_deploy:
                        found.append(Finding(False, region, "subscriptions", f"topic {topic} does not exist",
                                             f"deploy first: make deploy ENV={plan.cfg.env}"))
                    continue
                found.append(_unreadable(region, "subscriptions", f"the subscriptions of {topic}", error))
                continue
            for sub in subscriptions:
                if sub.get("Protocol") == "email" and sub.get("SubscriptionArn") == "PendingConfirmation":
                    found.append(Finding(False, region, "subscriptions", f"{sub.get('Endpoint')} has not confirmed "
                                         f"its subscription to {topic} and gets no alert e-mail",
                                         "open the 'AWS Notification - Subscription Confirmation' e-mail and click "
                                         "Confirm subscription"))
    return found


CHECKS: tuple[Callable[[DeployPlan, Clients], list[Finding]], ...] = (
    check_bootstrap, check_concurrency, check_secrets, check_runtime, check_anomaly_monitor, check_cost_tags,
    check_api_gateway_account, check_subscriptions,
)
AFTER_DEPLOY_CHECKS = (check_subscriptions,)


def run_checks(plan: DeployPlan, clients: Clients, *, caller_account: str | None = None,
               after_deploy: bool = False) -> list[Finding]:
    """Every check (only the post-deploy ones with ``after_deploy``), findings in check order.

    Example
    -------
    >>> findings = run_checks(plan, boto3_clients(session))  # doctest: +SKIP
    >>> any(f.blocking for f in findings)  # doctest: +SKIP
    False
    """
    found = check_account(plan, clients, caller_account)
    if found:
        return found  # every other answer would describe the wrong account
    if after_deploy:
        return check_subscriptions(plan, clients, after_deploy=True)
    for check in CHECKS:
        found += check(plan, clients)
    return _merged(found)


def _merged(findings: list[Finding]) -> list[Finding]:
    """The same problem in several regions (a deprecated runtime everywhere) is one line naming the regions."""
    merged: dict[tuple, list[str]] = {}
    for finding in findings:
        merged.setdefault((finding.blocking, finding.check, finding.problem, finding.fix), []).append(finding.region)
    return [Finding(blocking, ",".join(dict.fromkeys(regions)), check, problem, fix)
            for (blocking, check, problem, fix), regions in merged.items()]
