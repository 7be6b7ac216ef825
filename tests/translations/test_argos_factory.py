"""The generated Argos packages are genuine: real CTranslate2, SentencePiece and argostranslate
code load them, and the copy model returns its input exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

from tests.support.argos_factory import build_package, build_package_dir

SENTENCES = [
    "Министр заявил, что 3.14% бюджета уйдёт на школы.",
    "Привет!",
    "서울 시장은 오늘 기자회견에서 새 예산안(2025년)을 발표했다.",
    "新华社北京3月5日电：国务院总理作政府工作报告。",
    "Київ, 24 лютого — Уряд ухвалив рішення щодо «енергетичної безпеки» в Прикарпатті.",
    "Погода ☀️ +23°C, ветер 5 м/с 🌬️ — ok?",
    "  два  пробела\tи табуляция ",
    "Ракета 9М729 (дальность ~2 500 км) & «Искандер-М»: "
    "министр обороны заявил, что испытания продолжатся до 31.12.2025 г.",
]


def _extract(archive: Path, dest: Path) -> Path:
    with zipfile.ZipFile(archive) as zip_file:
        zip_file.extractall(dest)
    (folder,) = dest.iterdir()
    return folder


def _translate(package_dir: Path, texts: list[str], **options: object) -> list[str]:
    tokenizer = spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package_dir / "model"), device="cpu", intra_threads=1)
    batch = [tokenizer.encode(text, out_type=str) for text in texts]
    results = translator.translate_batch(batch, **options)
    return [tokenizer.decode_pieces(result.hypotheses[0]) for result in results]


@pytest.fixture(scope="module")
def ru_en_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("archive"), "ru", "en")


@pytest.fixture(scope="module")
def ru_en_dir(ru_en_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _extract(ru_en_archive, tmp_path_factory.mktemp("extracted"))


@pytest.mark.parametrize("beam_size", [1, 4])
def test_copy_model_returns_every_sentence_unchanged(ru_en_dir: Path, beam_size: int) -> None:
    translated = _translate(ru_en_dir, SENTENCES, beam_size=beam_size)
    assert translated == SENTENCES


def test_copy_model_is_exact_with_argos_decoding_options(ru_en_dir: Path) -> None:
    # The options argostranslate 1.11 passes, with tiny batches so lengths get regrouped.
    translated = _translate(
        ru_en_dir,
        SENTENCES,
        replace_unknowns=True,
        max_batch_size=20,
        batch_type="tokens",
        beam_size=4,
        num_hypotheses=4,
        length_penalty=0.2,
    )
    assert translated == SENTENCES


def test_archive_has_one_top_folder_with_package_files(ru_en_archive: Path) -> None:
    assert ru_en_archive.name == "translate-ru_en-1_0.argosmodel"
    with zipfile.ZipFile(ru_en_archive) as zip_file:
        names = [name for name in zip_file.namelist() if not name.endswith("/")]
        metadata = json.loads(zip_file.read("translate-ru_en-1_0/metadata.json"))
    assert {name.split("/")[0] for name in names} == {"translate-ru_en-1_0"}
    inside = {name.split("/", 1)[1] for name in names}
    assert {
        "metadata.json",
        "README.md",
        "sentencepiece.model",
        "model/model.bin",
        "model/config.json",
        "model/shared_vocabulary.json",
    } <= inside
    assert not any(name.startswith("stanza/") for name in inside)
    assert metadata["from_code"] == "ru"
    assert metadata["to_code"] == "en"
    assert metadata["from_name"] == "Russian"
    assert metadata["to_name"] == "English"
    assert metadata["package_version"] == "1.0"
    assert metadata["type"] == "translate"


def test_glossary_replaces_a_word_inside_a_sentence(tmp_path: Path) -> None:
    package = build_package_dir(tmp_path, "ru", "en", glossary={"ракета": "missile"})
    texts = ["Вчера ракета упала в море.", "Без замены: 3.14 км.", "missile"]
    for beam_size in (1, 4):
        assert _translate(package, texts, beam_size=beam_size) == [
            "Вчера missile упала в море.",
            "Без замены: 3.14 км.",
            "ракета",  # the substitution is a swap, see the factory's docstring
        ]


def test_int8_package_still_copies_exactly(tmp_path: Path) -> None:
    package = build_package_dir(tmp_path, "ko", "en", quantization="int8")
    assert _translate(package, SENTENCES, beam_size=2) == SENTENCES


def test_larger_shape_with_padded_vocabulary_still_copies(tmp_path: Path) -> None:
    package = build_package_dir(
        tmp_path, "zh", "en", layers=2, d_model=256, heads=8, ffn=512, vocab_size=6000
    )
    vocabulary = json.loads((package / "model" / "shared_vocabulary.json").read_text("utf-8"))
    tokenizer = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    assert len(vocabulary) == 6000
    assert tokenizer.get_piece_size() < 6000
    assert vocabulary[: tokenizer.get_piece_size()] == [
        tokenizer.id_to_piece(i) for i in range(tokenizer.get_piece_size())
    ]
    assert _translate(package, SENTENCES, beam_size=3) == SENTENCES


def test_stanza_folder_mirrors_real_package_layout(tmp_path: Path) -> None:
    package = build_package_dir(tmp_path, "zh", "en", with_stanza_folder=True)
    resources = json.loads((package / "stanza" / "resources.json").read_text("utf-8"))
    assert resources["zh"] == {"alias": "zh-hans"}
    tokenizer_name = resources["zh-hans"]["default_processors"]["tokenize"]
    assert tokenizer_name in resources["zh-hans"]["tokenize"]
    assert (package / "stanza" / "zh-hans" / "tokenize" / f"{tokenizer_name}.pt").is_file()


def test_each_call_gets_its_own_copy(tmp_path: Path) -> None:
    first = build_package_dir(tmp_path / "a", "uk", "en")
    second = build_package_dir(tmp_path / "b", "uk", "en")
    (first / "metadata.json").unlink()
    assert (second / "metadata.json").is_file()
    assert first.parent == tmp_path / "a"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"glossary": {"две ракеты": "missiles"}}, "single word"),
        ({"heads": 3}, "must divide d_model"),
        ({"vocab_size": 100}, "too small"),
        ({"glossary": {"ракета": "missile", "снаряд": "missile"}}, "different targets"),
    ],
)
def test_bad_parameters_are_rejected(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_package_dir(tmp_path, "ru", "en", **options)  # type: ignore[arg-type]


# Runs in a fresh interpreter: argostranslate reads its directories from the environment at
# import time, so the environment must be set before the import and must not leak into this one.
_ARGOS_PROBE = """
import json, sys
from pathlib import Path
import ctranslate2
import argostranslate.package as package
import argostranslate.sbd as sbd
import argostranslate.settings as settings
import argostranslate.translate as translate

class WholeText(sbd.ISentenceBoundaryDetectionModel):
    def split_sentences(self, text):
        return [text]

read = package.Package(Path(sys.argv[1]))
package.install_from_path(Path(sys.argv[2]))
installed = package.get_installed_packages()
translator = ctranslate2.Translator(str(read.package_path / "model"), device="cpu")
hypotheses = translate.apply_packaged_translation(
    read, sys.argv[3], translator, WholeText(), num_hypotheses=4
)
print(json.dumps({
    "package_dir": str(settings.package_data_dir),
    "read": [read.from_code, read.from_name, read.to_code, read.to_name, read.package_version],
    "installed": [[p.package_path.name, p.from_code, p.to_code] for p in installed],
    "round_trip": read.tokenizer.decode(read.tokenizer.encode("Привет, мир  😀")),
    "best": hypotheses[0].value,
}))
"""


def test_argostranslate_reads_installs_and_translates_the_package(tmp_path: Path) -> None:
    archive = build_package(tmp_path / "archive", "ru", "en", glossary={"ракета": "missile"})
    package_dir = _extract(archive, tmp_path / "extracted")
    environment = dict(os.environ)
    for variable in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        environment[variable] = str(tmp_path / variable.lower())
    environment["HOME"] = str(tmp_path / "home")
    text = "Ракета и ракета: 3.14 км 😀"
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", _ARGOS_PROBE, str(package_dir), str(archive), text],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["package_dir"] == str(tmp_path / "argos_packages_dir")
    assert report["read"] == ["ru", "Russian", "en", "English", "1.0"]
    assert report["installed"] == [["translate-ru_en-1_0", "ru", "en"]]
    assert report["round_trip"] == "Привет, мир  😀"
    assert report["best"] == "Ракета и missile: 3.14 км 😀"
