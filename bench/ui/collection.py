"""The UI benchmark's collection: tiny genuine Argos models, and a data folder that follows
the site's feeds.

:func:`prepare_data_folder` makes a data folder that follows every feed of a
:class:`bench.ui.site.NewsSite` and has a tiny genuine Argos model per language installed
(from :mod:`tests.support.argos_factory`), so an update collects, translates and indexes
everything the site holds.
"""

from __future__ import annotations

from pathlib import Path

from bench.common.corpus import Corpus
from bench.ui.site import LANGUAGES, NewsSite
from monitor.app import open_monitor
from monitor.collect.fetch import FetchSettings

TOKENIZER_LINES = 400  # paragraphs of tokenizer training text per language
TOKENIZER_ARTICLES_FROM = 5_000_000  # far beyond any article the site serves
MODEL_VOCABULARY = 4000  # Chinese text alone has over a thousand distinct characters
# The site is on this machine: no politeness spacing, as many requests as the app's workers.
LOOPBACK_FETCH = FetchSettings(min_host_interval=0.0, per_host_concurrency=4)


def build_models(folder: Path, corpus: Corpus, *, realistic: bool = True) -> list[Path]:
    """One tiny genuine Argos package per language into English (see argos_factory).

    ``realistic`` trains the tokenizer on corpus text too: trained on the factory's own lines
    alone, it would split most corpus words into bytes (three pieces a Hangul or Han
    character), and sentences would cost the model several times the steps a real package's
    tokenizer gives them. Without it the packages build in well under a second each, for
    smoke tests.
    """
    from tests.support.argos_factory import build_package  # trains SentencePiece: import late

    if not realistic:
        return [build_package(folder, language, "en") for language in LANGUAGES]
    return [
        build_package(
            folder,
            language,
            "en",
            vocab_size=MODEL_VOCABULARY,
            tokenizer_text=corpus.paragraphs(
                language, TOKENIZER_LINES, first_article=TOKENIZER_ARTICLES_FROM
            ),
        )
        for language in LANGUAGES
    ]


def prepare_data_folder(
    data_dir: Path, site: NewsSite, models: list[Path], *, existing: int = 0
) -> None:
    """A collection that follows every feed of ``site`` and has ``models`` installed.

    The first ``existing`` articles are collected, translated and indexed now (by the app's
    own update), so the window has articles to show; the rest are published for the next.
    """
    with open_monitor(data_dir, fetch_settings=LOOPBACK_FETCH) as monitor:
        for url, (outlet, language) in site.feeds.items():
            monitor.add_source(url, name=outlet, language=language, check=False)  # as a feed
        report = monitor.install_models(models)
        if len(report.installed) != len(models):
            raise RuntimeError(f"model install failed: {report}")
        if existing:
            everything = site.published
            site.publish(existing)
            summary = monitor.update()
            site.publish(everything)
            if summary.new != existing:
                raise RuntimeError(f"preparing the collection stored {summary.new} articles")
