"""CodeBuild: build projects, with where their buildspec lives and what it does, and their environment variables'
names and types (never a value, never the buildspec's commands)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from wafr.estate import Resource
from wafr.resource_types import CODEBUILD_PROJECT
from wafr.sources.aws.context import CollectContext
from wafr.sources.aws.redact import looks_secret, redact
from wafr.sources.aws.registry import collector

BATCH_GET_PROJECTS = 100  # the API's limit per call
PLAINTEXT = "PLAINTEXT"  # the variable type whose value is the value (PARAMETER_STORE and SECRETS_MANAGER name one)

# Commands that build or push a container image: what privileged mode (a Docker daemon in the build) is for.
_IMAGE_BUILD = re.compile(r"\bdocker\s+(build|buildx|push|compose)\b|\bbuildah\b|\bpodman\s+build\b|\bkaniko\b"
                          r"|\bdocker-compose\b", re.IGNORECASE)
# Commands and buildspec sections that run tests: a test report group, or a common test runner.
_TESTS = re.compile(r"^\s*reports\s*:|\b(pytest|tox|nox|jest|mocha|vitest|rspec|phpunit|go\s+test|cargo\s+test"
                    r"|(npm|yarn|pnpm)\s+(run\s+)?test|mvn\b[^\n]*\b(test|verify)|gradlew?\b[^\n]*\b(test|check)"
                    r"|dotnet\s+test|make\s+test|python\s+-m\s+(pytest|unittest))\b", re.IGNORECASE | re.MULTILINE)
# Security tests: static analysis, dependency and image scanning, secret scanning.
_SECURITY_SCANS = re.compile(r"\b(trivy|grype|snyk|semgrep|bandit|checkov|tfsec|gitleaks|trufflehog|detect-secrets"
                             r"|pip-audit|osv-scanner|gosec|brakeman|cfn_nag|cfn-guard|sonar-scanner|dependency-check"
                             r"|inspector-sbomgen|codeguru|(npm|yarn|pnpm)\s+audit|safety\s+check)\b", re.IGNORECASE)
BUILDSPEC_FACTS = {"buildsImages": _IMAGE_BUILD, "runsTests": _TESTS, "scansSecurity": _SECURITY_SCANS}


def buildspec_facts(source: dict[str, Any]) -> dict[str, Any]:
    """Where the buildspec lives and, when it is inline (so readable here), whether it builds images, runs tests or
    runs security scans. A buildspec in the source repository or in S3 is not read: what it does stays unknown."""
    spec = str(source.get("buildspec") or "")
    if "\n" in spec or spec.lstrip().startswith(("version", "{")):
        return {"where": "inline", **{fact: bool(pattern.search(spec)) for fact, pattern in BUILDSPEC_FACTS.items()}}
    return {"where": "s3" if spec.startswith("arn:") else "source", **dict.fromkeys(BUILDSPEC_FACTS)}


def variables(environment: dict[str, Any]) -> list[dict[str, Any]]:
    """Each variable's name and type; the hint that a plaintext value looked like a credential is taken before the
    value is dropped (a PARAMETER_STORE or SECRETS_MANAGER variable's value is only where the secret is kept)."""
    return [{"name": v.get("name", ""), "type": v.get("type", PLAINTEXT),
             "_looksSecret": v.get("type", PLAINTEXT) == PLAINTEXT and looks_secret(v.get("name", ""),
                                                                                    str(v.get("value") or ""))}
            for v in environment.get("environmentVariables") or []]


def _shaped(project: dict[str, Any]) -> dict[str, Any]:
    source = dict(project.get("source") or {})
    environment = dict(project.get("environment") or {})
    source["buildspec"] = buildspec_facts(source)
    environment["environmentVariables"] = variables(environment)
    return redact(CODEBUILD_PROJECT, {**project, "source": source, "environment": environment})


@collector(
    "codebuild",
    resource_types=(CODEBUILD_PROJECT,),
    operations=("codebuild:ListProjects", "codebuild:BatchGetProjects"),
)
def collect_codebuild(ctx: CollectContext) -> Iterator[Resource]:
    client = ctx.client("codebuild")
    names = list(ctx.paginate(client, "list_projects", "projects"))
    for start in range(0, len(names), BATCH_GET_PROJECTS):
        response = client.batch_get_projects(names=names[start:start + BATCH_GET_PROJECTS])
        for missing in response.get("projectsNotFound") or []:
            ctx.note(f"batch_get_projects: {missing} not found (deleted while listing)")
        for project in response.get("projects") or []:
            tags = {t.get("key", ""): t.get("value", "") for t in project.get("tags") or []}
            yield ctx.resource(CODEBUILD_PROJECT, project["name"], arn=project.get("arn", ""), name=project["name"],
                               tags=tags, config=_shaped(project))
