"""The explorer's first page, asked for while the app starts: shown once, where it belongs."""

from __future__ import annotations

import threading
from concurrent.futures import wait

import httpx
import pytest
from test_browse import names, settled
from tui_helpers import NOW, profile_for

from ossbrowse.emulator import DEMO_BUCKET, Emulator
from ossbrowse.ui.app import OssBrowseApp, make_app
from ossbrowse.ui.screens.browse import BrowseScreen, Place


class HeldListings(httpx.BaseTransport):
    """The network to the emulator, recording each ListObjectsV2's prefix; the listings of
    ``held`` wait until :attr:`release` is set."""

    def __init__(self, held: str | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.held = held
        self.prefixes: list[str] = []
        self.arrived = threading.Event()
        """Set when a listing of ``held`` reached the network."""
        self.release = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.params.get("list-type") == "2":
            prefix = request.url.params.get("prefix", "")
            self.prefixes.append(prefix)
            if prefix == self.held:
                self.arrived.set()
                self.release.wait(30)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.release.set()
        self.inner.close()


def app_at(emu: Emulator, network: HeldListings, bucket: str, prefix: str = "") -> OssBrowseApp:
    return make_app(
        profile_for(emu),
        clock=lambda: NOW,
        prefill={"bucket": bucket, "prefix": prefix},
        mode="browse",
        listing_transport=network,
    )


def status(screen: BrowseScreen) -> str:
    return str(screen.query_one("#list-status").render())


@pytest.mark.parametrize("in_before_the_screen", [True, False], ids=["in-early", "in-late"])
async def test_the_first_page_is_asked_for_before_the_app_runs_and_is_the_one_shown(
    emulator: Emulator, in_before_the_screen: bool
) -> None:
    network = HeldListings(held="drafts/")
    app = app_at(emulator, network, DEMO_BUCKET, "drafts/")
    early = app.session.first_page
    assert early is not None
    # Sent as soon as the app knows where it lists, before Textual has started.
    assert network.arrived.wait(10)
    if in_before_the_screen:
        network.release.set()
        assert wait([early.future], 10).done
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        if not in_before_the_screen:
            assert not early.future.done()
            assert status(screen) == "Loading…"
            network.release.set()
        await settled(pilot, screen)
        assert "drafts/toto" in names(screen)
        assert "rows loaded" in status(screen)
        # That one request's page is what the list shows: it was not asked for again.
        assert network.prefixes == ["drafts/"]
        await pilot.press("f5")  # a reload asks again, as always
        await settled(pilot, screen)
        assert network.prefixes == ["drafts/", "drafts/"]
        assert "drafts/toto" in names(screen)


async def test_leaving_before_the_first_page_came_drops_it(emulator: Emulator) -> None:
    network = HeldListings(held="drafts/")
    app = app_at(emulator, network, DEMO_BUCKET, "drafts/")
    early = app.session.first_page
    assert early is not None
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert network.arrived.wait(10)
        await pilot.press("backspace")  # up to the bucket's top while drafts/ is on its way
        top = Place(DEMO_BUCKET, "")
        while screen.place != top or screen.listing or not screen.table.row_count:
            await pilot.pause(0.02)
        shown = names(screen)
        assert "drafts/" in shown and "drafts/toto" not in shown
        network.release.set()  # now the drafts/ page comes back: too late to be shown
        assert early.join(10)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.place == top
        assert names(screen) == shown
        assert status(screen) == f"{len(shown)} rows loaded."


@pytest.mark.parametrize("in_before_the_screen", [True, False], ids=["in-early", "in-late"])
async def test_an_error_on_the_first_page_is_said_in_place_as_on_a_reload(
    emulator: Emulator, in_before_the_screen: bool
) -> None:
    network = HeldListings(held="")
    app = app_at(emulator, network, "no-such-bucket-here")
    early = app.session.first_page
    assert early is not None
    assert network.arrived.wait(10)
    if in_before_the_screen:
        network.release.set()
        assert wait([early.future], 10).done
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        if not in_before_the_screen:
            assert not early.future.done()
            network.release.set()
        await settled(pilot, screen)
        first = status(screen)
        assert "ListObjectsV2 failed: 404 NoSuchBucket" in first
        assert screen.query_one("#list-status").has_class("error")
        await pilot.press("f5")  # the same place listed again, without any early page
        await settled(pilot, screen)
        assert network.prefixes == ["", ""]
        assert status(screen) == first
        await pilot.press("backspace")  # and the explorer is still usable
        await settled(pilot, screen)
        assert DEMO_BUCKET in [getattr(e, "name", "") for e in screen.table.entries]


async def test_a_start_bucket_oss_refuses_is_said_in_place_and_nothing_is_sent(
    emulator: Emulator,
) -> None:
    network = HeldListings()
    app = app_at(emulator, network, "b")  # e.g. ossbrowse --bucket b: too short for OSS
    assert app.session.first_page is None  # nothing asked for early
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await pilot.pause()
        assert status(screen) == "Not listed: bucket: must be 3 to 63 characters long (got 1)"
        assert screen.query_one("#list-status").has_class("error")
        assert network.prefixes == []
        await pilot.press("backspace")  # the bucket list: the explorer is usable
        await settled(pilot, screen)
        assert DEMO_BUCKET in [getattr(e, "name", "") for e in screen.table.entries]
