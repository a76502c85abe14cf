"""One vocabulary of resource types: data/resource_types.yaml, its constants, and the collectors agree."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import wafr
from wafr import resource_types
from wafr.resource_types import RDS_DB_INSTANCE, WAFV2_WEB_ACL, display_name, services_of
from wafr.sources.aws.registry import all_collectors

SRC = Path(wafr.__file__).parent
TYPE = re.compile(r"""^[rRuU]?(["'])AWS::[A-Za-z0-9]*::[A-Za-z0-9]+\1$""")


def _constants() -> dict[str, str]:
    return {value: name for name, value in vars(resource_types).items()
            if name.isupper() and isinstance(value, str) and value.startswith("AWS::")}


def test_every_type_in_the_data_file_has_one_constant_and_back() -> None:
    constants = _constants()
    assert set(constants) == set(resource_types.resource_types())
    assert len(set(constants.values())) == len(constants)


def test_every_collected_type_is_in_the_data_file_with_its_collector() -> None:
    known = resource_types.resource_types()
    missing = sorted(f"{c.name}: {t}" for c in all_collectors().values() for t in c.resource_types
                     if t not in known or c.name not in known[t].services)
    assert missing == []


def test_no_module_spells_a_resource_type() -> None:
    """A type is named by its constant in wafr.resource_types, never by a string literal of its own."""
    spelled = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "resource_types.py" and path.parent == SRC:
            continue
        for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if token.type == tokenize.STRING and TYPE.match(token.string):
                spelled.append(f"{path.relative_to(SRC)}:{token.start[0]} {token.string}")
    assert spelled == []


def test_a_type_read_by_two_collectors_names_both() -> None:
    assert set(services_of(WAFV2_WEB_ACL)) == {"wafv2", "wafv2-cloudfront"}
    assert services_of("AWS::Nothing::Here") == ()


def test_the_review_names_a_type_in_words() -> None:
    assert display_name(RDS_DB_INSTANCE) == "RDS DB instance"
    assert display_name("AWS::Glue::Job") == "Glue Job"
