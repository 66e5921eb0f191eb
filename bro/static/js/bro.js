// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Language switcher: submit as soon as a language is picked.
  var select = document.getElementById("switch-language");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  // A table or chart that scrolls (sideways on a phone) can be scrolled by keyboard even when it holds no
  // link or field: it becomes a focusable, named group while it overflows (WCAG 2.1.1).
  function overflows(box) {
    var style = window.getComputedStyle(box);
    return (style.overflowX !== "visible" && box.scrollWidth > box.clientWidth + 1) ||
      (style.overflowY !== "visible" && box.scrollHeight > box.clientHeight + 1);
  }
  function scrollersReachable() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".table-wrap, .chart-scroll"));
    var names = {};  // every region keeps a name of its own
    boxes.forEach(function (box) {
      if (!box.hasAttribute("data-scroll-region")) { return; }
      if (overflows(box)) {
        names[box.getAttribute("aria-label")] = true;
      } else {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (attr) { box.removeAttribute(attr); });
      }
    });
    boxes.forEach(function (box) {
      if (box.hasAttribute("data-scroll-region") || !overflows(box)) { return; }
      var caption = box.querySelector("caption, figcaption");
      var section = box.closest("section, .card");
      var heading = section && section.querySelector("h2, h3");
      var base = ((caption || heading || {}).textContent || document.title).trim(), name = base;
      for (var n = 2; names[name]; n += 1) { name = base + " (" + n + ")"; }
      names[name] = true;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "group");  // not a landmark: a section around it may already be one
      box.setAttribute("aria-label", name);
      box.setAttribute("data-scroll-region", "");
    });
  }
  scrollersReachable();
  window.addEventListener("resize", scrollersReachable);
  // Navigation menus (<details>): one open at a time; a click elsewhere or Escape closes them.
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.nav-group"));
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) { groups.forEach(function (other) { if (other !== group) { other.open = false; } }); }
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (group.open && !group.contains(event.target)) { group.open = false; } });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    groups.forEach(function (group) {
      if (group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });
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
