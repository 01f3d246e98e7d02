/*
 * Levanger kommune – helse- og omsorgsassistenten: chat widget for the municipality's pages.
 *
 *   <script src="<API origin>/widget.js" data-api="<API origin>" defer></script>
 *
 * No framework and no outside requests: it talks only to its data-api origin (POST /v1/ask, GET
 * /v1/services/{id}, POST /v1/feedback). Everything is built with DOM calls and textContent, never
 * innerHTML, inside a shadow root so the host page's styles cannot break it. The conversation lives only
 * in this page's memory (no cookies, no localStorage).
 */
(function () {
  "use strict";
  if (window.__levangerHelseWidget) return;
  window.__levangerHelseWidget = true;

  var script = document.currentScript;
  var api = script && script.getAttribute("data-api");
  if (!api && script && script.src) api = new URL(script.src, location.href).origin;
  api = String(api || "").replace(/\/+$/, "");

  // The municipality's name and contact details. The API serves this file with the object between the markers
  // replaced by its profile (assistant/municipality.yaml); the values here are only the file's own defaults.
  var M = /*profile*/{"name": "Levanger kommune", "switchboard": "74 05 25 00", "tel": "tel:+4774052500",
    "hours": "mandag–fredag kl. 09.00–15.00", "email": "postmottak@levanger.kommune.no"}/*end*/;
  var T = {
    launcher: "Spør om helse og omsorg",
    title: "Spør om helse- og omsorgstjenester",
    close: "Lukk",
    machine: "Du snakker med en maskin, ikke et menneske.",
    machineMore: " Svarene er veiledning og ikke et vedtak: hva du kan få, avgjøres alltid etter en " +
      "individuell vurdering av behovet ditt.",
    privacy: "Ikke skriv personopplysninger",
    privacyMore: " – som navn, fødselsnummer, telefonnummer eller detaljer om helsen din.",
    noticeShort: "En maskin svarer · ikke skriv personopplysninger",
    log: "Samtale",
    label: "Spørsmålet ditt",
    placeholder: "For eksempel: Hva koster trygghetsalarm?",
    send: "Send",
    you: "Du",
    bot: "Assistenten",
    thinking: "Leter i tjenestebeskrivelsene …",
    sources: "Kilder",
    page: "side ",
    full: "Vis hele delen",
    fullHide: "Skjul hele delen",
    fullFailed: "Kunne ikke hente teksten akkurat nå.",
    useful: "Var svaret nyttig?",
    suggestions: "Velg det som passer best",
    callNow: "Ring",
    yes: "Ja",
    no: "Nei",
    thanks: "Takk for tilbakemeldingen! Vi lagrer ikke spørsmålet ditt.",
    thanksKept: "Takk for tilbakemeldingen! Spørsmålet ditt er lagret uten personopplysninger.",
    why: "Hva var galt? Velg gjerne en eller flere (valgfritt).",
    reasons: [["not_answered", "Svarte ikke på det jeg spurte"], ["wrong_service", "Feil tjeneste"],
      ["hard_to_understand", "Vanskelig å forstå"], ["other", "Annet"]],
    keepQuestion: "Ta med spørsmålet mitt, så kommunen kan forbedre svaret (personopplysninger fjernes)",
    sendFeedback: "Send tilbakemelding",
    read: "Les opp",
    stopReading: "Stopp opplesingen",
    person: "Et menneske kan hjelpe deg videre: ",
    mail: M.email,
    feedbackFailed: "Tilbakemeldingen kunne ikke lagres akkurat nå.",
    failed: "Beklager, jeg fikk ikke kontakt med assistenten. Prøv igjen om litt.",
    human: "Snakk med et menneske: ",
    call: "ring " + M.switchboard,
    hours: " (sentralbordet, " + M.hours + ")"
  };
  var TEL = M.tel;
  // how long a request may take before the widget gives up (data-timeout-ms on the script tag may shorten it)
  var TIMEOUT_MS = Math.max(500, Number(script && script.getAttribute("data-timeout-ms")) || 20000);

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".w{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a}",
    ".launcher{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;background:#00467f;color:#fff;",
    "border:0;border-radius:2rem;padding:.8rem 1.2rem;font:inherit;font-weight:600;cursor:pointer;min-height:44px;",
    "box-shadow:0 2px 8px rgba(0,0,0,.3)}",
    "button:focus-visible,a:focus-visible,textarea:focus-visible,input:focus-visible,[tabindex]:focus-visible{",
    "outline:3px solid #b34700;outline-offset:2px}",
    ".panel{position:fixed;right:1rem;bottom:1rem;z-index:2147483001;width:min(26rem,calc(100vw - 2rem));",
    "height:min(40rem,calc(100vh - 2rem));display:flex;flex-direction:column;background:#fff;",
    "border:1px solid #6b6b6b;border-radius:.75rem;box-shadow:0 4px 24px rgba(0,0,0,.35);overflow:hidden}",
    ".panel[hidden]{display:none}",
    // a phone: the whole screen (the script sets top and height from the visual viewport)
    "@media (max-width:599.98px){.panel{top:0;left:0;right:0;bottom:auto;width:100%;height:100%;",
    "border:0;border-radius:0;box-shadow:none}}",
    ".head{display:flex;align-items:center;justify-content:space-between;gap:.5rem;background:#00467f;color:#fff;",
    "padding:.3rem .9rem;flex:none}",
    "h2{font-size:1.05rem;margin:0;font-weight:700}",
    ".x{background:transparent;color:#fff;border:2px solid #fff;border-radius:.4rem;font:inherit;",
    "min-height:44px;min-width:44px;padding:0 .7rem;cursor:pointer}",
    ".notice{margin:0;padding:0 .9rem;background:#fff4d6;border-bottom:1px solid #d9c48c;font-size:.9rem;flex:none}",
    ".notice p{margin:.15rem 0}",
    "#lv-notice{padding:.35rem 0}",
    ".ntoggle{display:flex;align-items:center;gap:.4rem;width:100%;min-height:44px;padding:0;background:none;",
    "border:0;font:inherit;color:#1a1a1a;text-align:left;cursor:pointer}",
    ".ntoggle span{flex:1;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-weight:700}",
    ".ntoggle::after{content:'';flex:none;width:.55rem;height:.55rem;border:solid #1a1a1a;border-width:0 2px 2px 0;",
    "transform:rotate(45deg);margin:0 .3rem .2rem}",
    ".ntoggle[aria-expanded=true]::after{transform:rotate(-135deg);margin-bottom:-.2rem}",
    ".ntoggle[hidden]{display:none}",
    ".log{flex:1;overflow-y:auto;padding:.75rem .9rem;position:relative}",
    ".msg{margin:0 0 .9rem}",
    ".who{display:block;font-size:.8rem;font-weight:700;color:#4a4a4a}",
    ".user .body{background:#e8f0f8;border-radius:.5rem;padding:.4rem .6rem;white-space:pre-wrap}",
    ".bot p{margin:.3rem 0}",
    ".emergency .body{border-left:5px solid #b00020;padding-left:.6rem;background:#fdecee}",
    // a [n] marker: a small chip inside a 44 px tap box
    ".mk{display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;margin:-10px 0;",
    "padding:0;background:none;border:0;font:inherit;cursor:pointer;vertical-align:middle}",
    ".mk span{font-size:.8rem;line-height:1.4;background:#e8f0f8;color:#00467f;border:1px solid #00467f;",
    "border-radius:.3rem;padding:0 .25rem}",
    "h3{font-size:.9rem;margin:.6rem 0 .2rem}",
    "ol{margin:0;padding-left:0;list-style:none}",
    "li{margin:.25rem 0}",
    ".src{font:inherit;font-size:.9rem;text-align:left;width:100%;min-height:44px;background:#f4f4f4;color:#1a1a1a;",
    "border:1px solid #8a8a8a;border-radius:.4rem;padding:.3rem .5rem;cursor:pointer}",
    ".src[aria-expanded=true]{background:#e8f0f8;border-color:#00467f}",
    ".passage{border-left:3px solid #00467f;margin:.3rem 0 .3rem .3rem;padding:.2rem .6rem;font-size:.9rem}",
    "blockquote{margin:0;white-space:pre-wrap}",
    ".meta{color:#4a4a4a;font-size:.8rem;margin:.2rem 0}",
    ".more{font:inherit;font-size:.85rem;background:none;border:0;color:#00467f;text-decoration:underline;",
    "min-height:44px;padding:0 .2rem;cursor:pointer}",
    ".full{white-space:pre-wrap;font-size:.85rem;margin-top:.3rem}",
    // the emergency call: a red of its own (white on #a4000f is 8.1:1)
    ".call{display:block;text-align:center;min-height:48px;line-height:48px;margin:.3rem 0 .6rem;" +
      "background:#a4000f;color:#fff;font-weight:700;font-size:1.1rem;border-radius:.4rem;text-decoration:none}",
    ".call:focus-visible,.tel:focus-visible{outline:3px solid #00467f;outline-offset:2px}",
    ".tel{color:#00467f}",
    ".chips{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}",
    ".chip{font:inherit;min-height:44px;padding:.4rem .9rem;background:#fff;color:#00467f;border:1px solid #00467f;" +
      "border-radius:1.2rem;cursor:pointer}",
    ".chip:focus-visible{outline:3px solid #00467f;outline-offset:2px}",
    ".fb{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;font-size:.9rem;margin-top:.4rem}",
    ".fb button,.fbsend{font:inherit;background:#fff;color:#00467f;border:1px solid #00467f;border-radius:.3rem;",
    "min-height:44px;min-width:56px;padding:0 .8rem;cursor:pointer}",
    ".why{border:1px solid #8a8a8a;border-radius:.4rem;margin:.5rem 0;padding:.2rem .6rem .6rem;font-size:.9rem}",
    ".why legend{padding:0 .2rem;font-weight:700}",
    ".tick{display:flex;align-items:center;gap:.5rem;min-height:44px;cursor:pointer}",
    ".tick input{width:1.25rem;height:1.25rem;margin:0;flex:none;accent-color:#00467f}",
    ".keep{color:#4a4a4a}",
    ".fbdone,.person{font-size:.9rem;margin:.4rem 0}",
    ".read{font:inherit;font-size:.9rem;background:#fff;color:#00467f;border:1px solid #00467f;border-radius:.3rem;",
    "min-height:44px;padding:0 .8rem;margin-top:.4rem;cursor:pointer}",
    ".read[hidden]{display:none}",
    ".person a{color:#00467f;font-weight:700}",
    "form{display:flex;gap:.5rem;align-items:flex-end;padding:.5rem .9rem;border-top:1px solid #8a8a8a;flex:none}",
    "form label{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "textarea{flex:1;font:inherit;resize:none;border:1px solid #6b6b6b;border-radius:.4rem;padding:.5rem;",
    "min-height:44px;max-height:8rem;color:#1a1a1a;background:#fff}",
    ".send{font:inherit;font-weight:600;background:#00467f;color:#fff;border:0;border-radius:.4rem;",
    "min-height:44px;min-width:44px;padding:0 .9rem;cursor:pointer}",
    ".send:disabled{background:#5a5a5a}",
    ".human{margin:0;padding:.3rem .9rem .5rem;font-size:.85rem;flex:none}",
    ".human a{color:#00467f;font-weight:700}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
  ].join("");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var key;
    for (key in attrs || {}) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "class") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  var host = el("div", { id: "levanger-helse-widget" });
  var root = host.attachShadow({ mode: "open" });
  var wrap = el("div", { class: "w", lang: "nb" });
  root.appendChild(el("style", { text: CSS }));
  root.appendChild(wrap);

  var launcher = el("button", { class: "launcher", type: "button", "aria-haspopup": "dialog",
    "aria-expanded": "false", "aria-controls": "lv-panel", text: T.launcher });
  var close = el("button", { class: "x", type: "button", text: T.close });
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
  var input = el("textarea", { id: "lv-q", rows: "2", maxlength: "4000", placeholder: T.placeholder,
    autocomplete: "off" });
  var send = el("button", { class: "send", type: "submit", text: T.send });
  var form = el("form", {}, [el("label", { for: "lv-q", text: T.label }), input, send]);
  // the notice: in full until the first answer, then folded to one line that opens it again
  var noticeFull = el("div", { id: "lv-notice" }, [
    el("p", {}, [el("strong", { text: T.machine }), T.machineMore]),
    el("p", {}, [el("strong", { text: T.privacy }), T.privacyMore])
  ]);
  var noticeToggle = el("button", { class: "ntoggle", type: "button", "aria-expanded": "true",
    "aria-controls": "lv-notice", hidden: "" }, [el("span", { text: T.noticeShort })]);
  var panel = el("div", { id: "lv-panel", class: "panel", role: "dialog", "aria-modal": "true",
    "aria-labelledby": "lv-title", hidden: "" }, [
    el("div", { class: "head" }, [el("h2", { id: "lv-title", text: T.title }), close]),
    el("div", { class: "notice" }, [noticeToggle, noticeFull]),
    log, form,
    el("p", { class: "human" }, [T.human, el("a", { href: TEL, text: T.call }), T.hours])
  ]);
  wrap.appendChild(launcher);
  wrap.appendChild(panel);

  // history-budget:start
  // What is sent of the conversation: only what the assistant uses (the last turns, each cut, with the
  // assistant turns' services), under a byte budget. With the longest question (4,000 characters, at most
  // 6 bytes each in JSON) the body stays under the API's 32 KB limit, so a long conversation can never
  // make a later question (an emergency included) fail with "too large".
  var HISTORY_TURNS = 6, TURN_CHARS = 1000, TURN_SERVICES = 5, HISTORY_BYTES = 8192;
  function utf8Bytes(s) { return new TextEncoder().encode(s).length; }
  function cut(text) {
    var chars = Array.from(String(text || ""));  // whole characters: never half of a surrogate pair
    return chars.length > TURN_CHARS ? chars.slice(0, TURN_CHARS).join("") : chars.join("");
  }
  function historyToSend(turns) {
    var out = turns.slice(-HISTORY_TURNS).map(function (t) {
      var turn = { role: t.role, text: cut(t.text) };
      if (t.role === "assistant") turn.services = (t.services || []).slice(0, TURN_SERVICES);
      return turn;
    });
    while (out.length && utf8Bytes(JSON.stringify(out)) > HISTORY_BYTES) out.shift();  // oldest first
    return out;
  }
  // history-budget:end

  var history = [];
  var count = 0;
  var busy = false;
  var services = {};

  var folded = false;
  function showNotice(show) {
    noticeFull.hidden = !show;
    noticeToggle.setAttribute("aria-expanded", String(show));
  }
  function fold() {
    if (folded) return;
    folded = true;
    noticeToggle.hidden = false;
    showNotice(false);
  }
  noticeToggle.addEventListener("click", function () { showNotice(noticeFull.hidden); });

  // on a phone the panel fills the screen; it follows the visual viewport, so the input stays in view above
  // the on-screen keyboard (which shrinks the visual viewport, not always the layout viewport)
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 599.98px)") : { matches: false };
  function fit() {
    var vv = window.visualViewport;
    if (!vv || panel.hidden || !narrow.matches) {
      panel.style.top = panel.style.height = "";
      return;
    }
    panel.style.top = vv.offsetTop + "px";
    panel.style.height = vv.height + "px";
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fit);
    window.visualViewport.addEventListener("scroll", fit);
  }
  window.addEventListener("resize", fit);

  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("button,a[href],textarea,input,[tabindex='0']"),
      function (n) { return !n.disabled && n.offsetParent !== null; });
  }

  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    fit();
    input.focus();
  }

  function shut() {
    if (speech && typeof speech.cancel === "function") speech.cancel();
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (e) {
    if (e.key !== "Tab") return;
    // keep keyboard focus inside the open panel
    var items = focusables();
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1], active = root.activeElement;
    if (e.shiftKey && (active === first || !panel.contains(active))) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (active === last || !panel.contains(active))) { e.preventDefault(); first.focus(); }
  });
  // focus that wanders out of the open panel (a click on the page, a screen reader's jump) is brought back
  document.addEventListener("focusin", function (e) {
    if (!panel.hidden && e.target !== host) input.focus();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) { e.preventDefault(); shut(); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  // a reply's Markdown, safely: **strong**, *em*, "- " lists, [n] markers as buttons that open source n
  function inline(parent, text, openSource) {
    var re = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[(\d+)\]/g, at = 0, m;
    text = text.replace(/\\(.)/g, "$1");
    while ((m = re.exec(text)) !== null) {
      if (m.index > at) parent.appendChild(document.createTextNode(text.slice(at, m.index)));
      if (m[1] !== undefined) parent.appendChild(phone(m[1]) || el("strong", { text: m[1] }));
      else if (m[2] !== undefined) parent.appendChild(el("em", { text: m[2] }));
      else parent.appendChild(marker(Number(m[3]), openSource));
      at = re.lastIndex;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  // a bold phone number of the templates ("113", "116 117", "74 05 25 00") is a tel: link, as in the app
  function phone(text) {
    var digits = text.replace(/ /g, "");
    if (!/^\d+$/.test(digits) || [3, 6, 8].indexOf(digits.length) < 0 || text !== text.trim()) return null;
    var a = el("a", { class: "tel", href: "tel:" + (digits.length === 8 ? "+47" : "") + digits });
    a.appendChild(el("strong", { text: text }));
    return a;
  }

  function marker(n, openSource) {
    var b = el("button", { class: "mk", type: "button", "aria-label": "Kilde " + n }, [el("span", { text: "[" + n + "]" })]);
    b.addEventListener("click", function () { openSource(n, true); });
    return b;
  }

  function paragraphs(parent, markdown, openSource) {
    markdown.split(/\n{2,}/).forEach(function (block) {
      var lines = block.split("\n");
      if (lines.every(function (l) { return /^\s*[-*•]\s+/.test(l); })) {
        var ul = el("ul");
        lines.forEach(function (l) { var li = el("li"); inline(li, l.replace(/^\s*[-*•]\s+/, ""), openSource); ul.appendChild(li); });
        parent.appendChild(ul);
      } else {
        var p = el("p");
        lines.forEach(function (l, i) { if (i) p.appendChild(el("br")); inline(p, l, openSource); });
        parent.appendChild(p);
      }
    });
  }

  function request(method, path, body) {
    var init = { method: method, headers: { "Accept-Language": "nb" }, credentials: "omit", mode: "cors" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    // no answer within TIMEOUT_MS: give up rather than show "Leter …" for ever
    var abort = typeof AbortController === "function" ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, TIMEOUT_MS) : 0;
    if (abort) init.signal = abort.signal;
    // a lost connection, a refused origin (CORS) or the time-out reject with the browser's own English text
    // ("Failed to fetch", "The user aborted a request"): say it in Norwegian, with the switchboard
    return fetch(api + path, init).catch(function () { throw new Error(T.failed); }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        // a 5xx (a proxy's HTML page or a crash) gets our own message; a 4xx says what was wrong
        if (!r.ok) throw new Error((r.status < 500 && data.error && data.error.message_nb) || T.failed);
        return data;
      });
    }).then(function (data) { clearTimeout(timer); return data; },
      function (err) { clearTimeout(timer); throw err; });
  }

  function service(id) {
    if (!services[id]) services[id] = request("GET", "/v1/services/" + encodeURIComponent(id));
    return services[id];
  }

  function source(c, id) {
    var box = el("div", { class: "passage", id: id, hidden: "" });
    var btn = el("button", { class: "src", type: "button", "aria-expanded": "false", "aria-controls": id,
      text: "[" + c.n + "] " + c.title + " – " + c.section });
    var full = el("div", { class: "full", hidden: "" });
    var more = el("button", { class: "more", type: "button", "aria-expanded": "false", text: T.full });
    box.appendChild(el("blockquote", { text: c.quote }));
    box.appendChild(el("p", { class: "meta", text: c.title + " · " + c.section + (c.page ? " · " + T.page + c.page : "") }));
    box.appendChild(more);
    box.appendChild(full);
    function toggle(show) {
      box.hidden = !show;
      btn.setAttribute("aria-expanded", String(show));
    }
    btn.addEventListener("click", function () { toggle(box.hidden); });
    more.addEventListener("click", function () {
      var show = full.hidden;
      full.hidden = !show;
      more.setAttribute("aria-expanded", String(show));
      more.textContent = show ? T.fullHide : T.full;
      if (!show || full.textContent) return;
      full.textContent = T.thinking;
      service(c.service_id).then(function (doc) {
        var s = (doc.sections || []).filter(function (x) { return x.heading === c.section; })[0];
        full.textContent = s ? s.text : T.fullFailed;
      }, function () { full.textContent = T.fullFailed; });
    });
    return { item: el("li", {}, [btn, box]), toggle: toggle, button: btn };
  }

  // read aloud: the browser's own speech synthesis with a Norwegian voice, on the device (nothing is sent);
  // the buttons stay hidden on a device without one, and appear when its voices have loaded
  var speech = window.speechSynthesis || null;
  var readButtons = [];
  function norwegian() {
    if (!speech || typeof speech.getVoices !== "function") return null;
    return speech.getVoices().filter(function (v) { return /^(nb|no|nn)([-_]|$)/i.test(v.lang || ""); })[0] || null;
  }
  function showReaders() {
    var voice = norwegian();
    readButtons.forEach(function (b) { b.hidden = !voice; });
  }
  if (speech && typeof speech.addEventListener === "function") speech.addEventListener("voiceschanged", showReaders);

  function reader(textOf) {
    var b = el("button", { type: "button", class: "read", "aria-pressed": "false", text: T.read });
    b.addEventListener("click", function () {
      var voice = norwegian();
      if (!voice) return;
      var reading = b.getAttribute("aria-pressed") === "true";
      speech.cancel();
      readButtons.forEach(function (o) { o.setAttribute("aria-pressed", "false"); o.textContent = T.read; });
      if (reading) return;
      var u = new SpeechSynthesisUtterance(textOf());
      u.voice = voice;
      u.lang = voice.lang;
      u.onend = u.onerror = function () { b.setAttribute("aria-pressed", "false"); b.textContent = T.read; };
      b.setAttribute("aria-pressed", "true");
      b.textContent = T.stopReading;
      speech.speak(u);
    });
    readButtons.push(b);
    b.hidden = !norwegian();
    return b;
  }

  // a person to turn to: the switchboard (tel:) and the e-mail address
  function person(lead) {
    return el("p", { class: "person" }, [lead, el("a", { href: TEL, text: T.call }), T.hours + ", e-post ",
      el("a", { href: "mailto:" + T.mail, text: T.mail }), "."]);
  }

  function feedback(reply, i) {
    var row = el("div", { class: "fb" }, [el("span", { text: T.useful })]);
    function rate(rating, reasons, keep) {
      var body = { rating: rating, status: reply.status, aspect: reply.aspect || "", services: reply.services || [],
        chunks: (reply.citations || []).map(function (c) { return c.chunk_id; }), reasons: reasons || [] };
      // the question is sent only when the user ticked the box that allows it
      if (keep) { body.include_question = true; body.question = reply.question || ""; }
      return request("POST", "/v1/feedback", body);
    }
    function done(node, text) {
      // the pressed button goes away: keep the keyboard user's place on the message that replaces it
      node.textContent = text;
      node.setAttribute("tabindex", "-1");
      node.focus();
    }
    function why() {
      // 👎: what was wrong (optional, a closed set), then a person
      var boxes = T.reasons.map(function (r, n) {
        var id = "lv-why-" + i + "-" + n;
        return { key: r[0], box: el("input", { type: "checkbox", id: id, value: r[0] }), label: r[1], id: id };
      });
      var keepId = "lv-keep-" + i;
      var keep = el("input", { type: "checkbox", id: keepId });
      var submit = el("button", { type: "button", class: "fbsend", text: T.sendFeedback });
      var set = el("fieldset", { class: "why" }, [el("legend", { text: T.why })].concat(
        boxes.map(function (b) { return el("label", { class: "tick", for: b.id }, [b.box, " " + b.label]); }),
        [el("label", { class: "tick keep", for: keepId }, [keep, " " + T.keepQuestion]), submit]));
      row.replaceWith(set);
      boxes[0].box.focus();
      submit.addEventListener("click", function () {
        submit.disabled = true;
        var chosen = boxes.filter(function (b) { return b.box.checked; }).map(function (b) { return b.key; });
        var status = el("p", { class: "fbdone" });
        rate("down", chosen, keep.checked).then(function () {
          set.replaceWith(status);
          done(status, keep.checked ? T.thanksKept : T.thanks);
        }, function () {
          set.replaceWith(status);
          done(status, T.feedbackFailed);
        }).then(function () { status.after(person(T.person)); });
      });
    }
    var up = el("button", { type: "button", text: T.yes, "aria-label": T.useful + " " + T.yes });
    var down = el("button", { type: "button", text: T.no, "aria-label": T.useful + " " + T.no });
    up.addEventListener("click", function () {
      rate("up").then(function () { done(row, T.thanks); }, function () { done(row, T.feedbackFailed); });
    });
    down.addEventListener("click", why);
    row.appendChild(up);
    row.appendChild(down);
    return row;
  }

  function message(kind, who) {
    var body = el("div", { class: "body" });
    var node = el("div", { class: "msg " + kind }, [el("span", { class: "who", text: who }), body]);
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return body;
  }

  // a new answer is read from its start: its first line at the top of the log, not its sources at the bottom
  function scrollToStart(body) {
    var node = body.parentNode;
    log.scrollTop = Math.max(0, node.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop - 4);
  }

  function failure(text) {
    var body = message("bot", T.bot);
    body.appendChild(el("p", { text: text }));
    body.appendChild(person(T.human));
    scrollToStart(body);
  }

  function answer(reply) {
    var i = ++count, opened = {};
    var body = message("bot" + (reply.status === "emergency" ? " emergency" : ""), T.bot);
    function openSource(n, focus) {
      var s = opened[n];
      if (!s) return;
      s.toggle(true);
      if (focus) s.button.focus();
    }
    if (reply.status === "emergency") {
      // the number to call first, as a large tappable button (112 first for violence happening now)
      var first = /\b112\b/.test((reply.text || "").split("\n")[0]) ? "112" : "113";
      body.appendChild(el("a", { class: "call", href: "tel:" + first, text: T.callNow + " " + first }));
    }
    var parts = reply.parts && reply.parts.length ? reply.parts.map(function (p) { return p.text; }) : [reply.text];
    var text = el("div", { class: "text" });
    parts.forEach(function (t) { paragraphs(text, t, openSource); });
    body.appendChild(text);
    // the answer's own text is read, without the [n] markers
    body.appendChild(reader(function () {
      return Array.prototype.map.call(text.querySelectorAll("p, li"), function (n) {
        return n.textContent.replace(/\[\d+\]/g, "").trim();
      }).join("\n");
    }));
    if (reply.citations && reply.citations.length) {
      var list = el("ol");
      reply.citations.forEach(function (c) {
        var s = source(c, "lv-src-" + i + "-" + c.n);
        opened[c.n] = s;
        list.appendChild(s.item);
      });
      body.appendChild(el("h3", { text: T.sources }));
      body.appendChild(list);
    }
    if (reply.suggestions && reply.suggestions.length) {
      // a question back: each quick reply is sent as the next question when tapped
      var chips = el("div", { class: "chips", role: "group", "aria-label": T.suggestions });
      reply.suggestions.forEach(function (text) {
        var chip = el("button", { type: "button", class: "chip", text: text });
        chip.addEventListener("click", function () {
          if (busy) return;
          input.value = text;
          form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
        });
        chips.appendChild(chip);
      });
      body.appendChild(chips);
    }
    body.appendChild(feedback(reply, i));
    fold();
    scrollToStart(body);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q || busy) return;
    busy = true;
    send.disabled = true;
    input.value = "";
    var mine = message("user", T.you);
    mine.textContent = q;
    var wait = el("p", { class: "meta", text: T.thinking });
    log.appendChild(wait);
    request("POST", "/v1/ask", { question: q, history: historyToSend(history) }).then(function (reply) {
      // keep only the masked question, here and in the history sent back
      mine.textContent = reply.question || q;
      history.push({ role: "user", text: reply.question || "" });
      history.push({ role: "assistant", text: reply.text, services: reply.services || [] });
      history = historyToSend(history);  // the page's memory holds no more than is sent
      wait.remove();
      answer(reply);
    }, function (err) {
      wait.remove();
      failure(err && err.message ? err.message : T.failed);
    }).then(function () {
      busy = false;
      send.disabled = false;
      input.focus();
    });
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
