/* Graded assessments: the draw, the counter, the result, the confusion profile, the certificate.
 *
 * Loaded by graded quiz pages only; runs as a hook of course.js (see there). An attempt is
 * drawn from the quiz's bank: `data-per-approach` questions of each approach, or `data-draw`
 * questions in all, preferring those the learner has seen least, in the learner's own order.
 * The draw is kept in progress (`attempts`), so a reload, an import or instant navigation
 * shows the same questions; "Start the assessment again" draws the next attempt.
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.assessment) return;
  hooks.assessment = function (cq, main) {
    cq.all(main, ".cq-quiz[data-graded]").forEach(function (quiz) { setup(cq, quiz); });
  };
  if (window.cqCourse) window.cqCourse.runHooks();

  var DATE = { year: "numeric", month: "long", day: "numeric" };
  var HISTORY = 20; /* attempts kept: the progress codec's worst case counts on it (codec.js) */

  /* The attempts to keep once one more is done: the best pass (the certificate's), then the
     latest, HISTORY in all. */
  function kept(history) {
    if (history.length <= HISTORY) return history;
    var best = null;
    history.forEach(function (h) { if (h.passed && (!best || h.percent > best.percent)) best = h; });
    var latest = history.slice(-HISTORY);
    return !best || latest.indexOf(best) >= 0 ? latest : [best].concat(history.slice(1 - HISTORY));
  }

  /* The questions of attempt `n` of quiz `quiz`, in the order shown. `bank` lists [id, approach]
     pairs; `rule.per` questions of each approach, else `rule.total` from the whole bank, else
     all. In each group the least seen come first (`seen` counts earlier draws), ties broken in
     the learner's own order; so a new attempt gets new questions while the bank has them. */
  function drawAttempt(cq, quiz, n, bank, approaches, rule, seen) {
    var ids = bank.map(function (entry) { return entry[0]; });
    var groups = rule.per ? approaches.map(function (a) {
      return bank.filter(function (entry) { return entry[1] === a; }).map(function (entry) { return entry[0]; });
    }) : [ids];
    var take = rule.per || rule.total || ids.length;
    var drawn = [];
    groups.forEach(function (group, g) {
      var order = cq.shuffled(group, quiz + ":draw:" + n + ":" + g);
      var rank = cq.map();
      order.forEach(function (q, i) { rank[q] = i; });
      order.sort(function (a, b) { return (seen[a] || 0) - (seen[b] || 0) || rank[a] - rank[b]; });
      drawn = drawn.concat(order.slice(0, take));
    });
    return cq.shuffled(drawn, quiz + ":order:" + n);
  }
  window.cqAssessment = { draw: drawAttempt };

  function setup(cq, quiz) {
    var id = quiz.getAttribute("data-item");
    var bank = cq.all(quiz, "fieldset[data-question]");
    var byId = cq.map();
    bank.forEach(function (q) { byId[q.getAttribute("data-question")] = q; });
    var approaches = cq.all(quiz, "[data-approach-name]").map(function (el) { return el.getAttribute("data-approach-name"); });
    var anchor = quiz.querySelector(".cq-open");
    var counter = quiz.querySelector(".cq-counter");
    var result = quiz.querySelector(".cq-score");

    function draw(n, seen) {
      var bank = Object.keys(byId).map(function (q) { return [q, byId[q].getAttribute("data-approach")]; });
      var rule = { per: Number(quiz.getAttribute("data-per-approach")), total: Number(quiz.getAttribute("data-draw")) };
      return drawAttempt(cq, id, n, bank, approaches, rule, seen);
    }

    function attempt() {
      var progress = cq.load();
      var stored = progress.attempts[id];
      if (stored && stored.drawn.length && stored.drawn.every(function (q) { return byId[q]; })) return stored;
      /* The first attempt, or the bank changed under a stored draw: draw this attempt again. */
      var fresh = stored || { n: 1, seen: cq.map(), history: [] };
      fresh.drawn = draw(fresh.n, fresh.seen);
      cq.update(function (p) { p.attempts[id] = fresh; });
      return fresh;
    }

    function lay(current) {
      bank.forEach(function (q) { q.hidden = true; });
      current.drawn.forEach(function (q) {
        quiz.insertBefore(byId[q], anchor);
        byId[q].hidden = false;
      });
      cq.number(current.drawn.map(function (q) { return byId[q]; }));
    }

    function name(approach) {
      var label = quiz.querySelector('[data-approach-name="' + approach + '"]');
      return (label ? label.textContent : approach).toLowerCase();
    }

    function refresh() {
      var progress = cq.load();
      var current = progress.attempts[id] || attempt();
      var drawn = current.drawn;
      var open = drawn.filter(function (q) { return !progress.answers[q] || progress.answers[q].retry; });
      var answered = drawn.length - open.length;
      counter.textContent = "Attempt " + current.n + ": " + answered + " of " + drawn.length + " answered.";
      cq.show(counter, true);
      var list = anchor.querySelector(".cq-open-list");
      list.textContent = "";
      open.forEach(function (q) {
        var line = anchor.querySelector(".cq-open-row").content.firstElementChild.cloneNode(true);
        var link = line.querySelector("a");
        link.href = "#" + byId[q].id;
        link.textContent = "Question " + (drawn.indexOf(q) + 1);
        list.appendChild(line);
      });
      /* Listed once the learner has reached the end or nearly: before, it would be most of them. */
      var last = progress.answers[drawn[drawn.length - 1]];
      cq.show(anchor, open.length > 0 && ((last && !last.retry) || open.length <= 5));
      if (open.length) return cq.show(result, false);

      var right = 0;
      var confusions = cq.map();
      var others = [];
      drawn.forEach(function (q, index) {
        var answer = progress.answers[q];
        if (answer.correct) return right++;
        var truth = byId[q].getAttribute("data-approach");
        var picked = answer.chosen.length === 1 && answer.approach;
        if (truth && picked && picked !== truth) {
          var key = truth + ">" + picked;
          confusions[key] = (confusions[key] || 0) + 1;
        } else {
          others.push(index + 1);
        }
      });
      var percent = Math.round((100 * right) / drawn.length);
      var mark = Number(quiz.getAttribute("data-pass-mark"));
      var passed = percent >= mark;
      if (!current.history.some(function (h) { return h.n === current.n; })) {
        var entry = { n: current.n, right: right, total: drawn.length, percent: percent, passed: passed, date: new Date().toISOString() };
        cq.update(function (p) { if (p.attempts[id]) p.attempts[id].history = kept(p.attempts[id].history.concat([entry])); });
        current.history = kept(current.history.concat([entry]));
      }
      quiz.querySelector(".cq-score-text").textContent = "Attempt " + current.n + ": you answered " + right + " of " +
        drawn.length + " correctly (" + percent + "%). " +
        (passed ? "You passed." : "The pass mark is " + mark + "%: review and try again.");
      var rows = quiz.querySelector(".cq-confusions");
      rows.textContent = "";
      Object.keys(confusions).sort(function (a, b) { return confusions[b] - confusions[a] || (a < b ? -1 : 1); })
        .forEach(function (key) {
          var parts = key.split(">");
          var item = quiz.querySelector("template.cq-confusion-row").content.firstElementChild.cloneNode(true);
          item.querySelector(".cq-confusion-text").textContent = "You labelled " + name(parts[0]) + " as " +
            name(parts[1]) + " " + confusions[key] + (confusions[key] === 1 ? " time." : " times.");
          var revisit = quiz.querySelector('[data-revisit="' + parts[0] + '"]');
          if (revisit) item.appendChild(revisit.cloneNode(true)).hidden = false;
          rows.appendChild(item);
        });
      var none = !Object.keys(confusions).length;
      cq.show(quiz.querySelector(".cq-no-confusions"), none && !others.length);
      var misses = quiz.querySelector(".cq-other-misses");
      misses.textContent = others.length ? (none ? "You mistook no approach for another, but " : "Besides these, ") +
        others.length + (others.length === 1 ? " answer was" : " answers were") + " wrong or incomplete: question" +
        (others.length === 1 ? " " : "s ") + others.join(", ") + "." : "";
      cq.show(misses, others.length > 0);
      certificate(current.history);
      cq.show(result, true);
    }

    function certificate(history) {
      var best = null;
      history.forEach(function (h) { if (h.passed && (!best || h.percent > best.percent)) best = h; });
      var box = quiz.querySelector(".cq-certificate");
      cq.show(box, !!best);
      if (!best) return;
      var when = new Date(best.date);
      box.querySelector(".cq-certificate-score").textContent = "with " + best.percent + "% (" + best.right + " of " +
        best.total + " questions right, pass mark " + quiz.getAttribute("data-pass-mark") + "%) on " +
        (isNaN(when) ? best.date : when.toLocaleDateString(undefined, DATE)) + ", attempt " + best.n + ".";
      modules(box.querySelector(".cq-certificate-modules"));
    }

    /* The modules completed, as this browser recorded them (course.json lists what each asks). */
    function modules(line) {
      fetch(new URL("course.json", cq.root)).then(function (response) { return response.json(); })
        .then(function (course) {
          var progress = cq.load();
          var done = course.modules.filter(function (module) {
            return module.items.every(function (item) { return cq.doneShare(item, progress) === 1; });
          });
          line.textContent = "Modules completed: " + done.length + " of " + course.modules.length +
            (done.length ? " (" + done.map(function (m) { return m.title; }).join("; ") + ")." : ".");
        })
        .catch(function () { line.textContent = ""; });
    }

    var current = attempt();
    cq.show(quiz.querySelector(".cq-noscript"), false);
    lay(current);
    quiz.addEventListener("cq:answered", refresh);

    quiz.querySelector(".cq-restart").addEventListener("click", function () {
      cq.update(function (p) {
        var old = p.attempts[id] || current;
        var seen = old.seen || cq.map();
        old.drawn.forEach(function (q) { seen[q] = (seen[q] || 0) + 1; });
        bank.forEach(function (q) { delete p.answers[q.getAttribute("data-question")]; });
        var next = { n: old.n + 1, seen: seen, history: old.history };
        next.drawn = draw(next.n, seen);
        p.attempts[id] = current = next;
      });
      current = cq.load().attempts[id] || current;
      bank.forEach(function (q) { cq.renderAnswer(q, null); });
      lay(current);
      refresh();
      cq.focusOn(byId[current.drawn[0]].querySelector("input"));
    });

    var box = quiz.querySelector(".cq-certificate");
    var input = box.querySelector("input");
    var status = box.querySelector(".cq-status");
    var printed = box.querySelector(".cq-certificate-name");
    input.value = cq.load().notes["certificate-name"] || "";
    printed.textContent = input.value;
    input.addEventListener("input", function () {
      printed.textContent = input.value;
      cq.say(status, "");
      cq.update(function (p) { p.notes["certificate-name"] = input.value.slice(0, 200); });
    });
    box.querySelector(".cq-print").addEventListener("click", function () {
      if (!input.value.trim()) {
        cq.say(status, "Type your name first: it is printed on the certificate.", "wrong");
        return input.focus();
      }
      /* Print a copy of the card alone, in the normal flow of an otherwise empty page: one sheet. */
      var sheet = document.body.appendChild(document.createElement("div"));
      sheet.className = "cq-print-sheet";
      sheet.appendChild(box.querySelector(".cq-certificate-card").cloneNode(true));
      document.body.classList.add("cq-printing");
      window.addEventListener("afterprint", function () {
        document.body.classList.remove("cq-printing");
        sheet.remove();
      }, { once: true });
      window.print();
    });
    refresh();
  }
})();
