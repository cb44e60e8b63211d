"""居民身份证号 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015) and the display masks. Pure functions, no database."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sifa.core.persons.idnumbers import (
    IdNumberError,
    credit_check_char,
    id_check_digit,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    parse_credit_code,
    parse_id_number,
)

TODAY = datetime.date(2026, 6, 1)
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ID_CHECK_CHARS = "0123456789X"


def with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


# --- 居民身份证号: valid numbers -------------------------------------------------------------------


def test_standard_example_with_check_digit_x_is_valid():
    # given: the worked example of GB 11643-1999 (北京市朝阳区, born 1949-12-31, female)
    number = "11010519491231002X"

    # when
    facts = parse_id_number(number, today=TODAY)

    # then
    assert facts.number == number
    assert facts.region_code == "110105"
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.gender == "F"


def test_check_digit_follows_iso_7064_mod_11_2():
    # given: first 17 digits whose weighted sum is known by hand
    # 1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 5*4 + 1*2 + 9*1 + 4*6 + 9*3 + 1*7 + 2*9 + 3*10 + 1*5 + 0*8 + 0*4 + 2*2 = 167
    first17 = "11010519491231002"

    # when
    digit = id_check_digit(first17)

    # then: 167 mod 11 = 2 → "X"
    assert digit == "X"
    assert id_check_digit("00000000000000000") == "1"  # sum 0 → "1"
    assert id_check_digit("10000000000000000") == "5"  # sum 7 → "5"
    assert id_check_digit("00000000000000001") == "X"  # sum 2 → "X"
    assert id_check_digit("00000000000000010") == "8"  # sum 4 → "8"


def test_computed_check_digit_makes_a_valid_number():
    # given
    number = with_check_digit("33010619900101123")

    # when
    facts = parse_id_number(number, today=TODAY)

    # then
    assert number == "33010619900101123X"
    assert facts.number == number
    assert facts.region_code == "330106"
    assert facts.birth_date == datetime.date(1990, 1, 1)
    assert facts.gender == "M"  # 17th digit 3 is odd


def test_number_ending_in_x_found_by_search_is_valid():
    # given: the first sequence number in 330111/1985-06-15 whose check digit is X
    first17 = next(f"33011119850615{seq:03d}" for seq in range(1000)
                   if id_check_digit(f"33011119850615{seq:03d}") == "X")
    number = first17 + "X"

    # when
    facts = parse_id_number(number, today=TODAY)

    # then
    assert facts.number.endswith("X")
    assert facts.birth_date == datetime.date(1985, 6, 15)


def test_lowercase_x_and_spaces_are_normalized():
    # given
    raw = " 110105 19491231 002x "

    # when
    facts = parse_id_number(raw, today=TODAY)

    # then
    assert facts.number == "11010519491231002X"
    assert normalize_id_number(raw) == "11010519491231002X"


@pytest.mark.parametrize(("seq", "gender"), [("001", "M"), ("002", "F"), ("119", "M"), ("998", "F")])
def test_gender_comes_from_the_17th_digit(seq, gender):
    # given
    number = with_check_digit(f"33011119800229{seq}")

    # when
    facts = parse_id_number(number, today=TODAY)

    # then
    assert facts.gender == gender
    assert facts.birth_date == datetime.date(1980, 2, 29)  # leap day is a real date


def test_born_today_is_accepted():
    # given
    number = with_check_digit(f"330111{TODAY:%Y%m%d}001")

    # when / then
    assert parse_id_number(number, today=TODAY).birth_date == TODAY


def test_fullwidth_digits_are_read_as_ascii_digits():
    # given: the number typed with a Chinese IME in full-width mode (１１０１０５…Ｘ)
    raw = to_fullwidth("11010519491231002X")

    # when
    facts = parse_id_number(raw, today=TODAY)

    # then: the same number as the ASCII form, so the blind index and the duplicate check agree
    assert facts.number == "11010519491231002X"
    assert facts.region_code == "110105"


# --- 居民身份证号: invalid numbers -------------------------------------------------------------------


def test_wrong_check_digit_says_which_digit_is_expected():
    # given
    valid = with_check_digit("33010619900101123")
    wrong = "0" if valid[-1] != "0" else "1"

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(valid[:17] + wrong, today=TODAY)

    # then
    assert str(exc.value) == f"身份证号校验码错误：最后一位应为 {valid[-1]}，实际为 {wrong}"


def test_x_where_a_digit_is_expected_is_a_wrong_check_digit():
    # given
    valid = with_check_digit("33010619900101124")
    assert valid[-1] == "8"

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(valid[:17] + "X", today=TODAY)

    # then
    assert f"最后一位应为 {valid[-1]}" in str(exc.value)


@pytest.mark.parametrize("date8", ["19900230", "19900431", "19901301", "19900001", "19900100", "19000229"])
def test_impossible_birth_date_is_refused(date8):
    # given: a correct check digit, so the date is the only fault
    number = with_check_digit(f"330106{date8}123")

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number, today=TODAY)

    # then
    assert str(exc.value) == f"身份证号出生日期 {date8} 不是有效日期"


@pytest.mark.parametrize("birth", [datetime.date(2026, 6, 2), datetime.date(2099, 1, 1), datetime.date(1899, 12, 31)])
def test_birth_date_out_of_range_is_refused(birth):
    # given: the day after "today", a far future date, and a date before 1900
    number = with_check_digit(f"330106{birth:%Y%m%d}123")

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number, today=TODAY)

    # then
    assert str(exc.value) == f"身份证号出生日期 {birth.isoformat()} 不在合理范围内"


def test_future_birth_date_is_judged_against_the_real_today_by_default():
    # given
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    number = with_check_digit(f"330106{tomorrow:%Y%m%d}123")

    # when / then
    with pytest.raises(IdNumberError, match="不在合理范围内"):
        parse_id_number(number)


@pytest.mark.parametrize(("raw", "length"), [
    ("", 0),
    ("33010619900101123", 17),
    ("3301061990010112345", 19),
    ("330106900101123", 15),  # the old 15-digit first-generation number
])
def test_wrong_length_is_refused_with_the_actual_length(raw, length):
    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(raw, today=TODAY)

    # then
    assert str(exc.value) == f"身份证号应为 18 位，当前为 {length} 位"


@pytest.mark.parametrize("raw", [
    "33010619900101A238",  # letter among the first 17
    "3301061990010112X8",  # X not in last place
    "33010619900101123Y",  # letter other than X in last place
    "33010619900101-238",
    "٣٣٠١٠٦١٩٩٠٠١٠١١٢٣٨",  # Arabic-Indic digits are not GB 11643 digits
])
def test_non_digits_are_refused(raw):
    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(raw, today=TODAY)

    # then
    assert str(exc.value) == "身份证号前 17 位必须是数字，最后一位是数字或 X"


@pytest.mark.parametrize("province", ["99", "00", "10", "92"])
def test_unknown_province_prefix_is_refused(province):
    # given
    number = with_check_digit(f"{province}010619900101123")

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number, today=TODAY)

    # then
    assert str(exc.value) == f"身份证号地址码 {province}0106 无效：省级代码 {province} 不存在"


def test_region_callback_refusing_the_code_is_reported():
    # given
    asked: list[str] = []

    def region_exists(code: str) -> bool:
        asked.append(code)
        return False

    number = with_check_digit("33119919900101123")

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(number, region_exists=region_exists, today=TODAY)

    # then
    assert asked == ["331199"]
    assert str(exc.value) == "身份证号地址码 331199 无效：没有这个行政区划（已撤销的区划代码须由管理员作为历史区划导入）"


def test_region_callback_accepting_the_code_lets_the_number_pass():
    # given
    number = with_check_digit("33011119900101123")

    # when
    facts = parse_id_number(number, region_exists=lambda code: code == "330111", today=TODAY)

    # then
    assert facts.region_code == "330111"


# --- masks ------------------------------------------------------------------------------------------


def test_id_number_mask_shows_first_six_and_last_four():
    # when / then
    assert mask_id_number("330106199001011234") == "330106********1234"
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize("short", ["", "1", "1234567890"])
def test_id_number_mask_of_short_input_hides_everything(short):
    # when / then
    assert mask_id_number(short) == "*" * len(short)


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"),
    (" 13812345678 ", "138****5678"),
    ("0571-88123456", "057******3456"),
    ("12345678", "123*5678"),
    ("1234567", "*******"),
    ("12345", "*****"),
    ("", ""),
])
def test_phone_mask(phone, masked):
    # when / then
    assert mask_phone(phone) == masked


@given(st.text(alphabet="0123456789-+ ", min_size=1, max_size=32).map(str.strip).filter(bool))
@settings(database=None, deadline=None)
def test_phone_mask_always_hides_at_least_one_character(phone):
    # when
    masked = mask_phone(phone)

    # then
    assert masked != phone
    assert "*" in masked
    assert len(masked) == len(phone)


# --- 统一社会信用代码 ------------------------------------------------------------------------------


def test_known_real_world_credit_code_is_valid():
    # given: a widely cited real code: 9 工商 · 1 企业 · 350100 福州市 · M000100Y4 · check character 3
    code = "91350100M000100Y43"

    # when / then
    assert credit_check_char(code[:17]) == "3"
    assert parse_credit_code(code) == code


def test_credit_code_is_normalized_to_upper_case_without_spaces():
    # when / then
    assert parse_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert parse_credit_code("9135 0100 M000 100Y 43") == "91350100M000100Y43"


def test_credit_check_char_can_be_a_letter():
    # given: search the first code of this form whose check character is a letter
    first17 = next(f"9133011100000{n:04d}" for n in range(10000)
                   if credit_check_char(f"9133011100000{n:04d}").isalpha())

    # when
    code = parse_credit_code(first17 + credit_check_char(first17))

    # then
    assert code[-1].isalpha()
    assert code[-1] in CREDIT_ALPHABET


def test_wrong_credit_check_char_says_which_is_expected():
    # given
    code = "91350100M000100Y43"

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_credit_code(code[:17] + "4")

    # then
    assert str(exc.value) == "统一社会信用代码校验码错误：最后一位应为 3，实际为 4"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
@pytest.mark.parametrize("position", [0, 1, 8, 16, 17])
def test_letters_outside_the_gb_32100_alphabet_are_refused(letter, position):
    # given
    code = "91350100M000100Y43"
    bad = code[:position] + letter + code[position + 1:]

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_credit_code(bad)

    # then
    assert "含有无效字符" in str(exc.value)


@pytest.mark.parametrize("bad", ["91AB0100M000100Y43", "91-50100M000100Y43", "91350A00M000100Y43"])
def test_non_digits_in_the_region_part_of_credit_code_are_refused(bad):
    # when / then
    with pytest.raises(IdNumberError, match="含有无效字符"):
        parse_credit_code(bad)


@pytest.mark.parametrize(("raw", "length"), [("", 0), ("91350100M000100Y4", 17), ("91350100M000100Y433", 19)])
def test_credit_code_of_wrong_length_is_refused(raw, length):
    # when / then
    with pytest.raises(IdNumberError) as exc:
        parse_credit_code(raw)
    assert str(exc.value) == f"统一社会信用代码应为 18 位，当前为 {length} 位"


def test_fullwidth_credit_code_is_read_as_ascii_instead_of_crashing():
    # given: typed in full-width mode; the region digits are full-width too
    raw = to_fullwidth("91350100M000100Y43")

    # when
    code = parse_credit_code(raw)

    # then
    assert code == "91350100M000100Y43"


# --- properties -------------------------------------------------------------------------------------

PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
             "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
             "71", "81", "82"]

first17s = st.builds(
    lambda province, rest, birth, seq: f"{province}{rest}{birth:%Y%m%d}{seq:03d}",
    st.sampled_from(PROVINCES),
    st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)


@given(first17s)
@settings(database=None, deadline=None, max_examples=300)
def test_any_valid_first17_with_its_check_digit_parses(first17):
    # given
    number = first17 + id_check_digit(first17)

    # when
    facts = parse_id_number(number, today=TODAY)

    # then
    assert facts.number == number
    assert facts.region_code == first17[:6]
    assert f"{facts.birth_date:%Y%m%d}" == first17[6:14]
    assert facts.gender == ("M" if int(first17[16]) % 2 else "F")
    masked = mask_id_number(number)
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8
    assert first17[6:14] not in masked


@given(first17s, st.sampled_from(ID_CHECK_CHARS))
@settings(database=None, deadline=None, max_examples=300)
def test_any_other_check_digit_is_refused(first17, other):
    # given
    expected = id_check_digit(first17)
    if other == expected:
        other = ID_CHECK_CHARS[(ID_CHECK_CHARS.index(expected) + 1) % len(ID_CHECK_CHARS)]

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_id_number(first17 + other, today=TODAY)

    # then
    assert f"最后一位应为 {expected}，实际为 {other}" in str(exc.value)


@given(first17s, st.integers(0, 16), st.integers(1, 9))
@settings(database=None, deadline=None, max_examples=300)
def test_any_single_digit_change_is_detected(first17, position, delta):
    # given: a valid number, then one of its first 17 digits changed
    number = first17 + id_check_digit(first17)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]

    # when / then: ISO 7064 MOD 11-2 catches every single-digit error (whatever check fails first)
    with pytest.raises(IdNumberError):
        parse_id_number(changed, today=TODAY)


credit_first17s = st.builds(
    lambda head, region, tail: head + region + tail,
    st.text(alphabet=CREDIT_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_ALPHABET, min_size=9, max_size=9),
)


@given(credit_first17s)
@settings(database=None, deadline=None, max_examples=300)
def test_any_credit_first17_with_its_check_char_parses(first17):
    # given
    code = first17 + credit_check_char(first17)

    # when / then
    assert parse_credit_code(code) == code


@given(credit_first17s, st.sampled_from(CREDIT_ALPHABET))
@settings(database=None, deadline=None, max_examples=300)
def test_any_other_credit_check_char_is_refused(first17, other):
    # given
    expected = credit_check_char(first17)
    if other == expected:
        other = CREDIT_ALPHABET[(CREDIT_ALPHABET.index(expected) + 1) % len(CREDIT_ALPHABET)]

    # when
    with pytest.raises(IdNumberError) as exc:
        parse_credit_code(first17 + other)

    # then
    assert f"最后一位应为 {expected}" in str(exc.value)
