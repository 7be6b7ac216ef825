"""Air-gap bundles: carry a collection (and its models) to a machine without network.

``export_bundle`` writes the whole collection, or chosen articles, with their sources, raw
pages and aligned translations, as one ``.mmbundle`` file (a zip with a manifest that holds
a SHA-256 of every member; see :mod:`monitor.bundles.format`). ``import_bundle`` verifies a
bundle completely, then merges it in one store transaction without duplicates and without
touching the user's own state (read, starred, a source's name and interval). After an
import the caller runs ``monitor.sync_index()`` and the new articles are searchable.
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
