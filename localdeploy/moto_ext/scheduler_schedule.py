"""AWS::Scheduler::Schedule on moto's EventBridge Scheduler backend (``create_schedule``).

moto gap: moto models EventBridge Scheduler's API but has no CloudFormation handler for a
schedule. We create it from the template (expression, time zone, flexible time window, state,
target with its retry policy, dead-letter queue, role and input) in its group (``default``
unless ``GroupName``); Ref is the schedule's name, GetAtt ``Arn`` its ARN, as CloudFormation.
Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedule.html
"""

from __future__ import annotations

import contextlib
from typing import Any

from moto.scheduler.models import Schedule as MotoSchedule
from moto.scheduler.models import scheduler_backends

from ._base import CloudFormationModel, HandlerDefaults


class Schedule(HandlerDefaults, CloudFormationModel):
    """Ref: the schedule name; GetAtt Arn."""

    cfn_type = "AWS::Scheduler::Schedule"
    attributes = {"Arn": "arn"}

    def __init__(self, schedule: MotoSchedule) -> None:
        self.schedule = schedule
        self.physical_id = schedule.name
        self.arn = schedule.arn
        self.group = schedule.group_name

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Schedule:
        props = cloudformation_json["Properties"]
        made = scheduler_backends[account_id][region_name].create_schedule(
            description=props.get("Description"),  # type: ignore[arg-type]
            end_date=props.get("EndDate"),  # type: ignore[arg-type]
            flexible_time_window=props["FlexibleTimeWindow"],
            group_name=props.get("GroupName"),  # type: ignore[arg-type]
            kms_key_arn=props.get("KmsKeyArn"),  # type: ignore[arg-type]
            name=props.get("Name") or resource_name[:64],
            schedule_expression=props["ScheduleExpression"],
            schedule_expression_timezone=props.get("ScheduleExpressionTimezone"),  # type: ignore[arg-type]
            start_date=props.get("StartDate"),  # type: ignore[arg-type]
            state=props.get("State"),  # type: ignore[arg-type]
            target=dict(props["Target"]),
            action_after_completion=None,
        )
        return cls(made)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.scheduler.exceptions import ScheduleNotFound

        with contextlib.suppress(ScheduleNotFound):
            scheduler_backends[account_id][region_name].delete_schedule(self.group, self.physical_id)


def install() -> None:
    """Nothing to patch: defining the handler above registers it with moto's type map."""
