/* The group debrief dashboard (trainer/dashboard/): import learners' results, check them
 * against course.json, and show the group: per question, the confusion matrix, the most missed.
 *
 * Loaded by the dashboard page's own <script> tag, so no other page downloads it; runs as a hook
 * of course.js, which trainer pages load for its start-up and helpers (see there), so it is set
 * up on every page view, instant navigation included (idempotently, per element). Like the
 * other scripts it writes no markup of its own: it fills and clones what the templates
 * rendered, including each module's rows, fetched from this site when results need them.
 * Nothing is sent anywhere; imported results stay in this tab.
 *
 * Entry point for other pages of this site (the live room uses it): put a JSON list of
 * [name, text of a results record] pairs in sessionStorage under "cq-dashboard-import" and
 * open this page; it imports them as if they were files, with the same checks and messages,
 * and removes the key (docs/trainer.md).
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.dashboard) return;
  var all, isObject, root;
  hooks.dashboard = function (cq, main) {
    all = cq.all;
    isObject = cq.isObject;
    root = cq.root;
    all(main, ".cq-dashboard:not([" + READY + "])").forEach(function (board) {
      board.setAttribute(READY, "");
      setupDashboard(board);
    });
  };

  var READY = "data-cq-dashboard";
  var MAX_BYTES = 1024 * 1024;
  var MAX_RESULTS = 500;
  var MOST_MISSED = 5;
  var HANDOFF = "cq-dashboard-import";

  function percent(part, whole) {
    return part + " of " + whole + " (" + Math.round((100 * part) / whole) + "%)";
  }

  /* cyrb53: a small, fast 53-bit string hash; enough to spot the same file twice. */
  function hash(text) {
    var h1 = 0xdeadbeef;
    var h2 = 0x41c6ce57;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
  }

  function cyrb53(bytes) {
    var h1 = 0xdeadbeef;
    var h2 = 0x41c6ce57;
    for (var i = 0; i < bytes.length; i++) {
      h1 = Math.imul(h1 ^ bytes[i], 2654435761);
      h2 = Math.imul(h2 ^ bytes[i], 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
  }

  /* A version 2 record's checksum, as builder/results.py and progress.js compute it. */
  function checksum(data) {
    var rows = Object.keys(data.answers).sort().map(function (q) {
      var a = data.answers[q];
      return [q, a.chosen, a.firstChosen, a.first, a.approach].map(function (v) { return v === undefined ? null : v; });
    });
    return cyrb53(new TextEncoder().encode(JSON.stringify([data.course, data.label || "", rows])));
  }

  function decodeCode(code) {
    if (code.slice(0, 4) !== "CQ1.") throw new Error("it is not a results code (codes start with CQ1.)");
    var body = code.slice(4);
    if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new Error("the code is damaged (it has characters a code never has)");
    var padded = body.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((body.length + 3) % 4);
    try {
      var binary = atob(padded);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      var text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      JSON.parse(text);
      return text;
    } catch (error) {
      throw new Error("the code is damaged or cut short (copy all of it, from CQ1. to the end)", { cause: error });
    }
  }

  function short(text) {
    text = String(text);
    return JSON.stringify(text.length > 60 ? text.slice(0, 57) + "..." : text);
  }

  /* The course's questions by id, from course.json, with the place of their module. */
  function indexCourse(course) {
    var questions = {};
    course.modules.forEach(function (module, place) {
      module.items.forEach(function (item) {
        item.questions.forEach(function (q) {
          var allowed = q.type === "classify" ? course.approaches : q.options;
          questions[q.id] = { type: q.type, approach: q.approach || null, allowed: allowed || [], correct: q.correct || [q.approach], module: place };
        });
      });
    });
    return questions;
  }

  /* A learner's results, checked against the course; returns the clean answers or throws. */
  function check(data, course, questions) {
    if (!isObject(data)) throw new Error("it is not a results file (expected a JSON object)");
    if (data.format === "cq-progress") throw new Error("it is a progress export, not results: the learner should press Save results for your trainer on their progress page");
    if (data.format !== "cq-results") throw new Error("it is not a results file (its format is not cq-results)");
    if (data.version !== 1 && data.version !== 2) throw new Error("it is results format version " + short(data.version) + "; this dashboard reads versions 1 and 2");
    if (data.label !== undefined && (typeof data.label !== "string" || data.label.length > 40)) throw new Error("its label is not a short text");
    if (data.course !== course.id) throw new Error("it holds results of another course, " + short(data.course));
    if (!isObject(data.answers)) throw new Error("it has no answers object");
    var answers = {};
    Object.keys(data.answers).forEach(function (id) {
      var q = questions[id];
      var a = data.answers[id];
      var where = "the answer to " + short(id);
      if (!Object.prototype.hasOwnProperty.call(questions, id)) throw new Error("it answers a question this course does not have, " + short(id));
      if (!isObject(a)) throw new Error(where + " is not an object");
      var chosen = a.chosen;
      if (!Array.isArray(chosen) || !chosen.length || chosen.some(function (c) { return typeof c !== "string"; })) {
        throw new Error(where + " has no list of chosen options");
      }
      var firstChosen = a.firstChosen;
      [chosen, firstChosen].forEach(function (list) {
        if (list === undefined) return;
        if (!Array.isArray(list) || !list.length) throw new Error(where + " has a `firstChosen` that is not a list of options");
        list.forEach(function (c, i) {
          if (typeof c !== "string" || q.allowed.indexOf(c) < 0) throw new Error(where + " chooses " + short(c) + ", which is not one of its options");
          if (list.indexOf(c) !== i) throw new Error(where + " chooses " + short(c) + " twice");
        });
        if (q.type !== "multiple" && list.length > 1) throw new Error(where + " chooses several options where only one may be chosen");
      });
      if (typeof a.correct !== "boolean") throw new Error(where + " has a `correct` that is not true or false");
      if (a.first !== undefined && typeof a.first !== "boolean") throw new Error(where + " has a `first` that is not true or false");
      if (a.approach != null && course.approaches.indexOf(a.approach) < 0) throw new Error(where + " names an unknown approach, " + short(a.approach));
      /* Whether it is right is worked out here, not taken from the file. Without the first
         choice (version 1, or an answer given before it was kept), `first` is taken as
         written; when it says right, the first choice was the right answer (where one is). */
      var firstRight = firstChosen ? isRight(q, firstChosen) : typeof a.first === "boolean" ? a.first : a.correct;
      if (!firstChosen && firstRight && q.type !== "decision") firstChosen = q.correct;
      answers[id] = { chosen: chosen, right: isRight(q, chosen), firstChosen: firstChosen || null, first: firstRight };
    });
    return answers;
  }

  function isRight(q, chosen) {
    if (q.type === "decision") return q.correct.indexOf(chosen[0]) >= 0;
    return chosen.slice().sort().join(" ") === q.correct.slice().sort().join(" ");
  }

  /* Whether a record's answers are as exported: true, false (edited), or null (version 1 has
     no checksum to check). */
  function intact(data) {
    if (data.version === 1) return null;
    return typeof data.checksum === "string" && data.checksum === checksum(data);
  }

  function setupDashboard(board) {
    var panel = board.querySelector(".cq-import-panel");
    var results = board.querySelector(".cq-results");
    var messages = board.querySelector(".cq-messages");
    var files = board.querySelector(".cq-files");
    var code = board.querySelector(".cq-code");
    var list = board.querySelector(".cq-imported");
    var row = board.querySelector("template.cq-imported-row");
    var editedList = board.querySelector(".cq-edited");
    var editedRow = board.querySelector("template.cq-edited-row");
    var controls = all(panel, "input, textarea, button");
    var STORE = "cq-trainer-results:" + root.pathname;
    var table = board.querySelector(".cq-questions table");
    var debriefs = board.querySelector(".cq-debriefs");
    var imported = []; /* every result read, counted or not (an edited one until included) */
    var course = null;
    var questions = null;
    var modules = {}; /* module place -> loading or loaded (a promise), so each loads once */
    var shown = 0;

    function say(text, bad) {
      var item = document.createElement("li");
      item.textContent = text;
      if (bad) item.className = "cq-bad";
      messages.appendChild(item);
    }

    function counted() {
      return imported.filter(function (r) { return r.intact !== false || r.included; });
    }

    function add(name, text, included) {
      if (imported.length >= MAX_RESULTS) throw new Error("the dashboard holds " + MAX_RESULTS + " results at most");
      var data;
      try { data = JSON.parse(text); } catch (error) { throw new Error("it is not valid JSON", { cause: error }); }
      var answers = check(data, course, questions);
      var key = hash(JSON.stringify(data));
      imported.forEach(function (other, i) {
        if (other.key === key) {
          var same = new Error("the same results as result " + (i + 1) + ", " + other.name + " (identical results count once)");
          same.skipped = true;
          throw same;
        }
      });
      var result = {
        name: name, key: key, answers: answers, text: JSON.stringify(data),
        label: data.label ? data.label.replace(/\s+/g, " ").trim() : "", intact: intact(data), included: !!included
      };
      imported.push(result);
      return result;
    }

    function some(n, one, many) {
      return n + " " + (n === 1 ? one : many);
    }

    function attempt(name, text) {
      try {
        var result = add(name, text);
        var count = some(Object.keys(result.answers).length, "answer", "answers");
        if (result.intact === false) {
          say(name + ": not counted: it was edited after it was saved (its checksum does not match its answers). See Edited files.", true);
        } else {
          say(name + ": added, " + count + (result.label ? ", from " + result.label : "") + (result.intact === null ? " (an older file, without a checksum)." : "."));
        }
      } catch (error) {
        say(name + (error.skipped ? ": skipped: " : ": not added: ") + error.message + ".", !error.skipped);
      }
    }

    function store() {
      try {
        sessionStorage.setItem(STORE, JSON.stringify(imported.map(function (r) { return [r.name, r.text, r.included]; })));
      } catch (error) {
        /* storage full or disabled: the results stay on the page until it is left */
      }
    }

    function importFiles(chosen) {
      messages.textContent = "";
      Promise.all(chosen.map(function (file) {
        if (file.size > MAX_BYTES) return Promise.resolve([file.name, null, "larger than 1 MB, which no results file is"]);
        return file.text().then(function (text) { return [file.name, text]; },
          function () { return [file.name, null, "the file could not be read"]; });
      })).then(function (read) {
        read.forEach(function (entry) {
          if (entry[1] === null) say(entry[0] + ": not added: " + entry[2] + ".", true);
          else attempt(entry[0], entry[1]);
        });
        refresh();
      });
    }

    function importCodes() {
      messages.textContent = "";
      var text = code.value;
      if (text.length > MAX_BYTES * 2) {
        say("Not added: that is far more text than codes ever are.", true);
      } else {
        var codes = text.split(/\s+/).filter(Boolean);
        if (!codes.length) say("Paste at least one code first.", true);
        codes.forEach(function (one, i) {
          var name = "code " + (i + 1);
          try {
            attempt(name, decodeCode(one));
          } catch (error) {
            say(name + ": not added: " + error.message + ".", true);
          }
        });
        if (codes.length) code.value = "";
      }
      refresh();
    }

    function describe(result) {
      var count = some(Object.keys(result.answers).length, "answer", "answers");
      var notes = [count, "#" + result.key.slice(0, 6)];
      if (result.intact === null) notes.push("older file, not checked");
      if (result.included) notes.push("edited, counted by you");
      return (result.label ? result.label + ", " : "") + result.name + " (" + notes.join(", ") + ")";
    }

    function refresh() {
      store();
      list.textContent = "";
      editedList.textContent = "";
      imported.forEach(function (result, i) {
        var waiting = result.intact === false && !result.included;
        var item = (waiting ? editedRow : row).content.firstElementChild.cloneNode(true);
        item.querySelector(waiting ? ".cq-edited-name" : ".cq-imported-name").textContent = describe(result);
        var button = item.querySelector(waiting ? ".cq-include" : ".cq-remove");
        button.setAttribute("aria-label", (waiting ? "Count it anyway: " : "Remove ") + "result " + (i + 1) + ", " + result.name);
        button.addEventListener("click", function () {
          messages.textContent = "";
          if (waiting) {
            result.included = true;
            say(result.name + ": counted, although it was edited.");
          } else {
            imported.splice(i, 1);
            say(result.name + ": removed.");
          }
          refresh();
          (list.querySelector(".cq-remove") || files).focus();
        });
        (waiting ? editedList : list).appendChild(item);
      });
      var group = counted();
      board.querySelector(".cq-edited-panel").hidden = !editedList.children.length;
      board.querySelector(".cq-count").textContent = group.length
        ? group.length + (group.length === 1 ? " result imported." : " results imported.")
        : "No results imported yet.";
      results.hidden = !group.length;
      if (group.length) show();
    }

    /* A module's rows and debriefs (built with the site, one file per module) join the page
       when some result first answers one of its questions, so the page stays small. */
    function loadModule(place) {
      if (!modules[place]) {
        var id = course.modules[place].id;
        var folder = board.getAttribute("data-module-data");
        modules[place] = fetch(new URL(folder + encodeURIComponent(id) + ".json", root))
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (data) {
            var parsed = document.createElement("template");
            parsed.innerHTML = data.html;
            var body = parsed.content.querySelector("tbody");
            var after = all(table, "tbody[data-place]").filter(function (other) {
              return Number(other.getAttribute("data-place")) > place;
            })[0];
            body.setAttribute("data-place", place);
            table.insertBefore(body, after || null);
            debriefs.appendChild(parsed.content);
          })
          .catch(function () {
            delete modules[place];
            say("The questions of module " + (place + 1) + " could not be loaded, so they are left out. Import again to retry.", true);
          });
      }
      return modules[place];
    }

    function show() {
      var needed = {};
      counted().forEach(function (result) {
        Object.keys(result.answers).forEach(function (id) { needed[questions[id].module] = true; });
      });
      var mine = ++shown;
      Promise.all(Object.keys(needed).map(function (place) { return loadModule(Number(place)); }))
        .then(function () { if (mine === shown) draw(); });
    }

    function detailOf(id) {
      return board.querySelector('template[data-detail="' + CSS.escape(id) + '"]');
    }

    /* The approach a choice is: a drill's or role play's choice is one, a quiz option or a
       case choice says which in the module's data (never taken from the file). */
    function approachOf(id, option) {
      if (questions[id].type === "classify") return option;
      var template = detailOf(id);
      var tr = template && template.content.querySelector('tr[data-option="' + CSS.escape(option) + '"]');
      return tr && tr.getAttribute("data-approach");
    }

    function tally(group) {
      var stats = {};
      group.forEach(function (result) {
        Object.keys(result.answers).forEach(function (id) {
          var a = result.answers[id];
          var s = stats[id] || (stats[id] = { n: 0, first: 0, now: 0, unknown: 0, picks: { first: {}, final: {} } });
          s.n++;
          if (a.first) s.first++;
          if (a.right) s.now++;
          a.chosen.forEach(function (o) { s.picks.final[o] = (s.picks.final[o] || 0) + 1; });
          if (a.firstChosen) a.firstChosen.forEach(function (o) { s.picks.first[o] = (s.picks.first[o] || 0) + 1; });
          else s.unknown++;
        });
      });
      return stats;
    }

    function matrixOf(group, basis) {
      var matrix = {};
      group.forEach(function (result) {
        Object.keys(result.answers).forEach(function (id) {
          var q = questions[id];
          var chosen = basis === "first" ? result.answers[id].firstChosen : result.answers[id].chosen;
          if (!q.approach || !chosen || chosen.length !== 1 || q.type === "multiple") return;
          var taken = approachOf(id, chosen[0]);
          if (taken) matrix[q.approach + ":" + taken] = (matrix[q.approach + ":" + taken] || 0) + 1;
        });
      });
      return matrix;
    }

    function drawMatrix(group) {
      var basis = board.querySelector('input[name="cq-basis"]:checked').value;
      var matrix = matrixOf(group, basis);
      board.querySelector(".cq-basis-name").textContent = basis === "first" ? "First attempts." : "Final answers.";
      all(board, "td[data-cell]").forEach(function (td) {
        var n = matrix[td.getAttribute("data-cell")] || 0;
        td.textContent = n;
        td.classList.toggle("cq-hot", n > 0 && !td.classList.contains("cq-diagonal"));
      });
    }

    /* A question's debrief card: each option's count at the first attempt and in the final
       answer, a right option nobody chose marked missed, and a question for the room drawn
       from the most common wrong choice (or the right option most left out). */
    function card(id, s) {
      var template = detailOf(id);
      if (!template) return null;
      var item = template.content.firstElementChild.cloneNode(true);
      var known = s.n - s.unknown;
      var wrong = null;
      var left = null;
      all(item, "tr[data-option]").forEach(function (tr) {
        var option = tr.getAttribute("data-option");
        var first = s.picks.first[option] || 0;
        var last = s.picks.final[option] || 0;
        var right = tr.classList.contains("cq-right-option");
        var text = tr.querySelector(".cq-option-text").textContent;
        tr.querySelector(".cq-count-first").textContent = known ? percent(first, known) : "not recorded";
        tr.querySelector(".cq-count-final").textContent = percent(last, s.n);
        var missed = tr.querySelector(".cq-missed-tag");
        if (missed && (!first || !last)) {
          missed.hidden = false;
          missed.textContent = !last ? "Missed: nobody chose it" : "Missed by everyone at first";
        }
        if (!right && first && (!wrong || first > wrong.n)) wrong = { text: text, n: first };
        if (right && missed && known - first > 0 && (!left || known - first > left.n)) left = { text: text, n: known - first };
      });
      if (s.unknown) {
        var unknown = item.querySelector(".cq-unknown-first");
        unknown.hidden = false;
        unknown.textContent = "The first attempt of " + some(s.unknown, "answer is", "answers are") + " not recorded (results saved before the course kept it); they count in the final answers only.";
      }
      var ask = item.querySelector(".cq-ask-generated");
      if (wrong) ask.textContent = wrong.n + " chose \u201c" + wrong.text + "\u201d at first: what made it look right, and what tells it apart?";
      else if (left) ask.textContent = left.n + " left out \u201c" + left.text + "\u201d at first: what makes it count too?";
      ask.hidden = !wrong && !left;
      item.querySelector(".cq-detail-count").textContent =
        "(" + some(s.n, "answer", "answers") + "; right at the first attempt " + percent(s.first, s.n) + ", in the final answer " + percent(s.now, s.n) + ")";
      return item;
    }

    function draw() {
      var group = counted();
      var stats = tally(group);
      var total = 0;
      var firstRight = 0;
      var nowRight = 0;
      Object.keys(stats).forEach(function (id) {
        total += stats[id].n;
        firstRight += stats[id].first;
        nowRight += stats[id].now;
      });
      board.querySelector(".cq-summary").textContent = total
        ? some(group.length, "learner, ", "learners, ") + total + " answers; right at the first attempt " +
          percent(firstRight, total) + ", in the final answer " + percent(nowRight, total) + "."
        : "The imported results hold no answers yet.";
      all(board, "tr[data-qid]").forEach(function (tr) {
        var s = stats[tr.getAttribute("data-qid")];
        tr.hidden = !s;
        if (!s) return;
        tr.querySelector(".cq-n").textContent = s.n;
        tr.querySelector(".cq-first").textContent = percent(s.first, s.n);
        tr.querySelector(".cq-now").textContent = percent(s.now, s.n);
      });
      all(board, "tbody[data-module]").forEach(function (body) {
        body.hidden = !body.querySelector("tr[data-qid]:not([hidden])");
      });
      drawMatrix(group);
      var details = board.querySelector(".cq-details");
      details.textContent = "";
      all(board, "tr[data-qid]:not([hidden])").forEach(function (tr) {
        var id = tr.getAttribute("data-qid");
        var item = card(id, stats[id]);
        if (item) details.appendChild(item);
      });
      var missed = Object.keys(stats).filter(function (id) { return stats[id].first < stats[id].n; });
      missed.sort(function (a, b) {
        var x = stats[a];
        var y = stats[b];
        return (y.n - y.first) - (x.n - x.first) || x.first / x.n - y.first / y.n;
      });
      var target = board.querySelector(".cq-missed");
      target.textContent = "";
      missed.slice(0, MOST_MISSED).forEach(function (id) {
        var s = stats[id];
        var item = card(id, s);
        if (!item) return;
        item.querySelector("details").open = true;
        var count = item.querySelector(".cq-missed-count");
        count.hidden = false;
        count.textContent = (s.n - s.first) + " of " + s.n + " missed it at the first attempt.";
        target.appendChild(item);
      });
      board.querySelector(".cq-none-missed").hidden = missed.length > 0;
    }

    function restore(saved, report) {
      if (!Array.isArray(saved)) return;
      saved.forEach(function (entry) {
        if (!Array.isArray(entry)) return;
        if (report) return attempt(String(entry[0]), String(entry[1]));
        try { add(String(entry[0]), String(entry[1]), entry[2] === true); } catch (error) { /* dropped: no longer valid */ }
      });
    }

    controls.forEach(function (c) { c.disabled = true; });
    panel.hidden = false;
    fetch(new URL("course.json", root))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        course = data;
        questions = indexCourse(course);
        controls.forEach(function (c) { c.disabled = false; });
        var saved = [];
        var handed = null;
        try { saved = JSON.parse(sessionStorage.getItem(STORE)) || []; } catch (error) { /* not JSON: nothing kept */ }
        try {
          handed = JSON.parse(sessionStorage.getItem(HANDOFF));
          sessionStorage.removeItem(HANDOFF);
        } catch (error) { /* not JSON or no storage: nothing handed over */ }
        restore(saved, false);
        if (imported.length) say(imported.length + " results kept from earlier in this tab.");
        if (Array.isArray(handed)) {
          say("Results handed over by another page of this site:");
          restore(handed, true);
        }
        if (imported.length) refresh();
      })
      .catch(function () {
        say("The course index (course.json) could not be loaded, so results cannot be checked. Reload the page to try again.", true);
      });

    files.addEventListener("change", function () {
      importFiles(Array.prototype.slice.call(files.files));
      files.value = "";
    });
    board.querySelector(".cq-add-codes").addEventListener("click", importCodes);
    board.querySelector(".cq-clear").addEventListener("click", function () {
      imported = [];
      messages.textContent = "";
      say("All results removed.");
      refresh();
    });
    all(board, 'input[name="cq-basis"]').forEach(function (radio) {
      radio.addEventListener("change", function () { drawMatrix(counted()); });
    });
    var drop = board.querySelector(".cq-drop");
    panel.addEventListener("dragover", function (event) {
      event.preventDefault();
      drop.classList.add("cq-dragging");
    });
    panel.addEventListener("dragleave", function () { drop.classList.remove("cq-dragging"); });
    panel.addEventListener("drop", function (event) {
      event.preventDefault();
      drop.classList.remove("cq-dragging");
      if (!course) return;
      importFiles(Array.prototype.slice.call(event.dataTransfer.files));
    });
  }

  if (window.cqCourse) window.cqCourse.runHooks();
})();
