// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Language switcher: submit as soon as a language is picked.
  var select = document.getElementById("switch-language");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  // Confirm destructive or final actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Forms marked data-once can only be submitted once (double clicks).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
})();
