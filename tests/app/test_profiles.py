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
from ossbrowse.ui.literal import LiteralStatic
from ossbrowse.ui.screens.profiles import ProfileScreen
from ossbrowse.ui.widgets.profile_bar import ProfileBar


def bar_text(app) -> str:
    return str(app.screen.query_one(ProfileBar).render())


def dialog_text(app) -> str:
    """The switcher's words and options, as one line of text."""
    parts = [str(w.render()) for w in app.screen.query(LiteralStatic)]
    options = app.screen.query(OptionList)
    if options:
        o = options.first()
        parts += [str(o.get_option_at_index(i).prompt) for i in range(o.option_count)]
    return " ".join(" ".join(parts).split())


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


async def test_command_line_flags_outrank_every_profile_picked_later(demo_app, emulator, tmp_path):
    """Started with --sign-version v1 --addressing-style path: F2 keeps both, whatever profile."""
    config = write_config(tmp_path / "ossutilconfig", emulator.endpoint)
    flags = {"sign_version": "v1", "addressing_style": "path", "access_key_secret": None}
    profile = resolve_profile(flags=flags, config_file=str(config))
    messages: list[Message] = []
    app = demo_app(profile=profile, config_file=str(config), flags=flags)
    async with app.run_test(size=(120, 30), message_hook=messages.append) as pilot:
        assert "V1 signing" in bar_text(app)
        assert "flags --addressing-style --sign-version" in bar_text(app)
        # F2, Enter on the active profile: the file says v4, the command line said v1.
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        text = dialog_text(app)
        assert "kept for any profile: --addressing-style --sign-version" in text
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.profile.sign_version == "v1"
        assert app.session.profile.addressing_style == "path"
        assert "V1 signing" in bar_text(app) and "flags --addressing-style" in bar_text(app)
        assert any(
            "Kept from the command line: --addressing-style --sign-version" in n
            for n in notifications(messages)
        )
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.sign_version == "v1"
        # Another profile: its own keys and endpoint, the command line's settings.
        await app.switch_profile("ops")
        await pilot.pause()
        assert app.session.profile.name == "ops"
        assert app.session.profile.sts_token is not None
        assert app.session.profile.addressing_style == "path"
        assert app.session.profile.source_of("sign_version") == "flag"


async def test_demo_switcher_says_what_the_demo_profile_is(
    demo_app, emulator, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ossutilconfig
    monkeypatch.delenv("OSSUTIL_CONFIG_FILE", raising=False)
    app = demo_app(profile=emulator.profile(name="demo"), demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        text = dialog_text(app)
        assert "The demo profile is active: the local emulator at" in text
        assert emulator.endpoint in text and "built-in test key pair" in text
        assert "nothing else to switch to" in text and "Picking another" not in text
        assert "demo (the local emulator) (active)" in text
        await pilot.press("escape")


async def test_demo_switches_to_a_file_profile_and_back(demo_app, emulator, tmp_path, monkeypatch):
    config = write_config(tmp_path / "ossutilconfig", emulator.endpoint)
    monkeypatch.setenv("OSSUTIL_CONFIG_FILE", str(config))
    demo = emulator.profile(name="demo")
    app = demo_app(profile=demo, demo=True)
    async with app.run_test(size=(120, 30)) as pilot:
        assert "DEMO" in bar_text(app)
        await pilot.press("f2")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert names[1:] == ["default", "ops", "empty"]
        text = dialog_text(app)
        assert "Picking another uses that profile of" in text
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.session.profile.name == "default"
        assert "DEMO" not in bar_text(app)
        await pilot.press("f2")
        await pilot.pause()
        assert "The demo profile is not active now" in dialog_text(app)
        await pilot.press("home", "enter")
        await settle(pilot)
        assert app.session.profile is demo and "DEMO" in bar_text(app)
