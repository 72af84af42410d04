"""The personal-data key ring: the current key writes, every key reads its own rows, lookups
try every key, and a ring that could not be right is refused when the settings are built."""

import pytest
from cryptography.fernet import InvalidToken

from unionfed_membership.adapters.pii import FIRST_KEY_ID, PersonalDataKeyMissing, PersonalDataKeyRing
from unionfed_membership.settings import MembershipSettings

A = "a" * 32
B = "b-secret-of-at-least-thirty-two-characters"
NUMBER = "33010219850615002X"


def ring(keys: dict[str, str], current: str | None = None, **kwargs) -> PersonalDataKeyRing:
    return PersonalDataKeyRing.from_settings(pii_key=None, pii_keys=keys, pii_key_id=current, jwt_secret=None, **kwargs)


def test_the_current_key_encrypts_and_every_key_of_the_ring_decrypts_its_own():
    old = ring({"a": A})
    under_a = old.encrypt(NUMBER)
    rotated = ring({"a": A, "b": B}, "b")
    under_b = rotated.encrypt(NUMBER)
    assert rotated.current_id == "b"
    assert rotated.decrypt(under_a, "a") == rotated.decrypt(under_b, "b") == NUMBER
    with pytest.raises(InvalidToken):  # the id decides the key: the wrong one does not decrypt
        rotated.decrypt(under_a, "b")


def test_a_ciphertext_under_a_key_the_ring_lacks_names_the_key_zh_first():
    under_a = ring({"a": A}).encrypt(NUMBER)
    with pytest.raises(PersonalDataKeyMissing) as refused:
        ring({"b": B}).decrypt(under_a, "a")
    assert refused.value.key_ids == ["a"]
    assert str(refused.value).startswith("个人信息密钥 a 不在密钥环中")


def test_digests_are_per_key_and_lookups_try_every_key():
    a, b = ring({"a": A}), ring({"b": B})
    both = ring({"a": A, "b": B}, "b")
    assert a.id_number_digest(NUMBER) != b.id_number_digest(NUMBER)
    assert both.id_number_digest(NUMBER) == b.id_number_digest(NUMBER)
    assert set(both.id_number_digests(NUMBER)) == {a.id_number_digest(NUMBER), b.id_number_digest(NUMBER)}
    assert set(both.id_tail_digests("002X")) == {a.id_tail_digest("002X"), b.id_tail_digest("002X")}


def test_pii_key_alone_is_key_0_and_keeps_reading_what_it_wrote():
    before = PersonalDataKeyRing.from_settings(pii_key=A, pii_keys={}, pii_key_id=None, jwt_secret=None)
    assert before.current_id == FIRST_KEY_ID == "0"
    token = before.encrypt(NUMBER)
    after = PersonalDataKeyRing.from_settings(pii_key=A, pii_keys={"b": B}, pii_key_id="b", jwt_secret=None)
    assert after.decrypt(token, "0") == NUMBER
    assert after.key_ids == ["0", "b"]


def test_without_any_key_the_local_default_comes_from_the_jwt_secret():
    local = PersonalDataKeyRing.from_settings(pii_key=None, pii_keys={}, pii_key_id=None, jwt_secret="j" * 32)
    assert local.current_id == "0"
    with pytest.raises(ValueError, match="MEMBERSHIP_PII_KEY must be set"):
        PersonalDataKeyRing.from_settings(pii_key=None, pii_keys={}, pii_key_id=None, jwt_secret=None)


@pytest.mark.parametrize(
    ("keys", "current", "why"),
    [
        ({"a": A, "b": B}, None, "must name the current key"),
        ({"a": A}, "b", "is not in the key ring"),
        ({"a": "short"}, "a", "at least 32 characters"),
        ({"a b": A}, "a b", "must be 1-32 of"),
    ],
)
def test_a_ring_that_cannot_be_right_is_refused(keys, current, why):
    with pytest.raises(ValueError, match=why):
        ring(keys, current)


def test_key_0_given_twice_with_two_secrets_is_refused():
    with pytest.raises(ValueError, match="another secret"):
        PersonalDataKeyRing.from_settings(pii_key=A, pii_keys={"0": B}, pii_key_id=None, jwt_secret=None)


def test_the_settings_read_the_ring_from_the_environment(monkeypatch):
    monkeypatch.setenv("MEMBERSHIP_DATABASE_URL", "postgresql+asyncpg://u:p@127.0.0.1/x")
    monkeypatch.setenv("MEMBERSHIP_JWT_SECRET", "j" * 32)
    monkeypatch.setenv("MEMBERSHIP_PII_KEYS", f'{{"2026a": "{A}", "2027a": "{B}"}}')
    monkeypatch.setenv("MEMBERSHIP_PII_KEY_ID", "2027a")
    from unionfed_membership.adapters import pii

    saved = pii._current
    try:
        MembershipSettings()
        assert pii.current().current_id == "2027a" and pii.current().key_ids == ["2026a", "2027a"]
    finally:
        pii._current = saved
