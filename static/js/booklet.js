// The booklet and the notice print well from the browser's own menu; this
// only shows a print button when JavaScript can press it.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
