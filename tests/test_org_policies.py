"""Tag and backup policies in AWS Organizations, read from the management account in moto."""

from __future__ import annotations

import json

import pytest
from denial import deny

from wafr.checks.registry import all_checks
from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account

TAG_POLICY = {"tags": {"team": {"tag_key": {"@@assign": "team"}}}}

def answer(events, operation, response, when=lambda params: True):
    """Answer one operation the way AWS documents it, where moto lacks it (moto cannot create BACKUP_POLICY
    policies): a botocore before-call handler that short-circuits the request with the parsed response, as
    botocore's Stubber does for a whole client."""
    from botocore.awsrequest import AWSResponse

    def reply(model, params, **_):
        # ``params`` is the serialized request here; Organizations speaks JSON, so its body holds the API parameters.
        if model.name == operation and when(json.loads(params.get("body") or b"{}")):
            return AWSResponse("https://stubbed.invalid/", 200, {}, None), response
        return None

    events.register(f"before-call.organizations.{operation}", reply, unique_id=f"answer-{operation}")


def judge(aws, check_id):
    estate = collect_account(aws, ["us-east-1"], services=["organizations"])
    [finding] = [f for f in evaluate(estate, {check_id: all_checks()[check_id]})]
    return estate, finding


@pytest.fixture
def org(boto):
    client = boto.client("organizations")
    client.create_organization(FeatureSet="ALL")
    return client


def test_attached_and_enabled_tag_policy_passes_and_none_fails(aws, org):
    check_id, kind, content = "org-no-tag-policy", "TAG_POLICY", TAG_POLICY
    _, none = judge(aws, check_id)
    assert none.status == "FAIL" and none.risk == "LOW" and "no " in none.evidence
    root = org.list_roots()["Roots"][0]["Id"]
    policy = org.create_policy(Name=f"{kind.lower()}-baseline", Type=kind, Description="baseline",
                               Content=json.dumps(content))["Policy"]["PolicySummary"]["Id"]
    _, idle = judge(aws, check_id)
    assert idle.status == "FAIL" and "attached to nothing" in idle.evidence
    org.attach_policy(PolicyId=policy, TargetId=root)
    _, disabled = judge(aws, check_id)
    assert disabled.status == "FAIL" and "not enabled on the root" in disabled.evidence
    org.enable_policy_type(RootId=root, PolicyType=kind)
    estate, attached = judge(aws, check_id)
    assert attached.status == "PASS" and f"{kind.lower()}-baseline" in attached.evidence
    # An SCP check never takes a tag or backup policy for a guardrail.
    guardrail = evaluate(estate, {"no-scp-guardrails": all_checks()["no-scp-guardrails"]})[0]
    assert guardrail.status == "FAIL"


def test_no_backup_policy_fails(aws, org):
    none = judge(aws, "org-no-backup-policy")[1]
    assert none.status == "FAIL" and "no backup policy" in none.evidence


def test_backup_policy_attached_and_enabled_passes(aws, org):
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="BACKUP_POLICY")
    policy = {"Id": "p-backup0001", "Arn": "arn:aws:organizations::123456789012:policy/o-x/backup_policy/p-backup0001",
              "Name": "daily-backups", "Description": "", "Type": "BACKUP_POLICY", "AwsManaged": False}
    answer(aws.session.events, "ListPolicies", {"Policies": [policy]}, lambda p: p.get("Filter") == "BACKUP_POLICY")
    answer(aws.session.events, "ListTargetsForPolicy", {"Targets": [
        {"TargetId": root, "Arn": f"arn:aws:organizations::123456789012:root/o-x/{root}", "Name": "Root",
         "Type": "ROOT"}]}, lambda p: p.get("PolicyId") == "p-backup0001")
    attached = judge(aws, "org-no-backup-policy")[1]
    assert attached.status == "PASS" and "daily-backups" in attached.evidence


def test_unreadable_policies_are_not_assessed(aws, org):
    deny(aws.session.events, ["ListRoots"])
    _, finding = judge(aws, "org-no-tag-policy")
    assert finding.status == "NOT_ASSESSED" and "ListRoots" in finding.evidence


def test_best_practices(aws, org):
    assert judge(aws, "org-no-tag-policy")[1].best_practices == ["COST03-BP02"]
    assert judge(aws, "org-no-backup-policy")[1].best_practices == ["REL09-BP03"]
