"""The users service's key set: fetched at start, stored, refetched on an unknown kid at most
once per interval, taken from nowhere but USERS_JWKS_URL."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient

from items_service.domain import keys as keys_module
from items_service.domain.keys import KeySet, KeySetUnavailable, parse_jwks
from tests.keys import JwksServer, SigningKey

DOWN = "http://127.0.0.1:1/auth/jwks.json"  # nothing listens on port 1


def _status(client: FlaskClient, token: str) -> int:
    return client.get("/items", headers={"Authorization": f"Bearer {token}"}).status_code


def _key_set(app: APIFlask) -> KeySet:
    return app.extensions["key_set"]  # type: ignore[no-any-return]


def test_start_fetches_and_stores_the_set(app: APIFlask, jwks: JwksServer, signing_key: SigningKey) -> None:
    _key_set(app).start()
    assert jwks.requests == 1
    assert set(_key_set(app).keys) == {signing_key.kid}
    assert _status(app.test_client(), signing_key.token(3)) == 200
    assert jwks.requests == 1, "a known kid is verified without a call"


def test_users_down_at_start_verifies_with_the_stored_set(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey
) -> None:
    _key_set(make_app()).start()
    jwks.close()  # the users service stops; items restarts
    restarted = make_app()
    key_set = _key_set(restarted)
    key_set.start()
    assert key_set.fetches == 1, "it did try the users service first"
    assert _status(restarted.test_client(), signing_key.token(3)) == 200
    assert _status(restarted.test_client(), SigningKey().token(3)) == 401


def test_users_down_at_start_without_a_stored_set_refuses(
    make_app: Callable[..., APIFlask], signing_key: SigningKey
) -> None:
    app = make_app(USERS_JWKS_URL=DOWN)
    assert _status(app.test_client(), signing_key.token(3)) == 401


def test_started_before_users_it_fetches_as_soon_as_users_answers(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey
) -> None:
    app = make_app(USERS_JWKS_URL=DOWN, JWKS_REFRESH_INTERVAL=30)
    key_set = _key_set(app)
    key_set.start()
    assert key_set.keys == {}
    client = app.test_client()
    assert _status(client, signing_key.token(3)) == 401
    key_set.url = jwks.url  # the users service is up now, well within the interval
    assert _status(client, signing_key.token(3)) == 200
    assert jwks.requests == 1
    # Once a key is held, unknown kids wait for the interval again.
    assert _status(client, SigningKey().token(3)) == 401
    assert jwks.requests == 1


def test_rotation_a_new_kid_triggers_one_refetch(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey
) -> None:
    app = make_app(JWKS_REFRESH_INTERVAL=0)
    client = app.test_client()
    assert _status(client, signing_key.token(3)) == 200
    before = jwks.requests
    new_key = SigningKey()
    jwks.keys.insert(0, new_key)  # the users service rotates: new key first, old one kept
    assert _status(client, new_key.token(3)) == 200
    assert _status(client, new_key.token(3)) == 200
    assert _status(client, signing_key.token(3)) == 200, "the previous key still verifies"
    assert jwks.requests == before + 1


def test_a_flood_of_unknown_kids_fetches_at_most_once_per_interval(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey
) -> None:
    app = make_app(JWKS_REFRESH_INTERVAL=30)
    client = app.test_client()
    assert _status(client, signing_key.token(3)) == 200
    assert jwks.requests == 1
    # Within the interval of the first fetch: no fetch at all, however many unknown kids.
    for _ in range(20):
        assert _status(client, SigningKey().token(3)) == 401
    assert jwks.requests == 1
    # The interval has passed (the last attempt was 31 s ago): one fetch for the whole flood.
    _key_set(app).tried_at -= 31
    for _ in range(20):
        assert _status(client, SigningKey().token(3)) == 401
    assert jwks.requests == 2


def test_a_removed_key_stops_verifying_once_the_set_is_refetched(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(JWKS_REFRESH_INTERVAL=0)
    client = app.test_client()
    assert _status(client, signing_key.token(3)) == 200
    jwks.keys = [SigningKey()]
    monkeypatch.setattr(keys_module, "MAX_AGE", 0.0)
    assert _status(client, signing_key.token(3)) == 401


def test_a_failed_refetch_keeps_the_keys_we_had(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(JWKS_REFRESH_INTERVAL=0)
    client = app.test_client()
    assert _status(client, signing_key.token(3)) == 200
    jwks.close()
    monkeypatch.setattr(keys_module, "MAX_AGE", 0.0)
    assert _status(client, signing_key.token(3)) == 200


def test_parse_jwks_keeps_only_ed25519_signing_keys(signing_key: SigningKey) -> None:
    good = signing_key.jwk()
    document = {
        "keys": [
            good,
            {**SigningKey().jwk(), "use": "enc"},
            {**SigningKey().jwk(), "alg": "RS256"},
            {**SigningKey().jwk(), "crv": "X25519"},
            {**SigningKey().jwk(), "d": "secret"},
            {**SigningKey().jwk(), "kid": ""},
            {**SigningKey().jwk(), "x": "!!"},
            "not a key",
        ]
    }
    assert set(parse_jwks(document)) == {good["kid"]}


@pytest.mark.parametrize("document", [[], {"keys": "x"}, None, {"nokeys": []}])
def test_parse_jwks_refuses_what_is_not_a_key_set(document: object) -> None:
    with pytest.raises(KeySetUnavailable):
        parse_jwks(document)


def test_a_huge_or_broken_answer_is_not_a_key_set(app: APIFlask, jwks: JwksServer, signing_key: SigningKey) -> None:
    key_set = _key_set(app)
    jwks.keys = [signing_key] * 600  # more than MAX_JWKS_BYTES
    assert len(json.dumps({"keys": [k.jwk() for k in jwks.keys]})) > keys_module.MAX_JWKS_BYTES
    key_set.start()
    assert key_set.keys == {}
