"""USCC (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import pytest
import stdnum.cn.uscc
from hypothesis import given
from hypothesis import strategies as st
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from cbec.registry.identifiers import uscc

ALPHABET = uscc.ALPHABET
DIGITS = "0123456789"


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    """Any well-formed USCC: alphabet chars in 1-2 and 9-17, digits in 3-8, correct check char."""
    head = draw(st.text(alphabet=ALPHABET, min_size=2, max_size=2))
    region = draw(st.text(alphabet=DIGITS, min_size=6, max_size=6))
    body = draw(st.text(alphabet=ALPHABET, min_size=9, max_size=9))
    first17 = head + region + body
    return first17 + uscc.calc_check_digit(first17)


class TestValidate:
    def test_accepts_the_gb32100_example(self) -> None:
        assert uscc.validate("91110000600037341L") == "91110000600037341L"

    def test_compacts_separators_and_case(self) -> None:
        assert uscc.validate(" 91110000-6000 37341l") == "91110000600037341L"

    @pytest.mark.parametrize(
        ("number", "error"),
        [
            ("91110000600037341", InvalidLength),
            ("91110000600037341LL", InvalidLength),
            ("91110000600037341I", InvalidFormat),  # I is not in the alphabet
            ("911A0000600037341L", InvalidFormat),  # region code (positions 3-8) must be digits
            ("91110000600037341M", InvalidChecksum),
        ],
    )
    def test_rejects_with_a_specific_error(self, number: str, error: type[ValidationError]) -> None:
        with pytest.raises(error):
            uscc.validate(number)

    def test_invalid_length_is_a_validation_error(self) -> None:
        assert issubclass(InvalidLength, ValidationError)

    def test_letter_authority_code_is_accepted_where_stdnum_rejects_it(self) -> None:
        # Registering authority "Y" (其他) and entity type "1", region 110000 (Beijing).
        first17 = "Y1110000MA01ABCD2"
        code = first17 + uscc.calc_check_digit(first17)
        assert code == "Y1110000MA01ABCD23"
        assert uscc.validate(code) == code
        # python-stdnum 2.2 requires the first 8 characters to be digits and wrongly rejects it:
        with pytest.raises(InvalidFormat):
            stdnum.cn.uscc.validate(code)

    @pytest.mark.parametrize("authority", ["A", "N", "Y"])
    def test_letter_authorities_in_position_1_and_letter_types_in_position_2(self, authority: str) -> None:
        first17 = authority + "A" + "440300" + "MA5FPX9K1"
        code = first17 + uscc.calc_check_digit(first17)
        assert uscc.is_valid(code)
        assert not stdnum.cn.uscc.is_valid(code)

    @given(
        st.text(alphabet=DIGITS, min_size=8, max_size=8), st.text(alphabet=ALPHABET, min_size=10, max_size=10)
    )
    def test_agrees_with_stdnum_when_the_first_eight_are_digits(self, head: str, tail: str) -> None:
        code = head + tail
        assert uscc.is_valid(code) == stdnum.cn.uscc.is_valid(code)


class TestDisplay:
    def test_format_number_is_the_compact_form(self) -> None:
        assert uscc.format_number("9111 0000 6000 3734 1L") == "91110000600037341L"

    def test_mask_keeps_four_on_each_side(self) -> None:
        assert uscc.mask("91110000600037341L") == "9111**********341L"

    def test_mask_of_short_input_hides_everything(self) -> None:
        assert uscc.mask("1234") == "****"


class TestProperties:
    @given(valid_usccs())
    def test_generated_valid_codes_validate(self, code: str) -> None:
        assert uscc.validate(code) == code

    @given(valid_usccs(), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET + "IOSVZ"))
    def test_any_single_character_change_is_detected(self, code: str, position: int, char: str) -> None:
        if code[position] == char:
            return
        changed = code[:position] + char + code[position + 1 :]
        assert not uscc.is_valid(changed)
