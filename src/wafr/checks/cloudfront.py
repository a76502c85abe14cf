"""CloudFront distributions: HTTPS to viewers and origins, the viewer certificate's TLS floor and issuer, access
control on S3 origins, standard logging, origin failover for production, HTTP/2 and compression.

A distribution's web ACL is judged with the other public entry points in wafr.checks.waf."""

from __future__ import annotations

import re
from typing import Any, Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed, unread
from wafr.estate import Estate, Resource
from wafr.phrases import first_few
from wafr.resource_types import CLOUDFRONT_DISTRIBUTION

NEEDS = ("cloudfront",)
# An S3 REST endpoint (bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-eu-west-1...,
# bucket.s3.dualstack...); a website endpoint (s3-website) is a custom origin and cannot use origin access control.
S3_REST = re.compile(r"\.s3(?!-website)([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$", re.IGNORECASE)
OLD_ORIGIN_PROTOCOLS = ("SSLv3",)


def items(container: Any) -> list[dict[str, Any]]:
    """CloudFront's ``{"Quantity": n, "Items": [...]}`` lists as a plain list."""
    return list((container or {}).get("Items") or []) if isinstance(container, dict) else []


def behaviors(distribution: Resource) -> list[tuple[str, dict[str, Any]]]:
    """Every cache behavior, as (path pattern, behavior): the default one first."""
    config = distribution.config
    default = [("default (*)", config["DefaultCacheBehavior"])] if config.get("DefaultCacheBehavior") else []
    return default + [(b.get("PathPattern", "?"), b) for b in items(config.get("CacheBehaviors"))]


def listed(names: list[str], limit: int = 5) -> str:
    return first_few(names, limit)


def custom_certificate(distribution: Resource) -> str:
    """The viewer certificate's ACM ARN or IAM id; "" for CloudFront's own *.cloudfront.net certificate."""
    certificate = distribution.config.get("ViewerCertificate") or {}
    return certificate.get("ACMCertificateArn") or certificate.get("IAMCertificateId") or ""


@check(
    "cloudfront-viewer-http-allowed",
    title="CloudFront distribution serves viewers over plain HTTP",
    pillar="security",
    focus_area="Encryption in transit",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Set the viewer protocol policy of every cache behavior to redirect-to-https (or https-only).",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Redirect viewers of {resources} from HTTP to HTTPS on every cache behavior",
)
def cloudfront_viewer_http_allowed(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        plain = [path for path, b in behaviors(distribution) if b.get("ViewerProtocolPolicy") == "allow-all"]
        if not behaviors(distribution):
            yield not_assessed(distribution, "The distribution's cache behaviors were not read.")
        elif plain:
            yield fail(distribution, f"Cache behavior(s) {listed(plain)} allow plain HTTP (allow-all): requests and "
                                     "responses cross the internet unencrypted.")
        else:
            yield passed(distribution, f"All {len(behaviors(distribution))} cache behavior(s) redirect HTTP to HTTPS "
                                       "or serve HTTPS only.")


@check(
    "cloudfront-viewer-tls-outdated",
    title="CloudFront distribution accepts TLS older than 1.2 from viewers",
    pillar="security",
    focus_area="Encryption in transit",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Serve the distribution under your own domain with an ACM certificate and the TLSv1.2_2021 (or newer) "
                "security policy; CloudFront's default *.cloudfront.net certificate always accepts TLS 1.0.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Require TLS 1.2 or newer from viewers of {resources}, under a custom domain with an ACM certificate",
)
def cloudfront_viewer_tls_outdated(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        version = (distribution.config.get("ViewerCertificate") or {}).get("MinimumProtocolVersion") or ""
        if not custom_certificate(distribution):
            # Nothing to change on the distribution itself but its domain: a lower risk than a chosen old policy.
            yield fail(distribution, "Served with CloudFront's default *.cloudfront.net certificate, with which "
                                     "CloudFront accepts TLS 1.0 and 1.1 from viewers.", risk="LOW")
        elif version.startswith(("TLSv1.2", "TLSv1.3")):
            yield passed(distribution, f"The viewer security policy is {version}.")
        else:
            yield fail(distribution, f"The viewer security policy is {version or 'unset'}: viewers may connect "
                                     "with TLS older than 1.2.")


@check(
    "cloudfront-certificate-not-from-acm",
    title="CloudFront distribution's certificate is not managed by ACM",
    pillar="security",
    focus_area="Encryption in transit",
    risk="LOW",
    best_practices=["SEC09-BP01"],
    remediation="Import or request the certificate in ACM (us-east-1) and attach it to the distribution, so that "
                "ACM renews it; then delete the IAM server certificate.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Move the viewer certificates of {resources} to ACM so they renew",
)
def cloudfront_certificate_not_from_acm(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        certificate = distribution.config.get("ViewerCertificate") or {}
        if certificate.get("ACMCertificateArn"):
            yield passed(distribution, "The viewer certificate is managed (and renewed) by ACM.")
        elif certificate.get("IAMCertificateId"):
            yield fail(distribution, f"The viewer certificate is the IAM server certificate "
                                     f"{certificate['IAMCertificateId']}: nobody renews it before it expires.")
        else:
            yield passed(distribution, "CloudFront's own *.cloudfront.net certificate, which AWS manages.")


def _origin_gaps(distribution: Resource) -> list[str]:
    """Custom origins that CloudFront may reach over plain HTTP or SSLv3."""
    behind_http = {b.get("TargetOriginId") for _, b in behaviors(distribution)
                   if b.get("ViewerProtocolPolicy") == "allow-all"}
    gaps = []
    for origin in items(distribution.config.get("Origins")):
        custom = origin.get("CustomOriginConfig")
        if not custom:
            continue
        policy, name = custom.get("OriginProtocolPolicy"), origin.get("Id", "?")
        old = [p for p in items(custom.get("OriginSslProtocols")) if p in OLD_ORIGIN_PROTOCOLS]
        if policy == "http-only":
            gaps.append(f"{name} (http-only)")
        elif policy == "match-viewer" and origin.get("Id") in behind_http:
            gaps.append(f"{name} (match-viewer behind a behavior that allows HTTP)")
        elif old:
            gaps.append(f"{name} (allows {', '.join(old)})")
    return gaps


@check(
    "cloudfront-origin-not-encrypted",
    title="CloudFront reaches an origin over plain HTTP",
    pillar="security",
    focus_area="Encryption in transit",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC09-BP02"],
    remediation="Set the origin protocol policy to https-only with TLSv1.2 as the origin SSL protocol, and give the "
                "origin a certificate CloudFront trusts.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Reach the origins of {resources} over HTTPS only",
)
def cloudfront_origin_not_encrypted(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        custom = [o for o in items(distribution.config.get("Origins")) if o.get("CustomOriginConfig")]
        if not custom:
            continue  # S3 and VPC origins: CloudFront chooses the protocol, nothing here to configure
        gaps = _origin_gaps(distribution)
        if gaps:
            yield fail(distribution, f"Custom origin(s) {listed(gaps)}: traffic between CloudFront and the origin "
                                     "can cross the internet unencrypted.")
        else:
            yield passed(distribution, f"All {len(custom)} custom origin(s) are reached over HTTPS.")


@check(
    "cloudfront-s3-origin-without-access-control",
    title="CloudFront reads an S3 origin without origin access control",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC08-BP04"],
    remediation="Create an origin access control (sigv4, always sign) for the S3 origin, allow only the distribution "
                "(aws:SourceArn) in the bucket policy, and keep the bucket's public access blocked.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Read the S3 origins of {resources} through an origin access control and keep the buckets private",
)
def cloudfront_s3_origin_without_access_control(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        buckets = [o for o in items(distribution.config.get("Origins"))
                   if "S3OriginConfig" in o or S3_REST.search(o.get("DomainName", ""))]
        if not buckets:
            continue
        open_ = [o.get("Id", "?") for o in buckets if not o.get("OriginAccessControlId")
                 and not (o.get("S3OriginConfig") or {}).get("OriginAccessIdentity")]
        if open_:
            yield fail(distribution, f"S3 origin(s) {listed(open_)} have neither an origin access control nor an "
                                     "origin access identity: the bucket must be readable by anyone for CloudFront "
                                     "to serve it, and can be read around the distribution.")
        else:
            kinds = {"origin access control" if o.get("OriginAccessControlId") else "origin access identity"
                     for o in buckets}
            yield passed(distribution, f"All {len(buckets)} S3 origin(s) are read with an "
                                       f"{' or '.join(sorted(kinds))}.")


@check(
    "cloudfront-logging-off",
    title="CloudFront distribution has no standard logging",
    pillar="security",
    focus_area="Detection",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["SEC04-BP01"],
    remediation="Turn on standard logging for the distribution (to S3, or through CloudWatch Logs delivery) and keep "
                "the logs as long as an investigation needs them.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Log the requests of {resources}",
)
def cloudfront_logging_off(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        logging = distribution.config.get("Logging") or {}
        why = unread(distribution, "GetDistributionConfig")
        if why:
            yield not_assessed(distribution, why)
        elif logging.get("Enabled"):
            yield passed(distribution, f"Standard logging writes access logs to {logging.get('Bucket') or 'S3'}.")
        else:
            # Logs delivered through CloudWatch Logs (standard logging v2) are configured outside the distribution.
            yield fail(distribution, "Standard logging (legacy, to S3) is off; if access logs are delivered through "
                                     "CloudWatch Logs delivery instead, accept this finding with that reason.")


@check(
    "cloudfront-no-origin-failover",
    title="Production CloudFront distribution has no origin failover",
    pillar="reliability",
    focus_area="Service availability",
    risk=by_environment(prod="MEDIUM"),
    best_practices=["REL11-BP02"],
    remediation="Put the primary origin in an origin group with a secondary origin (another Region's bucket or "
                "endpoint) and fail over on 5xx responses, so the default behavior targets the group.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Give {resources} an origin group that fails over to a second origin",
)
def cloudfront_no_origin_failover(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        if not estate.in_production(distribution):
            continue  # a second origin is a production choice
        groups = {g.get("Id") for g in items(distribution.config.get("OriginGroups"))}
        default = (distribution.config.get("DefaultCacheBehavior") or {}).get("TargetOriginId")
        if default in groups:
            yield passed(distribution, f"The default behavior targets the origin group {default}: CloudFront fails "
                                       "over to its secondary origin.")
        elif groups:
            yield fail(distribution, f"Origin group(s) {listed(sorted(groups))} exist, but the default behavior "
                                     f"targets the single origin {default}.")
        else:
            yield fail(distribution, f"No origin group: when the origin {default} fails, every request fails.")


@check(
    "cloudfront-http2-off",
    title="CloudFront distribution serves HTTP/1.1 only",
    pillar="performance-efficiency",
    focus_area="Content delivery",
    risk="LOW",
    best_practices=["PERF04-BP05"],
    remediation="Allow HTTP/2 and HTTP/3 (http2and3) on the distribution: viewers multiplex requests over one "
                "connection, and those that cannot fall back to HTTP/1.1.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Allow HTTP/2 and HTTP/3 on {resources}",
)
def cloudfront_http2_off(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        version = distribution.config.get("HttpVersion")
        if not version:
            yield not_assessed(distribution, "The distribution's HTTP version was not read.")
        elif version == "http1.1":
            yield fail(distribution, "HttpVersion is http1.1: every viewer opens several connections and waits on "
                                     "each request in turn.")
        else:
            yield passed(distribution, f"HttpVersion is {version}.")


@check(
    "cloudfront-compression-off",
    title="CloudFront distribution does not compress responses",
    pillar="sustainability",
    focus_area="Data transfer",
    risk="LOW",
    best_practices=["SUS04-BP07"],
    remediation="Turn on Compress objects automatically on every cache behavior, with a cache policy that accepts "
                "Gzip and Brotli encodings.",
    resource_types=[CLOUDFRONT_DISTRIBUTION],
    needs=NEEDS,
    bullet="Compress the responses of {resources} at the edge",
)
def cloudfront_compression_off(estate: Estate) -> Iterator[Result]:
    for distribution in estate.of_type(CLOUDFRONT_DISTRIBUTION):
        found = behaviors(distribution)
        raw = [path for path, b in found if not b.get("Compress")]
        if not found:
            yield not_assessed(distribution, "The distribution's cache behaviors were not read.")
        elif raw:
            yield fail(distribution, f"Cache behavior(s) {listed(raw)} do not compress: text responses travel at up "
                                     "to four times their compressed size.")
        else:
            yield passed(distribution, f"All {len(found)} cache behavior(s) compress responses.")
