"""Who the user is: the name the store keeps their own state under (read and starred marks,
notes, saved searches, which articles of an outlet they have seen).

The name is chosen in this order: the one given (``--user``, ``open_monitor(user=…)``),
``$MEDIA_MONITOR_USER``, the data folder's setting ``user``; then, on a team's shared store,
the login name, and on the data folder's own SQLite file the empty name :data:`SINGLE_USER`
(the one user of a single-user store, whose state stays where it always was). A name given
for a SQLite file makes it a store of named users too: what the single user marked stays
theirs (``""``), and the named user starts with their own.

A bundle records who wrote it (:func:`bundle_author`): the user's name, or for the single
user of a SQLite file the login name, so that notes written on a laptop come back to the
shared store as that person's (see :mod:`monitor.bundles`).
"""

from __future__ import annotations

import getpass

from monitor.errors import ConfigError

USER_VARIABLE = "MEDIA_MONITOR_USER"
SINGLE_USER = ""  # the one user of a store in a data folder's SQLite file
MAX_USER_NAME = 64


def valid_user_name(name: str) -> bool:
    """1 to :data:`MAX_USER_NAME` printable characters, without space at either end."""
    return 0 < len(name) <= MAX_USER_NAME and name.isprintable() and name == name.strip()


def checked_user_name(name: str, where: str) -> str:
    """``name`` stripped, or :class:`ConfigError` saying ``where`` it came from."""
    stripped = name.strip()
    if not valid_user_name(stripped):
        shown = repr(name) if len(repr(name)) <= 40 else repr(name)[:39] + "…"
        raise ConfigError(
            f"the user name {shown} ({where}) must be 1 to {MAX_USER_NAME} printable characters"
        )
    return stripped


def resolve_user(given: str | None, variable: str | None, setting: str, *, shared: bool) -> str:
    """The user's name: ``given``, else ``variable`` ($MEDIA_MONITOR_USER), else ``setting``
    (settings.json), else the login name on a ``shared`` store, else :data:`SINGLE_USER`."""
    if given is not None:
        return checked_user_name(given, "given with --user")
    if variable and variable.strip():
        return checked_user_name(variable, f"${USER_VARIABLE}")
    if setting:
        return checked_user_name(setting, "the setting user")
    if not shared:
        return SINGLE_USER
    login = login_name()
    if login is None:
        raise ConfigError(
            "the shared store keeps each user's marks and notes under their name, and the"
            f" login name cannot be read here; give one with --user NAME or ${USER_VARIABLE}"
        )
    return login


def login_name() -> str | None:
    """The login name of whoever runs the app, when it can be had and is usable as a name."""
    try:
        name = getpass.getuser().strip()
    except (OSError, KeyError, ImportError):  # no $USER, $LOGNAME, nor a password entry
        return None
    return name if valid_user_name(name) else None


def bundle_author(user: str) -> str | None:
    """The name a bundle written by ``user`` records: theirs, or the single user's login name
    (``None`` when even that cannot be had: the bundle then goes to whoever imports it)."""
    return user if user != SINGLE_USER else login_name()
