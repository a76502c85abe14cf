"""How changes reach production: build projects, pipelines and deployment groups, and whether any of them exist."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from wafr.checks.identity import as_of, parse_time
from wafr.checks.infrastructure_as_code import production_workloads
from wafr.checks.registry import Result, by_environment, check, fail, judged, not_assessed, passed, unread
from wafr.environment import environment_of_name
from wafr.estate import Estate, Resource, by_account
from wafr.phrases import first_few
from wafr.resource_types import (CODEBUILD_PROJECT, CODEDEPLOY_APPLICATION, CODEDEPLOY_DEPLOYMENT_GROUP,
                                 CODEPIPELINE_PIPELINE, IAM_OIDC_PROVIDER)
from wafr.vocabulary import DEV, PROD, STAGING, UNKNOWN

# Source providers that read from a repository (CodePipeline action providers, CodeBuild source types).
REPOSITORY_PROVIDERS = ("CodeCommit", "CodeStarSourceConnection", "GitHub", "GitHubEnterpriseServer", "Bitbucket",
                        "GitLab", "GitLabSelfManaged")
REPOSITORY_SOURCES = ("CODECOMMIT", "GITHUB", "GITHUB_ENTERPRISE", "BITBUCKET", "GITLAB", "GITLAB_SELF_MANAGED")
UNVERSIONED_SOURCES = ("NO_SOURCE", "S3")
# CodePipeline action providers that are security tests in themselves (Amazon Inspector's scan action, Snyk's).
SECURITY_TEST_PROVIDERS = ("InspectorScan", "Snyk")
# CodeDeploy's predefined configurations that send a release to every target at once.
ALL_AT_ONCE = ("CodeDeployDefault.AllAtOnce", "CodeDeployDefault.ECSAllAtOnce", "CodeDeployDefault.LambdaAllAtOnce")
# OIDC issuers of CI/CD systems outside AWS (their host, or the domain their per-tenant hosts end in): a role
# federated to one is how such a system deploys without keys.
CI_ISSUERS = {
    "token.actions.githubusercontent.com": "GitHub Actions",
    "gitlab.com": "GitLab CI/CD",
    "app.terraform.io": "HCP Terraform",
    "oidc.circleci.com": "CircleCI",
    "api.bitbucket.org": "Bitbucket Pipelines",
    "vstoken.dev.azure.com": "Azure DevOps",
    "app.spacelift.io": "Spacelift",
    "agent.buildkite.com": "Buildkite",
    "oidc.env0.com": "env0",
}


def actions(pipeline: Resource) -> list[tuple[str, dict[str, Any]]]:
    """Every action of a pipeline as (stage name, action), in the order the stages run."""
    return [(stage.get("name", ""), action) for stage in pipeline.config.get("stages") or []
            for action in sorted(stage.get("actions") or [], key=lambda a: a.get("runOrder") or 1)]


def category(action: dict[str, Any]) -> str:
    return (action.get("actionTypeId") or {}).get("category", "")


def provider(action: dict[str, Any]) -> str:
    return (action.get("actionTypeId") or {}).get("provider", "")


# -- CodeBuild -------------------------------------------------------------------------------------------------------
@check(
    "codebuild-plaintext-secret",
    title="Build project keeps a secret in a plaintext environment variable",
    pillar="security", focus_area="Pipeline security",
    risk="HIGH",
    best_practices=["SEC02-BP03", "SEC11-BP07"],
    remediation="Give the variable the type SECRETS_MANAGER or PARAMETER_STORE (a SecureString) so the build reads it "
                "at run time, and rotate the value that was stored in the project.",
    bullet="Move the plaintext secrets of the build projects {resources} to Secrets Manager or Parameter Store",
    each=CODEBUILD_PROJECT,
)
def codebuild_plaintext_secret(project: Resource) -> Result:
    variables = (project.config.get("environment") or {}).get("environmentVariables") or []
    suspicious = sorted({v.get("name", "") for v in variables if v.get("_looksSecret")})
    plain = [v for v in variables if v.get("type", "PLAINTEXT") == "PLAINTEXT"]
    return judged(project, not suspicious,
                  f"None of its {len(plain)} plaintext environment variable(s) looks like a credential." if plain
                  else "It has no plaintext environment variables.",
                  f"Plaintext environment variable(s) {', '.join(suspicious)} look like credentials: anyone who can "
                  "read the project's settings (codebuild:BatchGetProjects) reads them.")


@check(
    "codebuild-privileged-without-image-build",
    title="Build project runs privileged without building images",
    pillar="security", focus_area="Pipeline security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC11-BP07"],
    remediation="Turn privileged mode off for builds that do not build container images: it gives the build root "
                "access to a Docker daemon, which a compromised dependency can use to escape the build.",
    bullet="Turn privileged mode off for the build projects {resources}",
    each=CODEBUILD_PROJECT,
)
def codebuild_privileged_without_image_build(project: Resource) -> Result:
    if not (project.config.get("environment") or {}).get("privilegedMode"):
        return passed(project, "Privileged mode is off.")
    buildspec = (project.config.get("source") or {}).get("buildspec") or {}
    if buildspec.get("buildsImages") is None:
        where = buildspec.get("where", "source")
        return not_assessed(project, f"Privileged mode is on and its buildspec lives in the {where}, which wafr does "
                                     "not read: whether it builds images is unknown.")
    return judged(project, buildspec["buildsImages"], "Privileged mode is on and its inline buildspec builds images.",
                  "Privileged mode is on, yet its inline buildspec runs no image build (docker build, buildah, "
                  "kaniko): the build holds root on a Docker daemon it does not need.")


@check(
    "codebuild-source-not-in-version-control",
    title="Build project's source is not in version control",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS05-BP01"],
    remediation="Build from a repository (CodeCommit, or GitHub, GitLab or Bitbucket through a connection) or from "
                "the pipeline that reads one, so every build can be traced to a reviewed commit.",
    bullet="Build {resources} from a repository rather than from S3 or an inline buildspec",
    each=CODEBUILD_PROJECT,
)
def codebuild_source_not_in_version_control(project: Resource) -> Result | None:
    source = (project.config.get("source") or {}).get("type", "")
    if source == "CODEPIPELINE":
        return None  # the pipeline's source action is judged on the pipeline
    if source in UNVERSIONED_SOURCES:
        what = "no source (the build is its inline buildspec)" if source == "NO_SOURCE" else "an S3 object"
        return fail(project, f"The project builds {what}: nothing ties a build to a commit.")
    return passed(project, f"The project builds from a {source} repository.") if source in REPOSITORY_SOURCES else None


# -- CodePipeline ----------------------------------------------------------------------------------------------------
@check(
    "pipeline-source-not-in-version-control",
    title="Pipeline's source is an S3 object, not a repository",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS05-BP01"],
    remediation="Start the pipeline from a repository (a CodeStar connection to GitHub, GitLab or Bitbucket, or "
                "CodeCommit) so every release is a commit that was reviewed and can be found again.",
    bullet="Start the pipelines {resources} from a repository rather than an S3 upload",
    each=CODEPIPELINE_PIPELINE,
)
def pipeline_source_not_in_version_control(pipeline: Resource) -> Result | None:
    why = unread(pipeline, "GetPipeline")
    if why:
        return not_assessed(pipeline, why)
    sources = [(stage, a) for stage, a in actions(pipeline) if category(a) == "Source"]
    from_s3 = [a.get("name", "") for _, a in sources if provider(a) == "S3"]
    if from_s3:
        return fail(pipeline, f"Source action(s) {', '.join(from_s3)} read an S3 object: what is released is "
                              "whatever was uploaded, not a commit.")
    repositories = [f"{a.get('name', '')} ({provider(a)})" for _, a in sources if provider(a) in REPOSITORY_PROVIDERS]
    return passed(pipeline, f"Source action(s) {', '.join(repositories)} read a repository.") if repositories else None


def _run_before(pipeline: Resource, estate: Estate, before: int, fact: str) -> tuple[list[str], list[str]]:
    """The actions before the ``before``-th that run what ``fact`` names ("runsTests", "scansSecurity"), and those
    that may (a CodeBuild action whose buildspec lives in the repository, or whose project was not read)."""
    projects = {(p.account, p.region, p.name): p for p in estate.of_type(CODEBUILD_PROJECT)}
    found, unknown = [], []
    for stage, action in actions(pipeline)[:before]:
        label = f"{stage}/{action.get('name', '')}"
        if fact == "runsTests" and category(action) == "Test":  # a test action is a test, whatever runs it
            found.append(f"test action {label} ({provider(action)})")
        elif provider(action) == "CodeBuild" and category(action) in ("Build", "Test"):
            name = (action.get("configuration") or {}).get("ProjectName")
            project = projects.get((pipeline.account, action.get("region") or pipeline.region, name))
            does = ((project.config.get("source") or {}).get("buildspec") or {}).get(fact) if project else None
            if does:
                found.append(f"{category(action).lower()} action {label} (project {name})")
            elif does is None:
                unknown.append(label)
        elif fact == "scansSecurity" and provider(action) in SECURITY_TEST_PROVIDERS:
            found.append(f"{category(action).lower()} action {label} ({provider(action)})")
    return found, unknown


def _judge_pipeline(pipeline: Resource, estate: Estate, fact: str, what: str) -> Result | None:
    """Whether a production pipeline runs ``what`` (the actions ``fact`` marks) before its last deployment."""
    if not estate.in_production(pipeline):
        return None  # owed before production; a dev pipeline is not judged
    why = unread(pipeline, "GetPipeline")
    if why:
        return not_assessed(pipeline, why)
    deploys = [i for i, (_, a) in enumerate(actions(pipeline)) if category(a) == "Deploy"]
    if not deploys:
        return None  # it deploys nothing
    found, unknown = _run_before(pipeline, estate, deploys[-1], fact)
    if found:
        return passed(pipeline, f"Before its last deployment it runs {what} in {first_few(found, 3)}.")
    if unknown:
        return not_assessed(pipeline, f"No action is known to run {what} before deployment; CodeBuild action(s) "
                                      f"{', '.join(unknown)} may, but their buildspec lives in the source repository "
                                      "(or the project was not read), so what they run is unknown.")
    stage, deploy = actions(pipeline)[deploys[-1]]
    return fail(pipeline, f"No action runs {what} before its deployment ({stage}/{deploy.get('name', '')}): "
                          "a change reaches production without them.")


@check(
    "pipeline-deploys-without-tests",
    title="Pipeline deploys to production without running tests",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk=by_environment(prod="HIGH"),
    best_practices=["OPS05-BP02", "REL08-BP02"],
    remediation="Add a test stage before the production deployment: a CodeBuild test action (with a report group) "
                "that runs the unit and integration tests and stops the pipeline when they fail.",
    bullet="Run tests in the pipelines {resources} before they deploy to production",
    each=CODEPIPELINE_PIPELINE,
    needs=("codepipeline", "codebuild"),
)
def pipeline_deploys_without_tests(pipeline: Resource, estate: Estate) -> Result | None:
    return _judge_pipeline(pipeline, estate, "runsTests", "tests")


@check(
    "pipeline-without-security-tests",
    title="Pipeline deploys to production without security tests",
    pillar="security", focus_area="Pipeline security",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC11-BP02"],
    remediation="Run security tests in the pipeline before deployment: static analysis (Semgrep, CodeGuru Security), "
                "dependency and image scanning (Trivy, Grype, Inspector SBOM) and secret scanning (Gitleaks), failing "
                "the pipeline on findings above an agreed severity.",
    bullet="Run security tests (static analysis, dependency and secret scanning) in the pipelines {resources}",
    each=CODEPIPELINE_PIPELINE,
    needs=("codepipeline", "codebuild"),
)
def pipeline_without_security_tests(pipeline: Resource, estate: Estate) -> Result | None:
    return _judge_pipeline(pipeline, estate, "scansSecurity", "security tests")


# -- Rehearsal before production, and how often production changes ----------------------------------------------
# The names of a deploy action's target (as the collector copies them), most telling first.
TARGET_NAMES = ("StackName", "StackSetName", "DeploymentGroupName", "EnvironmentName", "ClusterName", "ServiceName",
                "FunctionName", "BucketName", "ApplicationName")
# A CloudFormation action in this mode only prepares a change set: nothing is deployed until it is executed.
PREPARES_ONLY = ("CHANGE_SET_REPLACE",)
# Releases are counted over this window, and a pipeline younger than it is not judged on its rate.
RELEASE_WINDOW_DAYS = 90
# Once a month: below it, DORA's State of DevOps research places a team among its low performers (deploying between
# once a month and once every six months), where each release carries a month or more of changes.
MIN_RELEASES_PER_MONTH = 1
# No release for this long, from a pipeline older than it, is a pipeline production no longer changes through.
QUIET_DAYS = 30
# How many of the latest executions the failure share is read over, as the collector keeps them.
RECENT_EXECUTIONS = 20
# Outcomes that end an execution; InProgress and Stopping have not ended.
ENDED = ("Succeeded", "Failed", "Stopped", "Superseded", "Cancelled")


def deploy_actions(pipeline: Resource) -> list[tuple[str, dict[str, Any]]]:
    """The actions that deploy, in the order they run (a CloudFormation change set only prepared is no deploy)."""
    return [(stage, a) for stage, a in actions(pipeline) if category(a) == "Deploy"
            and (a.get("deployTarget") or {}).get("ActionMode") not in PREPARES_ONLY]


def deploy_environment(stage: str, action: dict[str, Any]) -> tuple[str, str] | None:
    """(environment, what says so) from the names of a deploy action's target, the action or its stage, in that
    order; None when none of them names one."""
    target = action.get("deployTarget") or {}
    named = [(target[key], f"its {key} {target[key]}") for key in TARGET_NAMES if isinstance(target.get(key), str)]
    named += [(action.get("name", ""), f"its action name {action.get('name', '')}"), (stage, f"its stage {stage}")]
    for name, basis in named:
        env = environment_of_name(name) if name else None
        if env:
            return env, basis
    return None


def deploy_environments(pipeline: Resource, estate: Estate) -> list[tuple[str, dict[str, Any], tuple[str, str] | None]]:
    """Each deploy action with its environment. The last one, naming none itself, deploys to the pipeline's own
    environment where that is known (a pipeline named or tagged for production ends in production)."""
    found = [(stage, a, deploy_environment(stage, a)) for stage, a in deploy_actions(pipeline)]
    own = estate.environment_of(pipeline)
    if found and found[-1][2] is None and own != UNKNOWN:
        stage, action, _ = found[-1]
        basis = f"the pipeline's own environment, {estate.environment_basis_of(pipeline)}"
        found[-1] = (stage, action, (own, basis))
    return found


def label(stage: str, action: dict[str, Any]) -> str:
    return f"{stage}/{action.get('name', '')}"


def deploys_to_production(pipeline: Resource, estate: Estate) -> bool | None:
    """Whether a read pipeline deploys to production: None where a deploy names no environment and none does."""
    envs = [env for _, _, env in deploy_environments(pipeline, estate)]
    if any(env and env[0] == PROD for env in envs):
        return True
    return None if None in envs else False


@check(
    "pipeline-deploys-to-production-first",
    title="Pipeline deploys to production without deploying to a pre-production environment first",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk="MEDIUM",
    best_practices=["OPS06-BP02"],
    remediation="Deploy every release to a staging environment built like production (same templates, same "
                "deployment steps) in a stage before the production one, and promote to production only what "
                "deployed and ran there.",
    bullet="Deploy the releases of {resources} to staging before production",
    each=CODEPIPELINE_PIPELINE,
)
def pipeline_deploys_to_production_first(pipeline: Resource, estate: Estate) -> Result | None:
    why = unread(pipeline, "GetPipeline")
    if why:
        return not_assessed(pipeline, why)
    deploys = deploy_environments(pipeline, estate)
    if not deploys:
        return None  # it deploys nothing
    first = next((i for i, (_, _, env) in enumerate(deploys) if env and env[0] == PROD), None)
    if first is None:
        unnamed = [label(stage, a) for stage, a, env in deploys if env is None]
        if not unnamed or estate.environment_of(pipeline) in (STAGING, DEV):
            return None  # it deploys to pre-production only
        return not_assessed(pipeline, f"Its deploy action(s) {first_few(unnamed, 3)} name no environment (in their "
                                      "stage, action or target names) and the pipeline's own environment is "
                                      "unknown, so whether and where it deploys to production is unknown.")
    stage, action, (_, basis) = deploys[first]
    earlier = deploys[:first]
    rehearsals = [f"{label(s, a)} ({env[0]}, by {env[1]})" for s, a, env in earlier
                  if env and env[0] in (STAGING, DEV)]
    if rehearsals:
        return passed(pipeline, f"Before deploying to production in {label(stage, action)} it deploys to "
                                f"{first_few(rehearsals, 3)}.")
    unnamed = [label(s, a) for s, a, env in earlier if env is None]
    if unnamed:
        return not_assessed(pipeline, f"It deploys to production in {label(stage, action)} (by {basis}); "
                                      f"{first_few(unnamed, 3)} deploy(s) before it but name no environment, so "
                                      "whether they rehearse the release is unknown.")
    return fail(pipeline, f"Its first deployment, {label(stage, action)}, is to production (by {basis}): no "
                          "earlier stage deploys the release to a staging or test environment.")


def _day(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d}"


@check(
    "pipeline-ships-rarely",
    title="Production pipeline ships changes rarely",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk="LOW",
    best_practices=["OPS05-BP09"],
    remediation="Ship smaller changes more often: merge to the main branch at least daily behind feature flags, "
                "let every merge run the pipeline to production, and fix a failing pipeline before adding to it, so "
                "each release carries few changes and is easy to reverse.",
    bullet="Release through {resources} in smaller, more frequent changes",
    each=CODEPIPELINE_PIPELINE,
)
def pipeline_ships_rarely(pipeline: Resource, estate: Estate) -> Result | None:
    why = unread(pipeline, "GetPipeline") or unread(pipeline, "ListPipelineExecutions")
    if why:
        return not_assessed(pipeline, why)
    if not deploys_to_production(pipeline, estate):
        return None  # how often pre-production changes is not this question; an unknown target is judged above
    now = as_of(estate)
    created = (pipeline.config.get("metadata") or {}).get("created")
    age = (now - parse_time(created)).days if created else None
    if age is None:
        return not_assessed(pipeline, "The pipeline's creation date was not read, so whether it is old enough to "
                                      "judge how often it ships is unknown.")
    runs = [e for e in pipeline.config.get("executions") or [] if e.get("executionType", "STANDARD") != "ROLLBACK"]
    releases = sorted((parse_time(e["startTime"]) for e in runs if e.get("status") == "Succeeded"
                       and e.get("startTime")), reverse=True)
    in_window = [r for r in releases if (now - r).days < RELEASE_WINDOW_DAYS]
    recent = [r for r in releases if (now - r).days < QUIET_DAYS]
    ended = [e for e in runs[:RECENT_EXECUTIONS] if e.get("status") in ENDED]
    failed = sum(1 for e in ended if e.get("status") == "Failed")
    last = f"; the last on {_day(releases[0])}" if releases else ""
    failures = (f"; {failed} of its last {len(ended)} finished executions failed, so changes wait behind a failing "
                "pipeline and ship together" if ended and failed * 2 > len(ended) else "")
    # Past the collector's cap the oldest executions were not read: the counts are then lower bounds.
    at_least = "" if pipeline.config.get("executionsComplete", True) else "at least "
    counted = (f"{at_least}{len(in_window)} successful release{'' if len(in_window) == 1 else 's'} in the last "
               f"{RELEASE_WINDOW_DAYS} days{last}")
    minimum = MIN_RELEASES_PER_MONTH * RELEASE_WINDOW_DAYS // 30
    if age >= RELEASE_WINDOW_DAYS and len(in_window) < minimum:
        return fail(pipeline, f"Changes ship rarely: {counted}, fewer than {MIN_RELEASES_PER_MONTH} a "
                              f"month{failures}.")
    if age >= QUIET_DAYS and not recent:
        return fail(pipeline, f"Changes ship rarely: no successful release in the last {QUIET_DAYS} days of a "
                              f"pipeline {age} days old ({counted}){failures}.")
    if age < QUIET_DAYS:
        return None  # too young to say how often it ships
    return passed(pipeline, f"{counted[0].upper()}{counted[1:]}, {len(recent)} of them in the last {QUIET_DAYS} days.")


# -- CodeDeploy ------------------------------------------------------------------------------------------------------
@check(
    "codedeploy-all-at-once",
    title="Production deployment group releases to every target at once",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["OPS06-BP03"],
    remediation="Use a gradual configuration (HalfAtATime or OneAtATime for EC2, a canary or linear one for ECS and "
                "Lambda) with alarms on the deployment, so a bad release reaches a few targets before all of them.",
    bullet="Deploy to {resources} gradually (canary, linear or rolling) rather than all at once",
    each=CODEDEPLOY_DEPLOYMENT_GROUP,
)
def codedeploy_all_at_once(group: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(group):
        return None  # an all-at-once release to dev is how dev is meant to work
    why = unread(group, "GetDeploymentGroup")
    if why:
        return not_assessed(group, why)
    config = group.config.get("deploymentConfigName") or "CodeDeployDefault.OneAtATime"
    return judged(group, config not in ALL_AT_ONCE, f"It deploys with {config}.",
                  f"It deploys with {config}: every target gets the new release at the same moment.")


# -- Whether any build and deploy automation exists ------------------------------------------------------------------
def ci_providers(providers: list[Resource]) -> list[str]:
    """The CI/CD systems outside AWS that an account federates with, from its IAM OIDC providers."""
    found = []
    for provider_ in providers:
        host = str(provider_.config.get("Url") or provider_.name).removeprefix("https://").split("/", 1)[0]
        system = next((name for issuer, name in CI_ISSUERS.items() if host == issuer or host.endswith(f".{issuer}")),
                      None)
        if system:
            found.append(f"{system} (OIDC provider {host})")
    return sorted(set(found))


@check(
    "no-build-and-deploy-automation",
    title="No build or deployment automation for production workloads",
    pillar="operational-excellence", focus_area="Deployment processes",
    risk="HIGH",
    best_practices=["OPS05-BP04"],
    remediation="Build and deploy through a managed pipeline (CodePipeline with CodeBuild and CodeDeploy, or an "
                "external CI/CD system that assumes a role through OIDC federation), so no release runs from a "
                "workstation.",
    bullet="Build and deploy the workloads of {resources} through a managed pipeline",
    resource_types=[CODEPIPELINE_PIPELINE, CODEBUILD_PROJECT, CODEDEPLOY_APPLICATION, IAM_OIDC_PROVIDER],
    needs=("codepipeline", "codebuild", "codedeploy", "iam"),
)
def no_build_and_deploy_automation(estate: Estate) -> Iterator[Result]:
    pipelines, projects, applications, providers = (by_account(estate.of_type(t)) for t in (
        CODEPIPELINE_PIPELINE, CODEBUILD_PROJECT, CODEDEPLOY_APPLICATION, IAM_OIDC_PROVIDER))
    for account, workloads in sorted(by_account(production_workloads(estate)).items()):
        tools = [f"{len(found)} {what}" for what, found in (
            ("CodePipeline pipeline(s)", pipelines.get(account, [])),
            ("CodeBuild project(s)", projects.get(account, [])),
            ("CodeDeploy application(s)", applications.get(account, [])),
        ) if found] + ci_providers(providers.get(account, []))
        count = len(workloads)
        yield judged(estate.account_resource(account), bool(tools),
                     f"Changes can reach its {count} production resource(s) through {', '.join(tools)}.",
                     f"The account runs {count} production resource(s) but has no CodePipeline pipeline, CodeBuild "
                     "project or CodeDeploy application, and no OIDC provider of an external CI/CD system: nothing "
                     "shows that releases are built and deployed by a pipeline rather than from a workstation (a CI "
                     "system signing in with IAM user keys would not show here).")
