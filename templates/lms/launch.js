/* The launch page of an LMS package (`course package`): the LMS session, the course in a frame.
 *
 * A SCORM session cannot survive a page load, so this page keeps it while the learner moves
 * through the course's pages in the frame below. On start it asks the backend (the format's
 * script, `window.cqLmsBackends[format]`) for the LMS's resume data, puts it back into the
 * course's progress in this browser and only then opens the course. course.js in the frame
 * calls `cqLms.changed()` after each change of progress; a moment later this page works out
 * what the course reports (`state`) and hands it to the backend. On pagehide, unload or "Exit"
 * the backend finishes the session, once.
 *
 * What is reported, from the progress and course.json:
 *   completed     every item of every module done, as the course counts it (course.js's doneShare)
 *   score/passed  the final assessment's latest finished attempt: its percentage (raw, out of
 *                 min 0 and max 100; scaled 0..1) and whether it reached the pass mark
 *   interactions  the answers of that attempt, one per question, with the approach it belongs to
 *   resume        the codec's encoding of the progress without notes (reflections stay here)
 */
(function () {
  "use strict";

  var cq = window.cqCourse; /* course.js, loaded by this page for its progress and doneShare */
  var root = new URL("../", location.href);
  var bar = document.querySelector(".cq-lms-bar");
  var status = document.querySelector(".cq-lms-status");
  var frame = document.querySelector(".cq-lms-frame");
  var exit = document.querySelector(".cq-lms-exit");
  var format = document.body.getAttribute("data-format");
  var started = Date.now();
  var course = null;
  var prompts = {};
  var backend = null;
  var resume = "";
  var note = "";
  var timer = null;
  var queue = Promise.resolve();
  var finished = false;
  var WAIT = 400; /* ms after the last change before reporting: a page load saves several times */
  var LOCAL = "Your progress is local only: no learning platform was found, so it is kept in this browser.";

  function say(text, tone) {
    status.textContent = text;
    if (tone) bar.setAttribute("data-tone", tone);
    else bar.removeAttribute("data-tone");
  }

  function getJSON(path) {
    return fetch(new URL(path, root)).then(function (response) {
      if (!response.ok) throw new Error(path + " could not be loaded (" + response.status + ")");
      return response.json();
    });
  }

  function items() {
    var out = [];
    course.modules.forEach(function (module) { out = out.concat(module.items); });
    return out;
  }

  /* The final assessment: the course's last graded quiz. */
  function finalAssessment() {
    var graded = items().filter(function (item) { return item.pass_mark !== undefined && item.pass_mark !== null; });
    return graded.length ? graded[graded.length - 1] : null;
  }

  /* SCORM 2004's time format allows two decimals of a second. */
  function timestamp(date) {
    var text = new Date(date).toISOString();
    return text.replace(/(\.\d{2})\d*Z$/, "$1Z");
  }

  function interactions(quiz, tries, date) {
    var byId = cq.map();
    quiz.questions.forEach(function (q) { byId[q.id] = q; });
    var progress = cq.load();
    return tries.drawn.filter(function (id) { return byId[id] && progress.answers[id]; }).map(function (id) {
      var q = byId[id];
      var answer = progress.answers[id];
      return {
        id: quiz.id + "." + id.slice(quiz.id.length + 1),
        type: "choice",
        description: prompts[id] || "",
        response: answer.chosen.slice(),
        correct: (q.correct || []).slice(),
        result: answer.correct ? "correct" : "incorrect",
        approach: q.approach || null,
        attempt: tries.n,
        timestamp: timestamp(date)
      };
    });
  }

  /* What the course reports now; `resume` is the last encoding (the codec is asynchronous). */
  function state(progress) {
    var out = {
      resume: resume,
      completed: items().every(function (item) { return cq.doneShare(item, progress) === 1; }),
      score: null,
      passed: null,
      interactions: [],
      sessionSeconds: Math.round((Date.now() - started) / 1000)
    };
    var quiz = finalAssessment();
    var tries = quiz && progress.attempts[quiz.id];
    var last = tries && tries.history.length ? tries.history[tries.history.length - 1] : null;
    if (last) {
      out.score = { raw: last.percent, min: 0, max: 100, scaled: last.percent / 100 };
      out.passed = last.passed;
      /* The answers are those of the latest attempt once it is finished (it has a result). */
      if (last.n === tries.n) out.interactions = interactions(quiz, tries, last.date);
    }
    return out;
  }

  /* The progress record without reflections, which never leave this browser. */
  function shareable(progress) {
    var copy = JSON.parse(JSON.stringify(progress));
    delete copy.notes;
    return copy;
  }

  function report() {
    timer = null;
    queue = queue.then(function () {
      if (finished) return null;
      var progress = cq.load();
      return window.cqCodec.encode(shareable(progress), course).then(function (text) {
        resume = text;
        return backend.report(state(progress));
      }).then(function () {
        say(note);
      });
    }).catch(function (error) {
      say(error.message, "wrong");
    });
    return queue;
  }

  function changed() {
    if (finished || !backend) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(report, WAIT);
  }

  /* Ends the session once: at once on pagehide (nothing asynchronous runs then), after a last
     report on "Exit". */
  function finish() {
    if (finished || !backend) return Promise.resolve();
    if (timer) clearTimeout(timer);
    timer = null;
    finished = true;
    return Promise.resolve(backend.finish(state(cq.load()))).then(function () {
      return null;
    }, function (error) {
      say(error.message, "wrong");
      return error;
    });
  }

  /* The SCORM API object called `name` (`API` for 1.2, `API_1484_11` for 2004), by ADL's
     discovery: the nearest up the chain of parents of this window (at most 500 steps), else up
     the chain of its opener's; frames of another origin are stepped over. Backends call it
     through their `env`. */
  function discover(name) {
    function search(win) {
      for (var steps = 0; win && steps < 500; steps++) {
        try {
          if (win[name]) return win[name];
        } catch (error) {
          /* a frame of another origin: keep climbing */
        }
        if (!win.parent || win.parent === win) break;
        win = win.parent;
      }
      return null;
    }
    var found = search(window);
    try {
      if (!found && window.opener) found = search(window.opener);
      if (!found && window.top && window.top.opener) found = search(window.top.opener);
    } catch (error) {
      /* an opener of another origin has no API for us */
    }
    return found;
  }

  window.cqLms = { changed: changed, finish: finish, state: function () { return state(cq.load()); } };

  /* Puts the LMS's copy of the progress in place of this browser's, keeping local notes. */
  function restore(text) {
    return window.cqCodec.decode(text, course).then(function (decoded) {
      var checked = cq.check(decoded, false).progress;
      if (!checked) throw new Error("it is not a progress record of this course");
      checked.notes = cq.load().notes;
      if (!cq.save(checked)) throw new Error("this browser's storage is full or disabled");
    });
  }

  function open() {
    frame.src = new URL(course.url || "index.html", root).href;
    frame.hidden = false;
    exit.hidden = false;
  }

  exit.addEventListener("click", function () {
    exit.disabled = true;
    if (timer) clearTimeout(timer);
    report().then(finish).then(function (error) {
      frame.hidden = true;
      frame.removeAttribute("src");
      exit.hidden = true;
      if (!error) say("Your progress was saved. You can close this window.");
    });
  });
  window.addEventListener("pagehide", finish);
  window.addEventListener("unload", finish);

  Promise.all([getJSON("course.json"), getJSON("lms/questions.json")]).then(function (found) {
    course = found[0];
    prompts = found[1];
    var make = (window.cqLmsBackends || {})[format];
    if (!make) throw new Error("this package has no backend for " + format);
    backend = make({ course: course, href: location.href, window: window, discover: discover });
    return backend.start();
  }).then(function (session) {
    note = session.connected ? session.message || "" : session.message || LOCAL;
    if (!session.resume) return null;
    return restore(session.resume).catch(function (error) {
      note = "Your saved progress could not be restored (" + error.message + "): you start where this browser left off.";
    });
  }).then(function () {
    say(note, /could not/.test(note) ? "wrong" : "");
    open();
    report();
  }).catch(function (error) {
    say("The course could not start: " + error.message, "wrong");
  });
})();
