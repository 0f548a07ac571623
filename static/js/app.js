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
})();
