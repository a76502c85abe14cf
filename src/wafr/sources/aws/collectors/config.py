"""AWS Config: the Region's configuration recorders with their recording status, its Config rules (what they
evaluate; their free-form parameters are redacted away), and configuration aggregators."""

from wafr.resource_types import CONFIG_CONFIGURATION_AGGREGATOR, CONFIG_CONFIGURATION_RECORDER, CONFIG_RULE
from wafr.sources.aws.declarative import Detail, Kind, List, declare


declare(
    "config",
    Kind(CONFIG_CONFIGURATION_RECORDER, List("describe_configuration_recorders", "ConfigurationRecorders"),
         id="name", arn="arn",
         details=[Detail("describe_configuration_recorder_status", "ConfigurationRecordersStatus", into="_status",
                         ConfigurationRecorderNames=lambda config: [config["name"]])]),
    Kind(CONFIG_RULE, List("describe_config_rules", "ConfigRules"), id="ConfigRuleName", arn="ConfigRuleArn"),
    Kind(CONFIG_CONFIGURATION_AGGREGATOR, List("describe_configuration_aggregators", "ConfigurationAggregators"),
         id="ConfigurationAggregatorName", arn="ConfigurationAggregatorArn"),
)
