// The kiosk: a staffed tablet at the venue. Staff register a person (or
// type their code) on the privacy screen; the resident votes on a
// large-type ballot; the receipt returns to the privacy screen by itself.
// The code and the choices live only in this script's memory; the history
// never gets an entry (replaceState only), and the page is no-store, so
// Back never shows a ballot.
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root) return;
  var slug = root.getAttribute("data-slug");
  var token = root.getAttribute("data-token");
  var resetAfter = parseInt(root.getAttribute("data-reset"), 10) || 8;
  var method = root.getAttribute("data-method");
  var max = parseInt(root.getAttribute("data-max"), 10) || 1;
  var minc = parseInt(root.getAttribute("data-min"), 10) || 1;
  var cap = parseInt(root.getAttribute("data-cap"), 10) || 0;
  var en = root.getAttribute("data-lang") === "en";
  function t(k) { return root.getAttribute("data-t-" + k) || ""; }
  function $(id) { return document.getElementById(id); }
  var screens = ["s-privacy", "s-ballot", "s-confirm", "s-receipt", "s-error"];
  var choices = Array.prototype.slice.call(document.querySelectorAll("button.choice"));
  var state = { code: "", picked: [], timer: 0, nonce: "", answers: {} };
  var questions = Array.prototype.slice.call(document.querySelectorAll("fieldset.question"));

  function keepHistoryClean() {
    try { history.replaceState(null, "", location.pathname + location.search); } catch (e) { /* ignore */ }
  }
  function show(id) {
    screens.forEach(function (s) { $(s).hidden = s !== id; });
    keepHistoryClean();
    var h = $(id).querySelector("h1");
    if (h) h.focus();
    window.scrollTo(0, 0);
  }

  function reset() {
    clearInterval(state.timer);
    state.code = ""; state.picked = []; state.nonce = ""; state.answers = {};
    questions.forEach(function (f) { markAnswer(f, ""); });
    choices.forEach(function (b) { b.setAttribute("aria-pressed", "false"); b.querySelector(".mark").textContent = ""; });
    $("chosen").textContent = "";
    $("receipt").textContent = "";
    ["k-name", "k-birth", "k-code"].forEach(function (id) { if ($(id)) $(id).value = ""; });
    $("staff-error").hidden = true;
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    show("s-privacy");
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
    });
  }
  function errText(res) { return (res.body && res.body.error && res.body.error.message) || t("failed"); }
  function staffError(msg) { var e = $("staff-error"); e.textContent = msg; e.hidden = false; }

  function start(code) {
    state.code = code; state.picked = []; state.nonce = randomNonce(); state.answers = {};
    questions.forEach(function (f) { markAnswer(f, ""); });
    ["k-name", "k-birth", "k-code"].forEach(function (id) { if ($(id)) $(id).value = ""; });
    $("staff-error").hidden = true;
    update();
    show("s-ballot");
  }
  function randomNonce() {
    var a = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  var reg = $("f-register");
  if (reg) reg.addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("k-register").disabled = true;
    post("/k/" + slug + "/register", { t: token, name: $("k-name").value, birth_date: $("k-birth").value, category: $("k-category").value })
      .then(function (res) {
        $("k-register").disabled = false;
        if (res.status === 201) start(res.body.code); else staffError(errText(res));
      }, function () { $("k-register").disabled = false; staffError(t("failed")); });
  });
  $("f-code").addEventListener("submit", function (ev) {
    ev.preventDefault();
    post("/k/" + slug + "/code", { t: token, code: $("k-code").value }).then(function (res) {
      if (res.status === 200) start(res.body.code); else staffError(errText(res));
    }, function () { staffError(t("failed")); });
  });

  function total() {
    var s = 0;
    state.picked.forEach(function (b) { s += parseInt(b.getAttribute("data-cost"), 10) || 0; });
    return s;
  }
  function update() {
    var n = state.picked.length;
    choices.forEach(function (b) {
      var i = state.picked.indexOf(b);
      b.setAttribute("aria-pressed", i >= 0 ? "true" : "false");
      b.querySelector(".mark").textContent = i < 0 ? "" : (method === "ranked" ? String(i + 1) : "✓");
    });
    var text = (minc === max ? t("pick-exact") : t("pick-max")).replace("{n}", max) + " " + t("picked").replace("{n}", n);
    var ok = n >= minc && n >= 1;
    if (method === "budget") {
      ok = n >= 1 && total() <= cap;
      text = t("picked").replace("{n}", n) + (total() > cap ? " " + t("over") : "");
    } else if (n > max) {
      ok = false;
    }
    var unanswered = questions.filter(function (f) { return !state.answers[f.getAttribute("data-question")]; }).length;
    if (unanswered > 0) {
      ok = false;
      text += " " + t("answer-all");
    }
    $("pick-text").textContent = text;
    $("to-confirm").disabled = !ok;
  }
  choices.forEach(function (b) {
    b.addEventListener("click", function () {
      var i = state.picked.indexOf(b);
      if (i >= 0) state.picked.splice(i, 1);
      else if (method === "budget" || state.picked.length < max) state.picked.push(b);
      update();
    });
  });

  // The yes/no questions: one answer each (찬성 / 반대 / 기권), tap again to undo.
  function markAnswer(f, value) {
    Array.prototype.forEach.call(f.querySelectorAll("button.answer"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-answer") === value ? "true" : "false");
    });
  }
  questions.forEach(function (f) {
    Array.prototype.forEach.call(f.querySelectorAll("button.answer"), function (b) {
      b.addEventListener("click", function () {
        var id = f.getAttribute("data-question"), v = b.getAttribute("data-answer");
        if (state.answers[id] === v) delete state.answers[id]; else state.answers[id] = v;
        markAnswer(f, state.answers[id] || "");
        update();
      });
    });
  });

  // Read-aloud of each agenda title, where the browser can speak.
  if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
    Array.prototype.forEach.call(document.querySelectorAll("button.read"), function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        var u = new SpeechSynthesisUtterance(b.getAttribute("data-read"));
        u.lang = en ? "en-US" : "ko-KR";
        u.rate = 0.9;
        window.speechSynthesis.cancel();
        window.speechSynthesis.speak(u);
      });
    });
  }

  $("to-confirm").addEventListener("click", function () {
    var ol = $("chosen");
    ol.textContent = "";
    state.picked.forEach(function (b) {
      var li = document.createElement("li");
      li.textContent = b.getAttribute("data-title");
      ol.appendChild(li);
    });
    questions.forEach(function (f) {
      var li = document.createElement("li");
      var v = state.answers[f.getAttribute("data-question")];
      li.textContent = f.getAttribute("data-text") + " — " + f.querySelector('button[data-answer="' + v + '"]').textContent;
      ol.appendChild(li);
    });
    show("s-confirm");
  });
  $("back-choose").addEventListener("click", function () { show("s-ballot"); });
  $("cast").addEventListener("click", function () {
    $("cast").disabled = true;
    var ids = state.picked.map(function (b) { return b.getAttribute("data-id"); });
    post("/api/v1/ballots", { assembly: slug, code: state.code, choices: ids, answers: state.answers, nonce: state.nonce }).then(function (res) {
      $("cast").disabled = false;
      state.code = "";
      if (res.status === 201) {
        $("receipt").textContent = res.body.receipt;
        show("s-receipt");
        countdown();
      } else {
        $("error-text").textContent = errText(res);
        show("s-error");
        countdown();
      }
    }, function () { $("cast").disabled = false; $("error-text").textContent = t("failed"); show("s-error"); countdown(); });
  });
  function countdown() {
    var left = resetAfter;
    var p = $("reset-text");
    function tick() {
      p.textContent = p.getAttribute("data-text").replace("{n}", left);
      if (left-- <= 0) reset();
    }
    clearInterval(state.timer);
    tick();
    state.timer = setInterval(tick, 1000);
  }
  $("done").addEventListener("click", reset);
  $("error-done").addEventListener("click", reset);

  // A page restored from the back-forward cache starts over.
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) reset(); });
  window.addEventListener("pagehide", function () { state.code = ""; state.picked = []; state.answers = {}; });
  reset();
})();
