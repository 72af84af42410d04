"""What welfare sends finance to write into the books is in the federation's language."""

import re
import uuid

from unionfed_welfare.domain import grants, greetings

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def test_festivals_and_visits_are_named_in_each_language_with_no_word_of_the_other():
    grant_id = uuid.uuid4()
    for festival in greetings.FESTIVALS:
        assert HAN.search(greetings.festival_name(festival, "zh-CN")) and not LATIN_WORD.search(
            greetings.festival_name(festival, "zh-CN")
        )
        assert not HAN.search(greetings.festival_name(festival, "en"))
    for visit in grants.VISIT_TYPES:
        zh = grants.paid_grant_description(visit, grant_id, "zh-CN")
        assert not LATIN_WORD.search(zh.replace(str(grant_id), "")), zh
        assert not HAN.search(grants.paid_grant_description(visit, grant_id, "en"))
    assert grants.paid_grant_description("hospitalised", grant_id, "zh-CN") == f"住院慰问（慰问单 {grant_id}）"
    assert grants.paid_grant_description("hospitalised", grant_id, "en") == f"Hospital visit grant (grant {grant_id})"
    assert greetings.festival_name("mid_autumn", "en") == "Mid-Autumn greeting"
