/* The course runtime: answers, feedback, branching cases, progress and the certificate.
 *
 * Every page is complete HTML without this script (questions readable, answers in <details>).
 * The script only wires up what the templates already rendered, including hidden buttons and
 * <template> elements, so no markup is written here. It runs from Material's `document$`, once
 * per page view (instant navigation swaps the content, so each view initialises afresh, and
 * `data-cq-ready` makes a second call on the same content a no-op).
 *
 * Progress lives in localStorage under one versioned key, keyed by stable ids from the content.
 */
(function () {
  "use strict";

  /* The tag is in each learner page's content, which instant navigation runs again. */
  if (window.cqCourse) return;
  window.cqCourse = true;

  var VERSION = 1;
  var root = typeof __md_scope !== "undefined" ? __md_scope : new URL("/", location.href);
  var KEY = "cq-progress-v" + VERSION + ":" + root.pathname;

  /* ---- storage: never trust what is there ---- */

  function fresh() {
    return { version: VERSION, answers: {}, cases: {}, notes: {}, visited: {}, last: null };
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function clean(data) {
    if (!isObject(data) || data.version !== VERSION) return null;
    var out = fresh();
    ["answers", "cases", "notes", "visited"].forEach(function (part) {
      if (isObject(data[part])) out[part] = data[part];
    });
    Object.keys(out.answers).forEach(function (id) {
      var a = out.answers[id];
      if (!isObject(a) || !Array.isArray(a.chosen) || typeof a.correct !== "boolean") {
        delete out.answers[id];
      }
    });
    Object.keys(out.cases).forEach(function (id) {
      if (!Array.isArray(out.cases[id])) delete out.cases[id];
    });
    Object.keys(out.notes).forEach(function (id) {
      if (typeof out.notes[id] !== "string") delete out.notes[id];
    });
    if (typeof data.last === "string" && /^[\w\-/]*$/.test(data.last)) out.last = data.last;
    return out;
  }

  function load() {
    try {
      return clean(JSON.parse(localStorage.getItem(KEY))) || fresh();
    } catch (error) {
      return fresh();
    }
  }

  function save(progress) {
    try {
      localStorage.setItem(KEY, JSON.stringify(progress));
    } catch (error) {
      /* storage full or disabled: the page keeps working, progress is just not kept */
    }
  }

  function update(change) {
    var progress = load();
    change(progress);
    save(progress);
    return progress;
  }

  /* ---- small helpers ---- */

  function all(scope, selector) {
    return Array.prototype.slice.call(scope.querySelectorAll(selector));
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function say(status, text, tone) {
    status.textContent = text;
    status.className = "cq-status" + (tone ? " cq-" + tone : "");
  }

  /* The explanation the template wrote for each chosen option (inside its <details>). */
  function feedbackFor(scope, attribute, ids) {
    return ids.map(function (id) {
      var entry = scope.querySelector("[" + attribute + '="' + id + '"]');
      if (!entry) return "";
      var why = (entry.querySelector(".cq-why") || entry).textContent.trim();
      var label = entry.querySelector("strong");
      return ids.length > 1 && label ? label.textContent + ": " + why : why;
    }).join(" ");
  }

  /* ---- questions: single, multiple and classify ---- */

  function chosenOf(fieldset) {
    return all(fieldset, "input:checked").map(function (input) { return input.value; });
  }

  function rightOf(fieldset) {
    var answer = fieldset.getAttribute("data-answer");
    if (answer) return [answer];
    return all(fieldset, "[data-correct]").map(function (li) {
      return li.getAttribute("data-option");
    });
  }

  function markOptions(fieldset, chosen, right, done) {
    all(fieldset, ".cq-option").forEach(function (option) {
      var value = option.querySelector("input").value;
      option.classList.toggle("cq-right", done && right.indexOf(value) >= 0);
      option.classList.toggle("cq-wrong", done && chosen.indexOf(value) >= 0 && right.indexOf(value) < 0);
    });
  }

  function renderAnswer(fieldset, answer) {
    var status = fieldset.querySelector(".cq-status");
    var right = rightOf(fieldset);
    var locked = !!answer;
    all(fieldset, "input").forEach(function (input) {
      input.checked = locked ? answer.chosen.indexOf(input.value) >= 0 : false;
      input.disabled = locked;
    });
    markOptions(fieldset, locked ? answer.chosen : [], right, locked);
    show(fieldset.querySelector(".cq-check"), !locked);
    show(fieldset.querySelector(".cq-retry"), locked && !fieldset.closest("[data-graded]"));
    show(fieldset.querySelector(".cq-answer"), locked || !fieldset.closest("[data-graded]"));
    if (!locked) return say(status, "");
    var why = fieldset.getAttribute("data-answer")
      ? feedbackFor(fieldset, "data-rationale", ["answer"])
      : feedbackFor(fieldset, "data-option", answer.chosen);
    say(status, (answer.correct ? "Right. " : "Not quite. ") + why, answer.correct ? "right" : "wrong");
  }

  function setupQuestion(fieldset) {
    var id = fieldset.getAttribute("data-question");
    var check = fieldset.querySelector(".cq-check");
    var retry = fieldset.querySelector(".cq-retry");
    show(fieldset.querySelector(".cq-actions"), true);
    check.addEventListener("click", function () {
      var chosen = chosenOf(fieldset);
      if (!chosen.length) {
        return say(fieldset.querySelector(".cq-status"), "Choose an answer first.", "wrong");
      }
      var right = rightOf(fieldset).slice().sort().join(" ");
      var answer = { chosen: chosen, correct: chosen.slice().sort().join(" ") === right };
      var approach = fieldset.querySelector("input:checked").getAttribute("data-approach");
      if (approach) answer.approach = approach;
      update(function (p) {
        var before = p.answers[id];
        answer.first = before && typeof before.first === "boolean" ? before.first : answer.correct;
        p.answers[id] = answer;
      });
      renderAnswer(fieldset, answer);
      refreshScore(fieldset.closest("[data-graded]"));
    });
    if (retry) retry.addEventListener("click", function () {
      update(function (p) {
        if (p.answers[id]) p.answers[id].retry = true;
      });
      renderAnswer(fieldset, null);
      fieldset.querySelector("input").focus();
    });
    var saved = load().answers[id];
    renderAnswer(fieldset, saved && !saved.retry ? saved : null);
  }

  /* ---- the graded assessment: score, confusion profile, certificate ---- */

  function refreshScore(quiz) {
    if (!quiz) return;
    var progress = load();
    var questions = all(quiz, "fieldset[data-question]");
    var answered = questions.filter(function (q) {
      return progress.answers[q.getAttribute("data-question")];
    });
    var result = quiz.querySelector(".cq-score");
    if (answered.length < questions.length) return show(result, false);
    var correct = 0;
    var confusions = {};
    questions.forEach(function (q) {
      var answer = progress.answers[q.getAttribute("data-question")];
      if (answer.correct) return correct++;
      var truth = q.getAttribute("data-approach");
      if (truth && answer.approach && answer.approach !== truth) {
        var key = truth + ">" + answer.approach;
        confusions[key] = (confusions[key] || 0) + 1;
      }
    });
    var percent = Math.round((100 * correct) / questions.length);
    var passed = percent >= Number(quiz.getAttribute("data-pass-mark"));
    quiz.querySelector(".cq-score-text").textContent =
      "You answered " + correct + " of " + questions.length + " correctly (" + percent + "%). " +
      (passed ? "You passed." : "The pass mark is " + quiz.getAttribute("data-pass-mark") + "%: review and try again.");
    var list = quiz.querySelector(".cq-confusions");
    var row = quiz.querySelector("template.cq-confusion-row");
    list.textContent = "";
    Object.keys(confusions).sort(function (a, b) { return confusions[b] - confusions[a]; })
      .forEach(function (key) {
        var parts = key.split(">");
        var item = row.content.firstElementChild.cloneNode(true);
        var name = function (approach) {
          var label = quiz.querySelector('[data-approach-name="' + approach + '"]');
          return label ? label.textContent : approach;
        };
        item.querySelector(".cq-confusion-text").textContent =
          "You labelled " + name(parts[0]).toLowerCase() + " as " + name(parts[1]).toLowerCase() +
          " " + confusions[key] + (confusions[key] === 1 ? " time." : " times.");
        var revisit = quiz.querySelector('[data-revisit="' + parts[0] + '"]');
        if (revisit) item.appendChild(revisit.cloneNode(true)).hidden = false;
        list.appendChild(item);
      });
    show(quiz.querySelector(".cq-no-confusions"), !Object.keys(confusions).length);
    show(quiz.querySelector(".cq-certificate"), passed);
    show(result, true);
  }

  function setupGraded(quiz) {
    var restart = quiz.querySelector(".cq-restart");
    restart.addEventListener("click", function () {
      update(function (p) {
        all(quiz, "fieldset[data-question]").forEach(function (q) {
          delete p.answers[q.getAttribute("data-question")];
        });
      });
      all(quiz, "fieldset[data-question]").forEach(function (q) { renderAnswer(q, null); });
      refreshScore(quiz);
      quiz.querySelector("input").focus();
    });
    var certificate = quiz.querySelector(".cq-certificate");
    var name = certificate.querySelector("input");
    var printed = certificate.querySelector(".cq-certificate-name");
    var date = certificate.querySelector(".cq-certificate-date");
    date.textContent = new Date().toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
    name.value = load().notes["certificate-name"] || "";
    printed.textContent = name.value;
    name.addEventListener("input", function () {
      printed.textContent = name.value;
      update(function (p) { p.notes["certificate-name"] = name.value; });
    });
    certificate.querySelector(".cq-print").addEventListener("click", function () {
      document.body.classList.add("cq-printing");
      window.print();
      document.body.classList.remove("cq-printing");
    });
    refreshScore(quiz);
  }

  /* ---- branching cases: the path is a list of [step, choice, next, continued] ---- */

  function setupCase(story) {
    var id = story.getAttribute("data-item");
    var start = story.getAttribute("data-start");
    var steps = {};
    all(story, ".cq-step").forEach(function (step) { steps[step.getAttribute("data-step")] = step; });

    function path() {
      var saved = load().cases[id] || [];
      return saved.filter(function (entry) { return Array.isArray(entry) && steps[entry[0]]; });
    }

    function change(edit) {
      update(function (p) { p.cases[id] = edit(path()); });
    }

    function focusOn(element) {
      element.setAttribute("tabindex", "-1");
      element.focus();
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
        all(fieldset, "input").forEach(function (input) {
          input.checked = !!decision && input.value === decision[1];
          input.disabled = !!decision;
        });
        show(fieldset.querySelector(".cq-check"), !decision);
        show(fieldset.querySelector(".cq-continue"), last && !!decision[2] && !decision[3]);
        show(fieldset.querySelector(".cq-back"), last);
        var status = fieldset.querySelector(".cq-status");
        if (!decision) return say(status, "");
        say(status, feedbackFor(fieldset, "data-choice", [decision[1]]), "neutral");
      });
      if (steps[shown[shown.length - 1]].querySelector(".cq-ending")) {
        update(function (p) { p.visited[id] = "done"; });
      }
      return shown;
    }

    all(story, "fieldset[data-question]").forEach(function (fieldset) {
      var stepId = fieldset.closest(".cq-step").getAttribute("data-step");
      show(fieldset.querySelector(".cq-actions"), true);
      fieldset.querySelector(".cq-check").addEventListener("click", function () {
        var input = fieldset.querySelector("input:checked");
        var status = fieldset.querySelector(".cq-status");
        if (!input) return say(status, "Choose what the manager does first.", "wrong");
        change(function (taken) {
          return taken.concat([[stepId, input.value, input.getAttribute("data-next") || "", false]]);
        });
        render();
        var next = fieldset.querySelector(".cq-continue");
        focusOn(next.hidden ? status : next);
      });
      fieldset.querySelector(".cq-continue").addEventListener("click", function () {
        change(function (taken) { taken[taken.length - 1][3] = true; return taken; });
        var shown = render();
        focusOn(steps[shown[shown.length - 1]].querySelector("h2"));
      });
      fieldset.querySelector(".cq-back").addEventListener("click", function () {
        change(function (taken) { return taken.slice(0, -1); });
        render();
        fieldset.querySelector("input").focus();
      });
    });
    all(story, ".cq-restart").forEach(function (button) {
      show(button.parentNode, true);
      button.addEventListener("click", function () {
        change(function () { return []; });
        render();
        focusOn(steps[start].querySelector("h2"));
      });
    });
    render();
  }

  /* ---- reflections, visits, progress page ---- */

  function setupNote(area) {
    var id = area.getAttribute("data-note");
    area.value = load().notes[id] || "";
    area.addEventListener("input", function () {
      update(function (p) { p.notes[id] = area.value; });
    });
    show(area.parentNode.querySelector(".cq-note-hint"), true);
  }

  function download(data, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 1)], { type: "application/json" }));
    link.download = name;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  /* What a learner hands to their trainer: answers only (see docs/trainer.md for the format). */
  function results(course) {
    return { format: "cq-results", version: 1, course: course.id, answers: load().answers };
  }

  function shareCode(data) {
    var bytes = new TextEncoder().encode(JSON.stringify(data));
    var text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return "CQ1." + btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function setupProgress(panel) {
    var status = panel.querySelector(".cq-status");
    var course = null;
    fetch(new URL("course.json", root)).then(function (response) { return response.json(); })
      .then(function (data) { course = data; fillProgress(panel, course); })
      .catch(function () { say(status, "The course index could not be loaded.", "wrong"); });
    panel.querySelector(".cq-export").addEventListener("click", function () {
      download(load(), "coaching-course-progress.json");
      say(status, "Your progress was saved to a file.", "right");
    });
    panel.querySelector(".cq-share").addEventListener("click", function () {
      if (!course) return;
      download(results(course), "coaching-course-results.json");
      say(status, "Your results were saved to a file for your trainer.", "right");
    });
    panel.querySelector(".cq-import").addEventListener("change", function (event) {
      var file = event.target.files[0];
      if (!file) return;
      file.text().then(function (text) {
        var data = null;
        try { data = clean(JSON.parse(text)); } catch (error) { data = null; }
        if (!data) return say(status, "That file is not a progress export of this course; nothing was changed.", "wrong");
        save(data);
        say(status, "Progress imported.", "right");
        if (course) fillProgress(panel, course);
      });
    });
  }

  function itemState(item, progress) {
    if (item.kind === "case") return progress.visited[item.id] === "done" ? 1 : 0;
    var questions = item.questions.filter(function (q) { return q.type !== "decision"; });
    if (!questions.length) return progress.visited[item.id] ? 1 : 0;
    var done = questions.filter(function (q) { return progress.answers[q.id]; }).length;
    return done / questions.length;
  }

  function fillProgress(panel, course) {
    var progress = load();
    panel.querySelector(".cq-share-code").value = shareCode(results(course));
    var body = panel.querySelector("tbody");
    var row = panel.querySelector("template.cq-progress-row");
    body.textContent = "";
    var scored = 0;
    var right = 0;
    course.modules.forEach(function (module) {
      var total = 0;
      module.items.forEach(function (item) {
        total += itemState(item, progress);
        item.questions.forEach(function (q) {
          var answer = progress.answers[q.id];
          if (answer && q.type !== "decision") {
            scored++;
            if (answer.first) right++;
          }
        });
      });
      var line = row.content.firstElementChild.cloneNode(true);
      var link = line.querySelector("a");
      link.href = new URL(module.url, root).href;
      link.textContent = module.title;
      var percent = module.items.length ? Math.round((100 * total) / module.items.length) : 0;
      line.querySelector(".cq-done").textContent = percent + "%";
      line.querySelector("progress").value = percent;
      line.querySelector("progress").setAttribute("aria-label", module.title + ": " + percent + "% done");
      body.appendChild(line);
    });
    panel.querySelector(".cq-total").textContent = scored
      ? right + " of " + scored + " answered right the first time (" + Math.round((100 * right) / scored) + "%)"
      : "No answers yet.";
    var resume = panel.querySelector(".cq-resume");
    if (progress.last) {
      resume.href = new URL(progress.last, root).href;
      show(resume.parentNode, true);
    }
  }

  /* ---- wiring ---- */

  function init() {
    var main = document.querySelector(".md-content");
    if (!main || main.hasAttribute("data-cq-ready")) return;
    main.setAttribute("data-cq-ready", "");
    var page = document.querySelector("[data-cq-page]");
    if (page) {
      update(function (p) {
        var item = page.getAttribute("data-cq-page");
        if (!p.visited[item]) p.visited[item] = "seen";
        p.last = page.getAttribute("data-cq-url");
      });
    }
    all(main, ".cq-case").forEach(setupCase);
    all(main, ".cq-quiz fieldset[data-question], .cq-drill fieldset[data-question]").forEach(setupQuestion);
    all(main, "[data-graded]").forEach(setupGraded);
    all(main, "textarea[data-note]").forEach(setupNote);
    all(main, ".cq-progress").forEach(setupProgress);
  }

  /* On a full page load the tag runs before Material's bundle defines `document$`: wait for
     the document first. Reached by instant navigation, `document$` replays the current page. */
  function start() {
    if (typeof document$ !== "undefined") document$.subscribe(init);
    else init();
  }

  if (typeof document$ === "undefined" && document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
