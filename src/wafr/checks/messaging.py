"""Messaging and events: encryption, dead-letter queues and public access of SQS queues, SNS topics and
EventBridge buses and rules."""

from __future__ import annotations

from typing import Iterator

from wafr.checks.policies import actions_of, open_statements
from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.resource_types import EVENTS_EVENT_BUS, EVENTS_RULE, SNS_TOPIC, SQS_QUEUE



def policy_open_to_anyone(resource: Resource, operation: str, what: str) -> Result:
    why = unread(resource, operation)
    if why:
        return not_assessed(resource, why)
    policy = resource.config.get("Policy")
    if isinstance(policy, str):
        return not_assessed(resource, f"The {what} policy could not be read as JSON.")
    statements = open_statements(policy)
    if statements:
        return fail(resource, f"The {what} policy lets anyone ({len(statements)} statement(s) with principal \"*\" "
                              f"and no account, organization or source condition) call {actions_of(statements)}.")
    return passed(resource, f"No statement of the {what} policy lets anyone in without a condition on who calls."
                  if policy else f"The {what} has no resource policy: only its own account's principals may use it.")


@check(
    "sqs-queue-not-encrypted",
    title="SQS queue is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP02"],
    remediation="Turn on server-side encryption for the queue: SSE-SQS (SqsManagedSseEnabled) or, where the messages "
                "are sensitive, a customer managed KMS key (KmsMasterKeyId).",
    resource_types=[SQS_QUEUE],
    needs=("sqs",),
    bullet="Encrypt the messages of {resources} with SSE-SQS or a KMS key",
)
def sqs_queue_not_encrypted(estate: Estate) -> Iterator[Result]:
    for queue in estate.of_type(SQS_QUEUE):
        why = unread(queue, "GetQueueAttributes")
        key = queue.config.get("KmsMasterKeyId")
        if why:
            yield not_assessed(queue, why)
        elif key:
            yield passed(queue, f"Messages are encrypted with the KMS key {key}.")
        elif str(queue.config.get("SqsManagedSseEnabled", "")).lower() == "true":
            yield passed(queue, "Messages are encrypted with SQS-managed keys (SSE-SQS).")
        else:
            yield fail(queue, "Neither SSE-SQS nor a KMS key is set: messages are stored unencrypted.")


@check(
    "sqs-queue-without-dead-letter-queue",
    title="SQS queue has no dead-letter queue",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP04"],
    remediation="Give the queue a redrive policy to a dead-letter queue with a bounded maxReceiveCount, and alarm on "
                "messages arriving in the dead-letter queue.",
    resource_types=[SQS_QUEUE],
    needs=("sqs",),
    bullet="Give {resources} a dead-letter queue and alarm on it",
)
def sqs_queue_without_dead_letter_queue(estate: Estate) -> Iterator[Result]:
    queues = list(estate.of_type(SQS_QUEUE))
    targets = {q.config["RedrivePolicy"].get("deadLetterTargetArn") for q in queues
               if isinstance(q.config.get("RedrivePolicy"), dict)}
    for queue in queues:
        redrive = queue.config.get("RedrivePolicy")
        why = unread(queue, "GetQueueAttributes")
        if why:
            yield not_assessed(queue, why)
        elif queue.arn in targets:
            continue  # a dead-letter queue itself: its messages have already failed
        elif isinstance(redrive, dict) and redrive.get("deadLetterTargetArn"):
            yield passed(queue, f"Messages received {redrive.get('maxReceiveCount', '?')} times without success move "
                                f"to {redrive['deadLetterTargetArn'].rsplit(':', 1)[-1]}.")
        else:
            yield fail(queue, "No redrive policy: a message that keeps failing is retried until it expires "
                              f"({int(queue.config.get('MessageRetentionPeriod', 345600)) // 86400} day(s)) and is "
                              "then lost, while it blocks consumers' capacity.")


@check(
    "sqs-dead-letter-queue-retention-short",
    title="SQS dead-letter queue expires messages before its source queue would",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP04"],
    remediation="Keep messages in the dead-letter queue longer than in its source queue (up to 14 days): a standard "
                "queue's message keeps its original enqueue time when it is moved, so it can expire on arrival.",
    resource_types=[SQS_QUEUE],
    needs=("sqs",),
    bullet="Keep failed messages of {resources} longer in the dead-letter queue than in the queue",
)
def sqs_dead_letter_queue_retention_short(estate: Estate) -> Iterator[Result]:
    by_arn = {q.arn: q for q in estate.of_type(SQS_QUEUE) if q.arn}
    for queue in estate.of_type(SQS_QUEUE):
        redrive = queue.config.get("RedrivePolicy")
        target = by_arn.get(redrive.get("deadLetterTargetArn", "")) if isinstance(redrive, dict) else None
        if target is None or queue.config.get("FifoQueue") == "true":  # a FIFO queue's age restarts on the move
            continue
        kept, source = (int(q.config.get("MessageRetentionPeriod", 345600)) for q in (target, queue))
        if kept <= source:
            yield fail(queue, f"Its dead-letter queue {target.name} keeps messages {kept // 3600} h, no longer than "
                              f"this queue's {source // 3600} h: a failed message can expire as it arrives.")
        else:
            yield passed(queue, f"Its dead-letter queue {target.name} keeps messages {kept // 3600} h, longer than "
                                f"this queue's {source // 3600} h.")


@check(
    "sqs-queue-policy-public",
    title="SQS queue policy lets anyone in",
    pillar="security",
    focus_area="Data protection",
    risk="HIGH",
    best_practices=["SEC03-BP07"],
    remediation="Limit the queue policy's principals to the accounts and services that need it, or add an "
                "aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.",
    resource_types=[SQS_QUEUE],
    needs=("sqs",),
    bullet="Close the queue policy of {resources} to anyone outside the accounts that use it",
)
def sqs_queue_policy_public(estate: Estate) -> Iterator[Result]:
    for queue in estate.of_type(SQS_QUEUE):
        yield policy_open_to_anyone(queue, "GetQueueAttributes", "queue")


@check(
    "sns-topic-not-encrypted",
    title="SNS topic is not encrypted at rest",
    pillar="security",
    focus_area="Encryption at rest",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP02"],
    remediation="Set a KMS key on the topic (KmsMasterKeyId), a customer managed key where messages are sensitive, "
                "and allow the publishing services to use it in the key policy.",
    resource_types=[SNS_TOPIC],
    needs=("sns",),
    bullet="Encrypt the messages of {resources} with a KMS key",
)
def sns_topic_not_encrypted(estate: Estate) -> Iterator[Result]:
    for topic in estate.of_type(SNS_TOPIC):
        why = unread(topic, "GetTopicAttributes")
        if why:
            yield not_assessed(topic, why)
        elif topic.config.get("KmsMasterKeyId"):
            yield passed(topic, f"Messages are encrypted with the KMS key {topic.config['KmsMasterKeyId']}.")
        else:
            yield fail(topic, "No KMS key is set: messages are stored unencrypted until they are delivered.")


@check(
    "sns-topic-policy-public",
    title="SNS topic policy lets anyone in",
    pillar="security",
    focus_area="Data protection",
    risk="HIGH",
    best_practices=["SEC03-BP07"],
    remediation="Limit the topic policy's principals to the accounts and services that publish or subscribe, or add "
                "an aws:SourceOwner / aws:SourceArn / aws:PrincipalOrgID condition.",
    resource_types=[SNS_TOPIC],
    needs=("sns",),
    bullet="Close the topic policy of {resources} to anyone outside the accounts that use it",
)
def sns_topic_policy_public(estate: Estate) -> Iterator[Result]:
    for topic in estate.of_type(SNS_TOPIC):
        yield policy_open_to_anyone(topic, "GetTopicAttributes", "topic")


@check(
    "eventbridge-bus-policy-public",
    title="EventBridge bus policy lets anyone put events",
    pillar="security",
    focus_area="Data protection",
    risk="HIGH",
    best_practices=["SEC03-BP07"],
    remediation="Limit the event bus policy to the accounts that send events, or add an aws:PrincipalOrgID "
                "condition for the organization.",
    resource_types=[EVENTS_EVENT_BUS],
    needs=("events",),
    bullet="Limit who may put events on {resources} to known accounts or the organization",
)
def eventbridge_bus_policy_public(estate: Estate) -> Iterator[Result]:
    for bus in estate.of_type(EVENTS_EVENT_BUS):
        yield policy_open_to_anyone(bus, "ListEventBuses", "event bus")


@check(
    "eventbridge-target-without-dead-letter-queue",
    title="EventBridge rule target has no dead-letter queue",
    pillar="reliability",
    focus_area="Failure handling",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL05-BP04"],
    remediation="Give each target a dead-letter queue (DeadLetterConfig) and a retry policy that fits the event's "
                "useful life, and alarm on messages arriving in the dead-letter queue.",
    resource_types=[EVENTS_RULE],
    needs=("events",),
    bullet="Give the targets of {resources} a dead-letter queue",
)
def eventbridge_target_without_dead_letter_queue(estate: Estate) -> Iterator[Result]:
    for rule in estate.of_type(EVENTS_RULE):
        targets = rule.config.get("Targets")
        if targets is None:
            yield not_assessed(rule, unread(rule, "ListTargetsByRule") or "The rule's targets were not read.")
            continue
        missing = [t.get("Id", "?") for t in targets if not (t.get("DeadLetterConfig") or {}).get("Arn")]
        if missing:
            yield fail(rule, f"{len(missing)} of {len(targets)} target(s) ({', '.join(missing)}) have no dead-letter "
                             "queue: events that still fail after the retries are dropped.")
        elif targets:
            yield passed(rule, f"All {len(targets)} target(s) keep undeliverable events in a dead-letter queue.")
