/* SCORM 2004 (4th edition) backend of the launch page (launch.js says what it is handed and when).
 *
 * The LMS's API object (`API_1484_11`) is found by the launch page's `env.discover` (ADL's
 * discovery: up the chain of parents, then from the opener's). What the course reports goes
 * into the 2004 data model:
 *   cmi.completion_status    completed when every item is done, else incomplete
 *   cmi.success_status       passed / failed (final assessment against its pass mark), unknown before
 *   cmi.score.*              the latest finished attempt's percentage: scaled 0..1, raw, min 0, max 100
 *   cmi.session_time         an ISO 8601 duration, at the end of the session
 *   cmi.suspend_data         the resume data (at most 64,000 characters: longer is not sent)
 *   cmi.exit                 suspend, so that the next launch resumes
 *   cmi.interactions.n.*     each answer of that attempt, once (the ids and times already in the
 *                            LMS count as sent); learner_response and correct_responses as option
 *                            ids, description the prompt, objectives.0.id the approach
 */
(function () {
  "use strict";

  var LIMIT = 64000;
  var DESCRIPTION = 250; /* characters of a localized_string_type(250) */
  var backends = (window.cqLmsBackends = window.cqLmsBackends || {});

  /* timeinterval (second,10,2): PT#H#M#S */
  function duration(seconds) {
    var whole = Math.max(0, Math.floor(seconds));
    return "PT" + Math.floor(whole / 3600) + "H" + (Math.floor(whole / 60) % 60) + "M" + (whole % 60) + "S";
  }

  backends.scorm2004 = function (env) {
    var api = null;
    var done = false;
    var sent = {};
    var next = 0;

    function problem(name) {
      var code = api.GetLastError();
      return name + ": " + api.GetErrorString(code) + " (" + code + ")";
    }

    function set(name, value, failures) {
      if (String(api.SetValue(name, String(value))) !== "true") failures.push(problem(name));
    }

    function send(state) {
      var failures = [];
      var refused = null;
      if (state.resume.length > LIMIT) {
        refused = "Your progress takes " + state.resume.length + " characters and SCORM 2004 keeps " + LIMIT +
          ": it was not sent to the learning platform, which would cut it off. It is kept in this browser.";
      } else {
        set("cmi.suspend_data", state.resume, failures);
      }
      set("cmi.completion_status", state.completed ? "completed" : "incomplete", failures);
      set("cmi.success_status", state.passed === null ? "unknown" : state.passed ? "passed" : "failed", failures);
      if (state.score) {
        set("cmi.score.scaled", state.score.scaled, failures);
        set("cmi.score.raw", state.score.raw, failures);
        set("cmi.score.min", state.score.min, failures);
        set("cmi.score.max", state.score.max, failures);
      }
      state.interactions.forEach(function (item) {
        var key = item.id + "@" + item.timestamp;
        if (sent[key]) return;
        var at = "cmi.interactions." + next + ".";
        set(at + "id", item.id, failures);
        set(at + "type", "choice", failures);
        set(at + "objectives.0.id", item.approach || "none", failures);
        set(at + "timestamp", item.timestamp, failures);
        set(at + "correct_responses.0.pattern", item.correct.join("[,]"), failures);
        set(at + "learner_response", item.response.join("[,]"), failures);
        set(at + "result", item.result, failures);
        if (item.description) set(at + "description", item.description.slice(0, DESCRIPTION), failures);
        sent[key] = true;
        next++;
      });
      if (String(api.Commit("")) !== "true") failures.push(problem("Commit"));
      if (refused) return Promise.reject(new Error(refused));
      if (failures.length) {
        return Promise.reject(new Error("The learning platform refused part of your progress: " + failures[0]));
      }
      return Promise.resolve();
    }

    return {
      start: function () {
        api = env.discover("API_1484_11");
        if (!api) return Promise.resolve({ connected: false, resume: null, learner: null, message: null });
        if (String(api.Initialize("")) !== "true") {
          var message = "The learning platform did not start a session (" + problem("Initialize") +
            "): your progress is local only.";
          api = null;
          return Promise.resolve({ connected: false, resume: null, learner: null, message: message });
        }
        next = Number(api.GetValue("cmi.interactions._count")) || 0;
        for (var n = 0; n < next; n++) {
          sent[api.GetValue("cmi.interactions." + n + ".id") + "@" + api.GetValue("cmi.interactions." + n + ".timestamp")] = true;
        }
        var completion = api.GetValue("cmi.completion_status");
        if (!completion || completion === "unknown" || completion === "not attempted") {
          api.SetValue("cmi.completion_status", "incomplete");
        }
        api.SetValue("cmi.exit", "suspend");
        var resume = api.GetValue("cmi.suspend_data");
        return Promise.resolve({
          connected: true,
          resume: resume ? String(resume) : null,
          learner: api.GetValue("cmi.learner_name") || null,
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
        api.SetValue("cmi.session_time", duration(state.sessionSeconds));
        api.SetValue("cmi.exit", "suspend");
        api.Commit("");
        api.Terminate("");
        return result;
      }
    };
  };
})();
