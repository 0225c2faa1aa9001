"""The command line: `cbec`."""
