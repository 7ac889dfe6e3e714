"""An account to run preflight against: moto for every API it implements, botocore Stubber clients for the ones
it does not (Lambda GetAccountSettings, Synthetics DescribeRuntimeVersions, Cost Explorer anomaly monitors and
cost allocation tags) and for SNS's unconfirmed e-mail subscriptions (moto confirms every subscription)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from config.loader import load_config

HOME, EXTRA = "eu-west-1", "us-east-1"  # prod's home region and its extra canary region
ACCOUNT = "123456789012"  # moto's account, which prod's config names
PROD = load_config("prod")
ROUTER_SECRETS = ("watchtower/prod/pagerduty-routing-key", "watchtower/prod/slack-webhook",
                  "watchtower/prod/teams-webhook")
CANARY_SECRET = "watchtower/prod/orders-canary-headers"
PAST, FUTURE = datetime(2026, 7, 1, tzinfo=timezone.utc), datetime(2099, 1, 1, tzinfo=timezone.utc)


def runtime(name: str, deprecated: datetime | None = None) -> dict:
    version = {"VersionName": name, "Description": name, "ReleaseDate": datetime(2025, 1, 1, tzinfo=timezone.utc)}
    if deprecated:
        version["DeprecationDate"] = deprecated
    return version


# What DescribeRuntimeVersions lists (names from the Synthetics runtime pages; 7.0 deprecated with Python 3.11).
RUNTIMES = [runtime("syn-python-selenium-5.1", PAST), runtime("syn-python-selenium-7.0", PAST),
            runtime("syn-python-selenium-13.0"), runtime("syn-python-selenium-14.0"),
            runtime("syn-nodejs-puppeteer-11.0")]


@dataclass
class Account:
    """The fake account: ``clients(service, region)`` is what preflight calls."""

    stubs: dict[tuple[str, str], Stubber] = field(default_factory=dict)

    def clients(self, service: str, region: str):
        if (service, region) in self.stubs:
            return self.stubs[service, region].client
        return boto3.client(service, region_name=region)

    def stub(self, service: str, region: str) -> Stubber:
        if (service, region) not in self.stubs:
            stubber = Stubber(boto3.client(service, region_name=region))
            stubber.activate()
            self.stubs[service, region] = stubber
        return self.stubs[service, region]

    # --- what moto implements
    def bootstrap(self, region: str, version: int = 21) -> None:
        boto3.client("ssm", region_name=region).put_parameter(
            Name="/cdk-bootstrap/hnb659fds/version", Value=str(version), Type="String")

    def secret(self, name: str, region: str) -> None:
        boto3.client("secretsmanager", region_name=region).create_secret(Name=name, SecretString="not-a-real-value")

    # --- what moto lacks
    def lambda_quota(self, quota: int, unreserved: int | None = None, reserved_now: dict | None = None) -> None:
        stub = self.stub("lambda", HOME)
        stub.add_response("get_account_settings", {"AccountLimit": {
            "ConcurrentExecutions": quota, "UnreservedConcurrentExecutions": quota if unreserved is None else unreserved,
            "TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000, "CodeSizeZipped": 52428800}})
        for function, executions in (reserved_now or {}).items():
            if executions is None:
                stub.add_client_error("get_function_concurrency", "ResourceNotFoundException",
                                      expected_params={"FunctionName": function})
            else:
                stub.add_response("get_function_concurrency", {"ReservedConcurrentExecutions": executions},
                                  {"FunctionName": function})

    def runtimes(self, regions=(HOME, EXTRA), versions=None) -> None:
        for region in regions:
            self.stub("synthetics", region).add_response("describe_runtime_versions",
                                                         {"RuntimeVersions": versions or RUNTIMES})

    def cost_explorer(self, monitors=("Default-Services-Monitor",), active=("Project", "Environment")) -> None:
        stub = self.stub("ce", EXTRA)
        stub.add_response("get_anomaly_monitors", {"AnomalyMonitors": [
            {"MonitorName": name, "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE",
             "MonitorArn": f"arn:aws:ce::{ACCOUNT}:anomalymonitor/{i}"} for i, name in enumerate(monitors)]})
        stub.add_response("list_cost_allocation_tags", {"CostAllocationTags": [
            {"TagKey": key, "Type": "UserDefined", "Status": "Active" if key in active else "Inactive"}
            for key in ("Environment", "Project")]})

    def complete(self, cfg=PROD) -> None:
        """Everything a first deploy of ``cfg`` needs, in both regions."""
        for region in (HOME, EXTRA):
            self.bootstrap(region)
            self.secret(CANARY_SECRET, region)
        for name in ROUTER_SECRETS:
            self.secret(name, HOME)
        reserved = {}
        if cfg.routing.function.reserved_concurrency:
            reserved["watchtower-prod-alert-router"] = None
        self.lambda_quota(1000, reserved_now=reserved)
        self.runtimes()
        self.cost_explorer()


@pytest.fixture
def account():
    with mock_aws():
        made = Account()
        yield made
        for stubber in made.stubs.values():
            stubber.assert_no_pending_responses()  # every API preflight was expected to ask was asked
