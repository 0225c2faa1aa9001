"""Resident ID number (居民身份证号码, GB 11643-1999)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from cbec.registry.identifiers import ric

DIGITS = "0123456789"


@st.composite
def valid_rics(draw: st.DrawFn) -> str:
    """Any 18-character ID with a real birth date and the right check character."""
    region = draw(st.text(alphabet=DIGITS, min_size=6, max_size=6))
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)))
    serial = draw(st.text(alphabet=DIGITS, min_size=3, max_size=3))
    first17 = region + born.strftime("%Y%m%d") + serial
    return first17 + ric.calc_check_digit(first17 + "?")


class TestValidate:
    @pytest.mark.parametrize("number", ["360426199101010071", "11010519491231002X"])
    def test_accepts_valid_numbers(self, number: str) -> None:
        assert ric.validate(number) == number

    def test_lower_case_x_is_compacted(self) -> None:
        assert ric.validate("11010519491231002x") == "11010519491231002X"

    @pytest.mark.parametrize(
        ("number", "error"),
        [
            ("36042619910101007", InvalidLength),
            ("36042619910101007A", InvalidFormat),
            ("3604261991010100X1", InvalidFormat),
            ("360426199101010072", InvalidChecksum),
            ("130681136250023332", InvalidChecksum),  # the official CEB samples' placeholder
        ],
    )
    def test_rejects_with_a_specific_error(self, number: str, error: type[ValidationError]) -> None:
        with pytest.raises(error):
            ric.validate(number)

    def test_impossible_birth_date_is_an_invalid_component(self) -> None:
        first17 = "11010519491331002"  # month 13
        number = first17 + ric.calc_check_digit(first17 + "?")
        with pytest.raises(InvalidComponent):
            ric.validate(number)

    def test_unknown_address_code_is_accepted(self) -> None:
        # stdnum.cn.ric.validate would look 999999 up in its GB/T 2260 table; we do not.
        first17 = "99999919900101123"
        number = first17 + ric.calc_check_digit(first17 + "?")
        assert ric.is_valid(number)

    def test_birth_date(self) -> None:
        assert ric.birth_date("11010519491231002X") == datetime.date(1949, 12, 31)


class TestDisplay:
    def test_mask_shows_first_three_and_last_four(self) -> None:
        assert ric.mask("110105194912311234") == "110***********1234"

    def test_mask_of_short_input_hides_everything(self) -> None:
        assert ric.mask("1101") == "****"

    def test_format_number(self) -> None:
        assert ric.format_number(" 11010519491231002x ") == "11010519491231002X"


class TestProperties:
    @given(valid_rics())
    def test_generated_valid_numbers_validate(self, number: str) -> None:
        assert ric.validate(number) == number

    @given(valid_rics(), st.integers(min_value=0, max_value=17), st.sampled_from(DIGITS + "XA"))
    def test_any_single_character_change_is_detected(self, number: str, position: int, char: str) -> None:
        if number[position] == char:
            return
        changed = number[:position] + char + number[position + 1 :]
        assert not ric.is_valid(changed)
