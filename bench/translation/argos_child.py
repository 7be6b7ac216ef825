"""The naive-argostranslate side of the translation benchmark, in a process of its own.

    python -m bench.translation.argos_child ARCHIVE.argosmodel ...

Installs the packages the argostranslate way (its folders and settings come from the
environment :mod:`bench.translation.benchmark` gives it), then reads one JSON list of
documents a line on standard input, translates each title and text with
``argostranslate.translate.translate`` and answers ``{"seconds": ...}`` on standard output.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.translation.workload import LANGUAGES


def serve(archives: Sequence[str]) -> None:
    """The child: install the packages the argostranslate way, then translate on request.

    argostranslate splits sentences with MiniSBD (or Stanza), which download their models on
    first use and so fail offline. Only that splitter is replaced, by the app's own
    (:func:`translations.segment.segment`, so both translate the same sentences); paragraph
    splitting, tokenization, one ``translate_batch`` per paragraph and decoding stay
    argostranslate's.
    """
    import argostranslate.package
    import argostranslate.sbd
    import argostranslate.translate

    from translations.segment import segment

    def split_sentences(self: Any, text: str) -> list[str]:
        return [s.text for p in segment(text, self.pkg.from_code) for s in p.sentences]

    argostranslate.sbd.MiniSBDSentencizer.split_sentences = split_sentences
    for archive in archives:
        argostranslate.package.install_from_path(Path(archive))
    translate = argostranslate.translate.translate
    for language in LANGUAGES:
        translate("warm up" if language == "en" else "안녕. Привет. 你好。", language, "en")
    answers, sys.stdout = sys.stdout, sys.stderr  # argostranslate's chatter must not mix in
    for line in sys.stdin:
        documents = json.loads(line)
        start = time.perf_counter()
        for document in documents:
            translate(document["title"], document["language"], "en")
            translate(document["text"], document["language"], "en")
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds}), file=answers, flush=True)


if __name__ == "__main__":
    serve(sys.argv[1:])
