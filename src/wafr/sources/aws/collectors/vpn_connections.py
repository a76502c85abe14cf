"""Site-to-Site VPN connections: which gateway each ends on and the state of its two tunnels (pre-shared keys and
the customer gateway configuration are dropped, see data/redaction.yaml)."""

from wafr.resource_types import EC2_VPN_CONNECTION
from wafr.sources.aws.declarative import Kind, List, declare

declare("vpn-connections", Kind(EC2_VPN_CONNECTION, List("describe_vpn_connections", "VpnConnections"),
                                id="VpnConnectionId", tags="Tags"), client="ec2")
