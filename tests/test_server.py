"""``translator serve``: LibreTranslate's API for its real clients, batching, limits, errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the server extra is not installed")
import uvicorn  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from translator import Translator  # noqa: E402
from translator.engines.argos import ArgosEngine  # noqa: E402
from translator.errors import ServiceBusyError  # noqa: E402
from translator.server.api import create_app  # noqa: E402
from translator.server.batcher import Batcher  # noqa: E402
from translator.server.run import is_loopback  # noqa: E402
from translator.server.service import ServerOptions, Service  # noqa: E402

DANISH = "Natos generalsekretær siger, at alliancen vil sende flere våben til Ukraine i år."
ENGLISH_TEXT = "The Prime Minister met the press in Copenhagen this morning to talk about the war."
SWEDISH = "Det här är en svensk mening som handlar om vädret i Stockholm i morgon."


def make_service(copy_model: Path, **options: Any) -> Service:
    return Service(Translator(ArgosEngine(copy_model)), ServerOptions(**options))


@pytest.fixture()
def client(copy_model: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_service(copy_model, char_limit=500, batch_limit=4))) as test:
        yield test


@pytest.fixture()
def live(copy_model: Path) -> Iterator[str]:
    """The service on 127.0.0.1 at a free port, under uvicorn in a thread."""
    config = uvicorn.Config(
        create_app(make_service(copy_model)), host="127.0.0.1", port=0, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)


def test_libretranslatepy_works_unchanged(live: str) -> None:
    from libretranslatepy import LibreTranslateAPI

    api = LibreTranslateAPI(live)
    assert "NATO" in api.translate("Nato-chefen taler i dag.", "da", "en")
    assert api.detect(DANISH) == [
        {"confidence": pytest.approx(api.detect(DANISH)[0]["confidence"]), "language": "da"}
    ]
    assert {"code": "da", "name": "Danish", "targets": ["en"]} in api.languages()


def test_deep_translator_works_unchanged(live: str) -> None:
    from deep_translator import LibreTranslator

    client = LibreTranslator(source="auto", target="en", custom_url=live, api_key="any")
    assert client.translate(DANISH).startswith("NATO's generalsekretær")
    assert [t[:5] for t in client.translate_batch([DANISH, DANISH])] == ["NATO'", "NATO'"]


def test_a_mastodon_style_html_batch_keeps_every_tag(client: TestClient) -> None:
    link = '<a href="https://x.dk/a_b?c=1" class="u-url">alliancen</a>'
    q = [f"<p>{DANISH.replace('alliancen', link)}</p>", f"<p>{ENGLISH_TEXT}</p>"]
    body = client.post(
        "/translate", json={"q": q, "source": "auto", "target": "en", "format": "html"}
    ).json()
    danish, english = body["translatedText"]
    assert danish == q[0].replace("Natos", "NATO's")
    assert english == q[1]
    assert [d["language"] for d in body["detectedLanguage"]] == ["da", "en"]
    assert body["glossary"][0][0]["target"] == "NATO"


def test_a_discourse_style_form_request(client: TestClient) -> None:
    response = client.post("/translate", data={"q": DANISH, "source": "da", "target": "en"})
    assert response.status_code == 200
    assert response.json()["translatedText"].startswith("NATO's")
    assert "detectedLanguage" not in response.json()


def test_the_query_string_is_read_too(client: TestClient) -> None:
    response = client.post("/translate", params={"q": DANISH, "source": "auto", "target": "en"})
    assert response.json()["detectedLanguage"]["language"] == "da"


def test_english_passes_through_and_other_languages_are_refused(client: TestClient) -> None:
    english = client.post("/translate", json={"q": ENGLISH_TEXT, "source": "en", "target": "en"})
    assert english.json()["translatedText"] == ENGLISH_TEXT
    swedish = client.post("/translate", json={"q": SWEDISH, "source": "auto", "target": "en"})
    assert swedish.status_code == 400
    assert "'sv'" in swedish.json()["error"] and "only Danish" in swedish.json()["error"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"source": "da", "target": "en"}, "missing q parameter"),
        ({"q": "x", "target": "en"}, "missing source parameter"),
        ({"q": "x", "source": "da"}, "missing target parameter"),
        ({"q": "x", "source": "sv", "target": "en"}, "sv is not supported"),
        ({"q": "x", "source": "da", "target": "de"}, "de is not supported"),
        (
            {"q": "x", "source": "da", "target": "en", "format": "pdf"},
            "pdf format is not supported",
        ),
        ({"q": "x", "source": "da", "target": "en", "alternatives": "many"}, "not a number"),
        ({"q": "x", "source": "da", "target": "en", "alternatives": 9}, "must be <= 3"),
        ({"q": "x" * 501, "source": "da", "target": "en"}, "exceeds text limit (500)"),
        ({"q": ["x"] * 5, "source": "da", "target": "en"}, "exceeds text limit (4)"),
        ({"q": [1, 2], "source": "da", "target": "en"}, "a string or a list of strings"),
    ],
)
def test_bad_requests_get_400_and_one_line(
    client: TestClient, body: dict[str, Any], message: str
) -> None:
    response = client.post("/translate", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"] and "\n" not in response.json()["error"]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"q"'])
def test_a_body_that_is_not_a_json_object_gets_400(client: TestClient, content: bytes) -> None:
    response = client.post(
        "/translate", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "JSON" in response.json()["error"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(copy_model: Path) -> None:
    with TestClient(create_app(make_service(copy_model, max_body_bytes=1000))) as client:
        response = client.post("/translate", json={"q": "x" * 2000, "source": "da", "target": "en"})
        assert response.status_code == 413 and "1000 bytes" in response.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"q": "'
            yield b"x" * 2000
            yield b'", "source": "da", "target": "en"}'

        response = client.post(
            "/translate", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413


def test_api_keys_are_checked(copy_model: Path) -> None:
    service = make_service(copy_model, api_keys=frozenset({"s3cret"}))
    with TestClient(create_app(service)) as client:
        request = {"q": DANISH, "source": "da", "target": "en"}
        assert client.post("/translate", json=request).status_code == 403
        wrong = client.post("/translate", json={**request, "api_key": "guess"})
        assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key"}
        assert client.post("/translate", json={**request, "api_key": "s3cret"}).status_code == 200
        assert client.get("/frontend/settings").json()["keyRequired"] is True


def test_the_queue_is_bounded() -> None:
    """A request that would overflow the queue is refused at once (429); the rest finish."""
    release = threading.Event()

    def slow(key: object, kind: str, texts: list[str]) -> list[Any]:
        release.wait(10)
        return list(texts)

    batcher = Batcher(slow, window=0, max_queue=2)
    first = batcher.submit("k", "text", ["a"])
    time.sleep(0.1)  # the first batch is in flight; the next ones wait
    waiting = batcher.submit("k", "text", ["b", "c"])
    with pytest.raises(ServiceBusyError, match="Slowdown"):
        batcher.submit("k", "text", ["d"])
    release.set()
    assert first.result(10) == ["a"] and waiting.result(10) == ["b", "c"]
    batcher.close(10)


def test_requests_of_the_same_moment_share_one_batch() -> None:
    calls: list[list[str]] = []

    def record(key: object, kind: str, texts: list[str]) -> list[Any]:
        calls.append(texts)
        time.sleep(0.05)
        return [text.upper() for text in texts]

    batcher = Batcher(record, window=0.05)
    results: dict[int, list[Any]] = {}

    def client(index: int) -> None:
        results[index] = batcher.submit("k", "text", [f"t{index}"]).result(10)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    batcher.close(10)
    assert results == {i: [f"T{i}"] for i in range(16)}
    assert len(calls) <= 3


def test_a_failed_batch_fails_its_requests_only() -> None:
    def flaky(key: object, kind: str, texts: list[str]) -> list[Any]:
        if "bad" in texts:
            raise RuntimeError("engine broke")
        return list(texts)

    batcher = Batcher(flaky, window=0)
    with pytest.raises(RuntimeError, match="engine broke"):
        batcher.submit("k", "text", ["bad"]).result(10)
    assert batcher.submit("k", "text", ["good"]).result(10) == ["good"]
    batcher.close(10)


def test_files_are_translated_and_only_our_own_downloads_are_served(client: TestClient) -> None:
    response = client.post(
        "/translate_file",
        data={"source": "da", "target": "en"},
        files={"file": ("artikel.txt", f"{DANISH}\n".encode(), "text/plain")},
    )
    url = response.json()["translatedFileUrl"]
    assert url.startswith("http://testserver/download_file/") and url.endswith(".artikel.en.txt")
    download = client.get(url)
    assert download.text.startswith("NATO's generalsekretær")
    assert 'filename="artikel.en.txt"' in download.headers["content-disposition"]
    for name in ["nothing.txt", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"]:
        assert client.get(f"/download_file/{name}").status_code in (400, 404)
    refused = client.post(
        "/translate_file", data={"source": "da", "target": "en"},
        files={"file": ("x.exe", b"MZ", "application/octet-stream")},
    )  # fmt: skip
    assert refused.status_code == 400 and "not supported" in refused.json()["error"]


def test_a_wire_file_comes_back_in_its_format(copy_model: Path) -> None:
    item = (
        Path(__file__).resolve().parents[2] / "shared" / "formats" / "danish" / "nitf-3.6-item.xml"
    )
    if not item.is_file():
        pytest.skip("../shared/formats is not here")
    with TestClient(create_app(make_service(copy_model, char_limit=10_000))) as test:
        response = test.post(
            "/translate_file",
            data={"source": "da", "target": "en"},
            files={"file": ("item.xml", item.read_bytes(), "application/xml")},
        )
        assert response.status_code == 200, response.text
        english = test.get(response.json()["translatedFileUrl"]).text
    assert english.startswith("<?xml") and 'xml:lang="en"' in english and "ed-msg" in english


def test_the_native_endpoint_takes_the_librarys_options(client: TestClient) -> None:
    article = f'{DANISH}\n\nHan sagde "vi kommer" om Dannebrog.\n'
    body = client.post(
        "/article",
        json={
            "text": article,
            "quote_style": "english",
            "glossary": "da\ten\nDannebrog\tthe Danish flag\n",
        },
    ).json()
    assert body["translated"] and body["source_language"] == "da"
    assert "“vi kommer”" in body["text"] and "the Danish flag" in body["text"]
    assert [p["source"] for p in body["paragraphs"]] == [
        DANISH,
        'Han sagde "vi kommer" om Dannebrog.',
    ]
    bad = client.post("/article", json={"text": article, "quote_style": "fancy"})
    assert bad.status_code == 400 and "quote_style" in bad.json()["error"]


def test_the_informational_routes(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    settings = client.get("/frontend/settings").json()
    assert settings["language"]["target"] == {"code": "en", "name": "English"}
    assert settings["charLimit"] == 500 and ".txt" in settings["supportedFilesFormat"]
    page = client.get("/")
    assert page.status_code == 200 and "<textarea" in page.text
    assert "http" not in page.text.split("<script>")[1]  # no CDN, no external fonts
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "error" in missing.json()


def test_alternatives_are_other_translations(client: TestClient) -> None:
    body = client.post(
        "/translate", json={"q": DANISH, "source": "da", "target": "en", "alternatives": 2}
    ).json()
    assert (
        isinstance(body["alternatives"], list)
        and body["translatedText"] not in body["alternatives"]
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False)],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_command_serves_on_loopback_and_stops_on_sigterm(installed_model: Path) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "translator",
        "serve",
        "--port",
        str(port),
        "--offline",
        "--no-tm",
    ]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ}) as server:
        try:
            wait_for_health(port)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/translate",
                data=json.dumps({"q": DANISH, "source": "da", "target": "en"}).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=60) as reply:
                assert isinstance(json.load(reply)["translatedText"], str)
        finally:
            server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    assert f"serving on http://127.0.0.1:{port}/" in stderr and "Traceback" not in stderr


def wait_for_health(port: int) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as reply:
                assert json.load(reply)["status"] == "ok"
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_a_bad_key_file_is_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from translator.cli import app

    empty = tmp_path / "keys.txt"
    empty.write_text("# none yet\n")
    result = CliRunner().invoke(app, ["serve", "--api-keys", str(empty), "--offline"])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {empty}: no API key in the file"
