from __future__ import annotations

from apiflask import APIFlask

from users_service.runtime.settings import load_settings


def test_factory_honours_test_settings(app: APIFlask) -> None:
    assert app.testing
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert not app.debug


def test_factory_reads_the_environment_without_settings(monkeypatch: object, database_url: str) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("APP_ENV", "testing")
    monkeypatch.setenv("DATABASE_URL", database_url)
    from users_service import create_app

    app = create_app()
    assert app.extensions["settings"].APP_ENV == "testing"


def test_cors_is_off_by_default_and_allow_list_only(make_app: object) -> None:
    # SECURITY row 45 (CORS part)
    assert callable(make_app)
    app = make_app(CORS_ORIGINS="https://app.example")
    client = app.test_client()
    ok = client.get("/users/ping", headers={"Origin": "https://app.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example"
    for hostile in ("https://evil.example", "null"):
        response = client.get("/users/ping", headers={"Origin": hostile})
        assert "Access-Control-Allow-Origin" not in response.headers
        preflight = client.options("/auth/login", headers={"Origin": hostile, "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in preflight.headers


def test_settings_cors_origins_are_split() -> None:
    settings = load_settings(APP_ENV="testing", DATABASE_URL="sqlite://", CORS_ORIGINS=" https://a.io, https://b.io ,")
    assert settings.cors_origins == ["https://a.io", "https://b.io"]
