"""Kinesis Data Streams and Data Firehose: encryption at rest, how long records are kept, whether capacity and
shard metrics follow the traffic, and whether anyone hears of consumers falling behind."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.operations import AlarmIndex, index_alarms, notifies
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.resource_types import FIREHOSE_DELIVERY_STREAM, KINESIS_STREAM

SUMMARY = "DescribeStreamSummary"
MIN_RETENTION_HOURS = 168  # a week: a consumer broken on a Friday can still catch up after the weekend


def summarised(stream: Resource) -> bool:
    return not unread(stream, SUMMARY)


def encryption(stream: Resource) -> str | None:
    """How a stream's records are encrypted at rest, or None when they are not."""
    if stream.config.get("EncryptionType") == "KMS":
        return f"KMS key {stream.config.get('KeyId') or '(unnamed)'}"
    return None


@check(
    "kinesis-stream-not-encrypted",
    title="Kinesis data stream is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP02"],
    remediation="Start server-side encryption on the stream with the AWS managed key (alias/aws/kinesis) or a "
                "customer managed KMS key, and let producers and consumers use that key.",
    resource_types=[KINESIS_STREAM],
    needs=("kinesis",),
)
def kinesis_stream_not_encrypted(estate: Estate) -> Iterator[Result]:
    for stream in estate.of_type(KINESIS_STREAM):
        if not summarised(stream):
            yield not_assessed(stream, unread(stream, SUMMARY))
        elif encryption(stream):
            yield passed(stream, f"Records are encrypted at rest with the {encryption(stream)}.")
        else:
            yield fail(stream, f"EncryptionType is {stream.config.get('EncryptionType') or 'NONE'}: records are "
                               "stored unencrypted.")


# Which best practice: a stream is often the only copy of events until its consumers have them; its retention is
# what lets a consumer that failed reprocess them from the source (REL09-BP01: "reproduce the data from sources").
@check(
    "kinesis-stream-retention-short",
    title="Kinesis data stream keeps records too briefly to recover a failed consumer",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL09-BP01"],
    remediation=f"Raise the stream's retention to at least {MIN_RETENTION_HOURS} hours (up to 8,760), so a consumer "
                "that fails can be fixed and replay what it missed before the records expire.",
    resource_types=[KINESIS_STREAM],
    needs=("kinesis",),
)
def kinesis_stream_retention_short(estate: Estate) -> Iterator[Result]:
    for stream in estate.of_type(KINESIS_STREAM):
        hours = stream.config.get("RetentionPeriodHours")
        if not summarised(stream) or not isinstance(hours, int):
            yield not_assessed(stream, unread(stream, SUMMARY) or "RetentionPeriodHours was not in the response.")
        elif hours < MIN_RETENTION_HOURS:
            yield fail(stream, f"Records are kept {hours} h: a consumer down longer than that loses them for good.")
        else:
            yield passed(stream, f"Records are kept {hours} h (>= {MIN_RETENTION_HOURS} h).")


def alarms_watching(index: AlarmIndex, resource: Resource, dimension: str, metrics: tuple[str, ...]) -> list[str]:
    """The alarms that notify someone about one of ``metrics`` of the resource (named by ``dimension``)."""
    found = index.get((resource.account, resource.region, dimension, resource.name), [])
    return sorted({a.name for a in found if notifies(a) and any(m.startswith(metrics) for m in metric_names(a))})


def metric_names(alarm: Resource) -> list[str]:
    """The metrics an alarm watches, including those inside metric-math queries."""
    queries = [((q.get("MetricStat") or {}).get("Metric") or {}) for q in alarm.config.get("Metrics") or []]
    return [str(name) for name in [alarm.config.get("MetricName"), *(q.get("MetricName") for q in queries)] if name]


@check(
    "kinesis-stream-without-lag-alarm",
    title="Production Kinesis data stream has no alarm on consumers falling behind",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL11-BP01"],
    remediation="Alarm on the stream's GetRecords.IteratorAgeMilliseconds (maximum) well below the retention period, "
                "with an action that reaches a person: a stuck or slow consumer shows there before records expire.",
    resource_types=[KINESIS_STREAM],
    needs=("kinesis", "cloudwatch"),
)
def kinesis_stream_without_lag_alarm(estate: Estate) -> Iterator[Result]:
    index = index_alarms(estate)
    for stream in estate.of_type(KINESIS_STREAM):
        if not estate.in_production(stream):
            continue  # alerting is owed to production; an unproven environment is treated as production
        alarms = alarms_watching(index, stream, "StreamName", ("GetRecords.IteratorAge", "IteratorAge"))
        if alarms:
            yield passed(stream, f"Consumer lag is alarmed by {', '.join(alarms)}.")
        else:
            yield fail(stream, "No alarm that notifies anyone watches the stream's iterator age: a failed consumer "
                               "goes unnoticed until its records expire.")


def provisioned(stream: Resource) -> bool:
    return (stream.config.get("StreamModeDetails") or {}).get("StreamMode", "PROVISIONED") == "PROVISIONED"


@check(
    "kinesis-stream-capacity-fixed",
    title="Kinesis data stream's capacity is fixed rather than following demand",
    pillar="cost-optimization",
    focus_area="Resource management",
    risk="LOW",
    best_practices=["COST09-BP03", "SUS02-BP01"],
    remediation="Switch the stream to on-demand capacity mode, which scales shards with the traffic; keep provisioned "
                "mode only for steady, predictable traffic, with automation (UpdateShardCount on a CloudWatch alarm) "
                "that resizes it.",
    resource_types=[KINESIS_STREAM],
    needs=("kinesis",),
)
def kinesis_stream_capacity_fixed(estate: Estate) -> Iterator[Result]:
    for stream in estate.of_type(KINESIS_STREAM):
        shards = stream.config.get("OpenShardCount", "?")
        if provisioned(stream):
            yield fail(stream, f"Provisioned mode with {shards} open shard(s): capacity changes only when someone "
                               "(or something) reshards it, so it is sized for the peak and idle the rest of the time.")
        else:
            yield passed(stream, "On-demand mode: shards follow the traffic.")


@check(
    "kinesis-shard-metrics-off",
    title="Provisioned Kinesis data stream has no shard-level metrics",
    pillar="performance-efficiency",
    focus_area="Data store performance",
    risk=by_environment(prod="LOW"),
    best_practices=["PERF03-BP03"],
    remediation="Enable enhanced monitoring on the stream for at least IncomingBytes, IncomingRecords, "
                "WriteProvisionedThroughputExceeded and IteratorAgeMilliseconds, so hot shards and lagging consumers "
                "show before they throttle.",
    resource_types=[KINESIS_STREAM],
    needs=("kinesis",),
)
def kinesis_shard_metrics_off(estate: Estate) -> Iterator[Result]:
    for stream in estate.of_type(KINESIS_STREAM):
        if not provisioned(stream):
            continue  # on-demand streams reshard themselves; hot shards are AWS's to split
        if not summarised(stream):
            yield not_assessed(stream, unread(stream, SUMMARY))
            continue
        metrics = sorted({m for e in stream.config.get("EnhancedMonitoring") or [] for m in e.get("ShardLevelMetrics")
                          or []})
        if metrics:
            yield passed(stream, f"Shard-level metrics are on: {', '.join(metrics)}.")
        else:
            yield fail(stream, "No shard-level metrics: a hot shard's throttling is hidden in the stream's totals.")


@check(
    "firehose-not-encrypted",
    title="Firehose delivery stream does not encrypt buffered data at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP02"],
    remediation="Turn on server-side encryption for the delivery stream (StartDeliveryStreamEncryption, an AWS owned "
                "or customer managed key); for a stream fed by Kinesis Data Streams, encrypt the source stream.",
    resource_types=[FIREHOSE_DELIVERY_STREAM],
    needs=("firehose",),  # a source stream that was not read leaves only its delivery stream unassessed
)
def firehose_not_encrypted(estate: Estate) -> Iterator[Result]:
    streams = {s.arn: s for s in estate.of_type(KINESIS_STREAM) if s.arn}
    for delivery in estate.of_type(FIREHOSE_DELIVERY_STREAM):
        why = unread(delivery, "DescribeDeliveryStream")
        kind = delivery.config.get("DeliveryStreamType")
        status = (delivery.config.get("DeliveryStreamEncryptionConfiguration") or {}).get("Status", "DISABLED")
        if why:
            yield not_assessed(delivery, why)
        elif kind == "KinesisStreamAsSource":
            # Firehose's own encryption does not apply: the records are as encrypted as the stream they come from.
            source = ((delivery.config.get("Source") or {}).get("KinesisStreamSourceDescription") or {}).get(
                "KinesisStreamARN", "")
            stream = streams.get(source)
            if stream is None or not summarised(stream):
                yield not_assessed(delivery, f"Its source stream {source or '(unknown)'} was not read, and its "
                                             "encryption is what protects these records.")
            elif encryption(stream):
                yield passed(delivery, f"Its source stream {stream.label} is encrypted with the {encryption(stream)}.")
            else:
                yield fail(delivery, f"Its source stream {stream.label} is not encrypted, so neither are the records "
                                     "it delivers.")
        elif kind == "DirectPut":
            if status == "ENABLED":
                key = (delivery.config.get("DeliveryStreamEncryptionConfiguration") or {}).get("KeyType", "a KMS key")
                yield passed(delivery, f"Server-side encryption is enabled ({key}).")
            else:
                yield fail(delivery, f"Server-side encryption is {status}: buffered records are stored unencrypted.")
        else:
            yield not_assessed(delivery, f"A {kind} source is encrypted by its own service, which wafr does not read.")
