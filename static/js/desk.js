// The registration desk: the print button of the code just issued. The
// form itself needs no script (Enter registers; the name field has focus).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
