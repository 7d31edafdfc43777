/* The progress page: where the learner stands, moving progress between devices, results for
 * the trainer.
 *
 * Loaded by the progress page only; runs as a hook of course.js (see there). An export is the
 * progress record plus a format tag and the course id. An import is checked whole before
 * anything changes: a results file, another course's progress, a damaged or oversized file are
 * refused with a message that says what the file is. An accepted file is previewed, then merged
 * into this browser's progress (nothing done here is lost) or, after a second confirmation,
 * replaces it; either way the previous state is kept for one "Undo".
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.progress) return;
  hooks.progress = function (cq, main) {
    cq.all(main, ".cq-progress").forEach(function (panel) { setup(cq, panel); });
  };
  if (window.cqCourse) window.cqCourse.runHooks();

  var FORMAT = "cq-progress";
  var MAX_BYTES = 2 * 1024 * 1024;
  var EXTRA = ["format", "course", "exported"];

  function setup(cq, panel) {
    var course = null;
    var known = null; /* every id and page address of this course, from course.json */
    var pending = null;
    var undoKey = "cq-undo-v" + cq.version + ":" + cq.root.pathname;
    var $ = function (selector) { return panel.querySelector(selector); };
    cq.show($(".cq-noscript"), false);

    fetch(new URL("course.json", cq.root)).then(function (response) { return response.json(); })
      .then(function (data) {
        course = data;
        known = index(data);
        fill();
      })
      .catch(function () { cq.say($(".cq-load-status"), "The course index could not be loaded: reload the page to try again.", "wrong"); });

    function index(data) {
      var out = { ids: cq.map(), pages: cq.map() };
      out.pages[data.url] = true;
      data.modules.forEach(function (module) {
        out.pages[module.url] = true;
        module.items.forEach(function (item) {
          out.ids[item.id] = true;
          out.pages[item.url] = true;
          item.questions.forEach(function (q) { out.ids[q.id] = true; });
        });
      });
      return out;
    }

    function fill() {
      if (!course) return;
      var progress = cq.load();
      $(".cq-share-code").value = shareCode(results());
      var body = $("tbody");
      body.textContent = "";
      var scored = 0;
      var right = 0;
      course.modules.forEach(function (module) {
        var total = 0;
        module.items.forEach(function (item) {
          total += cq.doneShare(item, progress);
          item.questions.forEach(function (q) {
            var answer = progress.answers[q.id];
            if (answer && q.type !== "decision") {
              scored++;
              if (answer.first) right++;
            }
          });
        });
        var line = $("template.cq-progress-row").content.firstElementChild.cloneNode(true);
        var link = line.querySelector("a");
        link.href = new URL(module.url, cq.root).href;
        link.textContent = module.title;
        var percent = module.items.length ? Math.round((100 * total) / module.items.length) : 0;
        line.querySelector(".cq-done").textContent = percent === 100 ? "Complete" : percent + "%";
        line.querySelector("progress").value = percent;
        line.querySelector("progress").setAttribute("aria-label", module.title + ": " + percent + "% done");
        body.appendChild(line);
      });
      $(".cq-total").textContent = scored
        ? right + " of " + scored + " answered right the first time (" + Math.round((100 * right) / scored) + "%)"
        : "No answers yet.";
      var resume = $(".cq-resume");
      var last = progress.last;
      var here = last !== null && known.pages[last] && new URL(last, cq.root);
      if (here && here.origin === location.origin) resume.href = here.href;
      cq.show(resume.parentNode, !!here);
      cq.show($(".cq-undo-line"), !!localStorage.getItem(undoKey));
    }

    /* ---- export ---- */

    function download(data, name) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 1)], { type: "application/json" }));
      link.download = name;
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    }

    function today() {
      return new Date().toISOString().slice(0, 10);
    }

    function label() {
      return $(".cq-label").value.replace(/\s+/g, " ").trim().slice(0, 40);
    }

    /* What a learner hands to their trainer: answers only, with the label they typed, if any,
       and a checksum that shows the trainer's dashboard an edited file (docs/trainer.md). */
    function results() {
      var answers = cq.load().answers;
      var data = { format: "cq-results", version: 2, course: course.id };
      if (label()) data.label = label();
      data.answers = answers;
      data.checksum = checksum(course.id, label(), answers);
      return data;
    }

    /* As builder/results.py: cyrb53 over the UTF-8 of [course, label, [[id, chosen,
       firstChosen, first, approach], ...]] in id order. Not a signature: it spots an edit. */
    function checksum(id, name, answers) {
      var rows = Object.keys(answers).sort().map(function (q) {
        var a = answers[q];
        return [q, a.chosen, a.firstChosen, a.first, a.approach].map(function (v) { return v === undefined ? null : v; });
      });
      var bytes = new TextEncoder().encode(JSON.stringify([id, name, rows]));
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

    /* <course>-results-<date>-<label>.json; without a label a random tail, so that two
       learners' files never share a name in the trainer's Downloads folder. */
    function resultsName() {
      var slug = label().normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 30);
      if (!slug) slug = crypto.getRandomValues(new Uint32Array(1))[0].toString(36).slice(0, 5);
      return course.id + "-results-" + today() + "-" + slug + ".json";
    }

    function shareCode(data) {
      var bytes = new TextEncoder().encode(JSON.stringify(data));
      var text = "";
      bytes.forEach(function (b) { text += String.fromCharCode(b); });
      return "CQ1." + btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }

    $(".cq-export").addEventListener("click", function () {
      if (!course) return;
      var data = cq.load();
      data.format = FORMAT;
      data.course = course.id;
      data.exported = new Date().toISOString();
      download(data, course.id + "-progress-" + today() + ".json");
      cq.say($(".cq-export-status"), "Your progress was saved to a file.", "right");
    });
    $(".cq-share").addEventListener("click", function () {
      if (!course) return;
      var name = resultsName();
      download(results(), name);
      cq.say($(".cq-share-status"), "Your results were saved to a file for your trainer: " + name + ".", "right");
    });
    $(".cq-label").addEventListener("input", function () {
      if (course) $(".cq-share-code").value = shareCode(results());
    });

    /* ---- import: identify, check, preview, merge or replace, undo ---- */

    function refuse(text) {
      pending = null;
      cq.show($(".cq-preview"), false);
      cq.say($(".cq-import-status"), text + " Nothing was changed.", "wrong");
    }

    /* The file as this course's progress, or the reason it is not. */
    function identify(data) {
      if (data && data.format === "cq-results") {
        return { problem: "This is a results file for a trainer (it holds answers only, for the trainer's group dashboard under For trainers), not a progress export: it cannot be imported as progress." };
      }
      if (data && data.format !== undefined && data.format !== FORMAT) {
        return { problem: "This file is not a progress export of this course." };
      }
      if (data && data.format === FORMAT && data.course !== course.id) {
        return { problem: "This is the progress of another course (" + String(data.course).slice(0, 60) + "), not of " + course.title + "." };
      }
      var checked = cq.check(data, true, EXTRA);
      if (!checked.progress) {
        return { problem: data && data.format === FORMAT
          ? "This progress file is damaged (" + checked.problem + " is not valid)."
          : "This file is not a progress export of this course." };
      }
      var progress = checked.progress;
      var dropped = 0;
      ["answers", "cases", "endings", "notes", "visited", "attempts"].forEach(function (part) {
        Object.keys(progress[part]).forEach(function (key) {
          var owner = part === "notes" ? key.split("/")[0] : key;
          if (known.ids[owner] || key === "certificate-name") return;
          delete progress[part][key];
          dropped++;
        });
      });
      if (data.format === undefined && dropped) {
        /* An export of an earlier version carries no course id: its ids must all be ours. */
        return { problem: "This file is not a progress export of this course." };
      }
      if (progress.last !== null && !known.pages[progress.last]) progress.last = null;
      return { progress: progress, dropped: dropped, exported: data.exported };
    }

    function count(part, progress) {
      return Object.keys(progress[part]).length;
    }

    function some(n, one, many) {
      return n + " " + (n === 1 ? one : many);
    }

    function preview(found) {
      var p = found.progress;
      var list = $(".cq-preview-list");
      var row = $("template.cq-preview-row");
      list.textContent = "";
      var firstRight = Object.keys(p.answers).filter(function (q) { return p.answers[q].first; }).length;
      var passed = Object.keys(p.attempts).some(function (q) { return p.attempts[q].history.some(function (h) { return h.passed; }); });
      var when = found.exported && new Date(found.exported);
      [
        when && !isNaN(when) ? "Exported on " + when.toLocaleDateString() + "." : "",
        some(count("answers", p), "answer", "answers") + " (" + firstRight + " right the first time).",
        some(count("cases", p), "case", "cases") + " played, " + Object.keys(p.visited).filter(function (k) { return p.visited[k] === "done"; }).length + " finished.",
        some(count("notes", p), "note", "notes") + ".",
        some(count("visited", p), "page", "pages") + " visited.",
        count("attempts", p) ? "Final assessment: " + (passed ? "passed." : "not passed yet.") : "",
        found.dropped ? found.dropped + " entries for content this version of the course no longer has will be left out." : ""
      ].forEach(function (text) {
        if (!text) return;
        var line = row.content.firstElementChild.cloneNode(true);
        line.textContent = text;
        list.appendChild(line);
      });
      cq.show($(".cq-replace-confirm"), false);
      cq.show($(".cq-preview"), true);
      cq.say($(".cq-import-status"), "", "");
      cq.focusOn($(".cq-preview-title"));
    }

    $(".cq-import").addEventListener("change", function (event) {
      var file = event.target.files[0];
      event.target.value = "";
      if (!file || !course) return;
      if (file.size > MAX_BYTES) {
        return refuse("This file is " + (file.size / 1048576).toFixed(1) + " MB; a progress export is far smaller (at most 2 MB), so it is not one.");
      }
      file.text().then(function (text) {
        var data;
        try {
          data = JSON.parse(text);
        } catch (error) {
          return refuse("This file is not a progress export of this course (it is not JSON).");
        }
        var found = identify(data);
        if (found.problem) return refuse(found.problem);
        pending = found.progress;
        preview(found);
      });
    });

    function later(a, b) {
      return a === "done" || b === "done" ? "done" : a || b;
    }

    /* The file's progress added to this browser's: what is here wins where both hold something,
       except that a longer case path, a finished page and both versions of a note are kept. */
    function merge(here, file) {
      var out = here;
      var busy = count("answers", here) + count("attempts", here) > 0;
      if (!busy) out.seed = file.seed;
      Object.keys(file.answers).forEach(function (q) {
        if (!here.answers[q] || here.answers[q].retry) out.answers[q] = file.answers[q];
      });
      Object.keys(file.cases).forEach(function (c) {
        if (!here.cases[c] || file.cases[c].length > here.cases[c].length) out.cases[c] = file.cases[c];
      });
      Object.keys(file.endings).forEach(function (c) {
        var found = here.endings[c] || [];
        file.endings[c].forEach(function (e) { if (found.indexOf(e) < 0) found.push(e); });
        out.endings[c] = found;
      });
      Object.keys(file.visited).forEach(function (k) { out.visited[k] = later(here.visited[k], file.visited[k]); });
      Object.keys(file.notes).forEach(function (k) {
        var mine = here.notes[k] || "";
        var theirs = file.notes[k];
        out.notes[k] = !mine || theirs.indexOf(mine) >= 0 ? theirs : mine.indexOf(theirs) >= 0 ? mine : mine + "\n\n" + theirs;
      });
      Object.keys(file.attempts).forEach(function (q) {
        var mine = here.attempts[q];
        var theirs = file.attempts[q];
        if (!mine) return (out.attempts[q] = theirs);
        theirs.history.forEach(function (h) {
          if (!mine.history.some(function (m) { return m.date === h.date && m.n === h.n; })) mine.history.push(h);
        });
        Object.keys(theirs.seen).forEach(function (k) { mine.seen[k] = Math.max(mine.seen[k] || 0, theirs.seen[k]); });
      });
      out.last = here.last || file.last;
      return out;
    }

    function apply(next, done) {
      var before = localStorage.getItem(cq.key);
      try {
        localStorage.setItem(undoKey, before || JSON.stringify(cq.fresh()));
      } catch (error) {
        return cq.say($(".cq-import-status"), "Your browser's storage is full, so the import could not keep a copy to undo it. Nothing was changed.", "wrong");
      }
      if (!cq.save(next)) {
        localStorage.removeItem(undoKey);
        return cq.say($(".cq-import-status"), "Your browser did not let the course store the imported progress (its storage is full or disabled). Nothing was changed.", "wrong");
      }
      pending = null;
      cq.show($(".cq-preview"), false);
      cq.say($(".cq-import-status"), done, "right");
      fill();
    }

    $(".cq-merge").addEventListener("click", function () {
      if (pending) apply(merge(cq.load(), pending), "Progress imported: the file's progress was added to what this browser had.");
    });
    $(".cq-replace").addEventListener("click", function () {
      var here = cq.load();
      $(".cq-replace-warning").textContent = "This removes the " + some(count("answers", here), "answer", "answers") + " and " +
        some(count("notes", here), "note", "notes") + " in this browser and puts the file's in their place. You can undo it afterwards.";
      cq.show($(".cq-replace-confirm"), true);
      cq.focusOn($(".cq-replace-yes"));
    });
    $(".cq-replace-yes").addEventListener("click", function () {
      if (pending) apply(pending, "Progress imported: the file's progress replaced what this browser had.");
    });
    $(".cq-cancel").addEventListener("click", function () {
      pending = null;
      cq.show($(".cq-preview"), false);
      cq.say($(".cq-import-status"), "Import cancelled. Nothing was changed.", "");
    });
    $(".cq-undo").addEventListener("click", function () {
      var saved = localStorage.getItem(undoKey);
      var restored = saved && cq.check(JSON.parse(saved), false).progress;
      if (restored && cq.save(restored)) {
        localStorage.removeItem(undoKey);
        cq.say($(".cq-import-status"), "The last import was undone.", "right");
      } else {
        cq.say($(".cq-import-status"), "The import could not be undone.", "wrong");
      }
      fill();
    });
  }
})();
