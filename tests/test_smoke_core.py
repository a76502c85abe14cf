from wafr.findings import evaluate
from wafr.sources.aws.collect import collect_account


def test_rds_single_az_fires_on_prod_and_passes_multi_az(aws, boto):
    rds = boto.client("rds")
    for name, multi_az in (("prod-db", False), ("prod-ha-db", True)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                               MultiAZ=multi_az)
    estate = collect_account(aws, ["us-east-1"], services=["rds"])
    findings = {(f.check_id, f.resource["id"]): f for f in evaluate(estate)}
    bad = findings[("rds-instance-single-az", "prod-db")]
    assert bad.status == "FAIL" and bad.risk == "HIGH" and bad.environment == "prod"
    assert findings[("rds-instance-single-az", "prod-ha-db")].status == "PASS"
    assert estate.coverage_of(aws.account, "us-east-1", "rds").status == "assessed"
