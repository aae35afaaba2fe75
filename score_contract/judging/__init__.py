"""Checks: small pure functions that judge one observation."""
