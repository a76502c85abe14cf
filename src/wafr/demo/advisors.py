"""The demo's advisors: sample answers (advisors.yaml) to the advisor reads moto does not implement.

Each answer is checked against botocore's model of the operation's output, as botocore's Stubber checks a stubbed
response, and handed to the scan's own client through the hook the Stubber uses (``before-call``), so the real
collectors read it and wafr's guard still sees every call first. Unlike a Stubber, which answers every call of a
client in a fixed order, it answers only the operations named, in any order: the collectors run concurrently, and
another collector's operation on the same client (Cost Explorer's anomaly monitors on ``ce``) still goes to moto.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from botocore.awsrequest import AWSResponse
from botocore.utils import parse_timestamp
from botocore.validate import validate_parameters

ANSWERS_FILE = Path(__file__).with_name("advisors.yaml")
HOME = "home"  # the Region the demo estate is in: where a regional advisor is asked


def load_answers() -> dict[str, Any]:
    with ANSWERS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def placeholders(provisioned: dict[str, Any], region: str, now: dt.datetime) -> dict[str, Any]:
    """What the answers' strings are filled in from: the demo's account, Region, ids, and dates around ``now``."""
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    today = now.date()
    return {"account": provisioned["account"], "region": region, "ids": provisioned.get("ids", {}),
            "today": today.isoformat(), "month_ago": (today - dt.timedelta(days=30)).isoformat(),
            "week_ago": (now - dt.timedelta(days=7)).strftime(stamp),
            "in_three_weeks": (now + dt.timedelta(days=21)).replace(hour=6, minute=0, second=0).strftime(stamp)}


def _filled(value: Any, shape: Any, values: dict[str, Any]) -> Any:
    """The answer with its strings filled in and its timestamps parsed, member by member along the output shape."""
    kind = getattr(shape, "type_name", None)
    if isinstance(value, dict):
        members = shape.members if kind == "structure" else {}
        inner = shape.value if kind == "map" else None
        return {k: _filled(v, members.get(k, inner), values) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, shape.member if kind == "list" else None, values) for v in value]
    if isinstance(value, str):
        try:
            text = value.format_map(values)
        except (KeyError, IndexError) as missing:
            raise ValueError(f"{ANSWERS_FILE.name}: {value!r} names {missing}, which the demo did not provision") \
                from None
        return parse_timestamp(text) if kind == "timestamp" else text
    return value


def _responder(answers: dict[str, dict[str, Any]]) -> Any:
    def answer(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if model.name not in answers:
            return None  # not an advisor read moto lacks: moto answers it
        response = copy.deepcopy(answers[model.name])
        response["ResponseMetadata"] = {"HTTPStatusCode": 200, "RequestId": "demo-sample-answer"}
        return AWSResponse(None, 200, {}, None), response
    return answer


def answer_advisors(aws: Any, provisioned: dict[str, Any], home: str, now: dt.datetime | None = None) -> list[str]:
    """Answer the advisors' reads on the scan's own clients; returns the advisors (coverage keys) answered."""
    values = placeholders(provisioned, home, now or dt.datetime.now(dt.timezone.utc))
    answered = []
    for service, spec in load_answers().items():
        region = home if spec["region"] == HOME else spec["region"]
        client = aws.client(spec["client"], region)
        model = client.meta.service_model
        answers = {}
        for operation, response in spec["answers"].items():
            shape = model.operation_model(operation).output_shape
            answers[operation] = _filled(response, shape, values)
            validate_parameters(answers[operation], shape)  # the documented shape, or the demo does not start
        client.meta.events.register_last("before-call.*.*", _responder(answers),
                                         unique_id=f"wafr-demo-advisor-{service}")
        answered.append(service)
    return answered
