// The page of `duban demo --web`: draws the HTML fragments the server renders and turns every click,
// change and submission into one POST /api/act; the server acts through the Slack emulator.
"use strict";
(function () {
  const saved = JSON.parse(localStorage.getItem("duban-demo") || "{}");
  const ui = { user: saved.user || "", conv: saved.conv || "", tab: saved.tab || "messages", thread: "" };
  const shown = {};
  const $ = (id) => document.getElementById(id);

  function remember() {
    localStorage.setItem("duban-demo", JSON.stringify({ user: ui.user, conv: ui.conv, tab: ui.tab }));
  }

  function put(id, html) {
    // Touch only what changed, so a form being typed into, an open menu or a message being read
    // survives a refresh.
    if (shown[id] === html) return false;
    shown[id] = html;
    const fresh = document.createElement("div");
    fresh.innerHTML = html;
    morph($(id), fresh);
    return true;
  }

  function keyOf(node, index) {
    if (node.nodeType === 1 && node.dataset.ts) return "m" + node.dataset.ts + node.dataset.eph;
    return "i" + index;
  }

  // Make `old`'s children look like `fresh`'s, keeping every element that is already right.
  function morph(old, fresh) {
    const kept = new Map();
    Array.from(old.childNodes).forEach((node, index) => kept.set(keyOf(node, index), node));
    const wanted = Array.from(fresh.childNodes);
    wanted.forEach((node, index) => {
      let current = kept.get(keyOf(node, index));
      if (current && current.isEqualNode(node)) {
        kept.delete(keyOf(node, index));
      } else if (current && current.nodeType === 1 && current.tagName === node.tagName) {
        kept.delete(keyOf(node, index));
        Array.from(current.attributes).forEach((a) => { if (!node.hasAttribute(a.name)) current.removeAttribute(a.name); });
        Array.from(node.attributes).forEach((a) => current.setAttribute(a.name, a.value));
        morph(current, node);
      } else {
        current = node;
      }
      if (old.childNodes[index] !== current) old.insertBefore(current, old.childNodes[index] || null);
    });
    kept.forEach((node) => { if (node.parentNode === old) old.removeChild(node); });
    while (old.childNodes.length > wanted.length) old.removeChild(old.lastChild);
  }

  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  function scrollDown() {
    const list = $("messages");
    if (list) list.scrollTop = list.scrollHeight;
  }
  // A chart that finishes loading grows the list: keep the newest message in view.
  document.addEventListener("load", (event) => { if (event.target.tagName === "IMG") scrollDown(); }, true);

  let refreshing = null;
  let again = false;
  async function refresh() {
    if (refreshing) { again = true; return refreshing; }
    refreshing = (async () => {
      do {
        again = false;
        const asked = { user: ui.user, conv: ui.conv, tab: ui.tab, thread: ui.thread };
        const response = await fetch("/api/ui?" + new URLSearchParams(asked));
        const data = await response.json();
        // The person may have switched user or conversation meanwhile: draw what they now ask for.
        if (Object.keys(asked).some((key) => asked[key] !== ui[key])) { again = true; continue; }
        if (!data.ok) { toast(data.error); ui.user = ""; break; }
        Object.assign(ui, { user: data.user, conv: data.conv, tab: data.tab });
        document.documentElement.lang = data.lang;
        document.body.dataset.version = data.version;
        put("topbar", data.topbar);
        put("sidebar", data.sidebar);
        if (put("main", data.main)) scrollDown();
        put("thread", data.thread);
        $("thread-pane").hidden = !data.thread;
        if (!data.thread) ui.thread = "";
        put("modal", data.modal);
        $("overlay").hidden = !data.modal;
        $("composer-text").placeholder = data.placeholder;
        $("thread-text").placeholder = data.thread_placeholder;
        $("composer").hidden = ui.tab === "home";
        remember();
      } while (again);
      document.body.dataset.ready = "1";
    })();
    try { await refreshing; } finally { refreshing = null; }
  }

  async function act(body) {
    document.body.classList.add("busy");
    try {
      const response = await fetch("/api/act", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(Object.assign({ user: ui.user }, body)),
      });
      const data = await response.json();
      if (!data.ok) toast(data.error);
    } catch (error) {
      toast(String(error));
    } finally {
      document.body.classList.remove("busy");
    }
    await refresh();
  }

  // Where an element lives: a message (channel + ts) or a view (modal / App Home).
  function container(el) {
    const view = el.closest("[data-view-id]");
    if (view) return { kind: "view_click", view_id: view.dataset.viewId };
    const msg = el.closest(".msg");
    return { kind: "click", channel: msg.dataset.channel, ts: msg.dataset.ts, ephemeral: !!msg.dataset.eph };
  }

  function elementAction(el, value) {
    if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) return;
    const body = Object.assign(container(el), { action_id: el.dataset.actionId, block_id: el.dataset.blockId });
    if (el.dataset.value !== undefined) body.button_value = el.dataset.value;
    if (value !== undefined) body.value = value;
    const menu = el.closest("details");
    if (menu) menu.open = false;
    act(body);
  }

  function controlValue(el) {
    const kind = el.dataset.kind;
    if (kind === "checkboxes") {
      const group = el.closest(".bk-choices");
      return Array.from(group.querySelectorAll("input:checked")).map((i) => i.value);
    }
    if (kind === "radio_buttons") {
      const picked = el.closest(".bk-choices").querySelector("input:checked");
      return picked ? picked.value : "";
    }
    if (el.multiple) return Array.from(el.selectedOptions).map((o) => o.value);
    return el.value;
  }

  function formValues(form) {
    const values = {};
    form.querySelectorAll(".bk-input").forEach((block) => {
      const control = block.querySelector("[data-kind]");
      if (control) values[block.dataset.blockId] = controlValue(control);
    });
    return values;
  }

  document.addEventListener("click", (event) => {
    const el = event.target.closest("a, button");
    if (!el) return;
    if (el.classList.contains("bk-act")) {
      event.preventDefault();
      elementAction(el, el.dataset.pick);
    } else if (el.dataset.conv) {
      event.preventDefault();
      Object.assign(ui, { conv: el.dataset.conv, thread: "", tab: "messages" });
      refresh();
    } else if (el.dataset.tab) {
      event.preventDefault();
      ui.tab = el.dataset.tab;
      if (ui.tab === "home") act({ kind: "home" }); else refresh();
    } else if (el.dataset.thread) {
      event.preventDefault();
      ui.thread = el.dataset.thread;
      refresh();
    } else if (el.classList.contains("close-thread")) {
      ui.thread = "";
      refresh();
    } else if (el.classList.contains("modal-x") || el.classList.contains("modal-cancel")) {
      act({ kind: "close", view_id: el.closest("[data-view-id]").dataset.viewId });
    } else if (el.dataset.clock) {
      act({ kind: "clock", op: el.dataset.clock, date: $("clock-date").value });
    }
  });

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.id === "who") {
      Object.assign(ui, { user: el.value, conv: "", thread: "" });
      if (ui.tab === "home") act({ kind: "home" }); else refresh();
    } else if (el.id === "lang") {
      act({ kind: "lang", locale: el.value });
    } else if (el.classList.contains("bk-change")) {
      elementAction(el, controlValue(el));
    }
  });

  document.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (form.classList.contains("modal")) {
      act({ kind: "submit", view_id: form.dataset.viewId, values: formValues(form) });
      return;
    }
    const inThread = form.id === "thread-composer";
    const box = inThread ? $("thread-text") : $("composer-text");
    const text = box.value.trim();
    if (!text) return;
    box.value = "";
    act({ kind: "send", channel: ui.conv, text: text, thread_ts: inThread ? ui.thread : "" });
  });

  document.addEventListener("keydown", (event) => {
    const box = event.target;
    if (event.key === "Enter" && !event.shiftKey && (box.id === "composer-text" || box.id === "thread-text")) {
      event.preventDefault();
      box.form.requestSubmit();
    }
  });

  const events = new EventSource("/api/events");
  events.onmessage = () => refresh();
  refresh().then(() => { if (ui.tab === "home") act({ kind: "home" }); });
})();
