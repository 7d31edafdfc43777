/* The course runtime: answers, feedback, shuffling, branching cases, reflections, marks.
 *
 * Every page is complete HTML without this script (questions readable, practice answers in
 * <details>). The script only wires up what the templates rendered, including hidden buttons and
 * <template> elements. It runs from Material's `document$`, once per page view (instant
 * navigation swaps the content; `data-cq-ready` makes a second call on the same content a no-op).
 *
 * This core keeps progress, draws the learner's order, keeps reflections and marks what is done.
 * Each kind of page loads what else it needs: quiz.js (quizzes, drills, role plays), drill.js,
 * case.js, roleplay.js, marks.js (module overviews), and on top assessment.js (graded quizzes) or
 * progress.js (the progress page). Trainer pages load it too, for its start-up and helpers, with
 * trainer.js or dashboard.js as their hook (and without course.css). Each registers a hook in
 * `window.cqHooks`; the core runs every hook once per page view, in the order the scripts ran,
 * whichever arrives first, and hands it the API below (`window.cqCourse`).
 *
 * Progress lives in localStorage under one versioned key, keyed by stable ids from the content.
 * The order of options, drill statements and case choices is drawn from a random seed kept with
 * the learner's progress and the question's id: the same learner always sees the same order,
 * another learner another one.
 */
(function () {
  "use strict";

  if (window.cqCourse) return;

  var VERSION = 1;
  /* The site's root: Material's, or else the folder above assets/, where this script is. */
  var root = window.__md_scope || new URL("..", document.currentScript.src);
  var KEY = "cq-progress-v" + VERSION + ":" + root.pathname;
  var ID = /^[a-z0-9]+(-[a-z0-9]+)*(\/[a-z0-9]+(-[a-z0-9]+)*)?$/;
  /* A page of this site, relative to its root: no scheme, no leading slash, no "..". */
  var PAGE = /^(?![./])(?!.*(\/\/|\.\.))[\w\-/.]{0,300}$/;
  var SEED = /^[0-9a-f]{16}$/;
  var PARTS = ["answers", "cases", "endings", "notes", "visited", "attempts"];

  /* ---- storage: never trust what is there ---- */

  function map() {
    return Object.create(null);
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function isId(value) {
    return typeof value === "string" && ID.test(value);
  }

  function isInt(value, low, high) {
    return typeof value === "number" && value % 1 === 0 && value >= low && value <= high;
  }

  function only(object, keys) {
    return Object.keys(object).every(function (key) { return keys.indexOf(key) >= 0; });
  }

  function listOf(value, most, test) {
    return Array.isArray(value) && value.length <= most && value.every(test);
  }

  function newSeed() {
    var words = crypto.getRandomValues(new Uint32Array(2));
    return words[0].toString(16).padStart(8, "0") + words[1].toString(16).padStart(8, "0");
  }

  function fresh() {
    var out = { version: VERSION, seed: newSeed(), last: null };
    PARTS.forEach(function (part) { out[part] = map(); });
    return out;
  }

  /* What each part of the progress record may hold, entry by entry (the key is an id). */
  var VALID = {
    answers: function (a) {
      return isObject(a) && only(a, ["chosen", "firstChosen", "correct", "first", "retry", "approach"]) &&
        listOf(a.chosen, 50, isId) && a.chosen.length > 0 && typeof a.correct === "boolean" &&
        (a.firstChosen === undefined || listOf(a.firstChosen, 50, isId) && a.firstChosen.length > 0) &&
        [a.first, a.retry].every(function (f) { return f === undefined || typeof f === "boolean"; }) &&
        (a.approach === undefined || isId(a.approach));
    },
    cases: function (path) {
      return listOf(path, 500, function (e) {
        return Array.isArray(e) && e.length === 4 && isId(e[0]) && isId(e[1]) &&
          (e[2] === "" || isId(e[2])) && typeof e[3] === "boolean";
      });
    },
    endings: function (found) { return listOf(found, 500, isId); },
    notes: function (text) { return typeof text === "string" && text.length <= 20000; },
    visited: function (state) { return state === "seen" || state === "done"; },
    attempts: function (t) {
      return isObject(t) && only(t, ["n", "drawn", "seen", "history"]) && isInt(t.n, 1, 10000) &&
        listOf(t.drawn, 1000, isId) && isObject(t.seen) &&
        Object.keys(t.seen).every(function (q) { return isId(q) && isInt(t.seen[q], 1, 10000); }) &&
        listOf(t.history, 200, function (h) {
          return isObject(h) && only(h, ["n", "right", "total", "percent", "passed", "date"]) &&
            isInt(h.n, 1, 10000) && isInt(h.right, 0, 1000) && isInt(h.total, 1, 1000) &&
            isInt(h.percent, 0, 100) && typeof h.passed === "boolean" &&
            typeof h.date === "string" && h.date.length <= 40;
        });
    }
  };

  /* A progress record checked against its schema. `strict` (a file to import) refuses the
     whole record at the first problem and says where; otherwise (this browser's own storage)
     bad entries are dropped and the rest kept. Maps have no prototype, so no key can reach one. */
  function check(data, strict, extraKeys) {
    if (!isObject(data) || data.version !== VERSION) return { problem: "its version" };
    var allowed = ["version", "seed", "last"].concat(PARTS, extraKeys || []);
    var stray = Object.keys(data).filter(function (key) { return allowed.indexOf(key) < 0; });
    if (strict && stray.length) return { problem: "the unknown field `" + stray[0] + "`" };
    var out = fresh();
    if (SEED.test(data.seed)) out.seed = data.seed;
    else if (strict && data.seed !== undefined) return { problem: "its seed" };
    for (var p = 0; p < PARTS.length; p++) {
      var part = PARTS[p];
      var given = data[part];
      if (given === undefined) continue;
      if (!isObject(given)) {
        if (strict) return { problem: "`" + part + "`" };
        continue;
      }
      var keys = Object.keys(given);
      for (var k = 0; k < keys.length; k++) {
        var key = keys[k];
        if ((part === "notes" ? /^[a-z0-9\-/]{1,130}$/.test(key) : isId(key)) && VALID[part](given[key])) {
          out[part][key] = given[key];
        } else if (strict) {
          return { problem: "`" + part + "` entry `" + String(key).slice(0, 60) + "`" };
        }
      }
    }
    if (typeof data.last === "string" && PAGE.test(data.last)) out.last = data.last;
    else if (strict && data.last !== undefined && data.last !== null) return { problem: "`last`" };
    return { progress: out };
  }

  var kept = null; /* the seed of this page view, in case storage does not keep it */

  function load() {
    var raw = null;
    try {
      raw = JSON.parse(localStorage.getItem(KEY));
    } catch (error) {
      /* not JSON: as if nothing were stored */
    }
    var result = check(raw, false).progress || fresh();
    if (!isObject(raw) || raw.seed !== result.seed) {
      /* Nothing stored yet, nothing readable, or no seed: keep one seed for good, or at least
         for this page view, so the order on screen never changes under the learner. */
      result.seed = kept || result.seed;
      save(result);
    }
    kept = result.seed;
    return result;
  }

  /* True when the browser kept it: storage can be full, disabled or refused. */
  function save(progress) {
    try {
      localStorage.setItem(KEY, JSON.stringify(progress));
    } catch (error) {
      return false;
    }
    tellLms();
    return true;
  }

  /* In an LMS package the course runs in a frame of the launch page (lms/launch.js), which
     reports progress to the LMS: tell it of each change. Anywhere else nothing happens. */
  function tellLms() {
    try {
      if (window.parent !== window && window.parent.cqLms) window.parent.cqLms.changed();
    } catch (error) {
      /* a parent of another origin is not a launch page */
    }
  }

  function update(change) {
    var progress = load();
    change(progress);
    return save(progress);
  }

  var NOT_SAVED = " (Your browser did not let the course keep this: its storage is full or disabled.)";

  /* ---- the learner's order: a seeded shuffle ---- */

  function hash(text) {
    var h = 2166136261; /* FNV-1a */
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    return h >>> 0;
  }

  /* A stream of numbers in [0, 1) from the seed and a key (mulberry32). */
  function random(key, seed) {
    var state = hash((seed || load().seed) + ":" + key);
    return function () {
      state = (state + 0x6d2b79f5) | 0;
      var t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffled(list, key, seed) {
    var out = list.slice();
    var next = random(key, seed);
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(next() * (i + 1));
      var swap = out[i];
      out[i] = out[j];
      out[j] = swap;
    }
    return out;
  }

  /* Put the children of `parent` that `selector` finds in the order of `ids` (by `attribute`). */
  function reorder(parent, selector, attribute, ids) {
    if (!parent) return;
    var found = map();
    all(parent, selector).forEach(function (el) { found[el.getAttribute(attribute)] = el; });
    ids.forEach(function (id) { if (found[id]) parent.appendChild(found[id]); });
  }

  function arrange(fieldset) {
    if (fieldset.hasAttribute("data-fixed")) return;
    var box = fieldset.querySelector(".cq-options");
    var ids = all(box, "input").map(function (input) { return input.value; });
    var order = shuffled(ids, fieldset.getAttribute("data-question"));
    var labels = map();
    all(box, ".cq-option").forEach(function (label) { labels[label.querySelector("input").value] = label; });
    order.forEach(function (id) { box.appendChild(labels[id]); });
    reorder(fieldset.querySelector("details .cq-feedback"), "li[data-option]", "data-option", order);
  }

  function number(fieldsets) {
    fieldsets.forEach(function (fieldset, index) {
      var label = fieldset.querySelector(".cq-num");
      if (label) label.textContent = index + 1 + ".";
    });
  }

  /* ---- small helpers ---- */

  function all(scope, selector) {
    return scope ? Array.prototype.slice.call(scope.querySelectorAll(selector)) : [];
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function tone(status, name) {
    status.className = status.className.replace(/ ?cq-(right|wrong|neutral)\b/g, "") + (name ? " cq-" + name : "");
  }

  function say(status, text, name) {
    status.textContent = text;
    tone(status, name);
  }

  function cloneInto(parent, nodes) {
    Array.prototype.forEach.call(nodes, function (node) { parent.appendChild(node.cloneNode(true)); });
  }

  function add(parent, tag, text, className) {
    var el = parent.appendChild(document.createElement(tag));
    if (text) el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  /* Move focus to an element: buttons as they are, anything else made focusable by script only
     (a tabindex of -1 on a button would take it out of the Tab order for good). */
  function focusOn(element) {
    if (!element) return;
    if (element.tabIndex < 0) element.setAttribute("tabindex", "-1");
    element.focus();
  }

  /* ---- what counts as done: module overviews, the progress page, the certificate ---- */

  /* How much of an item is done, 0 to 1: an item of course.json, or of a module overview
     (`questions` as ids). A graded quiz is done when passed, a case when an ending was
     reached, an item without questions when visited, others by the share answered. */
  function doneShare(item, progress) {
    if (item.kind === "case") return progress.visited[item.id] === "done" ? 1 : 0;
    if (item.graded || item.pass_mark) {
      var tries = progress.attempts[item.id];
      return tries && tries.history.some(function (h) { return h.passed; }) ? 1 : 0;
    }
    var questions = item.questions.filter(function (q) { return q.type !== "decision"; });
    if (!questions.length) return progress.visited[item.id] ? 1 : 0;
    return questions.filter(function (q) { return progress.answers[q.id || q]; }).length / questions.length;
  }

  /* ---- reflections ---- */

  function setupNote(area) {
    var id = area.getAttribute("data-note");
    var hint = area.parentNode.querySelector(".cq-note-hint");
    area.value = load().notes[id] || "";
    area.addEventListener("input", function () {
      var kept = update(function (p) { p.notes[id] = area.value.slice(0, 20000); });
      if (hint) hint.textContent = kept ? hint.getAttribute("data-text") : NOT_SAVED.trim();
    });
    if (hint) hint.setAttribute("data-text", hint.textContent);
    show(hint, true);
  }

  /* ---- wiring ---- */

  var api = {
    version: VERSION,
    key: KEY,
    root: root,
    page: PAGE,
    all: all,
    show: show,
    say: say,
    tone: tone,
    add: add,
    cloneInto: cloneInto,
    arrange: arrange,
    focusOn: focusOn,
    map: map,
    isObject: isObject,
    fresh: fresh,
    check: check,
    load: load,
    save: save,
    update: update,
    notSaved: NOT_SAVED,
    random: random,
    shuffled: shuffled,
    number: number,
    reorder: reorder,
    doneShare: doneShare,
    runHooks: runHooks
  };
  window.cqCourse = api;

  function runHooks() {
    var main = document.querySelector(".md-content");
    if (!main || !main.hasAttribute("data-cq-ready")) return;
    var hooks = window.cqHooks || {};
    Object.keys(hooks).forEach(function (name) {
      if (main.hasAttribute("data-cq-" + name)) return;
      main.setAttribute("data-cq-" + name, "");
      hooks[name](api, main);
    });
  }

  function init() {
    var main = document.querySelector(".md-content");
    if (!main || main.hasAttribute("data-cq-ready")) return;
    main.setAttribute("data-cq-ready", "");
    var page = document.querySelector("[data-cq-page]");
    if (page) {
      update(function (p) {
        var item = page.getAttribute("data-cq-page");
        if (!p.visited[item]) p.visited[item] = "seen";
        var url = page.getAttribute("data-cq-url");
        if (PAGE.test(url)) p.last = url;
      });
    }
    all(main, "textarea[data-note]").forEach(setupNote);
    runHooks();
  }

  /* On a full page load the tag runs before Material's bundle defines `document$`: wait for
     the document first. Reached by instant navigation, `document$` replays the current page. */
  function start() {
    if (window.document$) window.document$.subscribe(init);
    else init();
  }

  if (!window.document$ && document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
