"""Tests of export clearance (cbec.exports)."""
