"""The web chat page, in headless Chromium at phone size, against the running Rasa server."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import ENTER, Browser, find_chromedriver, find_chromium

from channels.rest import valid_sender
from harness.questions import cited_ids

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
INSTALL = "bash scripts/install_system_packages.sh (Debian packages chromium and chromium-driver)"


@pytest.fixture(scope="module")
def browser():
    if not find_chromium() or not find_chromedriver():
        pytest.skip(f"Chromium or chromedriver is not installed and could not be installed: run {INSTALL}")
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    running = Browser(width=390, height=844, log=RESULTS / "logs" / "chromedriver.log")
    yield running
    running.quit()


@pytest.fixture
def page(assistant, browser):
    browser.get(assistant.rasa_url + "/webhooks/webchat/")
    browser.wait(lambda: browser.run("return document.readyState === 'complete' && !!window.LLRChat"),
                 what="the page's script")
    return browser


def bot_messages(browser):
    return browser.find_all(".msg.bot")


def wait_for_answer(browser, containing: str, after: int = 0) -> str:
    """The first bot message after the first `after` ones that contains the text."""
    def found():
        for message in bot_messages(browser)[after:]:
            if containing in browser.text(message):
                return message
        return None
    return browser.wait(found, what=f"an answer with {containing!r}")


def test_the_page_is_ours_with_strict_headers(assistant):
    with urllib.request.urlopen(assistant.rasa_url + "/webhooks/webchat/", timeout=10) as reply:
        html, headers = reply.read().decode(), reply.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "nothing is loaded from another host"
    with urllib.request.urlopen(assistant.rasa_url + "/webhooks/webchat/app.js", timeout=10) as reply:
        assert reply.headers["Content-Type"].startswith("text/javascript")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", re.sub(
            r"/\*.*?\*/", "", reply.read().decode(), flags=re.S)), "text is never parsed as HTML"


def test_ask_read_the_checklist_and_click_a_button(page):
    browser = page
    notice = browser.find("#privacy")
    assert browser.displayed(notice) and "do not type names" in browser.text(notice)
    assert bot_messages(browser) == [], "the reminder is there before the first message"
    assert browser.run("return arguments[0].getBoundingClientRect().top < window.innerHeight",
                       browser.ref(notice))
    browser.screenshot(RESULTS / "webchat-start.png")

    browser.type(browser.find("#question"), "what must a referral include?" + ENTER)  # keyboard only
    answer = wait_for_answer(browser, "What a referral must include")
    items = browser.run("return Array.from(arguments[0].querySelectorAll('ol > li')).map(li => li.value)",
                        browser.ref(answer))
    assert items == [1, 2, 3, 4, 5]
    assert browser.run("return arguments[0].querySelector('strong').textContent", browser.ref(answer)) == \
        "What a referral must include"
    assert browser.run("return arguments[0].querySelector('li .detail .label').textContent", browser.ref(answer)) == \
        "Why: "
    assert "checklist.referral" in browser.run("return arguments[0].querySelector('p.source').textContent",
                                               browser.ref(answer))
    assert "*" not in browser.text(answer)
    assert browser.run("return document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    browser.screenshot(RESULTS / "webchat.png")

    # a keyboard user reaches the button and presses Enter
    [button] = [b for b in browser.find_in(answer, "button") if browser.text(b) == "What the audit found"]
    browser.run("arguments[0].focus()", browser.ref(button))
    browser.type(browser.active(), ENTER)
    wait_for_answer(browser, "Referrals: what the audit found", after=1)
    mine = [browser.text(m) for m in browser.find_all(".msg.me")]
    assert mine[-1].endswith("What the audit found"), "the button's title is shown, not its payload"
    browser.screenshot(RESULTS / "webchat-after-click.png")


def test_buttons_are_clickable_with_a_pointer(page):
    browser = page
    browser.click(browser.find("[data-ask='when do I refer to UAVA?']"))
    answer = wait_for_answer(browser, "checklist.refer_to_uava")
    first = browser.find_in(answer, ".buttons button")[0]
    title = browser.text(first)
    browser.click(first)
    browser.wait(lambda: len(bot_messages(browser)) >= 2, what="the next answer")
    assert browser.text(browser.find_all(".msg.me")[-1]).endswith(title)


def test_links_open_in_a_new_tab(page):
    browser = page
    browser.type(browser.find("#question"), "what links are there" + ENTER)
    answer = wait_for_answer(browser, "Procedures and links")
    links = browser.run("return Array.from(arguments[0].querySelectorAll('a'))"
                        ".map(a => [a.getAttribute('href'), a.target, a.rel])", browser.ref(answer))
    assert ["http://llrscb.proceduresonline.com/", "_blank", "noopener noreferrer"] in links
    assert all(target == "_blank" and "noopener" in rel and href.startswith("http") for href, target, rel in links)


def test_markup_in_messages_stays_text(page):
    browser = page
    attack = '<img src=x onerror="window.pwned=1"> *not bold* <script>window.pwned=2</script>'
    browser.type(browser.find("#question"), attack + ENTER)
    browser.wait(lambda: bot_messages(browser), what="an answer")
    mine = browser.find_all(".msg.me")[-1]
    assert browser.text(mine).endswith(attack)
    assert browser.run("return document.querySelectorAll('#log img, #log script').length") == 0
    assert browser.run("return window.pwned === undefined")
    rendered = browser.run(
        "const f = window.LLRChat.render(arguments[0]); const d = document.createElement('div');"
        "d.appendChild(f); return [d.querySelectorAll('img,script').length, d.querySelector('strong').textContent,"
        " d.querySelectorAll('ol li').length, d.querySelector('a').getAttribute('href')]",
        [{"kind": "paragraph", "text": "<img src=x onerror=alert(1)> *bold*"},
         {"kind": "numbered", "number": 1, "text": "one javascript:alert(1)", "details": [{"label": "Why", "text": "x"}]},
         {"kind": "numbered", "number": 2, "text": "two http://a.org/x).", "details": []}])
    assert rendered == [0, "bold", 2, "http://a.org/x"]


# --- what the page sends: the sender id and the text are checked (no browser needed) ---------------
def chat_post(assistant, raw: bytes):
    from fakes import post
    return post(assistant.rasa_url + "/webhooks/rest/webhook", raw, {"Content-Type": "application/json"})


BAD_SENDERS = {
    "NUL": "web-\x00abc", "lone surrogate": "web-\ud800abc", "escape character": "web-\x1b[31m",
    "new line": "web-abc\n", "too long": "web-" + "a" * 300, "empty": "", "spaces": "   ",
    "a list": ["web-abc"], "an object": {"id": "web-abc"}, "true": True, "null": None,
}


@pytest.mark.parametrize("case", list(BAD_SENDERS))
def test_unstorable_sender_ids_get_a_short_json_400(assistant, case):
    status, text = chat_post(assistant, json.dumps({"sender": BAD_SENDERS[case], "message": "whats LPT"}).encode())
    assert status == 400 and "Traceback" not in text and len(text) < 500
    assert "sender" in json.loads(text)["error"]


def test_the_pages_own_sender_ids_are_accepted(assistant):
    page_id = "web-" + "0123456789abcdef" * 2  # what app.js makes: "web-" and 32 hex digits
    assert valid_sender(page_id)
    status, text = chat_post(assistant, json.dumps({"sender": page_id, "message": "whats LPT"}).encode())
    assert status == 200 and "term.lpt" in cited_ids(json.loads(text))


def test_nul_and_lone_surrogates_in_the_text_are_dropped(assistant):
    raw = json.dumps({"sender": "web-" + "ab" * 16, "message": "whats\x00 LPT\ud800"}).encode()
    status, text = chat_post(assistant, raw)
    assert status == 200 and "term.lpt" in cited_ids(json.loads(text))


def test_deeply_nested_json_gets_400(assistant):
    status, text = chat_post(assistant, b"[" * 100_000 + b"]" * 100_000)
    assert status == 400 and "Traceback" not in text and json.loads(text)["error"]


@pytest.mark.parametrize("name", ["%00", "%ED%A0%80", "app.js%00", "..%2Findex.html", "%0d%0aX-Bad:%201"])
def test_odd_page_names_get_404_not_500(assistant, name):
    request = urllib.request.Request(assistant.rasa_url + "/webhooks/webchat/" + name)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            status = reply.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert 400 <= status < 500
