/* SCORM 1.2 backend of the launch page (launch.js says what it is handed and when).
 *
 * The LMS's API object (`API`) is found by the launch page's `env.discover` (ADL's discovery:
 * up the chain of parents, then from the opener's). What the course reports goes into the 1.2
 * data model:
 *   cmi.core.lesson_status   passed / failed once the final assessment has a result (against
 *                            its pass mark), before that completed / incomplete (every item
 *                            done or not): 1.2 has one status for both
 *   cmi.core.score.*         the latest finished attempt's percentage (raw, min 0, max 100)
 *   cmi.core.session_time    HHHH:MM:SS.SS, at the end of the session
 *   cmi.suspend_data         the resume data, which SCORM 1.2 caps at 4,096 characters: longer
 *                            data is not sent (an LMS would cut it) and the learner is told
 *   cmi.core.exit            suspend, so that the next launch resumes
 *   cmi.interactions.n.*     each answer of that attempt, once; objectives.0.id is the approach
 *   cmi.core.lesson_location "cq-reported:" and the time of the attempt last reported: 1.2's
 *                            interactions cannot be read back, and a relaunch would send them again
 * 1.2's choice responses are single characters: an option is written as its letter in the
 * question's written order (a, b, c...).
 */
(function () {
  "use strict";

  var LIMIT = 4096;
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  var MARK = "cq-reported:";
  var backends = (window.cqLmsBackends = window.cqLmsBackends || {});

  function pad(n, width) {
    var text = String(n);
    while (text.length < width) text = "0" + text;
    return text;
  }

  /* CMITimespan: HHHH:MM:SS.SS */
  function timespan(seconds) {
    var whole = Math.max(0, Math.floor(seconds));
    return pad(Math.min(9999, Math.floor(whole / 3600)), 4) + ":" + pad(Math.floor(whole / 60) % 60, 2) + ":" +
      pad(whole % 60, 2) + ".00";
  }

  function lessonStatus(state) {
    if (state.passed !== null) return state.passed ? "passed" : "failed";
    return state.completed ? "completed" : "incomplete";
  }

  backends.scorm12 = function (env) {
    var api = null;
    var done = false;
    var sent = {};
    var next = 0; /* the index of the next interaction */
    var reported = ""; /* the time of the attempt whose answers the LMS has (lesson_location) */
    var letters = {}; /* question id -> option id -> letter */

    env.course.modules.forEach(function (module) {
      module.items.forEach(function (item) {
        item.questions.forEach(function (q) {
          var map = (letters[q.id] = {});
          (q.options || []).forEach(function (option, i) { map[option] = LETTERS.charAt(i) || option; });
        });
      });
    });

    function problem(name) {
      var code = api.LMSGetLastError();
      return name + ": " + api.LMSGetErrorString(code) + " (" + code + ")";
    }

    function set(name, value, failures) {
      if (String(api.LMSSetValue(name, String(value))) !== "true") failures.push(problem(name));
    }

    function choice(questionId, options) {
      var map = letters[questionId.replace(".", "/")] || {};
      return options.map(function (option) { return map[option] || option; }).join(",");
    }

    function send(state) {
      var failures = [];
      var refused = null;
      if (state.resume.length > LIMIT) {
        refused = "Your progress takes " + state.resume.length + " characters and SCORM 1.2 keeps " + LIMIT +
          ": it was not sent to the learning platform, which would cut it off. It is kept in this browser.";
      } else {
        set("cmi.suspend_data", state.resume, failures);
      }
      set("cmi.core.lesson_status", lessonStatus(state), failures);
      if (state.score) {
        set("cmi.core.score.raw", state.score.raw, failures);
        set("cmi.core.score.min", state.score.min, failures);
        set("cmi.core.score.max", state.score.max, failures);
      }
      state.interactions.forEach(function (item) {
        var key = item.id + "@" + item.timestamp;
        if (sent[key] || item.timestamp === reported) return;
        var at = "cmi.interactions." + next + ".";
        set(at + "id", item.id, failures);
        set(at + "type", "choice", failures);
        set(at + "objectives.0.id", item.approach || "none", failures);
        set(at + "time", item.timestamp.slice(11, 19), failures);
        set(at + "correct_responses.0.pattern", choice(item.id, item.correct), failures);
        set(at + "student_response", choice(item.id, item.response), failures);
        set(at + "result", item.result === "correct" ? "correct" : "wrong", failures);
        sent[key] = true;
        next++;
      });
      var last = state.interactions.length ? state.interactions[0].timestamp : "";
      if (last && last !== reported) {
        set("cmi.core.lesson_location", MARK + last, failures);
        reported = last;
      }
      if (String(api.LMSCommit("")) !== "true") failures.push(problem("LMSCommit"));
      if (refused) return Promise.reject(new Error(refused));
      if (failures.length) {
        return Promise.reject(new Error("The learning platform refused part of your progress: " + failures[0]));
      }
      return Promise.resolve();
    }

    return {
      start: function () {
        api = env.discover("API");
        if (!api) return Promise.resolve({ connected: false, resume: null, learner: null, message: null });
        if (String(api.LMSInitialize("")) !== "true") {
          var message = "The learning platform did not start a session (" + problem("LMSInitialize") +
            "): your progress is local only.";
          api = null;
          return Promise.resolve({ connected: false, resume: null, learner: null, message: message });
        }
        next = Number(api.LMSGetValue("cmi.interactions._count")) || 0;
        var location = String(api.LMSGetValue("cmi.core.lesson_location") || "");
        if (location.indexOf(MARK) === 0) reported = location.slice(MARK.length);
        var status = api.LMSGetValue("cmi.core.lesson_status");
        if (!status || status === "not attempted") api.LMSSetValue("cmi.core.lesson_status", "incomplete");
        api.LMSSetValue("cmi.core.exit", "suspend");
        var resume = api.LMSGetValue("cmi.suspend_data");
        return Promise.resolve({
          connected: true,
          resume: resume ? String(resume) : null,
          learner: api.LMSGetValue("cmi.core.student_name") || null,
          message: null
        });
      },
      report: function (state) {
        if (!api || done) return Promise.resolve();
        return send(state);
      },
      finish: function (state) {
        if (!api || done) return Promise.resolve();
        var result = send(state);
        done = true;
        api.LMSSetValue("cmi.core.session_time", timespan(state.sessionSeconds));
        api.LMSSetValue("cmi.core.exit", "suspend");
        api.LMSCommit("");
        api.LMSFinish("");
        return result;
      }
    };
  };
})();
