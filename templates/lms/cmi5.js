/* The cmi5 backend of the launch page (lms/launch.html): the course as one assignable unit (AU).
 *
 * cmi5 ("quartz") launches the AU with five query parameters: the xAPI `endpoint`, a `fetch` URL
 * that hands out the session's authorization token once, the learner (`actor`), the
 * `registration` and the AU's `activityId`. The AU reads the LMS's launch data from the State API
 * (`LMS.LaunchData`), sends `initialized` first and `terminated` last, and in between `completed`
 * and `passed`/`failed` once each per registration (only in the Normal launch mode), every
 * statement built on the LMS's context template. Graded answers go as cmi5 "allowed" `answered`
 * statements. The course's resume data is a State API document of our own (RESUME below), which
 * also remembers what was already reported, so a second session sends no second `completed`.
 *
 * Statements leave in the order they were made (one queue; a batch is one POST of an array);
 * a batch that could not be sent (network, 5xx) stays queued and goes with the next report. `finish` sends the last
 * batch with `keepalive`, so it survives the page going away. See docs/lms.md, "cmi5".
 */
(function () {
  "use strict";

  var XAPI = "1.0.3";
  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var CMI5 = "https://w3id.org/xapi/cmi5/context/";
  var CATEGORY = CMI5 + "categories/cmi5";
  var MOVE_ON = CMI5 + "categories/moveon";
  var SESSION = CMI5 + "extensions/sessionid";
  var MASTERY = CMI5 + "extensions/masteryscore";
  var OURS = "urn:coaching-course:xapi:";
  var RESUME = OURS + "state:resume";
  var APPROACH = OURS + "extension:approach";
  var INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction";
  var MODES = ["Normal", "Browse", "Review"];
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var LOCAL = "progress is kept in this browser only.";
  var KEEPALIVE = 60000;        /* bytes of keepalive bodies in flight: Chromium's limit is 65,536 */

  function uuid() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function copy(value) {
    return JSON.parse(JSON.stringify(value));
  }

  /* ISO 8601 duration of `ms` milliseconds, to the hundredth of a second (xAPI's precision). */
  function duration(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (h || m ? m + "M" : "") + s + "S";
  }

  function httpUrl(text) {
    try {
      var url = new URL(text);
      return url.protocol === "http:" || url.protocol === "https:" ? url : null;
    } catch (e) {
      return null;
    }
  }

  /* The five launch parameters, or the reason they are not usable. */
  function launchParameters(href) {
    var query = new URL(href).searchParams;
    var names = ["endpoint", "fetch", "actor", "registration", "activityId"];
    var missing = names.filter(function (name) { return !query.get(name); });
    if (missing.length === names.length) return { problem: "This course was not launched by a cmi5 LMS: " + LOCAL };
    if (missing.length) return { problem: "The LMS launched this course without " + missing.join(", ") + ": " + LOCAL };
    var actor = null;
    try {
      actor = JSON.parse(query.get("actor"));
    } catch (e) { /* reported below */ }
    var bad = [];
    var endpoint = httpUrl(query.get("endpoint"));
    var fetchUrl = httpUrl(query.get("fetch"));
    if (!endpoint) bad.push("endpoint");
    if (!fetchUrl) bad.push("fetch");
    if (!actor || typeof actor !== "object" || !actor.account || typeof actor.account.name !== "string") bad.push("actor");
    if (!UUID.test(query.get("registration"))) bad.push("registration");
    if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(query.get("activityId"))) bad.push("activityId");
    if (bad.length) return { problem: "The LMS gave this course an invalid " + bad.join(", ") + ": " + LOCAL };
    return {
      endpoint: endpoint.href.replace(/\/?$/, "/"),
      fetch: fetchUrl.href,
      actor: actor,
      registration: query.get("registration"),
      activityId: query.get("activityId")
    };
  }

  window.cqLmsBackends = window.cqLmsBackends || {};
  window.cqLmsBackends.cmi5 = function (env) {
    var win = env.window;
    var lang = (win.document.documentElement.lang || "en");
    var launch = null, token = null, data = null;
    var ready = false;          /* initialized was accepted: the session is open */
    var startedAt = 0;
    var outbox = [];            /* statements made, not yet accepted by the LRS */
    var flying = [];            /* those of them in a request now */
    var queue = Promise.resolve();
    var closed = false;         /* terminated is made: nothing more */
    var saved = "";             /* the resume document as last stored */
    var sent = { completed: false, passed: false, failed: [], answered: [] };
    var resume = null;
    var finished = null;
    var verdict = false;        /* passed or failed sent in this session */
    var failing = null;         /* a failed attempt, sent at the end unless passed before */

    function request(method, url, body, keepalive) {
      var headers = { "X-Experience-API-Version": XAPI, "Authorization": "Basic " + token };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      return fetch(url, {
        method: method, headers: headers, keepalive: !!keepalive, credentials: "omit",
        body: body === undefined ? undefined : JSON.stringify(body)
      }).then(function (response) {
        if (response.status === 404 && method === "GET") return null;
        if (!response.ok) {
          var error = new Error("the LRS answered " + response.status + " to " + method);
          error.status = response.status;
          throw error;
        }
        return method === "GET" ? response.json() : null;
      });
    }

    /* The State API's URL for the document `stateId`, or for the list of their ids. */
    function stateUrl(stateId) {
      var query = new URLSearchParams({
        activityId: launch.activityId, agent: JSON.stringify(launch.actor), registration: launch.registration
      });
      if (stateId) query.set("stateId", stateId);
      return launch.endpoint + "activities/state?" + query;
    }

    function authorize() {
      var key = "cq-cmi5-auth:" + launch.fetch;
      var kept = null;
      try { kept = win.sessionStorage.getItem(key); } catch (e) { /* storage off */ }
      if (kept) return Promise.resolve(kept);
      return fetch(launch.fetch, { method: "POST", credentials: "omit" }).then(function (response) {
        if (!response.ok) throw new Error("the LMS answered " + response.status + " for the session's token");
        return response.json();
      }).then(function (answer) {
        if (!answer || typeof answer["auth-token"] !== "string") {
          throw new Error("the LMS refused a token (" + ((answer && answer["error-text"]) || "no reason given") + ")");
        }
        try { win.sessionStorage.setItem(key, answer["auth-token"]); } catch (e) { /* storage off */ }
        return answer["auth-token"];
      });
    }

    function readLaunchData(doc) {
      if (!doc || typeof doc !== "object" || !doc.contextTemplate || typeof doc.contextTemplate !== "object") {
        throw new Error("the LMS's launch data has no context template");
      }
      var mastery = typeof doc.masteryScore === "number" && doc.masteryScore >= 0 && doc.masteryScore <= 1 ? doc.masteryScore : null;
      var context = copy(doc.contextTemplate);
      context.extensions = context.extensions || {};
      if (!context.extensions[SESSION]) context.extensions[SESSION] = uuid();
      return {
        mode: MODES.indexOf(doc.launchMode) >= 0 ? doc.launchMode : "Normal",
        mastery: mastery,
        returnURL: typeof doc.returnURL === "string" && doc.returnURL ? doc.returnURL : null,
        context: context
      };
    }

    function readResume(doc) {
      if (!doc || typeof doc !== "object") return;
      if (typeof doc.resume === "string") resume = doc.resume;
      sent.completed = doc.completed === true;
      sent.passed = doc.passed === true;
      if (Array.isArray(doc.failed)) sent.failed = doc.failed.filter(function (k) { return typeof k === "string"; });
      if (Array.isArray(doc.answered)) sent.answered = doc.answered.filter(function (k) { return typeof k === "string"; });
      saved = JSON.stringify(document_(resume));
    }

    function document_(text) {
      return { resume: text, completed: sent.completed, passed: sent.passed, failed: sent.failed, answered: sent.answered };
    }

    /* A statement about the AU (cmi5 defined, with the cmi5 category) or about `object`. */
    function statement(verb, result, object) {
      var context = copy(data.context);
      context.registration = launch.registration;
      var activities = context.contextActivities = context.contextActivities || {};
      if (object) {
        activities.parent = (activities.parent || []).concat([{ objectType: "Activity", id: launch.activityId }]);
      } else {
        activities.category = (activities.category || []).concat([{ objectType: "Activity", id: CATEGORY }]);
        if (verb !== "initialized" && verb !== "terminated") activities.category.push({ objectType: "Activity", id: MOVE_ON });
        if ((verb === "passed" || verb === "failed") && data.mastery !== null) context.extensions[MASTERY] = data.mastery;
      }
      var out = {
        id: uuid(),
        actor: launch.actor,
        verb: { id: VERBS + verb, display: { "en-US": verb } },
        object: object || { objectType: "Activity", id: launch.activityId },
        context: context,
        timestamp: new Date().toISOString()
      };
      if (result) out.result = result;
      return out;
    }

    function question(id) {
      var dot = id.indexOf(".");
      var wanted = id.slice(0, dot) + "/" + id.slice(dot + 1);
      var found = null;
      ((env.course && env.course.modules) || []).forEach(function (module) {
        (module.items || []).forEach(function (item) {
          (item.questions || []).forEach(function (q) { if (q.id === wanted) found = q; });
        });
      });
      return found;
    }

    function answered(interaction) {
      var known = question(interaction.id);
      var options = known && known.options ? known.options : interaction.correct.concat(interaction.response);
      var definition = {
        type: INTERACTION,
        name: {},
        description: {},
        interactionType: "choice",
        correctResponsesPattern: [interaction.correct.join("[,]")],
        choices: options.filter(function (o, i) { return options.indexOf(o) === i; }).map(function (o) {
          var description = {};
          description[lang] = o;
          return { id: o, description: description };
        })
      };
      definition.name[lang] = interaction.id;
      definition.description[lang] = interaction.description;
      if (interaction.approach) {
        definition.extensions = {};
        definition.extensions[APPROACH] = interaction.approach;
      }
      var out = statement("answered", {
        response: interaction.response.join("[,]"),
        success: interaction.result === "correct"
      }, {
        objectType: "Activity",
        id: launch.activityId + "/interactions/" + encodeURIComponent(interaction.id),
        definition: definition
      });
      /* When the learner answered; never before this session's initialized (cmi5 orders by time). */
      if (interaction.timestamp && Date.parse(interaction.timestamp) > startedAt) out.timestamp = interaction.timestamp;
      return out;
    }

    function attemptOf(state) {
      return String((state.interactions || []).reduce(function (most, i) { return Math.max(most, i.attempt || 0); }, 0));
    }

    /* What `state` adds to the outbox: answers not yet reported, then the verdict, completion.
       A session holds at most one of passed/failed, and a learner who fails may try again and
       pass in the same session: so passed goes at once, failed waits for the end (`finish`). */
    function collect(state) {
      if (data.mode !== "Normal") return;
      var keys = [];
      (state.interactions || []).forEach(function (interaction) {
        /* Once per question and attempt: the timestamp may be remade by whoever computes it. */
        var key = interaction.id + "@" + interaction.attempt;
        keys.push(key);
        if (sent.answered.indexOf(key) < 0) outbox.push(answered(interaction));
      });
      sent.answered = keys;
      var score = state.score;
      if (score && typeof state.passed === "boolean" && !sent.passed && !verdict) {
        var pass = data.mastery === null ? state.passed : score.scaled >= data.mastery;
        if (pass) {
          failing = null;
          sent.passed = verdict = true;
          outbox.push(statement("passed", judged(score, true)));
        } else if (sent.failed.indexOf(attemptOf(state)) < 0) {
          failing = { score: score, attempt: attemptOf(state) };
        }
      }
      if (state.completed && !sent.completed) {
        sent.completed = true;
        outbox.push(statement("completed", { completion: true, duration: duration(Date.now() - startedAt) }));
      }
    }

    function judged(score, pass) {
      var out = { score: { scaled: score.scaled }, success: pass, duration: duration(Date.now() - startedAt) };
      /* cmi5 9.5.1: raw, min and max are integers, and come together. */
      if ([score.raw, score.min, score.max].every(function (n) { return n % 1 === 0; })) {
        out.score.raw = score.raw;
        out.score.min = score.min;
        out.score.max = score.max;
      }
      return out;
    }

    function bytes(value) {
      return new Blob([JSON.stringify(value)]).size;
    }

    /* Send what is in the outbox and the resume document if it changed, all at once: on
       pagehide, only requests made before the handler returns still leave, and only those
       with keepalive get through, up to 64 KiB in all (KEEPALIVE). So at the end, the answers
       that do not fit go first without keepalive; the last statements (the verdict,
       terminated) always go with it. */
    function flush(state, keepalive) {
      if (state && typeof state.resume === "string") resume = state.resume;
      var batch = outbox.filter(function (s) { return flying.indexOf(s) < 0; });
      var doc = data.mode === "Review" ? null : document_(resume);
      var text = doc ? JSON.stringify(doc) : saved;
      var room = KEEPALIVE - (text !== saved ? bytes(doc) : 0);
      var cut = 0;
      if (keepalive) {
        while (cut < batch.length && bytes(batch.slice(cut)) > room) cut += 1;
      }
      var requests = [];
      [[batch.slice(0, cut), false], [batch.slice(cut), keepalive]].forEach(function (part) {
        var statements = part[0];
        if (!statements.length) return;
        function landed() {
          flying = flying.filter(function (s) { return statements.indexOf(s) < 0; });
        }
        function done() {
          landed();
          outbox = outbox.filter(function (s) { return statements.indexOf(s) < 0; });
        }
        flying = flying.concat(statements);
        requests.push(request("POST", launch.endpoint + "statements", statements, part[1]).then(done, function (error) {
          /* A refusal that sending again cannot change (400, 403...): drop those statements rather
             than let them hold back every later one. Network errors, 408, 429, 5xx: retry. */
          if (error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) done();
          else landed();
          throw error;
        }));
      });
      if (text !== saved) {
        requests.push(request("PUT", stateUrl(RESUME), doc, keepalive).then(function () { saved = text; }));
      }
      return Promise.all(requests).then(null, function (error) {
        if (win.console) win.console.warn("cmi5: " + error.message);
      });
    }

    function enqueue(work) {
      var next = queue.then(work);
      queue = next.then(null, function () { /* reported by flush */ });
      return next;
    }

    return {
      start: function () {
        launch = launchParameters(env.href);
        if (launch.problem) {
          var problem = launch.problem;
          launch = null;
          return Promise.resolve({ connected: false, resume: null, learner: null, message: problem });
        }
        return authorize().then(function (got) {
          token = got;
          return request("GET", stateUrl("LMS.LaunchData"));
        }).then(function (doc) {
          data = readLaunchData(doc);
          /* Ask for the resume document only if it is there: a 404 would be logged as an error. */
          return request("GET", stateUrl(null));
        }).then(function (ids) {
          return Array.isArray(ids) && ids.indexOf(RESUME) >= 0 ? request("GET", stateUrl(RESUME)) : null;
        }).then(function (doc) {
          readResume(doc);
          var first = statement("initialized");
          startedAt = Date.parse(first.timestamp);
          return request("POST", launch.endpoint + "statements", [first]);
        }).then(function () {
          ready = true;
          return {
            connected: true,
            resume: resume,
            learner: launch.actor.name || launch.actor.account.name,
            message: data.mode === "Normal" ? null : "Opened in " + data.mode.toLowerCase() + " mode: results are not recorded."
          };
        }, function (error) {
          data = null;
          return { connected: false, resume: null, learner: null, message: "Could not reach the LMS (" + error.message + "): " + LOCAL };
        });
      },

      report: function (state) {
        if (!ready || finished) return Promise.resolve();
        return enqueue(function () {
          if (closed) return null;
          collect(state);
          return flush(state, false);
        });
      },

      finish: function (state) {
        if (finished) return finished;
        if (!ready) {
          finished = Promise.resolve();
          return finished;
        }
        /* Now, not after what is on its way: on pagehide the page may not live to see a reply.
           cmi5 orders statements by their timestamps, and terminated's is the last. */
        if (state) collect(state);
        if (failing) {
          sent.failed.push(failing.attempt);
          outbox.push(statement("failed", judged(failing.score, false)));
        }
        outbox.push(statement("terminated", { duration: duration(Date.now() - startedAt) }));
        closed = true;
        finished = flush(state, true).then(function () {
          if (data.returnURL && win.document.visibilityState !== "hidden") win.location.assign(data.returnURL);
        });
        return finished;
      }
    };
  };
})();
