"""Errors raised when a CEB document cannot be turned into a message at all.

Hierarchy::

    CebFormatError                  the document cannot be parsed (malformed XML/JSON, bad envelope)
    ├── CebUnsafeXmlError           DOCTYPE / DTD / entity declarations (XXE, billion laughs) — refused
    ├── CebUnsupportedMessageError  the root element is not a known CEB message (or envelope)
    └── CebTooLargeError            the document is larger than the configured cap

Each error carries the findings that describe it (the same :class:`Finding`
objects the checks produce), plus the message type and guid when they were
already known. Documents that *can* be parsed but break the XSD or the field
rules do not raise: they come back as findings from ``xsd_findings`` /
``field_findings``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cbec.messages.ceb.findings import Finding

__all__ = ["CebFormatError", "CebTooLargeError", "CebUnsafeXmlError", "CebUnsupportedMessageError"]


class CebFormatError(Exception):
    """The document cannot be parsed into a CEB message.

    Attributes:
        findings: what is wrong (at least one finding).
        message_type: the message type when known (e.g. ``"CEB311Message"``), else None.
        guid: the message guid when known, else None.
    """

    def __init__(
        self,
        findings: Sequence[Finding],
        *,
        message_type: str | None = None,
        guid: str | None = None,
    ) -> None:
        self.findings: list[Finding] = list(findings)
        self.message_type = message_type
        self.guid = guid
        text = "; ".join(f.message_en for f in self.findings) or type(self).__name__
        super().__init__(text)


class CebUnsafeXmlError(CebFormatError):
    """The document declares a DTD or entities (refused, never expanded)."""


class CebUnsupportedMessageError(CebFormatError):
    """The root element is not a CEB message type this codec knows."""


class CebTooLargeError(CebFormatError):
    """The document exceeds the size cap."""
