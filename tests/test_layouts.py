"""The model layouts users install, each built tiny and real: the OPUS-MT port that
Argos's da→en 1.9 is, ``bpe.model`` packages, separate source and target SentencePiece
models, bare CTranslate2 folders (quickmt) and multilingual NLLB-style models."""

from __future__ import annotations

import sqlite3
import warnings
import zipfile
from pathlib import Path

import pytest
import tiny_argos
from conftest import DATA, EXAMPLE, ROOT
from typer.testing import CliRunner

from translator import Translator
from translator.cli import app
from translator.engines.argos import ArgosEngine
from translator.engines.layout import read_layout
from translator.engines.packages import find_named, install_file
from translator.errors import ModelInstallError, ModelNotFoundError

SENTENCES = [
    "Nato-chefen Jens Stoltenberg taler i dag.",
    "Han sagde »vi kommer i morgen« til pressen.",
    "Det er ikke nyt, at Rusland truer med atomvåben.",
]


def _english() -> str:
    rows = (DATA / "langid_dev.tsv").read_text("utf-8").splitlines()
    english = [line.split("\t", 1)[1] for line in rows if line.startswith("en\t")]
    glossary = (ROOT / "glossaries" / "news.da-en.tsv").read_text("utf-8").splitlines()
    targets = [line.split("\t")[1] for line in glossary if "\t" in line and line[0] != "#"]
    return "\n".join(english + targets)


@pytest.fixture(scope="session")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each layout of :data:`tiny_argos.LAYOUTS` as users get it: file or folder."""
    work = tmp_path_factory.mktemp("layouts")
    danish = (DATA / "da_ddt_dev_sentences.txt").read_text("utf-8") + EXAMPLE.read_text("utf-8")
    english = _english()
    build = tiny_argos.build_layout
    return {name: build(work, name, danish, english) for name in tiny_argos.LAYOUTS}


@pytest.fixture(scope="session")
def installed(
    layouts: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every layout installed, into a packages folder of their own; its folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path_factory.mktemp("layout-packages")))
        return {
            name: install_file(path, from_code="da", to_code="en").path
            for name, path in layouts.items()
        }


@pytest.mark.parametrize("layout", tiny_argos.LAYOUTS)
def test_each_layout_translates_forces_and_scores(installed: dict[str, Path], layout: str) -> None:
    """Plain decoding, a forced English prefix in the *target* vocabulary, its alignment
    and the model's score all work, whatever the tokenizer and vocabularies are."""
    engine = ArgosEngine(installed[layout], beam_size=2)
    outputs = engine.translate_batch(SENTENCES)
    assert len(outputs) == 3 and all(isinstance(o, str) for o in outputs)
    forced = engine.complete(SENTENCES[:2], ["NATO", 'He said "'])
    assert forced[0].text.startswith("NATO")
    assert forced[1].text.startswith('He said "')
    assert all(h.alignment is not None for h in forced)
    scores = engine.score(SENTENCES[:2], [h.text for h in forced])
    assert all(s < 0 for s in scores)


def test_layouts_are_read_as_they_are(installed: dict[str, Path]) -> None:
    port = read_layout(installed["opus-mt-port"])
    assert port.target_tokenizer is None and not port.is_bpe  # the source model only
    assert (installed["opus-mt-port"] / "stanza").is_dir()
    assert read_layout(installed["bpe"]).is_bpe
    quickmt = read_layout(installed["ct2-folder"])
    assert quickmt.target_tokenizer is not None and quickmt.model_dir.name == "model"
    nllb = read_layout(installed["nllb"])
    assert (nllb.source_prefix, nllb.target_prefix, nllb.source_suffix) == (
        "dan_Latn",
        "eng_Latn",
        "</s>",
    )
    output = ArgosEngine(installed["nllb"]).translate_batch(SENTENCES[:1])[0]
    assert "eng_Latn" not in output


@pytest.mark.parametrize("layout", tiny_argos.LAYOUTS)
def test_guarantees_and_memory_on_each_layout(
    installed: dict[str, Path], layout: str, tmp_path: Path
) -> None:
    """Every guarantee runs (kept or reported, never silent) and the memory serves the
    second run, on every layout."""
    memory = tmp_path / "tm.sqlite"
    text = "\n\n".join(SENTENCES) + "\n"
    first = Translator(ArgosEngine(installed[layout]), translation_memory=memory).translate(text)
    assert first.text.count("\n\n") == 2
    assert "NATO" in first.text or any("NATO" in w for w in first.warnings)
    stored = sqlite3.connect(memory).execute("SELECT count(*) FROM segments").fetchone()[0]
    assert stored >= 3
    again = Translator(ArgosEngine(installed[layout]), translation_memory=memory).translate(text)
    assert again.text == first.text


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["opus-mt-port", "bpe"])
def test_same_english_as_argostranslate(
    installed: dict[str, Path], layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where argostranslate can decode the package, our English is its English."""
    from argostranslate import settings

    from translator.language.segment import split_sentences

    monkeypatch.setattr(settings, "package_dirs", [installed[layout].parent])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import argostranslate.package
        import argostranslate.translate as argos

        package = argostranslate.package.Package(installed[layout])
        translation = argos.PackageTranslation(
            argos.Language("da", "Danish"), argos.Language("en", "English"), package
        )

    class OurSplitter:
        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text)

    translation.sentencizer = OurSplitter()  # MiniSBD would download its model
    ours = ArgosEngine(installed[layout], length_ratio=None).translate_batch(SENTENCES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = [translation.translate(sentence) for sentence in SENTENCES]
    assert ours == theirs


def test_cli_installs_a_ctranslate2_folder_and_translates_with_it(
    layouts: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    runner = CliRunner()
    done = runner.invoke(app, ["models", "install", str(layouts["ct2-folder"])])
    assert done.exit_code == 0, done.output
    assert "as quickmt-da-en" in done.output  # languages read from the name
    listed = runner.invoke(app, ["models", "list"]).stdout
    assert "da-en\t1.0\tquickmt-da-en\t" in listed
    article = tmp_path / "article.txt"
    article.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    common = ["--offline", "--no-tm", "--quiet"]
    used = runner.invoke(app, ["translate", str(article), "--model", "quickmt-da-en", *common])
    assert used.exit_code == 0, used.output
    assert used.stdout.count("\n\n") == EXAMPLE.read_text("utf-8").count("\n\n")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    bulk = runner.invoke(
        app, ["bulk", str(folder), str(tmp_path / "out"), "--model", "quickmt-da-en", *common]
    )
    assert bulk.exit_code == 0, bulk.output
    assert (tmp_path / "out" / "a.en.txt").is_file()
    missing = runner.invoke(app, ["translate", str(article), "--model", "nosuch", *common])
    assert missing.exit_code == 4
    assert "no installed model is called 'nosuch'" in missing.stderr


def test_a_zipped_folder_installs_under_its_name(
    layouts: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    archive = tmp_path / "mine.zip"
    with zipfile.ZipFile(archive, "w") as zipped:  # files at the top, as a user zips them
        for path in sorted(layouts["ct2-folder"].iterdir()):
            zipped.write(path, path.name)
    with pytest.raises(ModelInstallError, match=r"give them \(--from da --to en\)"):
        install_file(archive)
    info = install_file(archive, from_code="da", to_code="en", name="mine-v2")
    assert (info.package, info.name) == ("mine-v2", "da-en")
    assert find_named("mine-v2") == info
    with pytest.raises(ModelNotFoundError):
        find_named("mine")


def test_a_model_that_does_not_load_replaces_nothing(
    layouts: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    working = install_file(layouts["ct2-folder"])
    broken = tmp_path / "quickmt-da-en"
    shutil.copytree(layouts["ct2-folder"], broken)
    (broken / "model.bin").write_bytes(b"\x00 not weights")
    with pytest.raises(ModelInstallError, match="the model does not load"):
        install_file(broken)
    assert ArgosEngine(working.path).translate_batch(["Det er en prøve."])
    (broken / "tgt.spm.model").unlink()
    (broken / "src.spm.model").unlink()
    with pytest.raises(ModelInstallError, match="missing sentencepiece.model"):
        install_file(broken)
    assert [p.name for p in (tmp_path / "packages").iterdir()] == ["quickmt-da-en"]
