"""Enterprise codes in CEB messages: customs code (10) or USCC (18)."""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidLength

from cbec.registry.identifiers import enterprise_code


class TestKind:
    def test_ten_characters_is_a_customs_code(self) -> None:
        assert enterprise_code.kind("1105910159") == "customs"

    def test_eighteen_characters_is_a_uscc(self) -> None:
        assert enterprise_code.kind("91110000600037341L") == "uscc"

    @pytest.mark.parametrize("code", ["", "ass201603081155", "无", "12345678901"])
    def test_other_lengths_raise_invalid_length(self, code: str) -> None:
        with pytest.raises(InvalidLength):
            enterprise_code.kind(code)


class TestValidate:
    def test_dispatches_to_uscc(self) -> None:
        assert enterprise_code.validate("91110000600037341l") == "91110000600037341L"
        with pytest.raises(InvalidChecksum):
            enterprise_code.validate("110108130000000007")

    def test_dispatches_to_customs_code(self) -> None:
        assert enterprise_code.validate("1105910159") == "1105910159"

    def test_wrong_length_raises_invalid_length(self) -> None:
        with pytest.raises(InvalidLength):
            enterprise_code.validate("ass201603081155")

    def test_is_valid_and_display(self) -> None:
        assert enterprise_code.is_valid("1105910159")
        assert not enterprise_code.is_valid("ass201603081155")
        assert enterprise_code.format_number("1105 910159") == "1105910159"
        assert enterprise_code.mask("91110000600037341L") == "9111**********341L"
