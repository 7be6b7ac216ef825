"""Air-gap bundles: carry a collection (and its models) to a machine without network.

``export_bundle`` writes the whole collection, or chosen articles, with their sources, raw
pages and aligned translations, as one ``.mmbundle`` file (a zip with a manifest that holds
a SHA-256 of every member; see :mod:`monitor.bundles.format`). ``import_bundle`` verifies a
bundle completely, then merges it in one store transaction without duplicates and without
overriding the user's own state (read and starred marks they have, a source's name and
interval). After an import the caller runs ``monitor.sync_index()`` and the new articles are
searchable.

Read and starred flags, watchlists and notes are one user's (see :mod:`monitor.users`). A
bundle carries those of the user who writes it and names them in its manifest: the user's
name, or for the single user of a data folder's own SQLite file (a field laptop) the login
name. Imported into a store of named users (a team's shared store) they become that named
user's, whoever imports the bundle, so a field user's notes come back as theirs; imported
into a single-user store they become its one user's. A bundle without a name (from before
users) is the importing user's.
"""

from __future__ import annotations

from monitor.bundles.format import BUNDLE_SUFFIX, FORMAT_VERSION, BundleReport, Manifest, Tally
from monitor.bundles.read import import_bundle, merge_watchlists, read_manifest
from monitor.bundles.write import export_bundle, watchlist_rows

__all__ = [
    "BUNDLE_SUFFIX",
    "FORMAT_VERSION",
    "BundleReport",
    "Manifest",
    "Tally",
    "export_bundle",
    "import_bundle",
    "merge_watchlists",
    "read_manifest",
    "watchlist_rows",
]
