// Ballot enhancements, inlined in the ballot's pages. Every step works
// without this file (plain forms). Here: a QR card's code leaves the
// address bar; the sticky bar counts, and says in one message why nothing
// more can be added; the ranked ballot becomes tap-in-order (the first tap
// is rank 1, a second tap takes it out), writing the ranks into the same
// selects the plain form posts.
(function () {
  "use strict";
  // The server keeps the code in a cookie: it need not stay in the
  // address bar, the history or a screenshot.
  if (/[?&]code=/.test(location.search) && window.history && history.replaceState) {
    var q = location.search.replace(/([?&])code=[^&]*&?/, "$1").replace(/[?&]$/, "");
    history.replaceState(null, "", location.pathname + q + location.hash);
  }
  var form = document.getElementById("ballot-form");
  if (!form) return;
  form.setAttribute("data-js", "on");
  var method = form.getAttribute("data-method");
  var max = parseInt(form.getAttribute("data-max"), 10) || 0;
  var cap = parseInt(form.getAttribute("data-cap"), 10) || 0;
  var bar = document.getElementById("tally-bar");
  var countText = document.getElementById("count-text");
  var totalText = document.getElementById("total-text");
  var meterBox = document.getElementById("budget-meter");
  var meter = meterBox && meterBox.querySelector("span");
  var limitText = document.getElementById("limit-text");
  var en = form.getAttribute("data-lang") === "en";
  function won(n) { return en ? "KRW " + n.toLocaleString("en-US") : n.toLocaleString("ko-KR") + "원"; }
  function cost(el) { return parseInt(el.getAttribute("data-cost"), 10) || 0; }

  // The one message about a limit, in the bar (a live region). A tap on
  // something that cannot be added says it again, visibly and aloud.
  function say(show, left, again) {
    var text = show ? limitText.getAttribute("data-text").replace("{left}", left || "") : "";
    limitText.hidden = !show;
    if (again) {
      // The same words again are announced again once they change: a
      // zero-width space comes and goes.
      text += limitText.textContent.slice(-1) === "\u200b" ? "" : "\u200b";
      limitText.classList.add("flash");
      setTimeout(function () { limitText.classList.remove("flash"); }, 1600);
    }
    if (limitText.textContent !== text) limitText.textContent = text;
  }

  if (method === "ranked") {
    ranked();
    return;
  }

  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=choice]"));
  function blocked(b, n, total) {
    if (b.checked) return false;
    return method === "budget" ? total + cost(b) > cap : n >= max;
  }
  function state() {
    var n = 0, total = 0;
    boxes.forEach(function (b) { if (b.checked) { n++; total += cost(b); } });
    return { n: n, total: total };
  }
  function update() {
    var s = state(), any = false;
    boxes.forEach(function (b) {
      var off = blocked(b, s.n, s.total);
      any = any || off;
      if (off) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled");
      b.closest(".choice").classList.toggle("off", off);
    });
    if (method === "budget") {
      countText.textContent = countText.getAttribute("data-label") + ": " + s.n;
      totalText.textContent = totalText.getAttribute("data-label") + " " + won(s.total) + " / " +
        totalText.getAttribute("data-cap-label") + " " + won(cap) + " · " + totalText.getAttribute("data-left-label") + " " + won(cap - s.total);
      meterBox.hidden = false;
      if (meter) { meter.style.width = Math.min(100, cap ? s.total * 100 / cap : 0) + "%"; }
      bar.classList.toggle("over", s.total > cap);
      meterBox.classList.toggle("over", s.total > cap);
    } else {
      countText.textContent = countText.getAttribute("data-label") + ": " + s.n + " / " + max;
    }
    say(any, won(cap - s.total));
  }
  // A choice that would break the rule is not ticked; the bar says why.
  form.addEventListener("click", function (e) {
    var b = e.target;
    if (b.name === "choice" && b.getAttribute("aria-disabled") === "true") {
      e.preventDefault();
      say(true, won(cap - state().total), true);
    }
  });
  form.addEventListener("change", update);
  update();

  // Tap in order: each agenda becomes one button; its rank and points are
  // written on it, and into its (hidden) select for the form.
  function ranked() {
    form.classList.add("js-ranked");
    var rule = document.getElementById("rule");
    if (rule && rule.getAttribute("data-tap")) rule.textContent = rule.getAttribute("data-tap");
    var badgeText = form.getAttribute("data-badge");
    var items = [];
    Array.prototype.forEach.call(form.querySelectorAll(".choice"), function (ch) {
      var sel = ch.querySelector("select.rank"), text = ch.querySelector(".choice-text");
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "tap";
      btn.id = "tap-" + ch.getAttribute("data-id");
      btn.setAttribute("aria-pressed", "false");
      ch.insertBefore(btn, text);
      btn.appendChild(text);
      var badge = text.querySelector(".badge");
      badge.removeAttribute("aria-hidden");
      items.push({ ch: ch, sel: sel, btn: btn, badge: badge });
    });
    var order = items.filter(function (it) { return it.sel.value !== ""; })
      .sort(function (a, b) { return parseInt(a.sel.value, 10) - parseInt(b.sel.value, 10); });
    function update() {
      items.forEach(function (it) {
        var r = order.indexOf(it) + 1;
        it.sel.value = r ? String(r) : "";
        it.btn.setAttribute("aria-pressed", r ? "true" : "false");
        it.badge.textContent = r ? badgeText.replace("{r}", r).replace("{p}", max - r + 1) : "";
        it.ch.classList.toggle("on", r > 0);
        it.ch.classList.toggle("off", !r && order.length >= max);
      });
      countText.textContent = countText.getAttribute("data-label") + ": " + order.length + " / " + Math.min(max, items.length);
      say(order.length >= max);
    }
    form.addEventListener("click", function (e) {
      var btn = e.target.closest && e.target.closest(".tap");
      if (!btn) return;
      for (var i = 0; i < items.length; i++) {
        if (items[i].btn !== btn) continue;
        var at = order.indexOf(items[i]);
        if (at >= 0) {
          order.splice(at, 1);
        } else if (order.length < max) {
          order.push(items[i]);
        } else {
          say(true, "", true);
          return;
        }
        update();
        return;
      }
    });
    update();
  }
})();
