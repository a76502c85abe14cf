"""Security / Data protection: whether production data stores say, by a tag, which class of data they hold."""

from __future__ import annotations

import re

from wafr.checks.registry import Result, by_environment, check, judged, not_assessed
from wafr.data import load as load_data
from wafr.estate import Estate, Resource
from wafr.resource_types import DYNAMODB_TABLE, EFS_FILE_SYSTEM, RDS_DB_CLUSTER, RDS_DB_INSTANCE, S3_BUCKET

DATA_STORES = (S3_BUCKET, RDS_DB_INSTANCE, RDS_DB_CLUSTER, DYNAMODB_TABLE, EFS_FILE_SYSTEM)
_SEPARATORS = re.compile(r"[^a-z0-9]")


def _key(text: str) -> str:
    return _SEPARATORS.sub("", text.lower())


CLASSIFICATION_KEYS = frozenset(_key(k) for k in load_data("data_classification.yaml")["tag_keys"])


@check(
    "data-store-not-classified",
    title="A production data store does not say which class of data it holds",
    pillar="security",
    focus_area="Data protection",
    risk=by_environment(prod="LOW"),
    best_practices=["SEC07-BP01", "SUS04-BP01"],
    remediation="Agree a data classification scheme (for example public, internal, confidential, restricted) and tag "
                "every data store with its class (DataClassification=confidential), enforced by a tag policy, so "
                "the controls each class needs can be checked where the data lives.",
    bullet="Tag {resources} with the class of data they hold",
    each=DATA_STORES,
)
def data_store_not_classified(store: Resource, estate: Estate) -> Result | None:
    if not estate.in_production(store):
        return None  # the scheme matters where real data lives
    if store.type == RDS_DB_INSTANCE and store.config.get("DBClusterIdentifier"):
        return None  # an Aurora cluster's instance: the cluster is judged
    failed = [op for op in store.errors if "tag" in op.lower()]
    if failed:
        return not_assessed(store, f"{failed[0]} failed for this resource ({store.errors[failed[0]]}), so its tags "
                                   "are unknown.")
    found = [f"{k}={v}" for k, v in store.tags.items() if _key(k) in CLASSIFICATION_KEYS]
    return judged(store, bool(found), f"Classified by tag {found[0] if found else ''}.",
                  f"No data classification tag (such as DataClassification or Sensitivity) on a "
                  f"{estate.environment_of(store)} data store: which class of data it holds, and so which controls "
                  "it needs, is written nowhere.")
