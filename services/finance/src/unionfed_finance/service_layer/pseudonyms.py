"""Pseudonyms: the public disclosure names no member; one person's repeated grants still read as one."""

import hashlib
import re
from collections.abc import Mapping

from unionfed_finance.service_layer.report_format import Lang

# ---------------------------------------------------------------- pseudonyms

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_MEMBER_REF = re.compile(rf"(member:)?({_UUID})")
PSEUDONYM_PREFIX = {"zh": "受助人-", "en": "Recipient-"}


def pseudonym(organization_id: str, member_id: str, lang: Lang = "zh") -> str:
    """Stable per union and member, so repeated grants to one person can be seen as such
    without saying who; salted with the union so pseudonyms cannot be matched across unions."""
    digest = hashlib.sha256(f"{organization_id}{member_id.lower()}".encode()).hexdigest()
    return PSEUDONYM_PREFIX[lang] + digest[:6]


class KnownMembers:
    """The members a public text must not name, ready to be found in many texts.

    Built once per statement: a county's statement has thousands of entries and its members
    number in the hundreds of thousands, so each text is scanned once for names (a dictionary
    probe per position and name length) instead of once per name.
    """

    def __init__(self, members_by_name: Mapping[str, str] | None = None):
        members_by_name = members_by_name or {}
        self.ids = {str(member_id).lower() for member_id in members_by_name.values()}
        # One-character names are skipped: no real name is that short, and they would shred the text.
        self.by_name = {name: str(member_id) for name, member_id in members_by_name.items() if len(name.strip()) >= 2}
        self.lengths = sorted({len(name) for name in self.by_name}, reverse=True)

    def replace_names(self, text: str, replacement) -> str:
        # Longest name first at each place, so "李华明" is not half-replaced by "李华". A name that
        # also reads as an ordinary word is replaced there too: over-redacting a public text is
        # the safe mistake.
        out, i = [], 0
        while i < len(text):
            for length in self.lengths:
                member_id = self.by_name.get(text[i : i + length])
                if member_id is not None:
                    out.append(replacement(member_id))
                    i += length
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def pseudonymise(
    text: str, organization_id: str, members: "Mapping[str, str] | KnownMembers | None" = None, lang: Lang = "zh"
) -> str:
    """Replace every ``member:<uuid>`` (and a bare uuid of a known member) and every known
    member's name in ``text`` with that member's pseudonym."""
    known = members if isinstance(members, KnownMembers) else KnownMembers(members)

    def replace_ref(match: re.Match) -> str:
        prefixed, member_id = match.group(1), match.group(2)
        if prefixed or member_id.lower() in known.ids:
            return pseudonym(organization_id, member_id, lang)
        return match.group(0)  # some other id (a hold, a posting): not a person

    text = _MEMBER_REF.sub(replace_ref, text)
    return known.replace_names(text, lambda member_id: pseudonym(organization_id, member_id, lang))
