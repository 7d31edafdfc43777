/* Trainer pages only: the projector view and print buttons (the dashboard has dashboard.js).
 *
 * Loaded by the trainer pages' own <script> tag, so learner pages never download it; runs as a
 * hook of course.js, which trainer pages load for its start-up and helpers (see there), so it
 * is set up on every page view, instant navigation included (idempotently, per element).
 * Like course.js it writes no markup of its own: it shows, hides, fills and clones what the
 * templates rendered. Nothing is sent anywhere.
 */
(function () {
  "use strict";

  var hooks = (window.cqHooks = window.cqHooks || {});
  if (hooks.trainer) return;
  var all;
  hooks.trainer = function (cq, main) {
    all = cq.all;
    once(main, ".cq-projector", setupProjector);
    once(main, ".cq-print-page", function (button) {
      button.parentNode.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  };

  var READY = "data-cq-trainer";
  var controllers = new WeakMap();

  /* ---- projector: slides, lines built one by one, reveals, branching ---- */

  function setupProjector(box) {
    var slides = all(box, ".cq-slide");
    var ids = slides.map(function (s) { return s.getAttribute("data-slide"); });
    var branching = box.getAttribute("data-kind") === "case";
    var status = box.querySelector(".cq-status");
    var revealButton = box.querySelector(".cq-reveal-button");
    var fullButton = box.querySelector(".cq-full");
    var state = { index: 0, built: 0, revealed: false };
    var history = [];

    function builds() { return all(slides[state.index], ".cq-build"); }
    function reveal() { return slides[state.index].querySelector(".cq-reveal"); }

    function draw(message) {
      var slide = slides[state.index];
      slides.forEach(function (s, i) { s.hidden = i !== state.index; });
      builds().forEach(function (b, i) { b.hidden = i >= state.built; });
      if (reveal()) reveal().hidden = !state.revealed;
      revealButton.disabled = !reveal();
      revealButton.setAttribute("aria-pressed", String(!!reveal() && state.revealed));
      var left = builds().length - state.built;
      var hint = message || (left ? left + " more to show: press Next."
        : reveal() && !state.revealed ? "Let the room vote, then press R to reveal."
        : slide.querySelector("[data-follow]") ? "Press a choice's number to follow it, or Next for the best choice."
        : "");
      status.textContent = (branching ? "" : "Slide " + (state.index + 1) + " of " + slides.length + ": ") +
        slide.querySelector("h2").textContent + ". " + hint;
      slide.classList.toggle("cq-revealed", !!reveal() && state.revealed);
      show(newest());
    }

    /* What the last key press brought: the reveal, the vote prompt (or a case's choices), the
       newest line, or the slide's heading. It is scrolled into view (the box in full screen, else the page), so a
       room following a clicker sees it. */
    function newest() {
      var slide = slides[state.index];
      /* In a case the choices come after the prompt: the room must see what it votes on. */
      var vote = slide.querySelector(".cq-choices") || slide.querySelector(".cq-vote");
      if (reveal() && state.revealed) return reveal();
      if (state.built < builds().length) return state.built ? builds()[state.built - 1] : slide.querySelector("h2");
      return vote || (state.built ? builds()[state.built - 1] : slide.querySelector("h2"));
    }

    var started = false;
    function show(element) {
      if (started && element.scrollIntoView) element.scrollIntoView({ block: "nearest" });
    }

    function go(index) {
      if (index < 0) return draw(branching ? "This is an ending. Press Home to start again." : "This is the last slide.");
      history.push(state);
      state = { index: index, built: 0, revealed: false };
      draw();
    }

    function nextIndex() {
      if (!branching) return state.index + 1 < slides.length ? state.index + 1 : -1;
      var next = slides[state.index].getAttribute("data-next");
      return next ? ids.indexOf(next) : -1;
    }

    var control = {
      next: function () {
        if (state.built < builds().length) state.built++;
        else if (reveal() && !state.revealed) state.revealed = true;
        else return go(nextIndex());
        draw();
      },
      back: function () {
        if (state.revealed) state.revealed = false;
        else if (state.built > 0) state.built--;
        else if (history.length) state = history.pop();
        draw();
      },
      reveal: function () {
        if (!reveal()) return;
        state.revealed = !state.revealed;
        if (state.revealed) state.built = builds().length;
        draw();
      },
      follow: function (number) {
        var choice = all(slides[state.index], "[data-follow]")[number - 1];
        if (!choice) return;
        var target = choice.getAttribute("data-follow");
        if (!target) return draw("Choice " + number + " ends the story here.");
        go(ids.indexOf(target));
      },
      home: function () {
        history = [];
        state = { index: 0, built: 0, revealed: false };
        draw();
      }
    };
    controllers.set(box, control);

    box.querySelector(".cq-next").addEventListener("click", control.next);
    box.querySelector(".cq-prev").addEventListener("click", control.back);
    box.querySelector(".cq-home").addEventListener("click", control.home);
    revealButton.addEventListener("click", control.reveal);
    control.full = function () {
      var request = document.fullscreenElement ? document.exitFullscreen() : box.requestFullscreen();
      if (request) request.catch(function () { draw("Full screen is not available here."); });
      /* Not left on the button: Space, a clicker's "next", would press it again. */
      box.focus({ preventScroll: true });
    };
    control.blank = function () {
      box.classList.toggle("cq-blank");
    };
    fullButton.addEventListener("click", control.full);
    box.addEventListener("fullscreenchange", function () {
      fullButton.setAttribute("aria-pressed", String(document.fullscreenElement === box));
      show(newest());
    });
    box.querySelector(".cq-controls").hidden = false;
    draw();
    started = true;
  }

  var KEYS = {
    ArrowRight: "next", PageDown: "next", " ": "next",
    ArrowLeft: "back", PageUp: "back",
    r: "reveal", R: "reveal",
    b: "blank", B: "blank", ".": "blank",
    f: "full", F: "full",
    Home: "home"
  };

  document.addEventListener("keydown", function (event) {
    var box = document.querySelector(".cq-projector[" + READY + "]");
    var control = box && controllers.get(box);
    var target = event.target;
    if (!control || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], .md-search")) return;
    /* Space presses a focused link or button, except the full-screen one: there it is "next". */
    if (event.key === " " && target.closest && target.closest("button:not(.cq-full), a, summary")) return;
    var action = /^[1-9]$/.test(event.key) ? "follow" : KEYS[event.key];
    if (!action) return;
    /* Material's own shortcuts listen on the window: "." would go to the next page, F to the
       search box. On a projector page these keys are the projector's. */
    event.preventDefault();
    event.stopPropagation();
    /* A blank screen comes back on any key, without moving on. */
    if (box.classList.contains("cq-blank") && action !== "full") return control.blank();
    control[action](Number(event.key));
  });

  /* ---- wiring ---- */

  function once(scope, selector, setup) {
    all(scope, selector + ":not([" + READY + "])").forEach(function (element) {
      element.setAttribute(READY, "");
      setup(element);
    });
  }

  if (window.cqCourse) window.cqCourse.runHooks();
})();
