"""Keys: sealing under a passphrase, a cost floor no record can lower, signatures, the station's PEM."""

import pytest

from broadcaster.errors import StorageError
from broadcaster.trust import keys


def test_a_sealed_key_opens_with_its_passphrase_only():
    key = keys.new_key()
    record = keys.seal(key, "mật khẩu đúng")
    assert keys.public_raw(keys.unseal(record, "mật khẩu đúng", "Trần Văn Bình")) == keys.public_raw(key)
    with pytest.raises(keys.WrongPassphraseError, match="wrong passphrase for Trần Văn Bình"):
        keys.unseal(record, "mật khẩu sai", "Trần Văn Bình")


@pytest.mark.parametrize("field, value", [("n", 2 ** 10), ("r", 1), ("p", 0), ("n", 2 ** 30)])
def test_no_record_can_lower_or_blow_up_the_cost(field, value):
    record = keys.seal(keys.new_key(), "passphrase")
    record[field] = value
    with pytest.raises(StorageError, match="key-derivation cost is out of bounds"):
        keys.unseal(record, "passphrase", "x")


def test_a_swapped_public_half_does_not_open():
    record = keys.seal(keys.new_key(), "passphrase")
    record["public"] = keys.b64(keys.public_raw(keys.new_key()))
    with pytest.raises(keys.WrongPassphraseError):  # the public half is the cipher's associated data
        keys.unseal(record, "passphrase", "x")


def test_signatures_verify_for_the_signed_bytes_and_key_only():
    key, other = keys.new_key(), keys.new_key()
    signature = keys.sign(key, b"approve thong-bao-tiem-phong")
    assert keys.verifies(keys.public_raw(key), signature, b"approve thong-bao-tiem-phong")
    assert not keys.verifies(keys.public_raw(key), signature, b"approve thong-bao-tiem-phong!")
    assert not keys.verifies(keys.public_raw(other), signature, b"approve thong-bao-tiem-phong")
    assert not keys.verifies(b"short", signature, b"approve thong-bao-tiem-phong")


def test_fingerprints_are_stable_and_readable():
    public = bytes(range(32))
    assert keys.fingerprint(public) == keys.fingerprint(bytes(range(32)))
    assert keys.fingerprint(public).startswith("SHA256:") and len(keys.fingerprint(public)) == 7 + 39


def test_the_station_key_round_trips_and_a_damaged_one_is_named(tmp_path):
    path = tmp_path / "data" / "keys" / "station.pem"
    key = keys.new_key()
    keys.write_station_key(path, key)
    assert keys.public_raw(keys.load_station_key(path)) == keys.public_raw(key)
    path.write_text("junk")
    with pytest.raises(StorageError, match="the station key is damaged"):
        keys.load_station_key(path)
    with pytest.raises(StorageError, match="the station has no key yet"):
        keys.load_station_key(tmp_path / "none.pem")
