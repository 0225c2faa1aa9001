"""Pilot-zone configuration (zone files): names, customs office, parks and plan targets.

See :mod:`cbec.zones.loader`; the data are ``kunming.yaml``, ``taiyuan.yaml`` and
``luzhou.yaml`` in this package, Kunming being the default.
"""

from __future__ import annotations

from cbec.zones.loader import (
    DEFAULT_ZONE,
    CustomsOffice,
    District,
    Park,
    ParkLayout,
    PlanDocument,
    Target,
    Zone,
    ZoneFileError,
    list_zones,
    load_zone,
)

__all__ = [
    "DEFAULT_ZONE",
    "CustomsOffice",
    "District",
    "Park",
    "ParkLayout",
    "PlanDocument",
    "Target",
    "Zone",
    "ZoneFileError",
    "list_zones",
    "load_zone",
]
