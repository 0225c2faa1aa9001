"""CBEC Zone Platform (跨境电子商务综合试验区线上综合服务平台)."""

__version__ = "0.1.0"
