// Live score while rating an audit (or a calibration). The server scores again and is the authority;
// this mirrors DESIGN.md: 100 × Σ(weight × credit) / Σ(weight of steps not rated n.a.); passes when the
// score ≥ pass_score and no critical step is not met. Without JavaScript the form works the same.
(function () {
  "use strict";
  var CREDIT = { met: 1, partial: 0.5, not_met: 0 };

  function displayScore(score) {
    // Round half-up to one decimal, as display_score does (the small epsilon absorbs binary noise).
    var rounded = Math.floor(score * 10 + 0.5 + 1e-9) / 10;
    return rounded.toFixed(1);
  }

  function update(form, panel) {
    var earned = 0, applicable = 0, rated = 0, steps = 0, criticalFailed = false;
    var passScore = parseFloat(form.getAttribute("data-pass-score"));
    form.querySelectorAll("[data-step]").forEach(function (fieldset) {
      steps += 1;
      var checked = fieldset.querySelector("input[type=radio]:checked");
      if (!checked) { return; }
      rated += 1;
      var weight = parseFloat(fieldset.getAttribute("data-weight"));
      var rating = checked.value;
      if (rating === "na") { return; }
      earned += weight * CREDIT[rating];
      applicable += weight;
      if (rating === "not_met" && fieldset.getAttribute("data-critical") === "true") { criticalFailed = true; }
    });
    var value = panel.querySelector("[data-live-value]");
    var result = panel.querySelector("[data-live-result]");
    result.classList.remove("badge-ok", "badge-bad", "badge-muted");
    if (applicable === 0) {
      value.textContent = "—";
      result.textContent = result.getAttribute("data-label-none");
      result.classList.add("badge-muted");
      return;
    }
    var score = 100 * earned / applicable;
    // Compare like the server: a score exactly at the pass mark passes.
    var passes = score + 1e-9 >= passScore && !criticalFailed;
    value.textContent = displayScore(score) + (rated < steps ? " *" : "");
    result.textContent = result.getAttribute(passes ? "data-label-pass" : "data-label-fail");
    result.classList.add(passes ? "badge-ok" : "badge-bad");
  }

  document.querySelectorAll("form[data-audit-form]").forEach(function (form) {
    var panel = form.querySelector("[data-live-score]");
    if (!panel) { return; }
    panel.hidden = false;
    form.addEventListener("change", function () { update(form, panel); });
    update(form, panel);
  });
})();
