"""botocore's API models as data.

They are read with botocore's loader alone: a model is data shipped with botocore, and reading it must not depend on
the user's profile or config (a missing AWS_PROFILE would otherwise break every command at import).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.exceptions import DataNotFoundError
from botocore.loaders import create_loader
from botocore.model import ServiceModel

_loader = create_loader()


@cache
def service_model(service: str) -> ServiceModel:
    return ServiceModel(_loader.load_service_model(service, "service-2"), service_name=service)


@cache
def paginator_config(service: str, operation: str) -> dict[str, Any] | None:
    """The paginator botocore defines for an operation, or None when it has none."""
    try:
        return _loader.load_service_model(service, "paginators-1")["pagination"].get(operation)
    except DataNotFoundError:
        return None
