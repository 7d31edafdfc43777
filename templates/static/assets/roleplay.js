/* Role plays for a learner on their own: say which approach version 1 is, play one side of
 * version 2 turn by turn, and answer the debrief questions.
 *
 * Loaded by role-play pages after quiz.js and drill.js, which check the classification; runs as
 * a hook of course.js (see there). At each turn of their role the learner writes (or thinks of)
 * their line, then sees the model line and its why, opened as it appears (folded, as it is
 * without the script, it could go unread). A turn played is kept as the note `ITEM/line-N`
 * (their line, empty if they wrote none), and debrief answers as `ITEM/debrief-N`: notes stay
 * in this browser and in the progress export, never in the results for a trainer. Without the
 * script the page is a script for three people, as before.
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.roleplay) return;
  var cq;
  hooks.roleplay = function (api, main) {
    cq = api;
    var first = main.querySelector('.cq-conversation[data-version="lookalike"]');
    var second = main.querySelector('.cq-conversation[data-version="coaching"]');
    if (!first || !second) return;
    cq.all(main, ".cq-solo, .cq-debrief textarea, .cq-debrief .cq-note-hint").forEach(function (el) {
      cq.show(el, true);
    });
    classify(main, first);
    play(second);
  };

  /* Version 1: its commentary, and the line naming the look-alike, wait for an answer. */
  function classify(main, version) {
    var fieldset = version.querySelector("fieldset[data-question]");
    cq.show(fieldset, true);
    cq.show(fieldset.querySelector(".cq-answer"), false);
    function render() {
      var answered = !!cq.load().answers[fieldset.getAttribute("data-question")];
      cq.show(version.querySelector(".cq-commentary"), answered);
      cq.show(main.querySelector(".cq-lookalike"), answered);
    }
    version.addEventListener("cq:answered", render);
    render();
  }

  /* Version 2: everything up to the first turn not yet played; the rest waits. */
  function play(version) {
    var item = version.getAttribute("data-item");
    var rows = cq.all(version, ".cq-lines > *");
    var turns = cq.all(version, "dd[data-turn]");
    var played = cq.map(); /* this page view's turns, in case storage keeps nothing */

    function key(turn) {
      return item + "/line-" + turn.getAttribute("data-turn");
    }

    function line(turn) {
      var notes = cq.load().notes;
      return key(turn) in played ? played[key(turn)] : notes[key(turn)];
    }

    function keep(turns, text) {
      cq.update(function (p) {
        turns.forEach(function (turn) {
          var value = text === null ? undefined : text(turn);
          played[key(turn)] = value;
          if (value === undefined) delete p.notes[key(turn)];
          else p.notes[key(turn)] = value;
        });
      });
      render();
    }

    function render() {
      var current = turns.filter(function (turn) { return line(turn) === undefined; })[0];
      var stop = current ? rows.indexOf(current) : rows.length;
      rows.forEach(function (row, index) { cq.show(row, index <= stop); });
      turns.forEach(function (turn) {
        var text = line(turn);
        var area = turn.querySelector("textarea");
        var why = turn.querySelector(".cq-why");
        if (why && why.hidden && text !== undefined) why.open = true;
        cq.show(turn.querySelector(".cq-turn"), turn === current || !!text);
        cq.show(turn.querySelector(".cq-model"), text !== undefined);
        cq.show(why, text !== undefined);
        cq.show(turn.querySelector(".cq-reveal"), turn === current);
        area.readOnly = text !== undefined;
        if (text !== undefined) area.value = text;
      });
      cq.show(version.querySelector(".cq-commentary"), !current);
      cq.show(version.querySelector(".cq-play-all"), !!current);
      cq.show(version.querySelector(".cq-play-again"), !current);
      return current;
    }

    turns.forEach(function (turn) {
      cq.show(turn.querySelector(".cq-model-label"), true);
      cq.show(turn.querySelector(".cq-why"), false);
      turn.querySelector(".cq-reveal").addEventListener("click", function () {
        keep([turn], function () { return turn.querySelector("textarea").value.slice(0, 20000); });
        cq.focusOn(turn.querySelector(".cq-model"));
      });
    });
    version.querySelector(".cq-play-all").addEventListener("click", function () {
      keep(turns.filter(function (turn) { return line(turn) === undefined; }), function (turn) {
        return turn.querySelector("textarea").value.slice(0, 20000);
      });
      cq.focusOn(version.querySelector(".cq-commentary"));
    });
    version.querySelector(".cq-play-again").addEventListener("click", function () {
      keep(turns, null);
      turns.forEach(function (turn) { turn.querySelector("textarea").value = ""; });
      cq.focusOn(turns[0].querySelector("textarea"));
    });
    cq.show(version.querySelector(".cq-play"), true);
    render();
  }

  if (window.cqCourse) window.cqCourse.runHooks();
})();
