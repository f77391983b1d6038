"""A real browser for the console: Debian's Chromium, headless, driven by Selenium through
Debian's chromedriver (nothing downloaded). Where Chromium is not installed these tests are
skipped, unless REQUIRE_BROWSER is set (CI sets it, and installs Chromium): then its
absence is a failure, never a silent skip."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def _chromium(language: str):
    """Chromium speaking `language` (its Accept-Language), headless."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {CHROMIUM} or {CHROMEDRIVER} is missing")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="r4v-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                 f"--lang={language}", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium():
    yield from _chromium("en")


@pytest.fixture(scope="session")
def chromium_es():
    """A browser of Peru: its pages asked for in es-PE."""
    yield from _chromium("es-PE,es")


@pytest.fixture
def browser_es(chromium_es, live_server):
    chromium_es.delete_all_cookies()
    chromium_es.url = lambda path: f"{live_server.url}{path}"
    return chromium_es


@pytest.fixture
def screenshot(tmp_path):
    """Save the page as a PNG: under BROWSER_SCREENSHOTS (CI keeps them), else the test's
    temporary folder."""
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(browser, name: str) -> Path:
        path = folder / f"{name}.png"
        browser.save_screenshot(str(path))
        return path

    return take


@pytest.fixture
def browser(chromium, live_server):
    """The browser, signed out, with `.url(path)` on the live server."""
    chromium.delete_all_cookies()
    chromium.url = lambda path: f"{live_server.url}{path}"
    return chromium


def sign_in(browser, user, password: str = "browser-pass-1") -> None:
    from selenium.webdriver.common.by import By

    user.set_password(password)
    user.save()
    browser.get(browser.url("/console/login/"))
    browser.find_element(By.ID, "id_username").send_keys(user.username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
    browser.find_element(By.CSS_SELECTOR, "header nav")  # signed in


def click_and_wait(browser, element, timeout: float = 10) -> None:
    """Click something that loads a new page, and wait until the old page is gone: without
    the wait a lookup can find an element of the page being left (then stale)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()

    def left(_) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:  # stale; or, mid-navigation, "Node with given id does
            return True  # not belong to the document" (Chromium 156): either way, gone
        return False

    WebDriverWait(browser, timeout).until(left)


def axe_violations(browser) -> list[dict]:
    """axe-core's violations on the page (WCAG 2 A/AA rules), as {id, impact, nodes}."""
    browser.execute_script(AXE.read_text())
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}).then(r => done(r.violations))"
    )
    return [{"id": v["id"], "impact": v["impact"],
             "nodes": [n["html"][:120] for n in v["nodes"]]} for v in result]  # fmt: skip


@pytest.fixture(autouse=True)
def committed(committed_data):
    """The live server answers on its own thread and connection: reference data committed."""


@pytest.fixture(scope="module", autouse=True)
def reference_data_after(django_db_blocker):
    """The live server makes each test transactional, and its tables are emptied after it
    (after the function fixtures that could put the reference data back): put it back once
    the module is done, for the tests that follow."""
    yield
    from reporting.reference_data import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()
