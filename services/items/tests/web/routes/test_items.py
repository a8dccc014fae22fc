"""The items API: ownership, pagination, validation, and the users service's error style."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

Bearer = Callable[..., dict[str, str]]
OWNER, OTHER, ADMIN = 7, 8, 9


def _add(client: FlaskClient, bearer: Bearer, user_id: int = OWNER, **body: Any) -> dict[str, Any]:
    response = client.post("/items", json={"title": "A title", **body}, headers=bearer(user_id))
    assert response.status_code == 201, response.json
    return response.json["data"]  # type: ignore[index,no-any-return]


def test_add_item_returns_it_with_its_owner(client: FlaskClient, bearer: Bearer) -> None:
    response = client.post("/items", json={"title": "Buy milk", "description": "2 l"}, headers=bearer(OWNER))
    assert response.status_code == 201
    assert response.json["status"] == "success"
    assert response.json["message"] == "Item was added!"
    item = response.json["data"]
    assert item["title"] == "Buy milk"
    assert item["description"] == "2 l"
    assert item["owner_id"] == OWNER
    assert set(item) == {"id", "title", "description", "owner_id", "created_date", "updated_date"}
    assert item["created_date"].endswith("+00:00")


def test_description_defaults_to_empty_and_owner_id_in_body_is_ignored(client: FlaskClient, bearer: Bearer) -> None:
    item = _add(client, bearer, owner_id=OTHER, id=999)
    assert item["description"] == ""
    assert item["owner_id"] == OWNER
    assert item["id"] != 999


def test_list_shows_only_the_callers_items_oldest_first(client: FlaskClient, bearer: Bearer) -> None:
    first, second = _add(client, bearer, title="one"), _add(client, bearer, title="two")
    _add(client, bearer, OTHER, title="theirs")
    response = client.get("/items", headers=bearer(OWNER))
    assert response.status_code == 200
    data = response.json["data"]
    assert [item["id"] for item in data["items"]] == [first["id"], second["id"]]
    assert (data["page"], data["per_page"], data["total"]) == (1, 10, 2)


def test_list_pages_and_counts_all(client: FlaskClient, bearer: Bearer) -> None:
    ids = [_add(client, bearer, title=f"item {n}")["id"] for n in range(5)]
    data = client.get("/items?page=2&per_page=2", headers=bearer(OWNER)).json["data"]
    assert [item["id"] for item in data["items"]] == ids[2:4]
    assert (data["page"], data["per_page"], data["total"]) == (2, 2, 5)
    beyond = client.get("/items?page=9&per_page=2", headers=bearer(OWNER)).json["data"]
    assert beyond["items"] == [] and beyond["total"] == 5


def test_per_page_above_100_counts_as_100(client: FlaskClient, bearer: Bearer) -> None:
    assert client.get("/items?per_page=500", headers=bearer(OWNER)).json["data"]["per_page"] == 100


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "page=x", "owner_id=0", "owner_id=99999999999"])
def test_bad_paging_is_400(client: FlaskClient, bearer: Bearer, query: str) -> None:
    response = client.get(f"/items?{query}", headers=bearer(ADMIN, admin=True))
    assert response.status_code == 400
    assert response.json["message"] == "Invalid payload."
    assert response.json["errors"]


def test_admin_lists_another_users_items_with_owner_id(client: FlaskClient, bearer: Bearer) -> None:
    theirs = _add(client, bearer, OTHER)
    data = client.get(f"/items?owner_id={OTHER}", headers=bearer(ADMIN, admin=True)).json["data"]
    assert [item["id"] for item in data["items"]] == [theirs["id"]]
    assert data["items"][0]["owner_id"] == OTHER


def test_owner_id_is_403_for_non_admins(client: FlaskClient, bearer: Bearer) -> None:
    response = client.get(f"/items?owner_id={OTHER}", headers=bearer(OWNER))
    assert response.status_code == 403
    assert response.json["message"] == "You do not have permission to do that."


def test_owner_gets_patches_and_deletes_an_item(client: FlaskClient, bearer: Bearer) -> None:
    item = _add(client, bearer, description="old")
    url = f"/items/{item['id']}"
    assert client.get(url, headers=bearer(OWNER)).json["data"] == item
    patched = client.patch(url, json={"title": "New"}, headers=bearer(OWNER))
    assert patched.status_code == 200
    assert patched.json["data"]["title"] == "New"
    assert patched.json["data"]["description"] == "old"
    assert patched.json["data"]["updated_date"] >= item["updated_date"]
    deleted = client.delete(url, headers=bearer(OWNER))
    assert deleted.status_code == 200
    assert deleted.json == {"status": "success", "message": "Item was deleted."}
    assert client.get(url, headers=bearer(OWNER)).status_code == 404


@pytest.mark.parametrize(("method", "body"), [("GET", None), ("PATCH", {"title": "mine now"}), ("DELETE", None)])
def test_another_users_item_is_404_as_if_missing(
    client: FlaskClient, bearer: Bearer, method: str, body: dict[str, str] | None
) -> None:
    item = _add(client, bearer)
    for url in (f"/items/{item['id']}", "/items/999999", "/items/99999999999"):
        response = client.open(url, method=method, json=body, headers=bearer(OTHER))
        assert response.status_code == 404, url
        assert response.json["message"] == "Item does not exist"
    assert client.get(f"/items/{item['id']}", headers=bearer(OWNER)).json["data"]["title"] == "A title"


def test_admin_may_read_change_and_delete_any_item(client: FlaskClient, bearer: Bearer) -> None:
    item = _add(client, bearer)
    url = f"/items/{item['id']}"
    assert client.get(url, headers=bearer(ADMIN, admin=True)).status_code == 200
    assert client.patch(url, json={"description": "checked"}, headers=bearer(ADMIN, admin=True)).status_code == 200
    assert client.delete(url, headers=bearer(ADMIN, admin=True)).status_code == 200
    assert client.get(url, headers=bearer(OWNER)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": 5}, "title"),
        ({"title": "ok", "description": "x" * 2001}, "description"),
        ({"title": "\ud800"}, "title"),
        ({"title": "a\x00b"}, "title"),
    ],
)
def test_invalid_item_is_400_with_errors_by_field(
    client: FlaskClient, bearer: Bearer, body: dict[str, Any], field: str
) -> None:
    response = client.post("/items", json=body, headers=bearer(OWNER))
    assert response.status_code == 400
    assert response.json["message"] == "Invalid payload."
    assert field in response.json["errors"]


def test_longest_title_and_description_are_accepted(client: FlaskClient, bearer: Bearer) -> None:
    item = _add(client, bearer, title="t" * 200, description="d" * 2000)
    assert len(item["title"]) == 200 and len(item["description"]) == 2000


def test_patch_needs_a_field_and_validates_it(client: FlaskClient, bearer: Bearer) -> None:
    url = f"/items/{_add(client, bearer)['id']}"
    empty = client.patch(url, json={}, headers=bearer(OWNER))
    assert empty.status_code == 400
    assert "_body" in empty.json["errors"]
    assert client.patch(url, json={"title": " "}, headers=bearer(OWNER)).status_code == 400


def test_body_that_is_not_json_is_415_and_too_large_is_413(client: FlaskClient, bearer: Bearer) -> None:
    response = client.post("/items", data="title=x", content_type="text/plain", headers=bearer(OWNER))
    assert response.status_code == 415
    assert response.json["status"] == "fail"
    big = client.post(
        "/items",
        data=b"{" + b" " * (1024 * 1024 + 1) + b"}",
        content_type="application/json",
        headers=bearer(OWNER),
    )
    assert big.status_code == 413


def test_malformed_json_is_400(client: FlaskClient, bearer: Bearer) -> None:
    response = client.post("/items", data="{nope", content_type="application/json", headers=bearer(OWNER))
    assert response.status_code == 400
    assert response.json["status"] == "fail"


@pytest.mark.parametrize(
    ("method", "url"), [("GET", "/items"), ("POST", "/items"), ("GET", "/items/1"), ("DELETE", "/items/1")]
)
def test_every_items_route_needs_a_token(client: FlaskClient, method: str, url: str) -> None:
    response = client.open(url, method=method, json={"title": "x"} if method == "POST" else None)
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


def test_unknown_method_is_405_in_the_envelope(client: FlaskClient, bearer: Bearer) -> None:
    response = client.put("/items", json={}, headers=bearer(OWNER))
    assert response.status_code == 405
    assert response.json["status"] == "fail"
