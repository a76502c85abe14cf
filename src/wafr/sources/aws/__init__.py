"""The live AWS source: guarded boto3 sessions and one collector per service."""
