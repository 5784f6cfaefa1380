"""The header line, the profile switcher, and a profile that cannot send."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from tui_helpers import (
    KEY_ID,
    SECRET,
    STS_TOKEN,
    completed,
    notifications,
    screen_text,
    settle,
    write_config,
)

from ossbrowse.config import resolve_profile
from ossbrowse.oss.profile import Profile
from ossbrowse.ui.screens.profiles import ProfileScreen
from ossbrowse.ui.widgets.profile_bar import ProfileBar


def bar_text(app) -> str:
    return str(app.screen.query_one(ProfileBar).render())


async def test_switch_profile_rebuilds_the_client(demo_app, emulator, tmp_path) -> None:
    config = write_config(tmp_path / "ossutilconfig", emulator.endpoint)
    profile = resolve_profile(config_file=str(config))
    messages: list[Message] = []
    app = demo_app(profile=profile, config_file=str(config))
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        text = bar_text(app)
        assert "profile default" in text and emulator.endpoint in text
        assert "cn-hangzhou" in text and "V4 signing" in text
        assert SECRET not in text and KEY_ID not in text
        first_client = app.session.client

        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.sign_version == "v4"

        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert names == ["default", "ops", "empty"]
        await pilot.press("down", "enter")
        await settle(pilot)

        assert not isinstance(app.screen, ProfileScreen)
        assert app.session.profile.name == "ops" and app.session.client is not first_client
        assert any(n.startswith("Profile: Now using profile ops") for n in notifications(messages))
        text = bar_text(app)
        assert "profile ops" in text and "V1 signing" in text and "STS token" in text
        assert STS_TOKEN not in screen_text(app)

        app.screen.query_one("#key").focus()
        await pilot.press("enter")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.status == 200 and result.sign_version == "v1"


async def test_switching_to_a_profile_without_credentials(demo_app, emulator, tmp_path, counting):
    config = write_config(tmp_path / "ossutilconfig", emulator.endpoint)
    messages: list[Message] = []
    app = demo_app(profile=resolve_profile(config_file=str(config)), config_file=str(config))
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await app.switch_profile("empty")
        await pilot.pause()
        assert app.session.client is None
        assert "not configured" in bar_text(app)
        assert "OSS_ACCESS_KEY_ID" in screen_text(app)
        app.screen.query_one("#key").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert counting.requests == []
        await app.switch_profile("default")
        await pilot.pause()
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 200


async def test_no_credentials_opens_says_what_to_set_and_sends_nothing(demo_app, counting):
    messages: list[Message] = []
    app = demo_app(profile=Profile(region="cn-hangzhou"))
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        text = screen_text(app)
        assert "cannot send" in text
        assert "OSS_ACCESS_KEY_ID" in text and "ossbrowse demo" in text
        await pilot.press("f5")
        await settle(pilot)
        assert counting.requests == []
        assert any(n.startswith("Not sent") for n in notifications(messages))


async def test_startup_notice_is_shown(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app(notice="profile 'nope' is not in the config file")
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.pause()
        assert any("'nope'" in n for n in notifications(messages))


async def test_switcher_without_a_config_file_explains(demo_app, tmp_path) -> None:
    app = demo_app(config_file=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        assert "No profiles" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ProfileScreen)
