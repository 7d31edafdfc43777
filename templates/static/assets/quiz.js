/* Questions of quizzes and drills: checking, feedback, Try again.
 *
 * Loaded by quiz and drill pages (drill.js adds what only drills do); runs as a hook of course.js (see there). Practice questions
 * answered wrong keep the right answer back (Try again, or Show the answer); graded ones are
 * final, so their feedback names the right answer and the explanation. The key of a graded
 * question is in a <template> (never shown, out of the site search), read once it is answered.
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.quiz) return;
  var cq;
  hooks.quiz = function (api, main) {
    cq = api;
    cq.renderAnswer = renderAnswer;
    cq.all(main, ".cq-quiz fieldset[data-question], .cq-drill fieldset[data-question]").forEach(setupQuestion);
  };

  function keyOf(fieldset) {
    var template = fieldset.querySelector("template.cq-key");
    return template ? template.content : fieldset.querySelector(".cq-answer");
  }

  function rightOf(fieldset) {
    var answer = fieldset.getAttribute("data-answer");
    if (answer) return [answer];
    return cq.all(keyOf(fieldset), "[data-correct]").map(function (li) { return li.getAttribute("data-option"); });
  }

  /* The feedback for an answer: a verdict, then one line per option that matters. Practice
     questions answered wrong keep the right answer back (Try again, or Show the answer); graded
     ones are final, so they show it, with the explanation. */
  function explain(fieldset, answer, graded) {
    var status = fieldset.querySelector(".cq-status");
    var right = rightOf(fieldset);
    var chosen = answer.chosen;
    var multiple = !!fieldset.querySelector("input[type=checkbox]");
    var missed = right.filter(function (id) { return chosen.indexOf(id) < 0; });
    var wrong = chosen.filter(function (id) { return right.indexOf(id) < 0; });
    var reveal = graded || answer.correct || multiple;
    cq.say(status, "", answer.correct ? "right" : "wrong");
    if (cq.classified && cq.classified(fieldset, answer, right)) return;
    var verdict = answer.correct ? "Right." : "Not quite.";
    if (!answer.correct && multiple && !wrong.length) {
      verdict = "Partly right: you missed " + missed.length + (missed.length === 1 ? " right option." : " right options.");
    }
    cq.add(status, "p", verdict, "cq-verdict-line");
    var list = cq.add(status, "ul", "", "cq-feedback-lines");
    cq.all(fieldset, ".cq-option input").forEach(function (input) {
      var id = input.value;
      var picked = chosen.indexOf(id) >= 0;
      if (!picked && !(reveal && missed.indexOf(id) >= 0)) return;
      var entry = keyOf(fieldset).querySelector('[data-option="' + id + '"]');
      var line = cq.add(list, "li");
      cq.add(line, "strong", picked ? (right.indexOf(id) >= 0 ? "You chose, rightly: " : "You chose: ") : "You missed: ", "cq-tag");
      if (entry) {
        cq.cloneInto(line, entry.childNodes);
        cq.all(line, ".cq-verdict").forEach(function (el) { el.remove(); });
      }
    });
    var more = keyOf(fieldset).querySelector(".cq-explanation");
    if (more && reveal) cq.cloneInto(status, [more]);
  }

  /* `keep`: leave what is ticked as it is (a choice made before the script ran). */
  function renderAnswer(fieldset, answer, keep) {
    var graded = !!fieldset.closest("[data-graded]");
    var right = rightOf(fieldset);
    var locked = !!answer;
    var reveal = locked && (graded || answer.correct || !!fieldset.querySelector("input[type=checkbox]"));
    cq.all(fieldset, ".cq-option").forEach(function (option) {
      var input = option.querySelector("input");
      var picked = locked && answer.chosen.indexOf(input.value) >= 0;
      if (locked || !keep) input.checked = picked;
      input.disabled = locked;
      option.classList.toggle("cq-right", picked && right.indexOf(input.value) >= 0);
      option.classList.toggle("cq-wrong", picked && right.indexOf(input.value) < 0);
      option.classList.toggle("cq-missed", reveal && !picked && right.indexOf(input.value) >= 0);
    });
    cq.show(fieldset.querySelector(".cq-check"), !locked);
    cq.show(fieldset.querySelector(".cq-retry"), locked && !graded);
    if (locked) explain(fieldset, answer, graded);
    else cq.say(fieldset.querySelector(".cq-status"), "");
  }

  function setupQuestion(fieldset) {
    var id = fieldset.getAttribute("data-question");
    var check = fieldset.querySelector(".cq-check");
    var retry = fieldset.querySelector(".cq-retry");
    var status = fieldset.querySelector(".cq-status");
    cq.arrange(fieldset);
    cq.show(fieldset.querySelector(".cq-actions"), true);
    check.addEventListener("click", function () {
      var chosen = cq.all(fieldset, "input:checked").map(function (input) { return input.value; });
      if (!chosen.length) return cq.say(status, "Choose an answer first.", "wrong");
      var right = rightOf(fieldset).slice().sort().join(" ");
      var answer = { chosen: chosen, correct: chosen.slice().sort().join(" ") === right };
      var approach = fieldset.querySelector("input:checked").getAttribute("data-approach");
      if (approach) answer.approach = approach;
      var kept = cq.update(function (p) {
        var before = p.answers[id];
        answer.first = before && typeof before.first === "boolean" ? before.first : answer.correct;
        /* What was chosen the first time, for the trainer's debrief (unknown for answers
           stored before it was kept). */
        var firstChosen = before ? before.firstChosen : chosen;
        if (firstChosen) answer.firstChosen = firstChosen;
        p.answers[id] = answer;
      });
      renderAnswer(fieldset, answer);
      if (!kept) cq.add(status, "p", cq.notSaved, "cq-meta");
      fieldset.dispatchEvent(new CustomEvent("cq:answered", { bubbles: true }));
      cq.focusOn(retry && !retry.hidden ? retry : status);
    });
    if (retry) retry.addEventListener("click", function () {
      cq.update(function (p) { if (p.answers[id]) p.answers[id].retry = true; });
      renderAnswer(fieldset, null);
      fieldset.querySelector("input").focus();
    });
    var saved = cq.load().answers[id];
    renderAnswer(fieldset, saved && !saved.retry ? saved : null, true);
  }

  if (window.cqCourse) window.cqCourse.runHooks();
})();
