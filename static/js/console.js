// The console's counts refresh themselves every few seconds while the page
// is open; without this file the page shows the counts as of its loading
// and has a refresh link.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-stats");
  function get(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, obj);
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        document.querySelectorAll("[data-stat]").forEach(function (el) {
          var v = get(s, el.getAttribute("data-stat"));
          if (v != null && String(v) !== el.textContent) el.textContent = String(v);
        });
        // The 합계 row: the sum over the channels.
        document.querySelectorAll("[data-sum]").forEach(function (el) {
          var m = s[el.getAttribute("data-sum")] || {}, n = 0;
          Object.keys(m).forEach(function (k) { n += Number(m[k]) || 0; });
          if (String(n) !== el.textContent) el.textContent = String(n);
        });
      })
      .catch(function () {});
  }
  setInterval(function () { if (!document.hidden) tick(); }, 5000);
})();
