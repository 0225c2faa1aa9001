"""Export clearance (9610 retail with summary declaration, 9710 B2B direct, 9810 overseas warehouse)."""
