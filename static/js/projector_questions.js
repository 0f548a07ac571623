// The projector's turnout meter toward the assembly's minimum and its
// yes/no questions (issue 12), redrawn on every tally projector.js
// receives (its "tally" event). Counts come only when the tally has them:
// a sealed vote's tally carries none.
const root = document.getElementById("projector");
const lang = root.dataset.lang || "ko";
const num = (n) => Number(n).toLocaleString(lang === "en" ? "en-US" : "ko-KR");
const fmt = (s, ...args) => { let i = 0; return s.replace(/%[sd]/g, () => String(args[i++])); };
for (const b of document.querySelectorAll("#turnout-min [data-pct]")) b.style.width = Math.max(0, Math.min(100, Number(b.dataset.pct) || 0)) + "%";

root.addEventListener("tally", (ev) => {
  const tally = ev.detail;
  const box = document.getElementById("turnout-min");
  const tu = tally.turnout;
  if (box && tu) {
    const needed = Number(box.dataset.needed) || 0;
    const share = needed > 0 ? Math.min(100, Math.floor((tu.ballots * 100) / needed)) : 100;
    document.getElementById("turnout-meter").style.width = share + "%";
    box.classList.toggle("met", !!tu.met);
    const text = tu.met ? fmt(box.dataset.tMet, num(tu.ballots), num(needed))
      : fmt(box.dataset.tLeft, num(tu.ballots), num(needed), num(Math.max(0, needed - tu.ballots)));
    document.getElementById("turnout-min-text").textContent = text;
  }
  const qs = document.getElementById("pj-questions");
  if (qs) {
    for (const q of tally.questions || []) {
      const li = qs.querySelector('li[data-id="' + q.id + '"] .q-count');
      if (!li) continue;
      li.textContent = q.yes === undefined ? qs.dataset.tSealed : fmt(qs.dataset.tCounts, num(q.yes), num(q.no), num(q.abstain));
    }
  }
});
