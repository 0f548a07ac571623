// The booklet and the notice print well from the browser's own menu; this
// shows a print button when JavaScript can press it, and makes lazy photos
// load before printing so the paper booklet has them all.
(function () {
  "use strict";
  function eager() {
    var imgs = Array.prototype.slice.call(document.querySelectorAll("img[loading=lazy]"));
    imgs.forEach(function (i) { i.loading = "eager"; });
    return Promise.all(imgs.map(function (i) {
      return i.complete ? null : new Promise(function (ok) { i.addEventListener("load", ok); i.addEventListener("error", ok); });
    }));
  }
  // The paper booklet carries every plan in full: open the folds.
  function unfold() { document.querySelectorAll("details.plan-more").forEach(function (d) { d.open = true; }); }
  window.addEventListener("beforeprint", function () { unfold(); eager(); });
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { unfold(); eager().then(function () { window.print(); }); });
  });
})();
