/* 离线填报: the grid worker's phone pages without signal. Vanilla JS, no library.
 *
 * The worker's own data (households of open sweeps, open tasks) is kept in IndexedDB; every answer
 * goes into a queue there with an idempotency key (a UUID made here) and is sent when there is
 * signal: on load, on the `online` event and right after it is made, and again (5 s, doubling to a
 * minute) while the server answers with trouble. The server applies a key once
 * and answers a replay with the first result. A conflict (reassigned, closed, recorded by someone
 * else) moves the answer to the 冲突 list, which the worker acknowledges; nothing is dropped.
 *
 * On other pages (我的排摸, 我的核查任务) the same script only shows the count and sends the queue:
 * an element with `data-offline-pending` and `data-answer` (the answers URL) is all it needs.
 */
(function () {
  "use strict";

  const DB_NAME = "fangkong-offline";
  const app = document.getElementById("offline-app");
  const holder = app || document.querySelector("[data-answer]");
  if (!holder || !window.indexedDB) return;
  const answerUrl = holder.dataset.answer;
  const textEl = document.getElementById("offline-text");
  const T = textEl ? JSON.parse(textEl.textContent) : {pending: holder.dataset.pendingText || "待上传 %(n)s 条"};
  const fmt = (s, args) => String(s || "").replace(/%\((\w+)\)s/g, (_m, k) => args[k]);

  // --- IndexedDB: meta (the snapshot), queue and conflicts (by key) --------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open(DB_NAME, 1);
      r.onupgradeneeded = () => {
        const db = r.result;
        db.createObjectStore("meta");
        db.createObjectStore("queue", {keyPath: "key"});
        db.createObjectStore("conflicts", {keyPath: "key"});
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  function run(store, mode, fn) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      let out;
      const req = fn(t.objectStore(store));
      if (req) req.onsuccess = () => { out = req.result; };
      t.oncomplete = () => { db.close(); resolve(out); };
      t.onerror = () => { db.close(); reject(t.error); };
      t.onabort = () => { db.close(); reject(t.error); };
    }));
  }
  const dbGet = (store, key) => run(store, "readonly", (s) => s.get(key));
  const dbPut = (store, value, key) => run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
  const dbDel = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const dbAll = (store) => run(store, "readonly", (s) => s.getAll());

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : (state.snapshot && state.snapshot.csrf) || "";
  }

  const state = {snapshot: null, queue: [], conflicts: [], problem: ""};
  let seq = Date.now();

  // --- the queue ---------------------------------------------------------------------------
  async function enqueue(payload, label, patch) {
    const item = {key: uuid(), seq: seq++, user: state.snapshot.user, label, payload: null};
    item.payload = Object.assign({key: item.key, recorded_at: new Date().toISOString()}, payload);
    await dbPut("queue", item);
    patch(state.snapshot);  // the phone shows it done at once
    await dbPut("meta", state.snapshot, "snapshot");
    await refreshLists();
    render();
    sync();
  }

  // One sender at a time; an answer made while it runs is sent by another round of the same one.
  let syncing = null;
  let again = false;
  function sync() {
    if (syncing) {
      again = true;
      return syncing;
    }
    syncing = (async () => {
      let sent = false;
      do {
        again = false;
        sent = (await doSync()) || sent;
      } while (again && navigator.onLine);
      return sent;
    })().finally(() => { syncing = null; refreshLists().then(render).then(retryLater); });
    return syncing;
  }

  // "稍后自动重试": a server that answered with trouble (busy, restarting, a lost session) is
  // asked again, sooner at first, then every minute, for as long as answers wait and there is signal.
  let retryTimer = null;
  let retryDelay = 5000;
  function retryLater() {
    clearTimeout(retryTimer);
    if (!state.problem || !state.queue.length) {
      retryDelay = 5000;
      return;
    }
    retryTimer = setTimeout(() => { if (navigator.onLine) sync(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  async function doSync() {
    if (!navigator.onLine) return false;
    const items = (await dbAll("queue")).sort((a, b) => a.seq - b.seq);
    const me = (state.snapshot && state.snapshot.user) || Number(holder.dataset.user) || null;
    let sent = false;
    for (const item of items) {
      if (me && item.user !== me) {  // made under another account on this phone: never sent as mine
        await toConflicts(item, T.other_user);
        continue;
      }
      let res;
      try {
        res = await fetch(answerUrl, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()}, body: JSON.stringify(item.payload)});
      } catch (e) {
        return sent;  // no signal after all: it stays queued
      }
      const body = await res.json().catch(() => null);
      if (res.status === 200) {
        await dbDel("queue", item.key);
        sent = true;
      } else if (res.status === 409 || res.status === 422 || res.status === 400) {
        await toConflicts(item, (body && (body.message || body.detail)) || T.refused_answer);
        sent = true;
      } else {  // logged out, no permission, server trouble: keep it, say so, try later
        state.problem = (body && body.detail) || T.retry;
        return sent;
      }
    }
    state.problem = "";
    return sent;
  }

  async function toConflicts(item, message) {
    await dbPut("conflicts", {key: item.key, seq: item.seq, label: item.label, message, at: new Date().toISOString()});
    await dbDel("queue", item.key);
  }

  async function refreshLists() {
    state.queue = (await dbAll("queue")).sort((a, b) => a.seq - b.seq);
    state.conflicts = (await dbAll("conflicts")).sort((a, b) => a.seq - b.seq);
  }

  async function loadSnapshot() {
    if (!app || !navigator.onLine) return false;
    try {
      const res = await fetch(app.dataset.data, {credentials: "same-origin", headers: {Accept: "application/json"}});
      const body = await res.json().catch(() => null);
      if (!res.ok || !body) {
        state.problem = (body && body.detail) || T.retry;
        return false;
      }
      state.snapshot = body;
      await dbPut("meta", body, "snapshot");
      return true;
    } catch (e) {
      return false;
    }
  }

  // --- drawing -------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  }

  function badge() {
    const n = state.queue.length;
    document.querySelectorAll("[data-offline-pending]").forEach((b) => {
      b.textContent = fmt(T.pending, {n});
      b.hidden = !app && n === 0;
      b.classList.toggle("late", n > 0);
    });
  }

  function render() {
    badge();
    if (!app) return;
    document.getElementById("net-state").textContent = navigator.onLine ? T.online : T.offline;
    const problem = document.getElementById("problem");
    problem.textContent = state.problem;
    problem.hidden = !state.problem;
    const box = document.getElementById("conflicts");
    box.hidden = state.conflicts.length === 0;
    document.getElementById("conflict-list").replaceChildren(...state.conflicts.map((c) => el("li", {class: "conflict"},
      el("strong", {text: c.label}), " ", el("span", {class: "late", text: c.message}), " ",
      el("button", {type: "button", class: "secondary", text: T.ack,
        onclick: () => dbDel("conflicts", c.key).then(refreshLists).then(render)}))));
    const view = document.getElementById("view");
    if (!state.snapshot) {
      view.replaceChildren(el("p", {class: "muted", text: T.loading_failed}));
      return;
    }
    const [route, id] = (location.hash.replace(/^#\/?/, "") || "home").split("/");
    const pick = {sweep: sweepView, visit: visitView, task: taskView, measure: measureView}[route] || homeView;
    view.replaceChildren(...pick(Number(id)));
  }

  const visitsOf = (sweepId) => state.snapshot.visits.filter((v) => v.sweep === sweepId);
  const back = (href) => el("p", {class: "muted"}, el("a", {href, text: `‹ ${T.back}`}));

  function homeView() {
    const s = state.snapshot;
    const sweeps = s.sweeps.map((w) => {
      const vs = visitsOf(w.id);
      const left = vs.filter((v) => v.open).length;
      return el("li", {class: "card"}, el("a", {href: `#/sweep/${w.id}`}, el("strong", {text: w.name})), el("br"),
        el("span", {text: fmt(T.left, {n: left, total: vs.length})}), " ",
        el("span", {class: "muted", text: `${T.due} ${w.due_at.slice(5, 16).replace("T", " ")}`}));
    });
    const tasks = s.tasks.map((t) => el("li", {class: "card task"},
      el("a", {href: `#/task/${t.id}`}, el("strong", {text: t.name || "—"})), " ",
      el("span", {class: "muted", text: `${t.channel} · ${t.status}`}), el("br"),
      t.due ? el("span", {text: `${T.due} ${t.due.slice(5, 16).replace("T", " ")}`}) : null));
    const measures = (s.measures || []).map((m) => el("li", {class: "card measure"},
      el("a", {href: `#/measure/${m.id}`}, el("strong", {text: m.name || "—"})), " ",
      el("span", {class: "muted", text: `${m.kind} · ${T.until} ${m.ends_on.slice(5)}`}),
      m.checked_today ? el("span", {class: "ok", text: ` ✓ ${T.checked_today}`}) : null));
    return [el("h1", {text: T.home}),
      el("p", {class: "muted", text: `${T.saved_at} ${s.at.slice(5, 16).replace("T", " ")}`}),
      el("h2", {text: T.sweeps}), el("ul", {class: "plain"}, sweeps.length ? sweeps : el("li", {class: "muted", text: T.no_sweeps})),
      el("h2", {text: T.tasks}), el("ul", {class: "plain tasks"}, tasks.length ? tasks : el("li", {class: "muted", text: T.no_tasks})),
      el("h2", {text: T.door}), el("ul", {class: "plain measures"}, measures.length ? measures : el("li", {class: "muted", text: T.no_measures}))];
  }

  function measureView(id) {
    const m = (state.snapshot.measures || []).find((x) => x.id === id);
    if (!m) return homeView();
    const queued = state.queue.filter((q) => q.payload.kind === "offline_door_check" && q.payload.target === m.id);
    const note = el("input", {type: "text", id: `door-note-${m.id}`, maxlength: "255", placeholder: T.note});
    const buttons = state.snapshot.door_outcomes.map(([value, label]) => el("button", {type: "button", name: "outcome",
      value, class: value === "present" ? null : "secondary", text: label,
      onclick: () => enqueue({kind: "offline_door_check", target: m.id, choice: value, note: note.value},
        `${m.name} · ${T.door} · ${label}`, (s) => { s.measures.find((x) => x.id === m.id).checked_today = true; })}));
    return [back("#/"), el("h1", {text: m.name || "—"}),
      el("p", {class: "muted", text: [m.kind, m.address, `${T.until} ${m.ends_on}`].filter(Boolean).join(" · ")}),
      m.checked_today ? el("p", {class: "ok", text: `✓ ${T.checked_today}`}) : null,
      el("div", {class: "card", id: "door-form"}, el("strong", {text: T.door}), el("p", {}, note), el("div", {class: "row"}, buttons)),
      queued.length ? el("p", {class: "muted", text: `${T.queued}: ${queued.map((q) => q.label).join("；")}`}) : null]
      .filter(Boolean);
  }

  function sweepView(id) {
    const w = state.snapshot.sweeps.find((x) => x.id === id);
    if (!w) return homeView();
    const vs = visitsOf(id);
    const row = (v) => el("li", {class: "card"}, el("a", {href: `#/visit/${v.id}`}, el("strong", {text: v.address})), el("br"),
      el("span", {class: "muted", text: `${v.head || ""} · ${fmt(T.members, {n: v.members.length})} · ${v.status_label}`}));
    const open = vs.filter((v) => v.open);
    return [back("#/"), el("h1", {text: w.name}),
      el("h2", {text: T.to_walk}), el("ul", {class: "plain households"}, open.length ? open.map(row) : el("li", {class: "muted", text: T.all_walked})),
      el("h2", {text: T.walked}), el("ul", {class: "plain walked"}, vs.filter((v) => !v.open).map(row))];
  }

  function pendingOf(pred) {
    return state.queue.some((q) => pred(q.payload));
  }

  function visitView(id) {
    const v = state.snapshot.visits.find((x) => x.id === id);
    if (!v) return homeView();
    const w = state.snapshot.sweeps.find((x) => x.id === v.sweep);
    const closed = state.snapshot.closed_statuses.includes(v.status);
    const out = [back(`#/sweep/${v.sweep}`), el("h1", {text: v.address}),
      el("p", {}, el("span", {class: "tag", text: v.status_label}), " ", el("span", {class: "muted", text: v.head || ""}))];
    if (v.open) {
      const note = (kind, label, patch) => el("button", {type: "button", class: "secondary", name: kind, text: label,
        onclick: () => enqueue({kind, target: v.id}, `${v.address} · ${label}`, patch)});
      out.push(el("div", {class: "row"},
        note("offline_not_home", T.not_home, (s) => {
          const x = s.visits.find((y) => y.id === v.id);
          x.attempts += 1; x.status = "not_home"; x.status_label = T.not_home; x.open = false;
        }),
        note("offline_refused", T.refused, (s) => {
          const x = s.visits.find((y) => y.id === v.id);
          x.status = "refused"; x.status_label = T.refused; x.open = false;
        })));
    }
    if (!v.members.length) out.push(el("p", {class: "muted", text: T.no_members}));
    for (const m of v.members) {
      const queued = pendingOf((p) => p.kind === "offline_member" && p.target === v.id && p.resident === m.id);
      const card = el("div", {class: "card member", id: `member-${m.id}`},
        el("strong", {text: m.name}), " ",
        el("span", {class: "muted", text: [m.relation, m.status, m.away_to, m.phone].filter(Boolean).join(" · ")}));
      if (m.done || queued) {
        card.append(el("p", {class: "ok", text: `✓ ${T.recorded}${queued ? `（${T.queued}）` : ""}`}));
      } else if (!closed) {
        const mark = (s) => {
          const x = s.visits.find((y) => y.id === v.id);
          x.members.find((y) => y.id === m.id).done = true;
          x.open = false; x.status = "visited"; x.status_label = T.walked;
        };
        const label = `${v.address} · ${m.name}`;
        card.append(el("div", {class: "row"}, el("button", {type: "button", name: "unchanged", text: T.unchanged,
          onclick: () => enqueue({kind: "offline_member", target: v.id, resident: m.id, unchanged: true}, label, mark)})));
        const form = answerForm(w.questions, m.id, (answers, phone) =>
          enqueue({kind: "offline_member", target: v.id, resident: m.id, answers, phone}, label, mark));
        card.append(el("details", {}, el("summary", {text: T.fill}), form));
      }
      out.push(card);
    }
    return out;
  }

  function answerForm(questions, mid, submit) {
    const fields = questions.map((q) => {
      const id = `q-${mid}-${q.key}`;
      if (q.type === "bool") {
        return el("p", {}, el("label", {for: id}, el("input", {type: "checkbox", id, name: q.key}), ` ${q.label}`));
      }
      if (q.type === "choice") {
        return el("fieldset", {}, el("legend", {text: q.label}), q.choices.map((c, i) => el("label", {},
          el("input", {type: "radio", name: `${mid}-${q.key}`, value: String(c[0]), checked: i === 0, "data-key": q.key}), ` ${c[1]} `)));
      }
      return el("p", {}, el("label", {for: id, text: q.label}), el("input", {type: "text", id, name: q.key, maxlength: "128"}));
    });
    const phone = el("input", {type: "tel", id: `phone-${mid}`, maxlength: "20"});
    const form = el("form", {}, fields, el("p", {}, el("label", {for: `phone-${mid}`, text: T.phone}), phone),
      el("button", {type: "submit", text: T.record}));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const answers = {};
      for (const q of questions) {
        if (q.type === "bool") answers[q.key] = form.querySelector(`#q-${mid}-${q.key}`).checked;
        else if (q.type === "choice") answers[q.key] = (form.querySelector(`input[data-key="${q.key}"]:checked`) || {}).value;
        else answers[q.key] = form.querySelector(`#q-${mid}-${q.key}`).value;
      }
      submit(answers, phone.value.trim());
    });
    return form;
  }

  function taskView(id) {
    const t = state.snapshot.tasks.find((x) => x.id === id);
    if (!t) return homeView();
    const out = [back("#/"), el("h1", {text: t.name || "—"}),
      el("p", {class: "muted", text: [t.channel, t.status, t.phone, t.address].filter(Boolean).join(" · ")})];
    const queued = state.queue.filter((q) => q.payload.target === t.id && q.payload.kind.startsWith("offline_a"));
    if (!t.open) return out;
    const kind = el("select", {id: `attempt-kind-${t.id}`},
      state.snapshot.attempt_kinds.map(([value, label]) => el("option", {value, text: label})));
    const note = el("input", {type: "text", id: `attempt-note-${t.id}`, maxlength: "255", placeholder: T.note});
    const form = el("form", {class: "card", id: "attempt-form"}, el("strong", {text: T.attempt}), el("p", {}, kind), el("p", {}, note),
      el("button", {type: "submit", text: T.save}));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const label = `${t.name} · ${kind.selectedOptions[0].textContent}`;
      enqueue({kind: "offline_attempt", target: t.id, choice: kind.value, note: note.value}, label, () => {});
    });
    out.push(form);
    const stages = el("div", {class: "card row"}, state.snapshot.stages.map(([value, label]) => {
      const done = t.stages_done.includes(value);
      return el("button", {type: "button", class: "secondary", name: "stage", value, disabled: done,
        text: fmt(T.stage_done, {stage: label}) + (done ? " ✓" : ""),
        onclick: () => enqueue({kind: "offline_stage", target: t.id, choice: value}, `${t.name} · ${fmt(T.stage_done, {stage: label})}`,
          (s) => { s.tasks.find((x) => x.id === t.id).stages_done.push(value); })});
    }));
    out.push(stages);
    if (queued.length) out.push(el("p", {class: "muted", text: `${T.queued}: ${queued.map((q) => q.label).join("；")}`}));
    return out;
  }

  // --- start ---------------------------------------------------------------------------------
  async function refresh() {
    const fresh = await loadSnapshot();
    const sent = await sync();
    if (fresh && sent) await loadSnapshot();  // the server's view after what was sent
    await refreshLists();
    render();
  }

  async function start() {
    if (app) {
      state.snapshot = (await dbGet("meta", "snapshot")) || null;
      // Kept for another account (an idle timeout, then someone else logged in): not shown to this one.
      if (state.snapshot && app.dataset.user && state.snapshot.user !== Number(app.dataset.user)) state.snapshot = null;
    }
    await refreshLists();
    render();
    window.addEventListener("online", refresh);
    window.addEventListener("offline", render);
    window.addEventListener("hashchange", render);
    if (app) {
      document.getElementById("sync-now").addEventListener("click", refresh);
      if ("serviceWorker" in navigator && window.isSecureContext) {
        navigator.serviceWorker.register(app.dataset.sw, {scope: app.dataset.scope}).catch(() => {});
      }
    }
    // Logging out wipes the phone (the logged-out page and the server's Clear-Site-Data): say so first.
    document.querySelectorAll('form[action*="/accounts/logout/"]').forEach((f) => f.addEventListener("submit", (e) => {
      const ask = T.logout_pending || holder.dataset.logoutText;
      if (state.queue.length && !window.confirm(fmt(ask, {n: state.queue.length}))) e.preventDefault();
    }));
    await refresh();
    holder.dataset.ready = "1";
  }

  start();
})();
