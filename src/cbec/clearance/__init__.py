"""B2C import clearance (9610 / 1210): three-document match, tax, quotas, release."""
