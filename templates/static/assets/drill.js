/* Drills: the learner's own order of statements, and classification feedback that names both
 * the approach a statement is and the one the learner chose.
 *
 * Loaded by drill pages after quiz.js; runs as a hook of course.js (see there).
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.drill) return;
  var cq;
  hooks.drill = function (api, main) {
    cq = api;
    cq.classified = classified;
    cq.all(main, ".cq-drill").forEach(setupDrill);
    /* If quiz.js ran first, answers restored from progress were explained without this. */
    if (cq.renderAnswer) {
      var answers = cq.load().answers;
      cq.all(main, ".cq-drill fieldset[data-question]").forEach(function (fieldset) {
        var saved = answers[fieldset.getAttribute("data-question")];
        if (saved && !saved.retry) cq.renderAnswer(fieldset, saved);
      });
    }
  };

  function nameOf(approach) {
    var label = document.querySelector("template.cq-approach-names");
    label = label && label.content.querySelector('[data-approach-name="' + approach + '"]');
    return label ? label.textContent.toLowerCase() : approach;
  }

  /* quiz.js asks this first: a statement to classify gets its verdict and rationale here. */
  function classified(fieldset, answer, right) {
    if (!fieldset.getAttribute("data-answer")) return false;
    var status = fieldset.querySelector(".cq-status");
    cq.add(status, "p", answer.correct ? "Right: this is " + nameOf(right[0]) + "." :
      "Not quite: this is " + nameOf(right[0]) + ", not " + nameOf(answer.chosen[0]) + ".", "cq-verdict-line");
    cq.cloneInto(status, cq.all(fieldset.querySelector(".cq-rationale"), ":scope > :not(:first-child)"));
    return true;
  }

  function setupDrill(drill) {
    var statements = cq.all(drill, ":scope > fieldset[data-question]");
    if (!drill.hasAttribute("data-fixed")) {
      var ids = statements.map(function (f) { return f.getAttribute("data-question"); });
      cq.reorder(drill, ":scope > fieldset[data-question]", "data-question", cq.shuffled(ids, drill.getAttribute("data-item")));
      statements = cq.all(drill, ":scope > fieldset[data-question]");
    }
    cq.number(statements);
  }

  if (window.cqCourse) window.cqCourse.runHooks();
})();
