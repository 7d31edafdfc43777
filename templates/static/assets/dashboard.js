/* The group debrief dashboard (trainer/dashboard/): import learners' results, check them
 * against course.json, and show the group: per question, the confusion matrix, the most missed.
 *
 * Loaded by the dashboard page's own <script> tag, so no other page downloads it; runs as a hook
 * of course.js, which trainer pages load for its start-up and helpers (see there), so it is set
 * up on every page view, instant navigation included (idempotently, per element). Like the
 * other scripts it writes no markup of its own: it fills and clones what the templates
 * rendered, including each module's rows, fetched from this site when results need them.
 * Nothing is sent anywhere; imported results stay in this tab.
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
    if (data.format !== "cq-results") throw new Error("it is not a results file (its format is not cq-results)");
    if (data.version !== 1) throw new Error("it is results format version " + short(data.version) + "; this dashboard reads version 1");
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
      chosen.forEach(function (c, i) {
        if (q.allowed.indexOf(c) < 0) throw new Error(where + " chooses " + short(c) + ", which is not one of its options");
        if (chosen.indexOf(c) !== i) throw new Error(where + " chooses " + short(c) + " twice");
      });
      if (q.type !== "multiple" && chosen.length > 1) throw new Error(where + " chooses several options where only one may be chosen");
      if (typeof a.correct !== "boolean") throw new Error(where + " has a `correct` that is not true or false");
      if (a.first !== undefined && typeof a.first !== "boolean") throw new Error(where + " has a `first` that is not true or false");
      if (a.approach != null && course.approaches.indexOf(a.approach) < 0) throw new Error(where + " names an unknown approach, " + short(a.approach));
      /* Whether it is right is worked out here, not taken from the file. */
      var right = chosen.slice().sort().join(" ") === q.correct.slice().sort().join(" ");
      if (q.type === "decision") right = q.correct.indexOf(chosen[0]) >= 0;
      answers[id] = {
        right: right,
        first: typeof a.first === "boolean" ? a.first : a.correct,
        approach: q.type === "classify" ? chosen[0] : q.type === "single" ? a.approach || null : null
      };
    });
    return answers;
  }

  function setupDashboard(board) {
    var panel = board.querySelector(".cq-import-panel");
    var results = board.querySelector(".cq-results");
    var messages = board.querySelector(".cq-messages");
    var files = board.querySelector(".cq-files");
    var code = board.querySelector(".cq-code");
    var list = board.querySelector(".cq-imported");
    var row = board.querySelector("template.cq-imported-row");
    var controls = all(panel, "input, textarea, button");
    var STORE = "cq-trainer-results:" + root.pathname;
    var table = board.querySelector(".cq-questions table");
    var debriefs = board.querySelector(".cq-debriefs");
    var imported = [];
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

    function add(name, text) {
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
      imported.push({ name: name, key: key, answers: answers, text: JSON.stringify(data) });
      return Object.keys(answers).length;
    }

    function attempt(name, text) {
      try {
        var count = add(name, text);
        say(name + ": added, " + count + (count === 1 ? " answer." : " answers."));
      } catch (error) {
        say(name + (error.skipped ? ": skipped: " : ": not added: ") + error.message + ".", !error.skipped);
      }
    }

    function store() {
      try {
        sessionStorage.setItem(STORE, JSON.stringify(imported.map(function (r) { return [r.name, r.text]; })));
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

    function refresh() {
      store();
      list.textContent = "";
      imported.forEach(function (result, i) {
        var item = row.content.firstElementChild.cloneNode(true);
        var count = Object.keys(result.answers).length;
        item.querySelector(".cq-imported-name").textContent =
          result.name + " (" + count + (count === 1 ? " answer" : " answers") + ", #" + result.key.slice(0, 6) + ")";
        var remove = item.querySelector(".cq-remove");
        remove.setAttribute("aria-label", "Remove result " + (i + 1) + ", " + result.name);
        remove.addEventListener("click", function () {
          imported.splice(i, 1);
          messages.textContent = "";
          say(result.name + ": removed.");
          refresh();
          (list.querySelector(".cq-remove") || files).focus();
        });
        list.appendChild(item);
      });
      board.querySelector(".cq-count").textContent = imported.length
        ? imported.length + (imported.length === 1 ? " result imported." : " results imported.")
        : "No results imported yet.";
      results.hidden = !imported.length;
      if (imported.length) show();
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
      imported.forEach(function (result) {
        Object.keys(result.answers).forEach(function (id) { needed[questions[id].module] = true; });
      });
      var mine = ++shown;
      Promise.all(Object.keys(needed).map(function (place) { return loadModule(Number(place)); }))
        .then(function () { if (mine === shown) draw(); });
    }

    function draw() {
      var stats = {};
      var matrix = {};
      var total = 0;
      var firstRight = 0;
      imported.forEach(function (result) {
        Object.keys(result.answers).forEach(function (id) {
          var a = result.answers[id];
          var s = stats[id] || (stats[id] = { n: 0, first: 0, now: 0 });
          s.n++;
          total++;
          if (a.first) { s.first++; firstRight++; }
          if (a.right) s.now++;
          var truth = questions[id].approach;
          if (truth && a.approach) matrix[truth + ":" + a.approach] = (matrix[truth + ":" + a.approach] || 0) + 1;
        });
      });
      board.querySelector(".cq-summary").textContent = total
        ? imported.length + (imported.length === 1 ? " learner, " : " learners, ") + total +
          " answers; " + percent(firstRight, total) + " right the first time."
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
      all(board, "td[data-cell]").forEach(function (td) {
        var n = matrix[td.getAttribute("data-cell")] || 0;
        td.textContent = n;
        td.classList.toggle("cq-hot", n > 0 && !td.classList.contains("cq-diagonal"));
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
        var template = board.querySelector('template[data-missed="' + CSS.escape(id) + '"]');
        if (!template) return;
        var item = template.content.firstElementChild.cloneNode(true);
        var ask = board.querySelector('template[data-ask="' + CSS.escape(id.split("/")[0]) + '"]');
        if (ask) item.appendChild(ask.content.cloneNode(true));
        var s = stats[id];
        item.querySelector(".cq-missed-count").textContent =
          (s.n - s.first) + " of " + s.n + " missed it the first time.";
        target.appendChild(item);
      });
      board.querySelector(".cq-none-missed").hidden = missed.length > 0;
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
        try { saved = JSON.parse(sessionStorage.getItem(STORE)) || []; } catch (error) { /* not JSON: nothing kept */ }
        if (Array.isArray(saved) && saved.length) {
          saved.forEach(function (entry) {
            try { add(String(entry[0]), String(entry[1])); } catch (error) { /* dropped: no longer valid */ }
          });
          say(imported.length + " results kept from earlier in this tab.");
          refresh();
        }
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
