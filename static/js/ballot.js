// Ballot enhancements. The form works without this file (plain POST); here
// we only add a running count or total and stop choices beyond the rules.
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  if (!form) return;
  var method = form.getAttribute("data-method");
  var max = parseInt(form.getAttribute("data-max"), 10) || 0;
  var cap = parseInt(form.getAttribute("data-cap"), 10) || 0;
  var bar = document.getElementById("tally-bar");
  var countText = document.getElementById("count-text");
  var totalText = document.getElementById("total-text");
  var meter = document.querySelector("#budget-meter > span");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=choice]"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select.rank"));
  var en = form.getAttribute("data-lang") === "en";
  function won(n) { return en ? "KRW " + n.toLocaleString("en-US") : n.toLocaleString("ko-KR") + "원"; }

  // A disabled choice says why, in words next to it (not by colour alone),
  // and the bar says what to do; both are read out (aria-live).
  var limitText = document.getElementById("limit-text");
  var why = form.getAttribute("data-why");
  var anyOff = false;
  function off(b, d) {
    b.disabled = d;
    anyOff = anyOff || d;
    var w = b.parentNode.querySelector(".why");
    if (w) { w.textContent = d ? why : ""; w.hidden = !d; }
  }
  function limit(left) {
    if (!limitText) return;
    limitText.hidden = !anyOff;
    limitText.textContent = anyOff ? limitText.getAttribute("data-text").replace("{left}", left || "") : "";
  }

  function update() {
    anyOff = false;
    var n = 0, total = 0;
    boxes.forEach(function (b) { if (b.checked) { n++; total += parseInt(b.getAttribute("data-cost"), 10) || 0; } });
    selects.forEach(function (s) {
      s.classList.toggle("ranked", s.value !== "");
      if (s.value !== "") { n++; total += parseInt(s.getAttribute("data-cost"), 10) || 0; }
    });
    if (method === "budget") {
      countText.textContent = countText.getAttribute("data-label") + ": " + n;
      totalText.textContent = totalText.getAttribute("data-label") + " " + won(total) + " / " +
        totalText.getAttribute("data-cap-label") + " " + won(cap) + " · " + totalText.getAttribute("data-left-label") + " " + won(cap - total);
      if (meter) { meter.style.width = Math.min(100, cap ? total * 100 / cap : 0) + "%"; }
      bar.classList.toggle("over", total > cap);
      document.getElementById("budget-meter").classList.toggle("over", total > cap);
      // Agendas that no longer fit are disabled (colour is not the only signal).
      boxes.forEach(function (b) {
        var c = parseInt(b.getAttribute("data-cost"), 10) || 0;
        off(b, !b.checked && total + c > cap);
      });
      limit(won(cap - total));
    } else {
      countText.textContent = countText.getAttribute("data-label") + ": " + n + " / " + max;
      boxes.forEach(function (b) { off(b, !b.checked && n >= max); });
      limit();
      if (method === "ranked") {
        // A rank already given elsewhere is not offered again.
        var taken = {};
        selects.forEach(function (s) { if (s.value) taken[s.value] = s; });
        selects.forEach(function (s) {
          Array.prototype.forEach.call(s.options, function (o) {
            o.disabled = o.value !== "" && taken[o.value] && taken[o.value] !== s;
          });
        });
      }
    }
  }
  bar.hidden = false;
  form.addEventListener("change", update);
  update();
})();
