import datetime
import hashlib

from permits.levies.snap import signatures as sig


def test_minify_removes_whitespace_outside_strings_only():
    raw = b'{\n  "name" : "Siti  Nur\'aini",\n  "q": "a \\" b",\n  "n": [1, 2]\n}'
    assert sig.minify_json(raw) == '{"name":"Siti  Nur\'aini","q":"a \\" b","n":[1,2]}'


def test_body_digest_is_lowercase_hex_sha256_of_the_minified_body():
    pretty = b'{ "a": 1,\n "b": "x y" }'
    assert sig.body_digest(pretty) == hashlib.sha256(b'{"a":1,"b":"x y"}').hexdigest()
    assert sig.body_digest(pretty) == sig.body_digest(b'{"a":1,"b":"x y"}')


def test_string_to_sign_follows_the_spec():
    text = sig.string_to_sign("post", "/snap/v1.0/transfer-va/payment", "TOK", b"{}", "2026-11-27T14:56:11+07:00")
    assert text == (
        "POST:/snap/v1.0/transfer-va/payment:TOK:"
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a:2026-11-27T14:56:11+07:00"
    )


def test_hmac_verifies_its_own_signature_in_both_encodings_and_refuses_a_changed_message():
    for encoding in ("base64", "hex"):
        signature = sig.hmac_sign("secret", "message", encoding)
        assert sig.hmac_verify("secret", "message", signature, encoding)
        assert not sig.hmac_verify("secret", "messagE", signature, encoding)
        assert not sig.hmac_verify("other", "message", signature, encoding)


def test_rsa_signature_of_client_id_and_timestamp(key_pair):
    private_pem, public_pem = key_pair
    signature = sig.rsa_sign(private_pem, "BJB", "2026-11-27T14:56:11+07:00")
    assert sig.rsa_verify(public_pem, "BJB", "2026-11-27T14:56:11+07:00", signature)
    assert not sig.rsa_verify(public_pem, "BJB", "2026-11-27T14:56:12+07:00", signature)
    assert not sig.rsa_verify(public_pem, "BJB", "2026-11-27T14:56:11+07:00", "not base64 !")
    other_private, _ = sig.rsa_key_pair()
    assert not sig.rsa_verify(public_pem, "BJB", "2026-11-27T14:56:11+07:00", sig.rsa_sign(other_private, "BJB", "x"))


def test_timestamps_need_an_offset():
    moment = sig.parse_timestamp("2026-11-27T14:56:11+07:00")
    assert moment == datetime.datetime(2026, 11, 27, 7, 56, 11, tzinfo=datetime.UTC)
    assert sig.parse_timestamp("2026-11-27T14:56:11.123+07:00") is not None
    assert sig.parse_timestamp("2026-11-27T14:56:11") is None
    assert sig.parse_timestamp("yesterday") is None
    assert sig.snap_timestamp(moment) == "2026-11-27T14:56:11+07:00"


def test_digest_works_on_the_bytes_so_text_that_is_not_utf8_cannot_break_it():
    text = '{ "nama" : "Siti Nur\'aini — Rp 1.500.000 ✓", "s": " \\" x " }'
    assert sig.minify_json(text) == '{"nama":"Siti Nur\'aini — Rp 1.500.000 ✓","s":" \\" x "}'
    assert sig.body_digest(text) == sig.body_digest(text.encode("utf-8"))
    broken = b'{ "a" : "\xff\xfe" }'
    assert sig.body_digest(broken) == hashlib.sha256(b'{"a":"\xff\xfe"}').hexdigest()
    assert sig.body_digest(sig.minify_json(broken)) == sig.body_digest(broken)  # what the bank simulator signs
