"""The municipality the assistant serves: its name and how to reach a person, in one place.

Every text that names the municipality or its contact details (the reply templates, the error messages, the line in
the asker's language, the app, the API's errors and the widget, which gets it from the API) reads this profile. The
default profile is ``assistant/municipality.yaml``; ``LEVANGER_MUNICIPALITY`` points to another one, the first
step toward serving another municipality's guide.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

PROFILE_PATH = Path(__file__).resolve().parent / "municipality.yaml"
PROFILE_ENV = "LEVANGER_MUNICIPALITY"


class ProfileError(ValueError):
    """The municipality profile is missing a field or has one in the wrong form (a deployment's configuration
    error, raised at start-up; :mod:`assistant.errors` reads the profile, so this one stands outside its
    hierarchy)."""


@dataclass(frozen=True)
class Municipality:
    """A municipality's public contact details (all published by the municipality itself).

    Attributes:
        name: "Levanger kommune".
        short_name: "Levanger", as in "helse- og omsorgstjenestene i Levanger".
        switchboard: The switchboard as written in Norway ("74 05 25 00").
        hours: The switchboard's opening hours in Norwegian ("mandag–fredag kl. 09.00–15.00").
        hours_en: The same in English ("Monday–Friday 09:00–15:00"), for the line in another language.
        email: The general e-mail address.
        postal_address: Where applications and appeals are sent.
        visiting_address: Where to come in person.
        website: The municipality's website.
        links: Optional further links by name (the application form, e-søknad).
    """

    name: str
    short_name: str
    switchboard: str
    hours: str
    hours_en: str
    email: str
    postal_address: str
    visiting_address: str
    website: str
    links: tuple[tuple[str, str], ...] = ()

    @property
    def tel(self) -> str:
        """The switchboard as a ``tel:`` address with the country code ("tel:+4774052500")."""
        return "tel:+47" + re.sub(r"\D", "", self.switchboard)

    @property
    def switchboard_intl(self) -> str:
        """The switchboard as dialled from abroad ("+47 74 05 25 00")."""
        return "+47 " + self.switchboard

    def fields(self) -> dict[str, str]:
        """Every field and derived value by name, for formatting templates."""
        out = {k: v for k, v in asdict(self).items() if isinstance(v, str)}
        out.update(tel=self.tel, switchboard_intl=self.switchboard_intl)
        return out


_REQUIRED = ("name", "short_name", "switchboard", "hours", "hours_en", "email", "postal_address",
             "visiting_address", "website")


def read_profile(path: Path) -> Municipality:
    """Read and check a profile file."""
    import yaml  # lazy: read on first use, not on import

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"the municipality profile {path} cannot be read: {exc}") from exc
    missing = [k for k in _REQUIRED if not str(data.get(k) or "").strip()]
    if missing:
        raise ProfileError(f"the municipality profile {path} lacks {', '.join(missing)}")
    if not re.fullmatch(r"\d{2} \d{2} \d{2} \d{2}", str(data["switchboard"])):
        raise ProfileError(f"the switchboard in {path} must be written as eight digits in pairs: 74 05 25 00")
    links = tuple((str(k), str(v)) for k, v in (data.get("links") or {}).items())
    return Municipality(**{k: str(data[k]).strip() for k in _REQUIRED}, links=links)


@lru_cache(maxsize=1)
def municipality() -> Municipality:
    """The profile in use (``LEVANGER_MUNICIPALITY``, else the default), read once."""
    return read_profile(Path(os.environ.get(PROFILE_ENV) or PROFILE_PATH))
