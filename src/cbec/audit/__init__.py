"""Append-only audit trail of decisions."""
