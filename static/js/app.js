// Small progressive enhancements shared by every page. Everything works
// without this file; it only adds confirmations and conveniences.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var f = e.target;
    var msg = f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); return; }
    // Guard against double submission on slow networks.
    var b = f.querySelector("button[type=submit],button:not([type])");
    if (b && !f.hasAttribute("data-multi")) {
      setTimeout(function () { b.disabled = true; }, 0);
      setTimeout(function () { b.disabled = false; }, 8000);
    }
  });
  // Print buttons (data-print): no inline onclick under the CSP.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-print]");
    if (b) { window.print(); }
  });
  // Bars rendered with a width class in steps of 5 % get their exact width.
  var bars = document.querySelectorAll("[data-pct]");
  for (var i = 0; i < bars.length; i++) {
    var p = Math.max(0, Math.min(100, parseFloat(bars[i].getAttribute("data-pct")) || 0));
    bars[i].style.width = p + "%";
  }
})();
