// Live score while rating an audit (or a calibration). The server scores again and is the authority;
// this mirrors DESIGN.md: 100 × Σ(weight × credit) / Σ(weight of steps not rated n.a.); passes when the
// score ≥ pass_score and no critical step is not met. Without JavaScript the form works the same.
// Every word shown comes from the page (data- attributes rendered with the reader's language), and so does
// the decimal sign: this file holds no user-facing text.
(function () {
  "use strict";
  var CREDIT = { met: 1, partial: 0.5, not_met: 0 };

  function displayScore(score, decimal) {
    // Round half-up to one decimal, as display_score does (the small epsilon absorbs binary noise).
    var rounded = Math.floor(score * 10 + 0.5 + 1e-9) / 10;
    return rounded.toFixed(1).replace(".", decimal || ".");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  function stepTitle(fieldset) {
    var title = fieldset.querySelector(".audit-step-title");
    return (title ? title.textContent : fieldset.getAttribute("data-step")).trim();
  }

  function update(form, panel) {
    var earned = 0, applicable = 0, rated = 0, steps = 0, failedCritical = [];
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
      if (rating === "not_met" && fieldset.getAttribute("data-critical") === "true") {
        failedCritical.push(stepTitle(fieldset));
      }
    });
    var value = panel.querySelector("[data-live-value]");
    var result = panel.querySelector("[data-live-result]");
    var detail = panel.querySelector("[data-live-detail]");
    var complete = rated === steps;
    var progress = fill(panel.getAttribute("data-label-rated") || "{rated}/{steps}", { rated: rated, steps: steps });
    var words = [];
    result.classList.remove("badge-ok", "badge-bad", "badge-muted");
    if (applicable === 0) {
      value.textContent = "—";
    } else {
      value.textContent = displayScore(100 * earned / applicable, panel.getAttribute("data-decimal"));
    }
    if (failedCritical.length) {
      // A critical step not met fails the audit whatever the other steps get: say so at once, and say which.
      result.textContent = result.getAttribute("data-label-fail");
      result.classList.add("badge-bad");
      words.push(fill(panel.getAttribute("data-label-critical") || "{step}", { step: failedCritical.join(", ") }));
    } else if (applicable === 0 || !complete) {
      // Not every step is rated yet: no verdict, only how far the rating has got.
      result.textContent = result.getAttribute(applicable === 0 ? "data-label-none" : "data-label-incomplete");
      result.classList.add("badge-muted");
    } else {
      // Compare like the server: a score exactly at the pass mark passes.
      var passes = 100 * earned / applicable + 1e-9 >= passScore;
      result.textContent = result.getAttribute(passes ? "data-label-pass" : "data-label-fail");
      result.classList.add(passes ? "badge-ok" : "badge-bad");
      if (!passes) { words.push(panel.getAttribute("data-label-below") || ""); }
    }
    if (!complete || !words.length) { words.push(progress); }  // once complete, a reason says more
    if (detail) { detail.textContent = words.filter(Boolean).join(" · "); }
  }

  document.querySelectorAll("form[data-audit-form]").forEach(function (form) {
    var panel = form.querySelector("[data-live-score]");
    if (!panel) { return; }
    panel.hidden = false;
    form.addEventListener("change", function () { update(form, panel); });
    update(form, panel);
  });
})();
