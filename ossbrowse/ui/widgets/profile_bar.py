"""The header line: which profile, endpoint, region and signing version the app talks with.

It never shows a secret: only the profile name, where it points, whether an STS token is in
use (not the token), and which settings the command line set (their flag names, not values).
It never shows the AccessKeyId either, and in presenter mode not the endpoint.
"""

from __future__ import annotations

from textual.content import Content

from ossbrowse.oss.addressing import endpoint_for_region
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.secret import HIDDEN_VALUE, shares_secret
from ossbrowse.ui.literal import LiteralStatic, plain

ENDPOINT_HIDDEN = "endpoint hidden"
"""Where the endpoint would be, in presenter mode."""


def endpoint_text(profile: Profile, endpoint_label: str | None) -> str:
    """The endpoint the client uses, or where the profile would point without a client."""
    if endpoint_label:
        return endpoint_label
    if profile.endpoint:
        return _unless_secret(profile, profile.endpoint)
    if profile.region:
        return _unless_secret(profile, endpoint_for_region(profile.region))
    return "no endpoint"


def _unless_secret(profile: Profile, value: str) -> str:
    """``value``, or a placeholder when it holds the profile's secret (pasted in the wrong place;
    such a profile cannot send, and the bar must not show it)."""
    known = [s for s in (profile.access_key_secret, profile.sts_token) if s is not None]
    return HIDDEN_VALUE if shares_secret(value, known) else value


def flag_settings(profile: Profile) -> list[str]:
    """The flags (``--sign-version``...) that set a value of ``profile``, in setting order.

    They stay in force whichever profile is picked, so the bar and the switcher name them.
    """
    return [f"--{name.replace('_', '-')}" for name, source in profile.sources if source == "flag"]


class ProfileBar(LiteralStatic):
    """One line at the top of the screen describing the active profile."""

    DEFAULT_CSS = """
    ProfileBar {
        dock: top;
        height: 1;
        width: 100%;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def show_profile(
        self,
        profile: Profile,
        endpoint_label: str | None,
        *,
        usable: bool,
        demo: bool,
        presenter: bool = False,
    ) -> None:
        """Describe ``profile``; ``usable`` False marks a profile that cannot send.

        ``presenter`` (an audience is watching) leaves the endpoint out.
        """
        parts: list[str | tuple[str, str] | Content] = [("ossbrowse", "bold")]
        if demo:
            parts.append((" DEMO ", "bold $background on $accent"))
        # Compact enough for 80 columns: the endpoint and region speak for themselves.
        parts += [
            ("  profile ", "dim"),
            plain(profile.name, "bold", limit=60),
            ("  ", ""),
            (ENDPOINT_HIDDEN, "dim")
            if presenter
            else plain(endpoint_text(profile, endpoint_label), limit=120),
            ("  ", ""),
            plain(
                _unless_secret(profile, profile.region) if profile.region else "no region", limit=60
            ),
            ("  ", ""),
            (profile.sign_version.upper(), "bold"),
            (" signing", "dim"),
        ]
        if profile.sts_token:
            parts.append(("  STS token", "bold"))
        if not usable:
            parts.append(("  not configured", "bold $error"))
        flags = flag_settings(profile)
        if flags:
            parts += [("  flags ", "dim"), (" ".join(flags), "bold")]
        line = Content.assemble(*parts)
        self.update(line)
