/* The web chat: posts to the assistant's REST webhook and shows the answers.
 * Each answer comes as parts (custom.answer.parts: title, paragraph, heading, numbered and bullet
 * items with their details, source; see kb/parts.py); a reply with text only is shown as lines.
 * Parts become DOM nodes with textContent only (never innerHTML), so nothing in a message can become
 * markup. */
(function () {
  "use strict";

  var WEBHOOK = "../rest/webhook";
  var SENDER_KEY = "llr-webchat-sender";
  var FAILED = "Sorry, I couldn't reach the assistant just now. If a child is in immediate danger call 999. " +
    "Otherwise please check the LLR procedures: http://llrscb.proceduresonline.com/";
  var URL_RE = /https?:\/\/[^\s<>"]+/g;

  // --- conversation id: random, kept for this tab only --------------------------------------
  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sender(reset) {
    var id = null;
    try { id = reset ? null : window.sessionStorage.getItem(SENDER_KEY); } catch (e) { /* storage off */ }
    if (!id) {
      id = newSender();
      try { window.sessionStorage.setItem(SENDER_KEY, id); } catch (e) { /* storage off */ }
    }
    return id;
  }

  // --- rendering ------------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function trimUrl(url) {
    var trailing = "";
    while (url && ".,;:!?)'".indexOf(url.charAt(url.length - 1)) >= 0) {
      var last = url.charAt(url.length - 1);
      if (last === ")" && url.split("(").length >= url.split(")").length) { break; }
      trailing = last + trailing;
      url = url.slice(0, -1);
    }
    return [url, trailing];
  }

  function appendLinks(parent, text) {
    var position = 0;
    text.replace(URL_RE, function (match, offset) {
      var parts = trimUrl(match);
      parent.appendChild(document.createTextNode(text.slice(position, offset)));
      var link = el("a", "", parts[0]);
      link.href = parts[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(el("span", "visually-hidden", " (opens in a new tab)"));
      parent.appendChild(link);
      parent.appendChild(document.createTextNode(parts[1]));
      position = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(position)));
  }

  function appendInline(parent, text) {
    text.split(/\*([^*\n]+)\*/).forEach(function (part, i) {
      var target = parent;
      if (i % 2 === 1) { target = parent.appendChild(el("strong")); }
      appendLinks(target, part);
    });
  }

  function detail(found) {
    var node = el("span", "detail");
    if (found.label) { node.appendChild(el("span", "label", found.label + ": ")); }
    appendInline(node, String(found.text || ""));
    return node;
  }

  function partsOf(reply) {
    var answer = reply.custom && reply.custom.answer;
    if (answer && Array.isArray(answer.parts)) { return answer.parts; }
    return String(reply.text || "").split("\n").filter(function (line) { return line.trim(); })
      .map(function (line) { return { kind: "paragraph", text: line }; });
  }

  // Parts into blocks: a paragraph (the title and source with their own class), or a list (ol/ul
  // with items and their detail lines) for consecutive items of one kind.
  function render(parts) {
    var fragment = document.createDocumentFragment();
    var list = null;
    parts.forEach(function (part) {
      var kind = part.kind;
      if (kind === "numbered" || kind === "bullet") {
        var tag = kind === "numbered" ? "ol" : "ul";
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = fragment.appendChild(el(tag));
          if (kind === "numbered") { list.start = Number(part.number); }
        }
        var item = list.appendChild(el("li"));
        if (kind === "numbered") { item.value = Number(part.number); }
        appendInline(item.appendChild(el("span", "item-text")), String(part.text || ""));
        (part.details || []).forEach(function (found) { item.appendChild(detail(found)); });
      } else {
        list = null;
        var className = kind === "source" || kind === "title" ? kind : "";
        appendInline(fragment.appendChild(el("p", className)), String(part.text || ""));
      }
    });
    return fragment;
  }

  // --- the conversation -------------------------------------------------------------------------
  var log, status, input, form;
  var busy = false;
  var conversation = sender(false);

  function show(node) {
    log.appendChild(node);
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    node.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    return node;
  }

  function showMine(text) {
    var node = el("div", "msg me");
    node.appendChild(el("span", "visually-hidden", "You: "));
    node.appendChild(el("p", "", text));
    show(node);
  }

  function buttonGroup(buttons) {
    var group = el("div", "buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Next questions");
    buttons.forEach(function (b) {
      var button = group.appendChild(el("button", "", b.title || b.payload));
      button.type = "button";
      button.addEventListener("click", function () { ask(b.payload, b.title, true); });
    });
    return group;
  }

  function showAnswer(reply) {
    if (!reply.text && !(reply.buttons && reply.buttons.length)) { return; }
    var node = el("div", "msg bot");
    node.appendChild(el("span", "visually-hidden", "Assistant: "));
    node.appendChild(render(partsOf(reply)));
    if (reply.buttons && reply.buttons.length) { node.appendChild(buttonGroup(reply.buttons)); }
    show(node);
  }

  function setBusy(on) {
    busy = on;
    log.setAttribute("aria-busy", on ? "true" : "false");
    status.textContent = on ? "The assistant is answering\u2026" : "";
  }

  // A button's payload may be a command ("/rate_helpful"); typed text never is (the server
  // treats a typed "/..." as text).
  function ask(message, shownAs, fromButton) {
    message = String(message || "").trim();
    if (!message || busy) { return; }
    showMine(shownAs || message);
    setBusy(true);
    fetch(WEBHOOK, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: conversation, message: message, button: fromButton === true })
    }).then(function (response) {
      if (response.status === 429) { return response.json(); }  // too fast: the reply says so
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (replies) {
      (replies || []).forEach(showAnswer);
    }).catch(function () {
      showAnswer({ text: FAILED });
    }).then(function () {
      setBusy(false);
    });
  }

  function start() {
    log = document.getElementById("log");
    status = document.getElementById("status");
    input = document.getElementById("question");
    form = document.getElementById("ask");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value;
      if (busy || !text.trim()) { return; }
      input.value = "";
      ask(text);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-ask]"), function (button) {
      button.addEventListener("click", function () { ask(button.getAttribute("data-ask"), null, true); });
    });
    document.getElementById("restart").addEventListener("click", function () {
      conversation = sender(true);
      log.textContent = "";
      input.focus();
    });
  }

  window.LLRChat = { render: render, partsOf: partsOf, ask: ask };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
