"""Load balancers: encryption in transit at the edge (HTTPS listeners)."""

from __future__ import annotations

from typing import Any, Iterator

from wafr.checks.registry import Result, by_environment, check, fail, not_assessed, passed
from wafr.estate import Estate
from wafr.resource_types import ELB_LOAD_BALANCER


# -- encryption in transit at the edge --------------------------------------------------------------------------
@check(
    "load-balancer-without-https",
    title="Internet-facing load balancer serves plain HTTP",
    pillar="security",
    focus_area="Network security",
    risk=by_environment(prod="HIGH"),
    best_practices=["SEC09-BP02"],
    remediation="Add an HTTPS listener with an ACM certificate and a current TLS policy, and change the HTTP "
                "listener's default action to a permanent redirect to HTTPS.",
    resource_types=[ELB_LOAD_BALANCER],
    needs=("elbv2",),
)
def load_balancer_without_https(estate: Estate) -> Iterator[Result]:
    for lb in estate.of_type(ELB_LOAD_BALANCER):
        # AWS always returns Scheme; when a record lacks it, it was created with AWS's default, internet-facing.
        if lb.config.get("Scheme", "internet-facing") != "internet-facing" or lb.config.get("Type") == "gateway":
            continue
        if "DescribeListeners" in lb.errors:
            yield not_assessed(lb, f"its listeners could not be read ({lb.errors['DescribeListeners']})")
            continue
        listeners = [item.config for item in estate.linked_to("load_balancer", lb.id)]
        secure = [f"{l.get('Protocol')}:{l.get('Port')}" for l in listeners if l.get("Protocol") in ("HTTPS", "TLS")]
        plain = [l for l in listeners if l.get("Protocol") == "HTTP" and not _redirects_to_https(l)]
        if plain:
            ports = ", ".join(f"HTTP:{l.get('Port')}" for l in plain)
            yield fail(lb, f"Listener {ports} serves plain HTTP without redirecting to HTTPS"
                           + (f" (HTTPS on {', '.join(secure)})." if secure else "; it has no HTTPS listener."))
        elif secure:
            yield passed(lb, f"Encrypted listeners {', '.join(secure)}; HTTP, if any, redirects to HTTPS.")
        elif listeners:
            kinds = ", ".join(sorted({f"{l.get('Protocol')}:{l.get('Port')}" for l in listeners}))
            yield not_assessed(lb, f"Only {kinds} listeners: the traffic passes through to the targets, so "
                                   "whether it is encrypted cannot be seen from the load balancer.")


def _redirects_to_https(listener: dict[str, Any]) -> bool:
    """Whether the listener's default action redirects to HTTPS (rules on paths are not read)."""
    return any(a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
               for a in listener.get("DefaultActions", []))
