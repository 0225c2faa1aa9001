"""One router module per context."""
