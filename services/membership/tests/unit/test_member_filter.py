"""How a member search's name becomes a LIKE pattern and an indexed gram."""

import pytest

from unionfed_membership.domain.member_search import MemberFilter
from unionfed_membership.domain.personal_data import id_tail_of, normalise_id_tail
from unionfed_shared.errors import Invalid


def test_the_name_is_a_substring_whose_wildcards_match_themselves():
    assert MemberFilter(name="张").name_pattern() == "%张%"
    assert MemberFilter(name="100%_\\").name_pattern() == "%100\\%\\_\\\\%"
    assert MemberFilter().name_pattern() is None


def test_chinese_names_are_caseless_latin_ones_are_not():
    assert MemberFilter(name="张三丰").name_is_caseless
    assert not MemberFilter(name="Li").name_is_caseless


def test_only_one_or_two_characters_are_looked_up_as_a_gram_folded():
    assert MemberFilter(name="张").name_gram == "张"
    assert MemberFilter(name="Li").name_gram == "li"
    assert MemberFilter(name="张三丰").name_gram is None


def test_an_id_tail_is_four_characters_as_the_masked_number_shows_them():
    assert normalise_id_tail(" 123x ") == "123X"
    assert normalise_id_tail("0007") == "0007"
    assert id_tail_of("33010219900101001X") == "001X"
    for typed in ("123", "12345", "12X4", "abcd", ""):
        with pytest.raises(Invalid) as refused:
            normalise_id_tail(typed)
        assert refused.value.code == "id_tail_invalid"
