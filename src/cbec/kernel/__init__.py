"""Shared value objects and helpers with no I/O."""
