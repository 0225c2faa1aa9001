"""Tests of the export tax records (cbec.tax.export)."""
