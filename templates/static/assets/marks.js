/* Completion marks on a module's overview: a mark beside each item done, and a line when the
 * whole module is. Loaded by module overviews; runs as a hook of course.js (see there).
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.marks) return;
  hooks.marks = function (cq, main) {
    setupMarks(cq, main);
  };

  function setupMarks(cq, main) {
    var marks = cq.all(main, ".cq-mark[data-mark]");
    if (!marks.length) return;
    var progress = cq.load();
    var finished = marks.filter(function (mark) {
      var questions = mark.getAttribute("data-questions");
      var item = {
        id: mark.getAttribute("data-mark"),
        kind: mark.getAttribute("data-kind"),
        graded: mark.hasAttribute("data-graded"),
        questions: questions ? questions.split(" ") : []
      };
      var done = cq.doneShare(item, progress) === 1;
      cq.show(mark, done);
      return done;
    });
    cq.show(main.querySelector(".cq-module-done"), finished.length === marks.length);
  }

  if (window.cqCourse) window.cqCourse.runHooks();
})();
