"""Reliability scenarios: database, Redis and instance failures under load, on private servers."""
