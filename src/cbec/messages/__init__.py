"""Messages: the single access point (一点接入) and the CEB codecs."""
