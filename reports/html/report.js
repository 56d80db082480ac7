// Filters for the findings, opening what a link or the printer needs. The page reads the
// same without this script: the filter form stays hidden and every section opens by hand.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.rule-group"));

  function checked(name) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]:checked'))
      .map(function (input) { return input.value; });
  }

  function apply() {
    var severities = checked("severity"), kinds = checked("kind");
    var hideTest = form.querySelector('input[name="hide-test"]').checked;
    var file = form.querySelector('input[name="file"]').value.toLowerCase();
    var text = form.querySelector('input[name="text"]').value.toLowerCase();
    var shown = 0, total = 0;
    groups.forEach(function (group) {
      var kindShown = kinds.indexOf(group.dataset.kind) >= 0;
      var groupText = group.querySelector("summary").textContent.toLowerCase();
      var visible = 0;
      group.querySelectorAll("details.finding").forEach(function (finding) {
        total += 1;
        var show = kindShown && severities.indexOf(finding.dataset.severity) >= 0 &&
          !(hideTest && finding.dataset.context !== "production") &&
          finding.dataset.file.toLowerCase().indexOf(file) >= 0 &&
          (text === "" || (groupText + " " + finding.textContent.toLowerCase()).indexOf(text) >= 0);
        finding.hidden = !show;
        if (show) visible += 1;
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    document.getElementById("filter-count").textContent = "Showing " + shown + " of " + total + " findings.";
  }

  // A link to a rule or a finding opens it (and its rule) so the target is visible.
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    for (var node = target; node; node = node.parentElement)
      if (node.tagName === "DETAILS") node.open = true;
  }

  if (form) {
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  // Printed, every finding is open: a signed copy must show everything (the list of rules
  // applied stays a one-line count; the JSON report lists them).
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll('details:not([data-print="closed"])').forEach(function (details) { details.open = true; });
  });
})();
