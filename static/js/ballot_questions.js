// "Exactly N" and the yes/no questions (issue 12). Without this file the
// server answers the form with what is missing; here the next button
// waits until exactly N agendas are chosen and every question answered,
// and a line says what is still missing (read out: aria-live).
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  if (!form) return;
  var exactEl = document.getElementById("exact-rule");
  var questions = document.getElementById("questions");
  if (!exactEl && !questions) return;
  var exact = exactEl ? parseInt(exactEl.getAttribute("data-exact"), 10) || 0 : 0;
  var button = form.querySelector("button[type=submit]");
  var status = document.createElement("p");
  status.className = "limit";
  status.id = "wait-text";
  status.setAttribute("aria-live", "polite");
  button.parentNode.insertBefore(status, button);
  button.setAttribute("aria-describedby", "wait-text");

  function chosen() {
    var n = 0;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=choice]"), function (b) { if (b.checked) n++; });
    Array.prototype.forEach.call(form.querySelectorAll("select.rank"), function (s) { if (s.value !== "") n++; });
    return n;
  }
  function unanswered() {
    if (!questions) return 0;
    var left = 0;
    Array.prototype.forEach.call(questions.querySelectorAll("fieldset.question"), function (f) {
      if (!f.querySelector("input[type=radio]:checked")) left++;
    });
    return left;
  }
  function update() {
    var msgs = [];
    if (exact) {
      var n = chosen();
      if (n !== exact) msgs.push(exactEl.getAttribute("data-left").replace("{n}", exact - n > 0 ? exact - n : n - exact));
    }
    if (unanswered() > 0) msgs.push(questions.getAttribute("data-unanswered"));
    button.disabled = msgs.length > 0;
    status.textContent = msgs.join(" ");
    status.hidden = msgs.length === 0;
  }
  form.addEventListener("change", update);
  update();
})();
