// The projector's live part: it keeps a websocket to the tally feed,
// redraws turnout and the ranking on every message, reconnects by itself
// (with backoff) after a network drop or a server restart, and shows when
// it is offline. The server renders the first state, so the wall shows
// something even before (or without) this script.
const root = document.getElementById("projector");
const t = (k) => root.dataset["t" + k.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())] || k;
const fmt = (s, ...args) => { let i = 0; return s.replace(/%[sd]/g, () => String(args[i++])); };
const lang = root.dataset.lang || "ko";
const num = (n) => Number(n).toLocaleString(lang === "en" ? "en-US" : "ko-KR");
const $ = (id) => document.getElementById(id);
// The first render's bars carry a width class in steps of 5 %; set the exact one.
for (const b of document.querySelectorAll("[data-pct]")) b.style.width = Math.max(0, Math.min(100, Number(b.dataset.pct) || 0)) + "%";

function group(n) { return Number(n).toLocaleString("en-US"); }

// manwon mirrors web.Manwon: 3천만원, 450만원, 1억 2천만원 (KRW 30,000,000 in
// English, as ProjectorPage.Money).
function manwon(n) {
  if (lang === "en") return "KRW " + group(n);
  if (n < 10000 || n % 10000 !== 0) return group(n) + "원";
  let m = n / 10000, s = "";
  const eok = Math.floor(m / 10000);
  if (eok > 0) {
    s = eok + "억"; m %= 10000;
    if (m === 0) return s + "원";
    s += " ";
  }
  if (m % 1000 === 0) return s + (m / 1000) + "천만원";
  return s + group(m) + "만원";
}

// covered mirrors voting.Tally.Covered: no ranking while the numbers are
// sealed, nor after the close until the host reveals it (a host's page
// gets the numbers, but the wall does not draw them).
export function covered(tally) {
  return !!tally.sealed || (tally.state === "closed" && !tally.revealed);
}

// order mirrors live.Order: points for ranked, votes otherwise; ties by the
// assembly's tie-break; the money is handed out in that order to agendas
// with votes, skipping those that do not fit.
export function order(tally) {
  const gs = tally.agendas || [];
  if (covered(tally) || gs.length === 0 || gs[0].votes === undefined) return null;
  const score = (g) => (tally.method === "ranked" ? g.points : g.votes) || 0;
  const rows = gs.map((g) => ({ ...g, score: score(g) }));
  rows.sort((a, b) => {
    if (a.score !== b.score) return b.score - a.score;
    if (tally.tie_break !== "number_asc" && a.cost !== b.cost) return a.cost - b.cost;
    return a.number - b.number;
  });
  const top = rows[0].score;
  let left = tally.budget_cap, line = false;
  rows.forEach((r, i) => {
    r.rank = i + 1;
    r.bar = top > 0 ? Math.floor((r.score * 100) / top) : 0;
    r.fits = r.score > 0 && r.cost <= left;
    r.over = r.score > 0 && !r.fits;
    if (r.fits) left -= r.cost;
    else if (r.over && !line) { r.line = true; line = true; }
  });
  rows.allocated = tally.budget_cap - left;
  return rows;
}

let last = null;
let userHidden = false;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(tally) {
  last = tally;
  // The turnout meter and the questions listen (projector_questions.js).
  root.dispatchEvent(new CustomEvent("tally", { detail: tally }));
  $("title").textContent = tally.title;
  const st = $("state");
  st.className = "state state-" + tally.state;
  st.textContent = t("state-" + tally.state);
  $("ballots").textContent = num(tally.ballots);
  const chs = tally.channels || {};
  $("ballots-of").textContent = fmt(t("ballots-of"), num((chs.onsite || 0) + (chs.online || 0) + (chs.early || 0)), num(chs.paper || 0), num(tally.codes_issued));
  for (const ch of ["onsite", "online", "paper"]) {
    $("ch-" + ch).textContent = num((tally.channels || {})[ch] || 0);
    const c = $("codes-" + ch);
    if (c) c.textContent = fmt(t("codes"), num((tally.codes_by_channel || {})[ch] || 0));
  }
  const closed = tally.state === "closed" || tally.state === "announced";
  $("ranking-h").textContent = closed ? t("ranking-final") : t("ranking");
  const rows = order(tally);
  const show = rows !== null && !userHidden;
  root.classList.toggle("revealed", show);
  const sealed = $("sealed");
  sealed.hidden = show;
  sealed.textContent = rows !== null ? t("hidden") : tally.state === "closed" && covered(tally) ? t("covered") : t("sealed");
  const ol = $("rows");
  ol.replaceChildren();
  $("cap").hidden = !show;
  if (!rows) return;
  const unit = tally.method === "ranked" ? t("points") : t("votes");
  for (const r of rows) {
    if (r.line) ol.append(el("li", "line", fmt(t("line"), manwon(tally.budget_cap))));
    const li = el("li", "row " + (r.fits ? "fits" : r.over ? "over" : "none"));
    li.dataset.id = r.id;
    const name = el("span", "name");
    name.append(el("span", "num", r.number + "."), " " + r.title);
    const bar = el("span", "bar");
    bar.setAttribute("aria-hidden", "true");
    const fill = el("span");
    fill.style.width = r.bar + "%";
    bar.append(fill);
    li.append(el("span", "rank", fmt(t("rank"), r.rank)), name, bar,
      el("span", "score", fmt(unit, num(r.score))),
      el("span", "cost", fmt(t("cost"), manwon(r.cost))),
      el("span", "tag", r.fits ? "✔ " + t("fits") : r.over ? t("over") : "– " + t("no-votes")));
    ol.append(li);
  }
  $("cap").textContent = fmt(t("cap"), manwon(tally.budget_cap), manwon(rows.allocated));
  paginate();
}

// Paging: on a wall (wider than a phone) PAGE rows at a time, each page
// for PAGE_MS, so that the type stays big enough for the back of the hall.
// The budget line shows with the row it stands above.
const PAGE = 4, PAGE_MS = 7000;
let page = 0;
function paginate() {
  const rows = Array.from(document.querySelectorAll("#rows li.row"));
  const pages = window.innerWidth > 800 ? Math.ceil(rows.length / PAGE) : 1;
  if (page >= pages) page = 0;
  rows.forEach((r, i) => r.classList.toggle("off", pages > 1 && Math.floor(i / PAGE) !== page));
  for (const l of document.querySelectorAll("#rows li.line")) {
    const next = l.nextElementSibling;
    l.classList.toggle("off", !next || next.classList.contains("off"));
  }
  const from = page * PAGE + 1, to = Math.min(rows.length, (page + 1) * PAGE);
  $("page").textContent = pages > 1 ? fmt(t("page"), from, to, rows.length) : "";
}
setInterval(() => { page++; paginate(); }, PAGE_MS);
window.addEventListener("resize", paginate);
paginate();

// The connection, with backoff: 0.5 s, 1 s, 2 s … up to 10 s, jittered so
// a hall full of phones does not come back all at once.
let ws = null, tries = 0, timer = null;
const conn = $("conn");

function offline() {
  conn.hidden = false;
  conn.textContent = t("offline");
  root.dataset.online = "false";
}

function connect() {
  clearTimeout(timer);
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.ws;
  try { ws = new WebSocket(url); } catch (e) { retry(); return; }
  ws.onmessage = (ev) => {
    tries = 0;
    conn.hidden = true;
    root.dataset.online = "true";
    try { render(JSON.parse(ev.data)); } catch (e) { /* a bad message: keep the last tally */ }
  };
  ws.onclose = (ev) => {
    ws = null;
    if (ev.code === 4404) { gone(); return; }
    offline(); retry();
  };
  ws.onerror = () => { if (ws) ws.close(); };
}

// gone: the assembly no longer exists (a rehearsal's copy is deleted at
// its end). Stop, cover the numbers and say so; never reconnect.
let ended = false;
function gone() {
  ended = true;
  clearTimeout(timer);
  root.dataset.online = "gone";
  root.classList.remove("revealed");
  const st = $("state");
  st.className = "state state-gone";
  st.textContent = t("state-gone");
  $("rows").replaceChildren();
  $("cap").hidden = true;
  const sealed = $("sealed");
  sealed.hidden = false;
  sealed.textContent = t("gone");
  conn.hidden = false;
  conn.textContent = t("gone");
}

function retry() {
  if (ended) return;
  clearTimeout(timer);
  const wait = Math.min(10000, 500 * 2 ** tries) * (0.75 + Math.random() / 2);
  tries = Math.min(tries + 1, 6);
  timer = setTimeout(connect, wait);
}

window.addEventListener("offline", () => { if (ws) ws.close(); });
window.addEventListener("online", () => { if (!ws && !ended) { tries = 0; connect(); } });

// The clock, in Seoul time whatever the wall computer's zone.
const clock = $("clock");
const timeFmt = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "ko-KR",
  { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
function tick() { const now = new Date(); clock.textContent = timeFmt.format(now); clock.dateTime = now.toISOString(); }
setInterval(tick, 1000);
tick();

// Keyboard: f full screen, r reveal/hide the ranking (when there is one),
// ? help, Escape closes help.
const help = $("help");
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest && e.target.closest("input, textarea, select")) return;
  if (e.key === "f") {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  } else if (e.key === "r") {
    if (last && root.dataset.reveal && last.state === "closed" && !last.revealed) reveal();
    else if (last && order(last) !== null) { userHidden = !userHidden; render(last); }
  } else if (e.key === "?") {
    help.hidden = !help.hidden;
  } else if (e.key === "Escape") {
    help.hidden = true;
  }
});

// Revealing (a host's projector only: the page sets data-reveal for a
// host who manages the assembly). A wall's stray key must not reveal: the
// first r asks, a second one within five seconds reveals.
let armed = 0;
async function reveal() {
  if (Date.now() - armed > 5000) {
    armed = Date.now();
    conn.hidden = false;
    conn.textContent = t("reveal-again");
    return;
  }
  armed = 0;
  try {
    const res = await fetch(root.dataset.reveal, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": root.dataset.csrf || "", "Content-Type": "application/json" }, body: "{}" });
    if (!res.ok) throw new Error(String(res.status));
    conn.hidden = true;
    delete root.dataset.reveal;
    // The feed will say so too; draw it now.
    if (last) render({ ...last, revealed: true });
  } catch (err) {
    conn.hidden = false;
    conn.textContent = t("reveal-failed");
  }
}

connect();
