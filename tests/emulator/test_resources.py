"""Profiles, groups and rich menus, as the bot reads and sets them."""
from __future__ import annotations

from tests.support.emulator_api import AUTH, GROUP, PNG, USER, USER2, send

from .openapi_schemas import assert_valid

RICH_MENU = {
    "size": {"width": 2500, "height": 843}, "selected": True, "name": "main", "chatBarText": "Menu",
    "areas": [
        {"bounds": {"x": 0, "y": 0, "width": 1250, "height": 843},
         "action": {"type": "postback", "label": "Help", "data": "menu=help"}},
        {"bounds": {"x": 1250, "y": 0, "width": 1250, "height": 843},
         "action": {"type": "uri", "label": "Call", "uri": "tel:1506"}},
    ],
}


def test_profile_returns_the_language_picked_on_the_page(client):
    client.post("/emulator/api/users", json={"userId": USER, "displayName": "Ko Ko", "language": "my"})
    response = client.get(f"/v2/bot/profile/{USER}", headers=AUTH)
    assert response.status_code == 200
    assert response.get_json() == {"displayName": "Ko Ko", "userId": USER, "language": "my"}
    assert_valid("messaging-api.yml", "UserProfileResponse", response.get_json())

    client.post("/emulator/api/users", json={"userId": USER, "language": "km"})
    profile = client.get(f"/v2/bot/profile/{USER}", headers=AUTH).get_json()
    assert profile["language"] == "km" and profile["displayName"] == "Ko Ko"


def test_unknown_profile_is_404(client):
    response = client.get(f"/v2/bot/profile/U{'f' * 32}", headers=AUTH)
    assert response.status_code == 404 and response.get_json() == {"message": "Not found"}


def test_a_person_who_writes_becomes_known(client):
    send(client, userId=USER2, type="text", text="hi")
    assert client.get(f"/v2/bot/profile/{USER2}", headers=AUTH).status_code == 200


def test_users_control_api(client):
    created = client.post("/emulator/api/users", json={"displayName": "Nang", "language": "th"}).get_json()
    assert created["userId"].startswith("U") and len(created["userId"]) == 33
    assert created in client.get("/emulator/api/users").get_json()
    assert client.post("/emulator/api/users", json={"displayName": "x", "language": "fr"}).status_code == 400
    assert client.post("/emulator/api/users", json={"userId": "bad", "displayName": "x"}).status_code == 400


def test_group_member_and_summary(client):
    client.post("/emulator/api/groups", json={"groupId": GROUP, "groupName": "Mae Sai workers"})
    send(client, type="join", groupId=GROUP)
    send(client, type="text", text="hi", groupId=GROUP)
    member = client.get(f"/v2/bot/group/{GROUP}/member/{USER}", headers=AUTH)
    assert member.status_code == 200
    assert_valid("messaging-api.yml", "GroupUserProfileResponse", member.get_json())
    assert member.get_json()["userId"] == USER and "language" not in member.get_json()
    summary = client.get(f"/v2/bot/group/{GROUP}/summary", headers=AUTH).get_json()
    assert summary == {"groupId": GROUP, "groupName": "Mae Sai workers"}
    assert client.get(f"/v2/bot/group/{GROUP}/members/count", headers=AUTH).get_json() == {"count": 1}
    assert client.get(f"/v2/bot/group/{GROUP}/member/{USER2}", headers=AUTH).status_code == 404
    assert client.get(f"/v2/bot/group/C{'9' * 32}/summary", headers=AUTH).status_code == 404
    groups = client.get("/emulator/api/groups").get_json()
    assert groups[0]["botInGroup"] is True and groups[0]["members"] == [USER]


def test_rich_menu_lifecycle(client):
    created = client.post("/v2/bot/richmenu", headers=AUTH, json=RICH_MENU)
    assert created.status_code == 200
    menu_id = created.get_json()["richMenuId"]
    assert client.post(f"/v2/bot/user/all/richmenu/{menu_id}", headers=AUTH).status_code == 400  # no image yet

    upload = client.post(f"/v2/bot/richmenu/{menu_id}/content",
                         headers=dict(AUTH, **{"Content-Type": "image/png"}), data=PNG)
    assert upload.status_code == 200
    again = client.post(f"/v2/bot/richmenu/{menu_id}/content",
                        headers=dict(AUTH, **{"Content-Type": "image/png"}), data=PNG)
    assert again.status_code == 400
    assert client.post(f"/v2/bot/user/all/richmenu/{menu_id}", headers=AUTH).status_code == 200
    assert client.get("/v2/bot/user/all/richmenu", headers=AUTH).get_json() == {"richMenuId": menu_id}

    listing = client.get("/v2/bot/richmenu/list", headers=AUTH).get_json()
    assert_valid("messaging-api.yml", "RichMenuListResponse", listing)
    assert [m["richMenuId"] for m in listing["richmenus"]] == [menu_id]

    shown = client.get(f"/emulator/api/chat/{USER}").get_json()["richMenu"]
    assert shown["richMenuId"] == menu_id and shown["areas"] == RICH_MENU["areas"]
    assert client.get(shown["imageUrl"]).data == PNG
    assert client.get(f"/emulator/api/chat/{GROUP}").get_json()["richMenu"] is None

    assert client.delete(f"/v2/bot/richmenu/{menu_id}", headers=AUTH).status_code == 200
    assert client.get("/v2/bot/richmenu/list", headers=AUTH).get_json() == {"richmenus": []}
    assert client.get(f"/emulator/api/chat/{USER}").get_json()["richMenu"] is None
    assert client.delete(f"/v2/bot/richmenu/{menu_id}", headers=AUTH).status_code == 404


def test_rich_menu_per_user_link_wins_over_default(client):
    ids = []
    for name in ("default", "special"):
        menu_id = client.post("/v2/bot/richmenu", headers=AUTH,
                              json=dict(RICH_MENU, name=name)).get_json()["richMenuId"]
        client.post(f"/v2/bot/richmenu/{menu_id}/content",
                    headers=dict(AUTH, **{"Content-Type": "image/jpeg"}), data=b"\xff\xd8jpeg")
        ids.append(menu_id)
    client.post(f"/v2/bot/user/all/richmenu/{ids[0]}", headers=AUTH)
    client.post(f"/v2/bot/user/{USER}/richmenu/{ids[1]}", headers=AUTH)
    assert client.get(f"/emulator/api/chat/{USER}").get_json()["richMenu"]["name"] == "special"
    assert client.get(f"/emulator/api/chat/{USER2}").get_json()["richMenu"]["name"] == "default"


def test_rich_menu_validation(client):
    bad = client.post("/v2/bot/richmenu", headers=AUTH, json=dict(RICH_MENU, chatBarText="x" * 15))
    assert bad.status_code == 400 and bad.get_json()["details"][0]["property"] == "chatBarText"
    too_many = dict(RICH_MENU, areas=RICH_MENU["areas"] * 11)
    assert client.post("/v2/bot/richmenu", headers=AUTH, json=too_many).status_code == 400
    menu_id = client.post("/v2/bot/richmenu", headers=AUTH, json=RICH_MENU).get_json()["richMenuId"]
    wrong_type = client.post(f"/v2/bot/richmenu/{menu_id}/content",
                             headers=dict(AUTH, **{"Content-Type": "image/gif"}), data=b"GIF")
    assert wrong_type.status_code == 415


def test_reset_forgets_everything_but_sample_users(client):
    send(client, type="text", text="hi")
    client.post("/emulator/api/reset")
    assert client.get("/emulator/api/events").get_json() == []
    assert client.get(f"/emulator/api/chat/{USER}").get_json()["items"] == []
    assert len(client.get("/emulator/api/users").get_json()) >= 5
