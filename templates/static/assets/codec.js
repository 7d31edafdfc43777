/* The compact progress codec: a learner's progress as a short string an LMS can keep.
 *
 * `cqCodec.encode(progress, course)` writes the progress record of course.js (without its
 * notes: reflections never leave the browser) as bytes against the order of course.json, the
 * `course` argument: an item's questions, options and steps by their index, not their id. The
 * bytes are compressed (deflate-raw, kept as they are when that is not shorter) and written in
 * base64url after a version prefix: "cq1." then letters, digits, "-" and "_", safe in any LMS
 * field. `cqCodec.decode(text, course)` gives the record back, or rejects with an Error a
 * learner can read; it never returns half a record. docs/codec.md describes the format.
 *
 * Each item's part of the record is a section named by a hash of the item's id and of its table
 * (questions, options, case steps), so a string written by an earlier build of the same course
 * still restores every item whose table did not change; the sections of changed or removed
 * items are skipped. Ids the table does not know (an item removed since) are written in full.
 *
 * Loaded by the LMS launch page (without course.js) and by pages that need it. ES5, like the
 * rest of the runtime; builder/lms/codec.py computes the longest string a build can need.
 */
(function () {
  "use strict";

  if (window.cqCodec) return;

  var FORMAT = 1; /* the "1" of "cq1."; any change to the bytes below is a new format */
  var PROGRESS = 1; /* the progress record's version (course.js VERSION) */
  var HISTORY = 20; /* attempts kept per graded quiz (assessment.js keeps the same) */
  var MOST_TEXT = 2000000; /* characters: a progress export is at most 2 MB too */
  var MOST_BYTES = 4000000; /* decompressed bytes */
  var ID = /^[a-z0-9]+(-[a-z0-9]+)*(\/[a-z0-9]+(-[a-z0-9]+)*)?$/;
  var PAGE = /^(?![./])(?!.*(\/\/|\.\.))[\w\-/.]{0,300}$/;
  var SEED = /^[0-9a-f]{16}$/;
  var ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  var TEXT = /^cq(\d{1,4})\.([A-Za-z0-9_-]*)$/;
  var PARTS = ["visited", "answers", "cases", "endings", "attempts"];
  var TRIES = ["n", "drawn", "seen", "history"];
  var RUN = ["n", "right", "total", "percent", "passed", "date"];
  var UNREADABLE = "This saved progress is damaged or incomplete, so it was not restored.";

  /* ---- the table: what each item's bytes are written against ---- */

  function hash(text) {
    var h = 2166136261; /* FNV-1a, as course.js */
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    return h >>> 0;
  }

  /* course.json -> { course, build, items: [entry], byItem, byQuestion, byKey, approaches }.
     Python's builder/lms/codec.py derives the same table (its tests compare the two). */
  function table(course) {
    var approaches = (course.approaches || []).slice();
    var out = { items: [], byItem: map(), byQuestion: map(), byKey: map(), approaches: approaches };
    var keys = [];
    (course.modules || []).forEach(function (module) {
      (module.items || []).forEach(function (item) {
        var questions = item.questions || [];
        var steps = [];
        questions.forEach(function (q) {
          if (q.type === "decision") steps.push(q.id.slice(item.id.length + 1));
        });
        steps = steps.concat(item.endings || []);
        var entry = {
          id: item.id,
          url: typeof item.url === "string" ? item.url : null,
          questions: questions.map(function (q) { return q.id; }),
          choices: questions.map(function (q) { return (q.options || []).concat(approaches); }),
          steps: steps,
          stepChoices: map(),
          next: [""].concat(steps)
        };
        questions.forEach(function (q) {
          if (q.type === "decision") entry.stepChoices[q.id.slice(item.id.length + 1)] = q.options || [];
        });
        var key = item.id + "|" + questions.map(function (q) {
          return q.id + ":" + (q.options || []).join(",");
        }).join(";") + "|" + steps.join(",") + "|" + approaches.join(",");
        entry.key = hash(key) & 0xffffff;
        keys.push(key);
        out.items.push(entry);
      });
    });
    /* Two items with the same section key (one chance in millions) are written in full. */
    var count = map();
    out.items.forEach(function (e) { count[e.key] = (count[e.key] || 0) + 1; });
    out.items = out.items.filter(function (e) { return count[e.key] === 1; });
    out.items.forEach(function (e) {
      out.byItem[e.id] = e;
      out.byKey[e.key] = e;
      e.questions.forEach(function (q, i) { out.byQuestion[q] = { item: e, index: i }; });
    });
    out.course = hash(String(course.id)) & 0xffff;
    out.build = hash(String(course.id) + "\n" + keys.join("\n"));
    return out;
  }

  /* ---- small helpers ---- */

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

  /* Errors of the codec carry a message for learners; any other becomes UNREADABLE. */
  function fail(message) {
    var error = new Error(message);
    error.cqCodec = true;
    throw error;
  }

  /* ---- what a progress record may hold: course.js check(), kept in step by the tests ---- */

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
    visited: function (state) { return state === "seen" || state === "done"; },
    attempts: function (t) {
      return isObject(t) && only(t, TRIES) && isInt(t.n, 1, 10000) &&
        listOf(t.drawn, 1000, isId) && isObject(t.seen) &&
        Object.keys(t.seen).every(function (q) { return isId(q) && isInt(t.seen[q], 1, 10000); }) &&
        listOf(t.history, 200, function (h) {
          return isObject(h) && only(h, RUN) &&
            isInt(h.n, 1, 10000) && isInt(h.right, 0, 1000) && isInt(h.total, 1, 1000) &&
            isInt(h.percent, 0, 100) && typeof h.passed === "boolean" &&
            typeof h.date === "string" && h.date.length <= 40;
        });
    }
  };

  /* The first problem of a record, or null. Notes are not looked at: they are not written. */
  function problem(p) {
    if (!isObject(p) || p.version !== PROGRESS) return "its version";
    if (p.seed !== undefined && !SEED.test(p.seed)) return "its seed";
    if (p.last !== undefined && p.last !== null && !(typeof p.last === "string" && PAGE.test(p.last))) return "`last`";
    for (var i = 0; i < PARTS.length; i++) {
      var part = PARTS[i];
      var given = p[part];
      if (given === undefined) continue;
      if (!isObject(given)) return "`" + part + "`";
      var keys = Object.keys(given);
      for (var k = 0; k < keys.length; k++) {
        if (!isId(keys[k]) || !VALID[part](given[keys[k]])) return "`" + part + "` entry `" + keys[k].slice(0, 60) + "`";
      }
    }
    return null;
  }

  /* ---- bytes ---- */

  function Writer() {
    this.bytes = [];
  }

  Writer.prototype.byte = function (b) {
    this.bytes.push(b & 0xff);
  };

  /* An unsigned integer in 7-bit groups, low first (LEB128); exact up to 2^53. */
  Writer.prototype.uint = function (n) {
    while (n >= 128) {
      this.bytes.push((n % 128) + 128);
      n = Math.floor(n / 128);
    }
    this.bytes.push(n);
  };

  /* An id of `list` by its index; an id the list lacks in full, as list.length + its length. */
  Writer.prototype.ref = function (list, id, bit) {
    var index = list.indexOf(id);
    var value = index >= 0 ? index : list.length + id.length;
    this.uint(bit === undefined ? value : value * 2 + (bit ? 1 : 0));
    if (index < 0) this.ascii(id);
  };

  Writer.prototype.ascii = function (text) {
    for (var i = 0; i < text.length; i++) this.bytes.push(text.charCodeAt(i) & 0x7f);
  };

  Writer.prototype.text = function (text) {
    this.uint(text.length);
    this.ascii(text);
  };

  function Reader(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }

  Reader.prototype.byte = function () {
    if (this.at >= this.bytes.length) fail(UNREADABLE);
    return this.bytes[this.at++];
  };

  Reader.prototype.uint = function () {
    var n = 0;
    var scale = 1;
    for (var i = 0; i < 8; i++) {
      var b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
    return fail(UNREADABLE);
  };

  Reader.prototype.count = function (most) {
    var n = this.uint();
    if (n > most) fail(UNREADABLE);
    return n;
  };

  Reader.prototype.ascii = function (length) {
    if (length > this.bytes.length - this.at) fail(UNREADABLE);
    var out = "";
    for (var i = 0; i < length; i++) {
      var b = this.bytes[this.at++];
      if (b > 0x7e || b < 0x20) fail(UNREADABLE);
      out += String.fromCharCode(b);
    }
    return out;
  };

  Reader.prototype.id = function (length, pattern) {
    var id = this.ascii(length);
    if (!(pattern || ID).test(id)) fail(UNREADABLE);
    return id;
  };

  /* [id, bit]: the counterpart of Writer.ref; an id written in full must match `pattern`. */
  Reader.prototype.ref = function (list, withBit, pattern) {
    var value = this.uint();
    var bit = false;
    if (withBit) {
      bit = value % 2 === 1;
      value = Math.floor(value / 2);
    }
    var id = value < list.length ? list[value] : this.id(value - list.length, pattern);
    return [id, bit];
  };

  /* ---- the record, part by part ---- */

  var FLAG = { "undefined": 0, "false": 1, "true": 2 };
  var UNFLAG = [undefined, false, true];

  /* One answer: a byte of flags (correct; first and retry, each absent, false or true; the
     approach by its index + 1, 0 for none, 7 when written in full after), then what was chosen,
     then what was chosen first (firstChosen; a count of 0 when it is absent). */
  function writeAnswer(w, answer, choices, approaches) {
    var index = answer.approach === undefined ? -1 : approaches.indexOf(answer.approach);
    var code = answer.approach === undefined ? 0 : index >= 0 && index < 6 ? index + 1 : 7;
    w.byte((answer.correct ? 1 : 0) | (FLAG[answer.first] << 1) | (FLAG[answer.retry] << 3) | (code << 5));
    if (code === 7) w.text(answer.approach);
    writeList(w, choices, answer.chosen);
    writeList(w, choices, answer.firstChosen || []);
  }

  function readAnswer(r, choices, approaches) {
    var flags = r.byte();
    var first = (flags >> 1) & 3;
    var retry = (flags >> 3) & 3;
    var code = flags >> 5;
    if (first > 2 || retry > 2 || (code > 0 && code < 7 && code > approaches.length)) fail(UNREADABLE);
    var answer = { correct: (flags & 1) === 1 };
    if (first) answer.first = UNFLAG[first];
    if (retry) answer.retry = UNFLAG[retry];
    if (code === 7) answer.approach = r.id(r.count(1000));
    else if (code) answer.approach = approaches[code - 1];
    answer.chosen = readList(r, choices, 50);
    if (!answer.chosen.length) fail(UNREADABLE);
    var firstChosen = readList(r, choices, 50);
    if (firstChosen.length) answer.firstChosen = firstChosen;
    return answer;
  }

  /* A case's path: [step, choice, next step or "", continued], steps by their index. */
  function writePath(w, path, entry) {
    w.uint(path.length);
    path.forEach(function (e) {
      w.ref(entry ? entry.steps : [], e[0]);
      w.ref(entry && entry.stepChoices[e[0]] || [], e[1], e[3]);
      w.ref(entry ? entry.next : [""], e[2]);
    });
  }

  function readPath(r, entry) {
    var path = [];
    var n = r.count(500);
    for (var i = 0; i < n; i++) {
      var step = r.ref(entry ? entry.steps : [])[0];
      var choice = r.ref(entry && entry.stepChoices[step] || [], true);
      var next = r.ref(entry ? entry.next : [""])[0];
      path.push([step, choice[0], next, choice[1]]);
    }
    return path;
  }

  function writeList(w, list, ids) {
    w.uint(ids.length);
    ids.forEach(function (id) { w.ref(list, id); });
  }

  function readList(r, list, most) {
    var out = [];
    var n = r.count(most);
    for (var i = 0; i < n; i++) out.push(r.ref(list)[0]);
    return out;
  }

  /* A date the course wrote (an ISO time in milliseconds) as 2 x its time; any other as 2 x
     its length + 1, then its UTF-16 code units. */
  function writeDate(w, date) {
    var time = ISO.test(date) ? Date.parse(date) : NaN;
    if (time >= 0 && new Date(time).toISOString() === date) {
      w.uint(time * 2);
    } else {
      w.uint(date.length * 2 + 1);
      for (var i = 0; i < date.length; i++) w.uint(date.charCodeAt(i));
    }
  }

  function readDate(r) {
    var value = r.uint();
    if (value % 2 === 1) {
      var length = Math.floor(value / 2);
      if (length > 40) fail(UNREADABLE);
      var text = "";
      for (var i = 0; i < length; i++) text += String.fromCharCode(r.count(0xffff));
      return text;
    }
    var time = value / 2;
    if (time > 253402300799999) fail(UNREADABLE); /* after the year 9999 */
    return new Date(time).toISOString();
  }

  function writeAttempts(w, t, questions) {
    w.uint(t.n);
    writeList(w, questions, t.drawn);
    var seen = Object.keys(t.seen);
    w.uint(seen.length);
    seen.forEach(function (q) {
      w.ref(questions, q);
      w.uint(t.seen[q]);
    });
    w.uint(t.history.length);
    t.history.forEach(function (h) {
      w.uint(h.n);
      w.uint(h.right);
      w.uint(h.total);
      w.uint(h.percent * 2 + (h.passed ? 1 : 0));
      writeDate(w, h.date);
    });
  }

  function readAttempts(r, questions) {
    var t = { n: r.uint(), drawn: readList(r, questions, 1000), seen: map(), history: [] };
    var n = r.count(1000);
    for (var i = 0; i < n; i++) {
      var q = r.ref(questions)[0];
      if (q in t.seen) fail(UNREADABLE);
      t.seen[q] = r.uint();
    }
    n = r.count(200);
    for (i = 0; i < n; i++) {
      var run = { n: r.uint(), right: r.uint(), total: r.uint() };
      var score = r.uint();
      run.percent = Math.floor(score / 2);
      run.passed = score % 2 === 1;
      run.date = readDate(r);
      t.history.push(run);
    }
    return t;
  }

  /* ---- the whole record ---- */

  /* One item's section: a byte saying which parts follow (and whether the item's page is the
     last the learner was on), then each of them. */
  function writeSection(w, entry, p, approaches) {
    var answers = entry.questions.filter(function (q) { return p.answers[q]; });
    var id = entry.id;
    var visited = p.visited[id];
    var flags = (visited ? 1 : 0) | (visited === "done" ? 2 : 0) | (answers.length ? 4 : 0) |
      (p.cases[id] ? 8 : 0) | (p.endings[id] ? 16 : 0) | (p.attempts[id] ? 32 : 0) |
      (entry.url !== null && p.last === entry.url ? 64 : 0);
    w.byte(flags);
    if (answers.length) {
      w.uint(answers.length);
      answers.forEach(function (q) {
        var index = entry.questions.indexOf(q);
        w.uint(index);
        writeAnswer(w, p.answers[q], entry.choices[index], approaches);
      });
    }
    if (p.cases[id]) writePath(w, p.cases[id], entry);
    if (p.endings[id]) writeList(w, entry.steps, p.endings[id]);
    if (p.attempts[id]) writeAttempts(w, p.attempts[id], entry.questions);
  }

  function readSection(r, entry, p, approaches) {
    var flags = r.byte();
    var id = entry.id;
    if (flags > 127 || (flags & 3) === 2 || (flags & 64 && (p.last !== null || entry.url === null || !PAGE.test(entry.url)))) fail(UNREADABLE);
    if (flags & 1) p.visited[id] = flags & 2 ? "done" : "seen";
    if (flags & 64) p.last = entry.url;
    if (flags & 4) {
      var n = r.count(entry.questions.length);
      if (!n) fail(UNREADABLE);
      for (var i = 0; i < n; i++) {
        var index = r.uint();
        var q = entry.questions[index];
        if (q === undefined || p.answers[q]) fail(UNREADABLE);
        p.answers[q] = readAnswer(r, entry.choices[index], approaches);
      }
    }
    if (flags & 8) p.cases[id] = readPath(r, entry);
    if (flags & 16) p.endings[id] = readList(r, entry.steps, 500);
    if (flags & 32) p.attempts[id] = readAttempts(r, entry.questions);
  }

  /* The body: seed, the last page if no item's, one section per item of the table that has
     progress, then whatever the table does not know, with its ids in full. */
  function pack(p, t) {
    var w = new Writer();
    var hasSeed = typeof p.seed === "string";
    var lastItem = typeof p.last === "string" && t.items.some(function (e) { return e.url === p.last; });
    var lastText = typeof p.last === "string" && !lastItem;
    w.byte((hasSeed ? 1 : 0) | (lastText ? 2 : 0));
    if (hasSeed) for (var i = 0; i < 16; i += 2) w.byte(parseInt(p.seed.slice(i, i + 2), 16));
    if (lastText) w.text(p.last);
    var done = map();
    var sections = t.items.filter(function (e) {
      var used = (typeof p.last === "string" && e.url === p.last) || e.questions.some(function (q) { return p.answers[q]; }) ||
        [p.visited, p.cases, p.endings, p.attempts].some(function (part) { return part[e.id] !== undefined; });
      if (used) done[e.id] = true;
      return used;
    });
    w.uint(sections.length);
    sections.forEach(function (e) {
      var part = new Writer();
      writeSection(part, e, p, t.approaches);
      w.byte(e.key >> 16);
      w.byte(e.key >> 8);
      w.byte(e.key);
      w.uint(part.bytes.length);
      w.bytes = w.bytes.concat(part.bytes);
    });
    /* The rest, part by part: keys in full, values against no table. */
    PARTS.forEach(function (name) {
      var keys = Object.keys(p[name]).filter(function (key) {
        return name === "answers" ? !t.byQuestion[key] : !done[key];
      });
      w.uint(keys.length);
      keys.forEach(function (key) {
        w.text(key);
        var value = p[name][key];
        if (name === "visited") w.byte(value === "done" ? 1 : 0);
        else if (name === "answers") writeAnswer(w, value, t.approaches, t.approaches);
        else if (name === "cases") writePath(w, value, null);
        else if (name === "endings") writeList(w, [], value);
        else writeAttempts(w, value, []);
      });
    });
    return w.bytes;
  }

  function unpack(bytes, t) {
    var r = new Reader(bytes);
    var p = { version: PROGRESS, last: null };
    var dropped = 0;
    PARTS.forEach(function (part) { p[part] = map(); });
    var flags = r.byte();
    if (flags > 3) fail(UNREADABLE);
    if (flags & 1) {
      var seed = "";
      for (var i = 0; i < 8; i++) seed += (r.byte() + 256).toString(16).slice(1);
      p.seed = seed;
    }
    if (flags & 2) p.last = r.id(r.count(300), PAGE);
    var sections = r.count(100000);
    var keys = map();
    for (i = 0; i < sections; i++) {
      var key = r.byte() * 65536 + r.byte() * 256 + r.byte();
      var length = r.uint();
      if (length > bytes.length - r.at || keys[key]) fail(UNREADABLE);
      keys[key] = true;
      var entry = t.byKey[key];
      if (!entry) {
        /* An item that changed or left the course since this was written. */
        r.at += length;
        dropped++;
        continue;
      }
      var part = new Reader(bytes.slice(r.at, r.at + length));
      readSection(part, entry, p, t.approaches);
      if (part.at !== length) fail(UNREADABLE);
      r.at += length;
    }
    PARTS.forEach(function (name) {
      var n = r.count(100000);
      for (var k = 0; k < n; k++) {
        var id = r.id(r.count(100000));
        if (p[name][id] !== undefined) fail(UNREADABLE);
        if (name === "visited") {
          var state = r.byte();
          if (state > 1) fail(UNREADABLE);
          p.visited[id] = state ? "done" : "seen";
        } else if (name === "answers") p.answers[id] = readAnswer(r, t.approaches, t.approaches);
        else if (name === "cases") p.cases[id] = readPath(r, null);
        else if (name === "endings") p.endings[id] = readList(r, [], 500);
        else p.attempts[id] = readAttempts(r, []);
      }
    });
    if (r.at !== bytes.length) fail(UNREADABLE);
    return { progress: p, dropped: dropped };
  }

  /* ---- compression and text ---- */

  function through(bytes, stream) {
    var reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
    var chunks = [];
    var size = 0;
    function next() {
      return reader.read().then(function (step) {
        if (step.done) {
          var out = new Uint8Array(size);
          var at = 0;
          chunks.forEach(function (c) { out.set(c, at); at += c.length; });
          return out;
        }
        size += step.value.length;
        if (size > MOST_BYTES) {
          reader.cancel();
          fail(UNREADABLE);
        }
        chunks.push(step.value);
        return next();
      });
    }
    return next();
  }

  function toText(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromText(text) {
    var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  var HEAD = 7; /* course (2 bytes), build (4), how the body is kept (1): 0 as is, 1 deflate-raw */

  function encode(progress, course) {
    return Promise.resolve().then(function () {
      var found = problem(progress);
      if (found) fail("This progress cannot be saved: " + found + " is not valid.");
      var t = table(course);
      var plain = body(progress, course);
      var head = [t.course >> 8, t.course & 255, t.build >>> 24, (t.build >> 16) & 255, (t.build >> 8) & 255, t.build & 255];
      var squeeze = typeof CompressionStream === "function"
        ? through(plain, new CompressionStream("deflate-raw")).catch(function () { return plain; })
        : Promise.resolve(plain);
      return squeeze.then(function (small) {
        var packed = small.length < plain.length;
        var kept = packed ? small : plain;
        var all = new Uint8Array(HEAD + kept.length);
        all.set(head.concat([packed ? 1 : 0]));
        all.set(kept, HEAD);
        return "cq" + FORMAT + "." + toText(all);
      });
    });
  }

  /* The record and how much of it was kept: { progress, sameBuild, dropped } (items whose
     part was skipped because they changed or left the course since the text was written). */
  function read(text, course) {
    return Promise.resolve().then(function () {
      if (typeof text !== "string" || text.length > MOST_TEXT) fail(UNREADABLE);
      if (!isObject(course) || !Array.isArray(course.modules)) fail("The course's table (course.json) is missing, so no progress can be restored.");
      var match = TEXT.exec(text.trim());
      if (!match) fail("This is not saved progress of this course, so it was not restored.");
      if (Number(match[1]) !== FORMAT) {
        fail("This saved progress was written by " + (Number(match[1]) > FORMAT ? "a newer" : "another") +
          " version of the course (format " + Number(match[1]) + "; this one reads format " + FORMAT +
          "), so it was not restored.");
      }
      if (match[2].length % 4 === 1 || match[2].length > MOST_TEXT) fail(UNREADABLE);
      var all = fromText(match[2]);
      if (all.length < HEAD || all[6] > 1) fail(UNREADABLE);
      var t = table(course);
      if (all[0] * 256 + all[1] !== t.course) {
        fail("This saved progress belongs to another course, so it was not restored.");
      }
      var build = ((all[2] << 24) | (all[3] << 16) | (all[4] << 8) | all[5]) >>> 0;
      var kept = all.subarray(HEAD);
      var plain;
      if (all[6] === 0) plain = Promise.resolve(kept);
      else if (typeof DecompressionStream !== "function") {
        fail("This browser cannot read compressed saved progress; a current Chrome, Edge, Firefox or Safari can.");
      } else {
        plain = through(kept, new DecompressionStream("deflate-raw")).catch(function () { return fail(UNREADABLE); });
      }
      return plain.then(function (bytes) {
        var result = unpack(bytes, t);
        if (problem(result.progress)) fail(UNREADABLE);
        var core = window.cqCourse;
        if (core && core.check && !core.check(result.progress, true).progress) fail(UNREADABLE);
        result.sameBuild = build === t.build;
        return result;
      });
    }).catch(function (error) {
      throw error && error.cqCodec ? error : new Error(UNREADABLE);
    });
  }

  function decode(text, course) {
    return read(text, course).then(function (result) { return result.progress; });
  }

  /* The body before compression, for tests and tools (builder/lms/codec.py writes the same). */
  function body(progress, course) {
    var p = { seed: progress.seed, last: progress.last };
    PARTS.forEach(function (part) { p[part] = progress[part] || map(); });
    return new Uint8Array(pack(p, table(course)));
  }

  window.cqCodec = {
    version: FORMAT,
    history: HISTORY,
    encode: encode,
    decode: decode,
    read: read,
    table: table,
    body: body
  };
})();
