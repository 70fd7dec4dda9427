"""Local contacts by area (issue 15): the area asked for, chosen by button or typed, remembered for the
conversation and (by a keyed hash) for the person; the urgent guidance with the area's front door;
how fresh each answer is. Actions run on real trackers against the real knowledge base."""
from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import ActionAnswerTopic, ActionContacts, ActionResume, ActionUrgentGuidance, areas, formatting
from kb import load_knowledge
from kb import records as r
from kb.parts import parts_of
from tests.helpers import answer_buttons, cited, run_action, slot, texts

FRONT_DOORS = {"leicester": "contact.csc_leicester", "leicestershire": "contact.csc_leicestershire",
               "rutland": "contact.csc_rutland"}
TITLES = {"leicester": "Leicester", "leicestershire": "Leicestershire", "rutland": "Rutland"}
HASHED = "h-" + "0123456789abcdef" * 2 + "01234567"  # the shape of production.sender_ids.keyed_hash


def sources(messages):
    """The small-print parts of some messages."""
    return [p for m in messages for p in parts_of(m) if p["kind"] == "source"]


def refs(messages):
    """The contact ids some messages cite (from their answer parts)."""
    return {i for i in cited(messages) if i.startswith("contact.")}


@pytest.fixture(autouse=True)
def memory_in_process(monkeypatch):
    """Each test gets its own in-process area memory (no file)."""
    monkeypatch.setattr(areas, "memory", lambda fresh=areas.AreaMemory(None): fresh)


# --- a contact question for each area ----------------------------------------------------------
@pytest.mark.parametrize("area", list(FRONT_DOORS))
def test_a_contact_question_naming_an_area_gets_that_areas_front_door(kb, area):
    messages, events = run_action(ActionContacts(), f"who do I call to refer in {TITLES[area]}?", "ask_contacts")
    reply = texts(messages)
    front = kb.contacts[FRONT_DOORS[area]]
    assert reply.startswith(f"*Contacts for {TITLES[area]}*")
    assert front.id in refs(messages) and not (set(FRONT_DOORS.values()) - {front.id}) & refs(messages)
    for phone in front.phones:
        assert phone in reply
    assert front.published_name in reply and front.url in reply
    assert f"Checked {formatting.day(front.last_checked)}" in reply
    source = next(p["text"] for p in sources(messages) if front.id in p["ids"])
    assert "Checked" in source and kb.source_label(front.source) in source  # small print: the channels' source line
    assert slot(events, "area") == area
    titles = [b["title"] for b in answer_buttons(messages)]
    assert TITLES[area] not in titles and len([t for t in titles if t in TITLES.values()]) == 2  # the other areas


def test_rutland_shows_every_phone_hours_and_the_out_of_hours_route(kb):
    messages = run_action(ActionContacts(), "who do I phone about a child in Rutland", "ask_contacts")[0]
    reply = texts(messages)
    assert {"contact.csc_rutland", "contact.out_of_hours_rutland", "contact.lado_rutland"} <= refs(messages)
    front = kb.contacts["contact.csc_rutland"]
    assert f"Hours: {front.hours}" in reply and f"Out of hours: {front.out_of_hours}" in reply
    assert front.email in reply and kb.contacts["contact.out_of_hours_rutland"].phones[0] in reply


@pytest.mark.parametrize("question,area,expected", [
    ("what's the LADO number for Leicestershire", "leicestershire", "contact.lado_leicestershire"),
    ("out of hours number for Leicester", "leicester", "contact.out_of_hours_leicester"),
    ("where's the referral form for Rutland", "rutland", "contact.referral_form_rutland"),
    ("police non emergency number in Leicestershire", "leicestershire", "contact.police_leicestershire"),
    ("who do I ring in Charnwood to refer", "leicestershire", "contact.csc_leicestershire"),  # a district listed in areas
])
def test_the_service_asked_for_in_the_area_named(question, area, expected):
    messages, events = run_action(ActionContacts(), question, "ask_contacts")
    assert refs(messages) == {expected} and slot(events, "area") == area


def test_an_uncovered_subject_still_gets_its_contact_with_the_procedures_for_the_process(kb):
    messages = run_action(ActionContacts(), "who do I tell about an allegation against a teacher in Rutland",
                          "ask_contacts")[0]
    reply = texts(messages)
    assert "contact.lado_rutland" in refs(messages) and kb.links["link.llr_procedures"].url in reply
    assert "allegations against staff and the LADO" in reply


def test_national_and_llr_wide_contacts_need_no_area():
    for question, expected in (("nspcc helpline number", "contact.nspcc_helpline"),
                               ("domestic abuse helpline", "contact.uava"), ("childline number", "contact.childline")):
        messages, events = run_action(ActionContacts(), question, "ask_contacts")
        assert refs(messages) == {expected}, question
        assert slot(events, "contact_request") is None


def test_a_place_knowledge_does_not_map_is_not_guessed():
    messages = run_action(ActionContacts(), "who do I call in Oakham", "ask_contacts")[0]
    assert "Which area is this for?" in texts(messages) and not refs(messages)


def test_numbers_come_only_from_knowledge(kb):
    published = {p for c in kb.contacts.values() for p in c.phones}
    for area in FRONT_DOORS:
        reply = texts(run_action(ActionContacts(), f"all the numbers for {TITLES[area]}", "ask_contacts")[0])
        numbers = set(re.findall(r"\b0\d{3,4} ?\d{2,3} ?\d{3,4}\b", reply))
        assert numbers and numbers <= published | {p for c in kb.contacts.values() for p in re.findall(
            r"\b0\d{3,4} ?\d{2,3} ?\d{3,4}\b", " ".join(filter(None, (c.conflict, c.out_of_hours, c.referral_route))))}


def test_an_empty_contact_says_not_held_here_with_the_procedures_link(kb):
    text = formatting.contact(kb, kb.contacts["contact.csc_out_of_hours"]).text
    assert "Not held here" in text and kb.links["link.llr_procedures"].url in text


def test_a_missing_value_is_named_as_not_held(kb):
    text = formatting.contact(kb, kb.contacts["contact.lado_leicester"]).text  # no web address, no hours
    assert re.search(r"Not held here: .*web address.*" + re.escape(kb.links["link.llr_procedures"].url), text)


# --- no area: ask, then the button or the typed answer ------------------------------------------
def test_no_area_asks_for_one_with_four_buttons_and_remembers_what_was_asked(kb):
    messages, events = run_action(ActionContacts(), "what's the LADO number?", "ask_contacts")
    assert texts(messages) == kb.messages["area_question"]
    assert [b["title"] for b in messages[-1]["buttons"]] == ["Leicester", "Leicestershire", "Rutland", "Not sure"]
    assert messages[-1]["buttons"][2]["payload"] == '/choose_area{"area":"rutland"}'
    assert slot(events, "contact_request") == {"services": ["lado"]}
    assert not any("Helpful" == b["title"] for m in messages for b in m.get("buttons") or [])


def test_the_area_by_button_answers_the_question_asked():
    messages, events = run_action(ActionContacts(), '/choose_area{"area":"rutland"}', "choose_area",
                                  entities=[("area", "rutland")], slots={"contact_request": {"services": ["lado"]}})
    assert refs(messages) == {"contact.lado_rutland"}
    assert slot(events, "area") == "rutland" and slot(events, "contact_request") is None


@pytest.mark.parametrize("typed,area", [("Leicestershire", "leicestershire"), ("I work in the city of Leicester", "leicester"),
                                        ("we're in Melton", "leicestershire")])
def test_the_area_typed_answers_the_question_asked(typed, area):
    messages, events = run_action(ActionContacts(), typed, "choose_area", entities=[("area", typed.split()[-1])],
                                  slots={"contact_request": {"services": []}})
    assert {FRONT_DOORS[area], f"contact.lado_{area}"} <= refs(messages)
    assert slot(events, "area") == area


def test_not_sure_explains_which_council_covers_which_area_and_gives_all_three(kb):
    messages, _ = run_action(ActionResume(), "not sure", "not_sure", slots={"contact_request": {"services": []}})
    reply = texts(messages)
    for key in FRONT_DOORS:
        record = kb.area(key)
        assert record.covers in reply and record.id in cited(messages)
        assert FRONT_DOORS[key] in refs(messages)
    assert "Blaby" in reply and "Source:" in reply
    assert [b["title"] for b in answer_buttons(messages)] == ["Leicester", "Leicestershire", "Rutland"]


def test_the_not_sure_button_does_the_same(kb):
    messages = run_action(ActionContacts(), '/choose_area{"area":"not_sure"}', "choose_area",
                          entities=[("area", "not_sure")], slots={"contact_request": {"services": []}})[0]
    assert kb.area("rutland").covers in texts(messages) and set(FRONT_DOORS.values()) <= refs(messages)


def test_not_sure_with_nothing_asked_is_not_about_areas():
    reply = texts(run_action(ActionResume(), "not sure", "not_sure")[0])
    assert "Which council" not in reply


def test_the_area_is_remembered_for_the_conversation(kb):
    messages = run_action(ActionContacts(), "who do I ring to make a referral", "ask_contacts",
                          slots={"area": "rutland"})[0]
    assert texts(messages).startswith(kb.messages["area_remembered"].format(area="Rutland"))
    assert "contact.csc_rutland" in refs(messages)


# --- remembered for the person (Slack, Teams): by a keyed hash ----------------------------------
def tracker_for(text, intent, user_key=None, entities=(), slots=None, sender="conversation-1"):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9},
               "entities": [{"entity": label, "value": value} for label, value in entities]}
    events = [{"event": "user", "text": text, "metadata": {"user_key": user_key} if user_key else {}}]
    return Tracker(sender_id=sender, slots=dict(slots or {}), latest_message=message, events=events, paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, tracker, {})
    return dispatcher.messages


def test_the_area_is_remembered_for_the_person_in_a_new_conversation():
    run(ActionContacts(), tracker_for("Rutland", "choose_area", HASHED, [("area", "Rutland")],
                                      {"contact_request": {"services": []}}))
    messages = run(ActionContacts(), tracker_for("who do I call to refer?", "ask_contacts", HASHED,
                                                 sender="conversation-2"))
    assert "contact.csc_rutland" in refs(messages) and "Which area" not in texts(messages)
    other = run(ActionContacts(), tracker_for("who do I call to refer?", "ask_contacts", "h-" + "f" * 40, sender="c3"))
    assert "Which area is this for?" in texts(other)


def test_area_memory_keeps_only_keyed_hashes(tmp_path):
    path = tmp_path / "areas.db"
    memory = areas.AreaMemory(str(path))
    memory.remember("U024BE7LH", "rutland")              # a raw Slack id: refused
    memory.remember("slack:U024BE7LH", "leicester")      # anything not shaped like a keyed hash: refused
    memory.remember(HASHED, "not_an_area")
    memory.remember(HASHED, "leicestershire")
    assert memory.recall("U024BE7LH") is None and memory.recall(HASHED) == "leicestershire"
    rows = sqlite3.connect(path).execute("SELECT user_key, area FROM areas").fetchall()
    assert rows == [(HASHED, "leicestershire")]
    assert b"U024BE7LH" not in path.read_bytes()
    assert areas.AreaMemory(str(path)).recall(HASHED) == "leicestershire"  # kept across restarts


def test_area_memory_forgets_after_its_keep_days():
    memory = areas.AreaMemory(None, keep_days=30)
    memory.remember(HASHED, "rutland", today=dt.date(2026, 1, 1))
    assert memory.recall(HASHED, today=dt.date(2026, 1, 31)) == "rutland"
    assert memory.recall(HASHED, today=dt.date(2026, 2, 1)) is None


def test_the_channels_send_a_keyed_hash_never_the_id():
    from channels.identity import user_key
    from production.sender_ids import keyed_hash
    sent = user_key("slack", "U024BE7LH")
    assert sent == {"user_key": keyed_hash("slack:U024BE7LH")} and "U024BE7LH" not in sent["user_key"]
    assert areas.HASHED_KEY.fullmatch(sent["user_key"]) and user_key("teams", None) == {}


# --- the urgent guidance names the area's front door ----------------------------------------------
URGENT = "a girl has just told me her stepdad is abusing her"


@pytest.mark.parametrize("area", list(FRONT_DOORS))
def test_urgent_guidance_names_the_front_door_of_the_practitioners_area(kb, area):
    messages, _ = run_action(ActionUrgentGuidance(), URGENT, "urgent_risk", slots={"area": area})
    first = messages[0]["text"]
    assert cited(messages[:1])[0] == kb.urgent.id  # the guidance still comes first
    assert first.index("999") < first.index(kb.contacts[FRONT_DOORS[area]].phones[0])
    assert refs(messages[:1]) & set(FRONT_DOORS.values()) == {FRONT_DOORS[area]}
    small_print = [p for p in sources(messages[:1]) if FRONT_DOORS[area] in p["ids"]]
    assert small_print and small_print[0]["text"].startswith("Source: local numbers") and "checked" in small_print[0]["text"]


def test_urgent_guidance_names_all_three_front_doors_when_the_area_is_unknown(kb):
    first = run_action(ActionUrgentGuidance(), URGENT, "urgent_risk")[0][:1]
    assert set(FRONT_DOORS.values()) <= refs(first)
    for key, contact_id in FRONT_DOORS.items():
        assert kb.contacts[contact_id].phones[0] in texts(first)


def test_urgent_guidance_uses_the_area_the_message_names():
    first = run_action(ActionUrgentGuidance(), "a child in Rutland has just told me she is being abused",
                       "urgent_risk", slots={"area": "leicester"})[0][:1]
    assert refs(first) & set(FRONT_DOORS.values()) == {"contact.csc_rutland"}


def test_urgent_words_in_any_question_get_the_short_guidance_with_the_area_first(kb):
    messages, _ = run_action(ActionAnswerTopic(), "a girl has just told me she is being abused, what goes in the plan",
                             "ask_plans", slots={"area": "leicestershire"})
    assert "999" in messages[0]["text"] and kb.contacts["contact.csc_leicestershire"].phones[0] in messages[0]["text"]


def test_urgent_guidance_is_given_even_if_the_area_memory_is_broken(monkeypatch):
    def broken():
        raise RuntimeError("disk gone")
    monkeypatch.setattr(areas, "memory", broken)
    first = run(ActionUrgentGuidance(), tracker_for(URGENT, "urgent_risk", HASHED))
    assert "999" in texts(first) and set(FRONT_DOORS.values()) <= refs(first[:1])


# --- how fresh each answer is ------------------------------------------------------------------------
def test_knowledge_answers_say_where_they_come_from_and_when_they_are_due_for_review(kb):
    reply = texts(run_action(ActionAnswerTopic(), "what must a referral include?", "ask_referral")[0])
    review = kb.checklists["checklist.referral"].review_date
    assert f"From the FSA audit briefing (Jan 2019); next review due {formatting.day(review)}." in reply


def test_an_entry_past_its_review_date_is_still_given_marked_due_for_review(kb):
    entry = kb.checklists["checklist.referral"]
    later = entry.review_date + dt.timedelta(days=1)
    line = formatting.source_line(kb, [entry.source], [entry.id], today=later)
    assert line.startswith("Source: FSA audit briefing, Key points: Referrals (ref: checklist.referral)")
    assert f"due for review (since {formatting.day(entry.review_date)})" in line


@pytest.fixture(scope="module")
def stale_kb(tmp_path_factory):
    """The knowledge base with one contact last checked on 2024-01-15 (tests/fixtures/contacts/stale.yml)."""
    import shutil
    from pathlib import Path
    root = Path(__file__).resolve().parent
    folder = tmp_path_factory.mktemp("stale") / "knowledge"
    shutil.copytree(root.parent / "knowledge", folder)
    path = folder / "local_settings.yml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
                    + (root / "fixtures" / "contacts" / "stale.yml").read_text(encoding="utf-8"), encoding="utf-8")
    return load_knowledge(str(folder))


def test_a_stale_contact_says_when_it_was_last_checked_and_where_to_check_it(stale_kb):
    contact = stale_kb.contacts["contact.test_stale"]
    text = formatting.contact(stale_kb, contact, today=dt.date(2026, 12, 2)).text
    assert (f"This number was last checked on 15 Jan 2024; check it on {contact.source_url} before you rely "
            "on it.") in text
    assert "Checked 15 Jan 2024" in text


def test_a_contact_checked_within_max_age_days_has_no_warning(stale_kb):
    contact = stale_kb.contacts["contact.test_stale"]
    within = contact.last_checked + dt.timedelta(days=stale_kb.max_age_days)
    assert "last checked on" not in formatting.contact(stale_kb, contact, today=within).text
    assert "last checked on" in formatting.contact(stale_kb, contact, today=within + dt.timedelta(days=1)).text
    fresh = stale_kb.contacts["contact.csc_rutland"]
    assert "last checked on" not in formatting.contact(stale_kb, fresh, today=dt.date(2026, 12, 2)).text


def test_the_contacts_answer_warns_about_a_stale_contact(stale_kb, monkeypatch):
    from actions import reference
    monkeypatch.setattr(areas, "today", lambda: dt.date(2026, 12, 2))
    reply = reference.contacts_reply(stale_kb, "rutland", ["front_door"])
    assert "contact.csc_rutland" in reply.texts[0].ids  # the real one is given first ...
    stale = stale_kb.contacts["contact.test_stale"]
    monkeypatch.setattr(stale_kb, "contact_for", lambda area, service: stale)
    text = reference.contacts_reply(stale_kb, "rutland", ["front_door"]).texts[0].text
    assert "This number was last checked on 15 Jan 2024" in text  # ... a stale one carries the warning


def test_every_local_area_has_the_services_the_assistant_asks_about(kb):
    for area in r.LOCAL_AREAS:
        for service in areas.DEFAULT_SERVICES:
            assert kb.contact_for(area, service) is not None, (area, service)
