"""``<app>-<env>-Synthetics`` (and ``-Synthetics-<region>`` per extra region): canaries, artifacts, alarms."""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from aws_cdk import Stack, aws_cloudwatch as cloudwatch, aws_sns as sns
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from stacks.monitoring.maintenance import MaintenanceSwitch
from stacks.synthetics import ArtifactsBucket, CanaryAlarms, ServiceCanary
from stacks.synthetics.regional_topic import RegionalAlertTopic
from stacks.synthetics.targets import CanaryTarget

__all__ = ["SyntheticsStack"]


def _construct_id(service: str) -> str:
    return "".join(part.capitalize() for part in service.split("-"))


class SyntheticsStack(Stack):
    """One canary per target, their artifact bucket and alarms.

    In the home region (``extra_region`` unset) every canary's alarms are exposed as ``children``
    (service -> [(alarm, severity)]); services listed in ``composed`` get no direct actions (their composites
    act for them), the others notify ``notify`` (severity -> topic) directly. In an extra region alarms notify
    a topic of their own region (``regional_topic``): alarm actions and composite children cannot cross
    regions.

    Example
    -------
    >>> SyntheticsStack(app, "watchtower-prod-Synthetics", cfg=cfg, targets=canary_targets(cfg))  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 targets: Sequence[CanaryTarget], notify: Mapping[str, sns.ITopic] | None = None,
                 composed: Collection[str] = (), extra_region: str | None = None, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.artifacts = ArtifactsBucket(self, "Artifacts", cfg=cfg)
        self.regional_topic: RegionalAlertTopic | None = None
        self.maintenance: MaintenanceSwitch | None = None
        if extra_region:
            self.regional_topic = RegionalAlertTopic(self, "RegionalAlerts", cfg=cfg, region=extra_region)
            notify = {"critical": self.regional_topic.topic, "warning": self.regional_topic.topic}
            # This region's copy of the maintenance switch (make maintenance flips every region's).
            self.maintenance = MaintenanceSwitch(self, "Maintenance", cfg=cfg, region=extra_region)
        self.canaries: dict[str, ServiceCanary] = {}
        self.children: dict[str, list[tuple[cloudwatch.IAlarm, str]]] = {}
        self.alarm_refs: list[AlarmRef] = []
        for target in targets:
            name = _construct_id(target.service)
            canary = ServiceCanary(self, name, cfg=cfg, service=target.service, canary=target.config,
                                   bucket=self.artifacts.bucket, base_url=target.base_url)
            direct = dict(notify) if notify and (extra_region or target.service not in composed) else None
            alarms = CanaryAlarms(self, f"{name}Alarms", cfg=cfg, canary=canary, notify=direct,
                                  region_label=extra_region or "",
                                  suppressor=self.maintenance.alarm if self.maintenance else None)
            self.canaries[target.service] = canary
            self.children.setdefault(target.service, []).extend(alarms.children)
            self.alarm_refs.extend(alarms.refs)
