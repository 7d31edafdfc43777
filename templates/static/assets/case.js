/* Branching cases: decisions, consequences, the path taken and the endings found.
 *
 * Loaded by case pages; runs as a hook of course.js (see there). The path is kept in progress
 * as a list of [step, choice, next step, continued]; the list of every choice's consequence,
 * there for readers without the script, is hidden so it cannot give the story away.
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.story) return;
  var cq;
  hooks.story = function (api, main) {
    cq = api;
    cq.all(main, ".cq-case").forEach(setupCase);
  };

  function setupCase(story) {
    var id = story.getAttribute("data-item");
    var start = story.getAttribute("data-start");
    var steps = cq.map();
    cq.all(story, ".cq-step").forEach(function (step) { steps[step.getAttribute("data-step")] = step; });

    function path() {
      return (cq.load().cases[id] || []).filter(function (entry) { return steps[entry[0]]; });
    }

    function change(edit) {
      cq.update(function (p) { p.cases[id] = edit(path()); });
    }

    function summarise(ending, taken) {
      var box = ending.querySelector(".cq-path");
      if (!box) return;
      var list = box.querySelector(".cq-path-list");
      var row = box.querySelector(".cq-path-row");
      var taught = 0;
      list.textContent = "";
      taken.forEach(function (entry) {
        var input = steps[entry[0]].querySelector('input[value="' + entry[1] + '"]');
        if (!input) return;
        var best = input.hasAttribute("data-best");
        var line = row.content.firstElementChild.cloneNode(true);
        line.querySelector(".cq-path-choice").textContent = input.parentNode.textContent.trim();
        line.querySelector(".cq-path-verdict").textContent = best ? "(the choice this case teaches)" : "";
        if (best) taught++;
        list.appendChild(line);
      });
      box.querySelector(".cq-path-text").textContent = "You made " + taught + " of " + taken.length +
        " decisions the way this case teaches.";
      var found = cq.load().endings[id] || [];
      box.querySelector(".cq-endings-found").textContent = "Endings you have found: " + found.length + " of " +
        story.getAttribute("data-endings") + ".";
      cq.show(box, true);
    }

    function render() {
      var taken = path();
      var shown = [start];
      taken.forEach(function (entry) { if (entry[2] && entry[3] && steps[entry[2]]) shown.push(entry[2]); });
      Object.keys(steps).forEach(function (stepId) {
        var step = steps[stepId];
        var index = shown.indexOf(stepId);
        var decision = index >= 0 ? taken[index] : null;
        var last = !!decision && index === taken.length - 1;
        step.hidden = index < 0;
        var fieldset = step.querySelector("fieldset");
        if (!fieldset) return;
        cq.all(fieldset, "input").forEach(function (input) {
          input.checked = !!decision && input.value === decision[1];
          input.disabled = !!decision;
        });
        cq.show(fieldset.querySelector(".cq-check"), !decision);
        cq.show(fieldset.querySelector(".cq-continue"), last && !!decision[2] && !decision[3]);
        cq.show(fieldset.querySelector(".cq-back"), last);
        var status = fieldset.querySelector(".cq-status");
        if (!decision) return cq.say(status, "");
        status.textContent = "";
        var chosen = fieldset.querySelector('.cq-answer [data-choice="' + decision[1] + '"] .cq-why');
        if (chosen) cq.cloneInto(status, chosen.childNodes);
        cq.tone(status, "neutral");
      });
      /* The path on the page in the order it was taken: a step the story reaches by several
         routes stands where this learner reached it, not where the written order puts it. */
      shown.forEach(function (stepId) { steps[stepId].parentNode.appendChild(steps[stepId]); });
      var end = steps[shown[shown.length - 1]];
      if (end.querySelector(".cq-ending")) {
        cq.update(function (p) {
          p.visited[id] = "done";
          var found = p.endings[id] || [];
          if (found.indexOf(end.getAttribute("data-step")) < 0) found.push(end.getAttribute("data-step"));
          p.endings[id] = found;
        });
        summarise(end, taken);
      }
      return shown;
    }

    cq.all(story, "fieldset[data-question]").forEach(function (fieldset) {
      var stepId = fieldset.closest(".cq-step").getAttribute("data-step");
      cq.arrange(fieldset);
      cq.show(fieldset.querySelector(".cq-actions"), true);
      /* The list of every choice's consequence is for pages without the script: here it
         would give the story away before the decision. */
      cq.show(fieldset.querySelector(".cq-answer"), false);
      fieldset.querySelector(".cq-check").addEventListener("click", function () {
        var input = fieldset.querySelector("input:checked");
        var status = fieldset.querySelector(".cq-status");
        if (!input) return cq.say(status, "Choose what you do first.", "wrong");
        change(function (taken) {
          return taken.concat([[stepId, input.value, input.getAttribute("data-next") || "", false]]);
        });
        render();
        var next = fieldset.querySelector(".cq-continue");
        cq.focusOn(next.hidden ? status : next);
      });
      fieldset.querySelector(".cq-continue").addEventListener("click", function () {
        change(function (taken) { taken[taken.length - 1][3] = true; return taken; });
        var shown = render();
        cq.focusOn(steps[shown[shown.length - 1]].querySelector("h2"));
      });
      fieldset.querySelector(".cq-back").addEventListener("click", function () {
        change(function (taken) { return taken.slice(0, -1); });
        render();
        fieldset.querySelector("input").focus();
      });
    });
    cq.all(story, ".cq-restart").forEach(function (button) {
      cq.show(button.parentNode, true);
      button.addEventListener("click", function () {
        change(function () { return []; });
        render();
        cq.focusOn(steps[start].querySelector("h2"));
      });
    });
    render();
  }

  if (window.cqCourse) window.cqCourse.runHooks();
})();
