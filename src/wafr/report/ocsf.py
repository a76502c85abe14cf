"""findings.ocsf.json: every check result as an OCSF Compliance Finding (class 2003), for an OCSF data lake
(Amazon Security Lake, a SIEM). The best-practice ids are the compliance requirements; PASS results are included,
because a compliance record needs the passes as well as the failures."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from wafr.checks.registry import FAIL, NOT_ASSESSED, PASS, SUPPRESSED
from wafr.findings import Finding
from wafr.framework import PILLAR_NAMES
from wafr.report.results import results
from wafr.review.model import Review

OCSF_VERSION = "1.5.0"
COMPLIANCE_FINDING = 2003
FINDINGS_CATEGORY = 2
CREATE = 1  # activity: a finding created by this run
SEVERITY_ID = {"LOW": 2, "MEDIUM": 3, "HIGH": 4}
# compliance.status_id: Pass 1, Warning 2 ("did not yield a result due to missing information"), Fail 3.
COMPLIANCE_STATUS = {PASS: (1, "Pass"), NOT_ASSESSED: (2, "Warning"), FAIL: (3, "Fail"), SUPPRESSED: (3, "Fail")}
NEW, SUPPRESSED_STATUS = (1, "New"), (3, "Suppressed")
AWS_ACCOUNT = 10  # account.type_id


def render(review: Review) -> str:
    findings = results(review, "OCSF")
    millis = _millis(review.generated_at)
    standard = f"AWS Well-Architected Framework ({review.framework_edition})"
    events = [_event(f, review, millis, standard) for f in findings]
    return json.dumps(events, indent=2, ensure_ascii=False) + "\n"


def _millis(timestamp: str) -> int:
    return int(dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000)


def _event(finding: Finding, review: Review, millis: int, standard: str) -> dict[str, Any]:
    r = finding.resource
    status_id, status = COMPLIANCE_STATUS.get(finding.status, (0, "Unknown"))
    workflow_id, workflow = SUPPRESSED_STATUS if finding.status == SUPPRESSED else NEW
    pillar = PILLAR_NAMES.get(finding.pillar, finding.pillar)
    region = r.get("region", "")
    return {
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "wafr", "vendor_name": "wafr", "version": review.tool.get("version", "")},
            "profiles": ["cloud"],
            "event_code": finding.check_id,
            "uid": finding.id,
        },
        "category_uid": FINDINGS_CATEGORY,
        "category_name": "Findings",
        "class_uid": COMPLIANCE_FINDING,
        "class_name": "Compliance Finding",
        "activity_id": CREATE,
        "activity_name": "Create",
        "type_uid": COMPLIANCE_FINDING * 100 + CREATE,
        "type_name": "Compliance Finding: Create",
        "time": millis,
        "severity_id": SEVERITY_ID.get(finding.risk, 0),
        "severity": finding.risk.title(),
        "status_id": workflow_id,
        "status": workflow,
        "status_code": finding.status,
        "status_detail": finding.evidence,
        "message": f"{finding.title}: {r.get('name', '')}",
        "finding_info": {
            "uid": finding.id,
            "title": finding.title,
            "desc": finding.evidence,
            "types": [f"{pillar}/{finding.focus_area}"],
            "created_time": millis,
        },
        "compliance": {
            "standards": [standard],
            "requirements": list(finding.best_practices),
            "control": finding.check_id,
            "status_id": status_id,
            "status": status,
            "checks": [{"uid": finding.check_id, "name": finding.title, "status": status, "status_id": status_id,
                        "severity": finding.risk.title(), "severity_id": SEVERITY_ID.get(finding.risk, 0),
                        "standards": [standard]}],
        },
        "remediation": {"desc": finding.remediation},
        "resources": [{
            "uid": r.get("arn") or r.get("id", ""),
            "name": r.get("name", ""),
            "type": r.get("type", ""),
            "region": region,
            "cloud_partition": partition(r.get("arn", "")),
            "labels": [f"environment:{finding.environment}"],
            "data": {"id": r.get("id", ""), "account": r.get("account", "")},
        }],
        "cloud": {
            "provider": "AWS",
            "region": region,
            "account": {"uid": r.get("account", ""), "name": r.get("account", ""), "type_id": AWS_ACCOUNT,
                        "type": "AWS Account"},
        },
        "unmapped": {"wafr": {"pillar": finding.pillar, "focus_area": finding.focus_area,
                              "environment": finding.environment}},
    }


def partition(arn: str) -> str:
    """arn:aws-cn:... -> aws-cn; wafr's resources without an ARN are in the commercial partition."""
    parts = arn.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else "aws"
