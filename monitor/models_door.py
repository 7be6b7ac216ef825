"""The door's methods for translation models: what is installed, installing, removing,
downloading, translating plain text, and where translation runs.

Mixed into :class:`monitor.app.Monitor` like :mod:`monitor.collection_door`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.errors import ModelError, NoNetworkError
from monitor.types import AvailablePackage, InstallReport, PackageInfo, PackageProblem

if TYPE_CHECKING:
    from monitor.parts import Parts


class ModelsMethods:
    """Translation models, as :class:`~monitor.app.Monitor` methods."""

    _parts: Parts

    def models(self) -> tuple[list[PackageInfo], list[PackageProblem]]:
        """Installed translation packages, and the ones that are broken (with the reason)."""
        return self._parts.model_folder.installed()

    def install_models(self, paths: Iterable[Path]) -> InstallReport:
        """Install ``.argosmodel`` files, or every one in the given folders (a USB stick)."""
        report = self._parts.model_folder.install_many(paths)
        self._parts.engine().forget()
        return report

    def remove_model(self, name: str) -> PackageInfo:
        with _translation_errors():
            removed = self._parts.model_folder.remove(name)
        self._parts.engine().forget()
        return removed

    def available_models(self, index_url: str | None = None) -> list[AvailablePackage]:
        """What the Argos online index offers (asked only here, and only with a network)."""
        from translations.online import INDEX_URL, fetch_index

        with _translation_errors(), self._parts.fetcher.plain_client() as client:
            return fetch_index(client, index_url or INDEX_URL)

    def download_model(
        self,
        package: AvailablePackage,
        *,
        progress: Callable[[int, int | None], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> InstallReport:
        """Download ``package`` from the online index, verify it and install it."""
        from translations.online import download

        with _translation_errors(), self._parts.fetcher.plain_client() as client:
            archive = download(
                client,
                package,
                self._parts.data_dir / "downloads",
                progress=progress,
                cancel=cancel,
            )
        return self.install_models([archive])

    def translate_text(self, text: str, from_code: str, to_code: str | None = None) -> str:
        """Translate plain text (paragraphs kept), e.g. for ``media-monitor translate``."""
        from monitor.dependencies import TRANSLATION, require
        from translations.align import translate_documents
        from translations.types import SourceDocument

        require(TRANSLATION)
        document = SourceDocument(0, "", text, from_code)
        target = to_code or self._parts.settings.target_language
        with _translation_errors():
            [result] = translate_documents(self._parts.engine(), [document], target)
            if isinstance(result, tuple):
                raise result[1]
        translated: str = result.text
        return translated

    def compute_device(self) -> str:
        """Where translation runs, in words: "cpu (auto: no CUDA device)", "cuda (auto: 1
        CUDA device)", "cuda"."""
        from translations.models import cuda_devices

        chosen = self._parts.settings.compute_device
        devices = cuda_devices()
        if chosen != "auto":
            return chosen
        if devices:
            return f"cuda (auto: {devices} CUDA device{'s' if devices > 1 else ''})"
        return "cpu (auto: no CUDA device)"


@contextmanager
def _translation_errors() -> Iterator[None]:
    """The translation layer's errors as the core's: no network is said as such."""
    import httpx

    from translations.errors import TranslationError

    try:
        yield
    except TranslationError as error:
        if isinstance(error.__cause__, httpx.TransportError):
            raise NoNetworkError(str(error)) from error
        raise ModelError(str(error)) from error
