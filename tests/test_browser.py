"""A person's view: the real server, Debian's headless Chromium, a Chinese question typed into the chat.

Set REPORTQA_SCREENSHOT_DIR to keep the screenshots (they always go to the test's tmp folder).
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"),
    pytest.mark.skipif(not CHROMEDRIVER.exists(),
                       reason="/usr/bin/chromedriver is missing (apt-get install chromium-driver)"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")

QUESTION = "让胡路区2013年政府信息公开工作存在哪些主要问题?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(app):
    """Serve ``app`` with uvicorn in a thread on a free loopback port; yields the base URL."""
    import httpx
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert thread.is_alive(), "the server thread died while starting"
        time.sleep(0.3)
    else:
        pytest.fail("the server did not answer /api/v1/health within 120 s")
    try:
        yield url
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample_data_dir):
    """The real app (API + chat) over a copy of the five sample reports."""
    from index.settings import load_settings
    from ui.server import make_app

    data = tmp_path_factory.mktemp("browser_data") / "d"
    shutil.copytree(sample_data_dir, data)
    with _serving(make_app(load_settings(data_dir=data))) as url:
        yield url


@pytest.fixture
def fake_server(tmp_path, fake_assistant):
    """The same app over the fake assistant: tests the page without the engine."""
    from index.settings import load_settings
    from ui.server import make_app

    with _serving(make_app(load_settings(data_dir=tmp_path / "data"), assistant=fake_assistant)) as url:
        yield url


@pytest.fixture
def browser(tmp_path, monkeypatch):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # never let Selenium Manager try to download a driver
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1400", "--lang=zh-CN",
                 f"--user-data-dir={tmp_path / 'chrome-profile'}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _shot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    driver.save_screenshot(str(path))
    keep = os.environ.get("REPORTQA_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    return path


def _norm(s: str) -> str:
    return "".join(s.split())


def test_chat_answers_a_chinese_question_with_a_citation(server, browser, tmp_path):
    import httpx
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    wait = WebDriverWait(browser, 90)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#reportqa-question textarea")))
    # The reports panel fills on load.
    wait.until(lambda d: "已导入 5 份报告" in d.find_element(By.ID, "reportqa-reports").text)
    box.send_keys(QUESTION)
    browser.find_element(By.ID, "reportqa-send").click()

    def bot_reply(d):
        text = d.find_element(By.ID, "reportqa-chat").text
        return text if "来源" in text or "出错了" in text else False

    rendered = wait.until(bot_reply)
    time.sleep(0.5)  # let the Markdown finish rendering before the screenshot
    rendered = browser.find_element(By.ID, "reportqa-chat").text
    shot = _shot(browser, tmp_path, "chat_answer.png")
    assert shot.stat().st_size > 10_000
    assert "出错了" not in rendered, rendered
    assert QUESTION in rendered, "the user's question shows in the chat"

    # The page shows what the API answers: the first citation's report, section and quote.
    d = httpx.post(f"{server}/api/v1/ask", json={"question": QUESTION}, timeout=120).json()
    c = d["citations"][0]
    flat = _norm(rendered)
    assert "[1]" in rendered and _norm(c["report"]) in flat, rendered
    assert _norm(c["section"].split(" › ")[-1]) in flat
    assert _norm(c["quote"])[:40] in flat, "the quote is shown as written in the report"
    assert "「" in rendered


def test_example_question_fills_the_box(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from ui.chat import EXAMPLES

    browser.get(server + "/")
    wait = WebDriverWait(browser, 60)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#reportqa-question textarea")))
    example = wait.until(lambda d: next((e for e in d.find_elements(By.XPATH, f"//*[text()='{EXAMPLES[0]}']")
                                         if e.is_displayed()), False))
    example.click()
    wait.until(lambda d: box.get_attribute("value") == EXAMPLES[0])


def _ask_in_page(driver, question: str, n_replies: int) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 90)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#reportqa-question textarea")))
    box.send_keys(question)
    driver.find_element(By.ID, "reportqa-send").click()
    wait.until(lambda d: d.find_element(By.ID, "reportqa-chat").text.count("来源") >= n_replies)
    return driver.find_element(By.ID, "reportqa-chat").text


def test_one_session_per_page_and_escaped_quotes(fake_server, fake_assistant, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(fake_server + "/")
    _ask_in_page(browser, "海陵区2017年收到多少件申请?", 1)
    text = _ask_in_page(browser, "那网络申请呢?", 2)
    _shot(browser, tmp_path, "chat_fake.png")
    (q1, s1), (q2, s2) = fake_assistant.questions
    assert (q1, q2) == ("海陵区2017年收到多少件申请?", "那网络申请呢?")
    assert s1 and s1 == s2, "follow-ups in one page share a session id"
    # Report text with Markdown/HTML characters shows literally, not as markup.
    assert "「公开内容不够全面 | 更新不够及时 *重点* <b>」" in text
    assert "52 / 50" in text
    # The SQL sits in a collapsed <details>: in the page, though not visible until opened.
    chat_html = browser.find_element(By.ID, "reportqa-chat").get_attribute("textContent")
    assert "SELECT value FROM facts" in chat_html and "SELECT value FROM facts" not in text

    # Nothing was fetched from outside this server (fonts, CDNs, analytics).
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    outside = [u for u in urls if not u.startswith(fake_server) and not u.startswith("data:")]
    assert not outside, outside

    browser.get(fake_server + "/")  # a new page load is a new session
    _ask_in_page(browser, "海陵区2017年收到多少件申请?", 1)
    assert fake_assistant.questions[-1][1] not in (None, s1)


CLAIM = "有人说海陵区2017年收到政府信息公开申请超过一百件,对吗?"


def test_check_tab_refutes_a_claim(server, browser, tmp_path):
    """The 核查说法 tab: type a claim, press 核查, read the verdict the API gives, with its source."""
    import httpx
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    wait = WebDriverWait(browser, 90)
    tab = wait.until(EC.element_to_be_clickable((By.XPATH, "//button[@role='tab'][contains(., '核查说法')]")))
    tab.click()
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#reportqa-claim textarea")))
    box.send_keys(CLAIM)
    browser.find_element(By.ID, "reportqa-check").click()

    def verdict(d):
        text = d.find_element(By.ID, "reportqa-verdict").text
        return text if ("来源" in text or "出错了" in text or "未找到" in text) else False

    wait.until(verdict)
    time.sleep(0.5)
    text = browser.find_element(By.ID, "reportqa-verdict").text
    _shot(browser, tmp_path, "check_tab.png")
    assert "出错了" not in text, text
    api = httpx.post(f"{server}/api/v1/check", json={"claim": CLAIM}, timeout=120).json()
    assert api["verdict"] == "refuted", api["explanation"]  # the samples' count is below one hundred
    assert "不实" in text and "refuted" in text, text
    assert _norm(api["explanation"]) in _norm(text)
    c = api["citations"][0]
    assert _norm(c["report"]) in _norm(text) and f"「{c['quote'].strip()}」" in text


# -- issue 12: a trend answer's chart, its CSV download, and a citation opened in the source viewer --

@pytest.fixture
def trend_server(tmp_path, fake_assistant, monkeypatch):
    """The page over the fake assistant answering every question with a trend (tests/test_workbench.py)."""
    from index.settings import load_settings
    from tests.test_workbench import trend_answer
    from ui.server import make_app

    monkeypatch.setattr(fake_assistant, "ask", lambda question, session_id=None: trend_answer(fake_assistant, question))
    with _serving(make_app(load_settings(data_dir=tmp_path / "data"), assistant=fake_assistant)) as url:
        yield url


def test_trend_chart_csv_and_source_viewer(trend_server, browser, tmp_path):
    import csv
    import io

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.test_workbench import TREND_Q
    from ui.export import COLUMNS

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.get(trend_server + "/")
    _ask_in_page(browser, TREND_Q, 1)
    wait = WebDriverWait(browser, 60)
    # the chart: a Gradio plot whose image is drawn
    img = wait.until(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "#reportqa-chart img")
                                     if e.is_displayed() and e.size["width"] > 200), False))
    assert img.get_attribute("src").startswith("data:image/png")
    chat = browser.find_element(By.ID, "reportqa-chat").text
    assert "未载入" in chat and "52-30=22" in chat, chat  # the table, missing years said, arithmetic shown
    time.sleep(0.5)
    _shot(browser, tmp_path, "trend_chart.png")

    # the CSV: downloaded through the chat's button, read back with the csv module
    browser.find_element(By.CSS_SELECTOR, "#reportqa-csv").click()
    got = wait.until(lambda d: next((p for p in downloads.glob("*.csv")), False))
    time.sleep(0.5)
    rows = list(csv.DictReader(io.StringIO(got.read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0].keys()) == COLUMNS and [r["year"] for r in rows] == ["2015", "2016", "2017", "2018"]
    assert rows[2]["quote"] == "收到政府信息公开申请52件"

    # a citation opens the report's text at the cited span, highlighted
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "查看原文")
    href = link.get_attribute("href")
    assert "/api/v1/reports/1/source?" in href
    before = set(browser.window_handles)
    link.click()
    wait.until(lambda d: len(d.window_handles) > len(before))
    browser.switch_to.window(next(h for h in browser.window_handles if h not in before))
    mark = wait.until(lambda d: d.find_element(By.ID, "reportqa-cited"))
    assert mark.tag_name == "mark" and mark.text == "网络申请30件"
    assert mark.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    _shot(browser, tmp_path, "source_viewer.png")
