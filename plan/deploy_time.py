"""Metric keys known only once a service's stack is deployed, held by the plan as plain data.

A template does not state the id AppSync, API Gateway, Elastic Load Balancing or CloudFront generate for a
resource, nor the name CloudFormation generates for a function without ``FunctionName``. With the service's
deployed stack named (``stack:``), discovery still finds such a resource and puts a ``DeployTimeName`` where the
literal key would be: a ``str`` whose text is a stable, token-free label (the template's own name of the
resource, or its logical id, so alarm names and construct ids never depend on a deploy), carrying a frozen
``DeployTimeKey`` that says which stack and logical id to read and how the metric key derives from the physical
id CloudFormation reports for it. The monitoring stacks turn it into a value resolved at deploy
(stacks/monitoring/deploy_ids.py); everything else (labels, alarm names) reads the text.

The physical id of a resource is the ``primaryIdentifier`` of its type in the CloudFormation registry schema
(what ``DescribeStackResource`` returns as ``PhysicalResourceId`` and ``Ref`` gives): an ARN for AppSync APIs,
load balancers, target groups and topics, the URL for queues, the id for HTTP/WebSocket APIs and
distributions, the name for functions and tables.

Example
-------
>>> name = deploy_time_name("AWS::ElasticLoadBalancingV2::LoadBalancer", "shop-prod", "Edge", "eu-west-1")
>>> str(name), name.key.split, name.key.index
('Edge', 'loadbalancer/', 1)
>>> name.key.derive("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/edge/50dc6c495c0c9188")
'app/edge/50dc6c495c0c9188'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DeployTimeKey", "DeployTimeName", "DERIVATIONS", "deploy_key", "deploy_time_name", "is_deploy_time",
           "shown"]

# CloudFormation type -> (separator, index) that turn the physical id into the metric key (None: the id itself).
DERIVATIONS: dict[str, tuple[str, int] | None] = {
    # arn:aws:appsync:REGION:ACCOUNT:apis/GRAPHQLAPIID -> GraphQLAPIId
    "AWS::AppSync::GraphQLApi": ("/", 1),
    # the ApiId (HTTP and WebSocket APIs alike)
    "AWS::ApiGatewayV2::Api": None,
    # arn:...:loadbalancer/app/NAME/ID -> app/NAME/ID (the LoadBalancer dimension)
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("loadbalancer/", 1),
    # arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID -> targetgroup/NAME/ID
    "AWS::ElasticLoadBalancingV2::TargetGroup": (":", 5),
    # the distribution id, E...
    "AWS::CloudFront::Distribution": None,
    # the function name
    "AWS::Lambda::Function": None,
    # the table name
    "AWS::DynamoDB::Table": None,
    # https://sqs.REGION.amazonaws.com/ACCOUNT/NAME -> NAME
    "AWS::SQS::Queue": ("/", 4),
    # arn:aws:sns:REGION:ACCOUNT:NAME -> NAME
    "AWS::SNS::Topic": (":", 5),
}


@dataclass(frozen=True)
class DeployTimeKey:
    """Where a metric key comes from at deploy: the physical id of ``logical_id`` in the deployed stack
    ``stack`` (in ``region``; None: the monitoring stack's own), split on ``split`` and item ``index`` taken
    (``split`` None: the physical id itself), with ``prefix`` put in front (e.g. ``/aws/lambda/``)."""

    stack: str
    logical_id: str
    resource_type: str
    region: str | None = None
    split: str | None = None
    index: int = 0
    prefix: str = ""
    revision: str = ""  # a hash of the resource's definition in the template: a replaced resource is read again

    def derive(self, physical_id: str) -> str:
        """The metric key a physical id gives (what the deployed value will be; the simulator and tests use it).

        Example
        -------
        >>> DeployTimeKey("shop", "Jobs", "AWS::SQS::Queue", split="/", index=4).derive(
        ...     "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-jobs")
        'shop-jobs'
        """
        key = physical_id if self.split is None else physical_id.split(self.split)[self.index]
        return self.prefix + key


class DeployTimeName(str):
    """A metric key resolved at deploy: reads as its label (a token-free name), ``key`` says how to resolve it.

    Example
    -------
    >>> name = DeployTimeName("Graph", DeployTimeKey("shop", "Graph", "AWS::AppSync::GraphQLApi", split="/", index=1))
    >>> name == "Graph", name.key.logical_id
    (True, 'Graph')
    """

    key: DeployTimeKey

    def __new__(cls, text: str, key: DeployTimeKey) -> "DeployTimeName":
        made = super().__new__(cls, text)
        made.key = key
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (parallel test workers) keeps the key
        return (DeployTimeName, (str(self), self.key))

    def __repr__(self) -> str:
        return f"DeployTimeName({str(self)!r}, {self.key!r})"


def deploy_time_name(resource_type: str, stack: str, logical_id: str, region: str | None = None,
                     text: str | None = None, prefix: str = "", revision: str = "") -> DeployTimeName:
    """The deploy-time key of ``logical_id`` (of ``resource_type``) in ``stack``, reading as ``text`` (default:
    the logical id)."""
    derivation = DERIVATIONS[resource_type]
    split, index = derivation if derivation is not None else (None, 0)
    return DeployTimeName(text or logical_id, DeployTimeKey(stack, logical_id, resource_type, region, split, index,
                                                            prefix, revision))


def deploy_key(value: Any) -> DeployTimeKey | None:
    """The deploy-time key ``value`` carries, None for a literal."""
    return value.key if isinstance(value, DeployTimeName) else None


def shown(value: Any) -> Any:
    """How a report shows ``value``: a key read at deploy says where from, anything else is itself.

    Example
    -------
    >>> shown(deploy_time_name("AWS::SQS::Queue", "shop-prod", "Jobs"))
    "<read at deploy: stack shop-prod, Jobs: '/' item 4 of its physical id>"
    """
    key = deploy_key(value)
    if key is None:
        return value
    derived = "its physical id" if key.split is None else f"{key.split!r} item {key.index} of its physical id"
    return f"<read at deploy: stack {key.stack}, {key.logical_id}: {derived}>"


def is_deploy_time(value: Any) -> bool:
    """True when ``value`` is resolved at deploy (a ``DeployTimeName``)."""
    return isinstance(value, DeployTimeName)
