"""Authentication: API keys and the roles of callers."""
