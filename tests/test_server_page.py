"""The page at ``/`` in a real headless browser (Debian's chromium and chromedriver)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the server extra is not installed")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (dev extra) is missing")
import uvicorn  # noqa: E402

from translator import Translator  # noqa: E402
from translator.engines.argos import ArgosEngine  # noqa: E402
from translator.server.api import create_app  # noqa: E402
from translator.server.service import Service  # noqa: E402

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    pytest.skip(
        "no headless browser: install Debian's chromium and chromium-driver to run the page test",
        allow_module_level=True,
    )


@pytest.fixture()
def page_url(copy_model: Path) -> Iterator[str]:
    app = create_app(Service(Translator(ArgosEngine(copy_model))))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/"
    server.should_exit = True
    thread.join(10)


@pytest.fixture()
def browser() -> Iterator[object]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"):  # fmt: skip
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=DRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def test_a_journalist_reads_the_english_beside_the_danish(page_url: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(page_url)  # type: ignore[attr-defined]
    source = driver.find_element(By.ID, "source")  # type: ignore[attr-defined]
    source.send_keys(
        "Natos generalsekretær siger, at alliancen vil sende flere våben til Ukraine.\n\n"
        'Han sagde "vi kommer" til pressen i København i dag.'
    )
    driver.find_element(By.ID, "go").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 30).until(seen.visibility_of_element_located((By.ID, "result")))
    rows = driver.find_elements(By.CSS_SELECTOR, "#result tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 2
    danish, english = rows[0].find_elements(By.TAG_NAME, "td")
    assert danish.text.startswith("Natos generalsekretær")
    assert english.text.startswith("NATO's generalsekretær")
    marked = [mark.text for mark in english.find_elements(By.TAG_NAME, "mark")]
    assert "NATO" in marked
    assert driver.find_element(By.ID, "status").text == "done"  # type: ignore[attr-defined]


def test_an_error_is_shown_in_one_line(page_url: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(page_url)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "source").send_keys(  # type: ignore[attr-defined]
        "Det här är en svensk mening som handlar om vädret i Stockholm i morgon."
    )
    driver.find_element(By.ID, "go").click()  # type: ignore[attr-defined]
    error = driver.find_element(By.ID, "error")  # type: ignore[attr-defined]
    WebDriverWait(driver, 30).until(lambda _: error.text)
    assert "'sv'" in error.text and "only Danish" in error.text


def test_a_dropped_file_is_translated(page_url: str, browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    article = tmp_path / "artikel.txt"
    article.write_text(
        "Zelenskyj mødtes med Natos generalsekretær i Bruxelles i går aftes.\n", "utf-8"
    )
    driver = browser
    driver.get(page_url)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "file").send_keys(str(article))  # type: ignore[attr-defined]
    WebDriverWait(driver, 30).until(seen.visibility_of_element_located((By.ID, "result")))
    english = driver.find_elements(By.CSS_SELECTOR, "#result tbody td")[1]  # type: ignore[attr-defined]
    assert english.text.startswith("Zelensky mødtes med NATO's")
