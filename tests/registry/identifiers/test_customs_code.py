"""Customs registration code (海关注册登记编码): format only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.exceptions import InvalidFormat, InvalidLength, ValidationError

from cbec.registry.identifiers import customs_code

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class TestValidate:
    @pytest.mark.parametrize("code", ["1105910159", "A000080003", "3702XXXXXX"])
    def test_accepts_ten_letters_or_digits(self, code: str) -> None:
        assert customs_code.validate(code) == code

    def test_compacts_case_and_spaces(self) -> None:
        assert customs_code.validate(" a000 080003") == "A000080003"

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("110591015", InvalidLength),
            ("11059101590", InvalidLength),
            ("", InvalidLength),
            ("1105_10159", InvalidFormat),
            ("１１０５９１０１５９", InvalidFormat),  # full-width digits are not ASCII
        ],
    )
    def test_rejects_with_a_specific_error(self, code: str, error: type[ValidationError]) -> None:
        with pytest.raises(error):
            customs_code.validate(code)

    def test_is_valid(self) -> None:
        assert customs_code.is_valid("1105910159")
        assert not customs_code.is_valid("ass201603081155")

    def test_display(self) -> None:
        assert customs_code.format_number("1105 910159") == "1105910159"
        assert customs_code.mask("1105910159") == "1105**0159"
        assert customs_code.mask("12") == "**"

    @given(st.text(alphabet=ALNUM, min_size=10, max_size=10))
    def test_every_ten_character_alphanumeric_code_is_accepted(self, code: str) -> None:
        assert customs_code.is_valid(code)
