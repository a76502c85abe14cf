"""Accepted risks: acceptances.yaml (schema wafr.acceptances/1), matching it to findings, and `wafr accept`.

A FAIL finding an active acceptance selects becomes SUPPRESSED with the acceptance attached; an expired acceptance
leaves its findings FAIL and is listed; an acceptance that selects nothing failing is listed as stale.
"""

from wafr.acceptances.apply import Outcome, apply_acceptances, matches, section
from wafr.acceptances.file import DEFAULT_FILE, SCHEMA, Acceptance, AcceptancesFile, Selector, read_acceptances

__all__ = ["DEFAULT_FILE", "SCHEMA", "Acceptance", "AcceptancesFile", "Outcome", "Selector", "apply_acceptances",
           "matches", "read_acceptances", "section"]
