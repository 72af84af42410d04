"""How a member search's name becomes a LIKE pattern and an indexed gram."""

from unionfed_membership.domain.member_search import MemberFilter


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
