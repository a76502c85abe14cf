"""Direct Connect: dedicated and hosted connections with their location, and virtual interfaces with their BGP
state (the BGP auth key is dropped, see data/redaction.yaml)."""

from wafr.resource_types import DIRECTCONNECT_CONNECTION, DIRECTCONNECT_VIRTUAL_INTERFACE
from wafr.sources.aws.declarative import Kind, List, declare

declare(
    "directconnect",
    Kind(DIRECTCONNECT_CONNECTION, List("describe_connections", "connections"), id="connectionId",
         name="connectionName", tags="tags"),
    Kind(DIRECTCONNECT_VIRTUAL_INTERFACE, List("describe_virtual_interfaces", "virtualInterfaces"),
         id="virtualInterfaceId", name="virtualInterfaceName", tags="tags"),
)
