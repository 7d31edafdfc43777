/* The trainer's screens: the projector (laptop) and the controls (the trainer's phone). Both
 * connect with the trainer key from their own address; both show where the room is, how
 * many have answered and, once revealed, the chart; the buttons (and keys on the projector)
 * move the room. At the end the answers are saved as results codes, or handed to the group
 * debrief in this tab, exactly as if each participant had imported their results file.
 */
(function () {
  "use strict";

  var live = window.cqLive;
  var key = new URLSearchParams(location.search).get("key") || "";
  var $ = function (selector) { return document.querySelector(selector); };
  var title = $(".lv-title");
  var where = $(".lv-where");
  var body = $(".lv-body");
  var prompt = $(".lv-prompt");
  var choices = $(".lv-choices");
  var count = $(".lv-count");
  var explanation = $(".lv-explanation");
  var joined = $(".lv-joined");
  var status = $(".lv-status");
  var follow = $(".lv-follow");
  var followChoice = $(".lv-follow-choice");
  var after = $(".lv-after");
  var template = $(".lv-choice-template");
  var buttons = live.all(document, "[data-action]");
  var state = null;
  var shown = null;
  var connection;

  function say(text) { status.textContent = text; }

  function act(action, choice) {
    if (!connection.send({ type: "control", action: action, choice: choice })) say("Not sent: reconnecting…");
  }

  function draw() {
    var poll = state.poll;
    var tally = state.tally || {};
    var revealed = state.phase === "revealed";
    live.all(document, ".lv-room-code").forEach(function (e) { e.textContent = state.code; });
    joined.textContent = state.joined + " joined";
    where.textContent = "Activity " + state.activity.number + " of " + state.activity.of + ": " + state.activity.title;
    title.textContent = state.ended ? "Session ended" : poll ? poll.title : state.activity.title;
    if (shown !== (poll ? poll.id : state.body)) {
      shown = poll ? poll.id : state.body;
      if (body) body.innerHTML = state.body; /* HTML made by the course's Markdown renderer */
      if (prompt) prompt.innerHTML = poll ? poll.prompt : "";
      choices.textContent = "";
      followChoice.textContent = "";
      (poll ? poll.options : []).forEach(function (option) {
        var item = template.content.firstElementChild.cloneNode(true);
        item.setAttribute("data-option", option.id);
        item.querySelector(".lv-choice-label").textContent = option.label;
        choices.appendChild(item);
        var entry = document.createElement("option");
        entry.value = option.id;
        entry.textContent = option.label;
        followChoice.appendChild(entry);
      });
    }
    var total = 0;
    Object.keys(tally).forEach(function (id) { total += tally[id]; });
    live.all(choices, ".lv-choice").forEach(function (item) {
      var id = item.getAttribute("data-option");
      var n = tally[id] || 0;
      item.querySelector(".lv-choice-count").textContent = revealed ? "(" + n + (n === 1 ? " vote)" : " votes)") : "";
      item.querySelector(".lv-bar-fill").style.width = revealed && total ? Math.round((100 * n) / total) + "%" : "0";
      item.classList.toggle("lv-revealed", revealed);
      item.classList.toggle("lv-right", revealed && state.correct.indexOf(id) >= 0);
      item.classList.toggle("lv-followed", revealed && !!state.reveal && state.reveal.followed === id);
    });
    count.textContent = !poll ? ""
      : state.answered + " of " + state.joined + " answered" +
        (state.phase === "open" ? " · voting is open" : state.phase === "shown" ? " · voting not open yet" : " · voting closed");
    if (explanation) {
      explanation.hidden = !revealed || !state.reveal;
      if (revealed && state.reveal) {
        explanation.innerHTML = (state.reveal.consequence || "") + (state.reveal.explanation || "");
      }
    }
    var isDecision = !!poll && !!state.step;
    follow.hidden = !isDecision || state.ended;
    if (isDecision && state.reveal && state.reveal.followed) followChoice.value = state.reveal.followed;
    buttons.forEach(function (button) {
      var action = button.getAttribute("data-action");
      var off = state.ended && action !== "previous" ||
        action === "open" && (!poll || state.phase === "open") ||
        action === "close" && state.phase !== "open" ||
        action === "reveal" && (!poll || revealed);
      button.disabled = off;
    });
    after.hidden = !state.ended;
  }

  function results() {
    return fetch("/live/results?key=" + encodeURIComponent(key), { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
  }

  function saveResults() {
    results().then(function (data) {
      var text = data.codes.join("\n") + "\n";
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
      link.download = "live-results-" + state.code + ".txt";
      document.body.appendChild(link);
      link.click();
      link.remove();
      say("Saved " + data.codes.length + " results. Paste the file's text into the group debrief's code box to import them.");
    }, function () { say("The results could not be read from the server."); });
  }

  /* The group debrief's entry point (see dashboard.js, docs/trainer.md): results left in this
     tab's sessionStorage under "cq-dashboard-import" are imported when it opens, with the
     same checks and messages as files, as if each participant had handed one over. */
  function openDashboard() {
    results().then(function (data) {
      var entries = data.records.map(function (record) {
        return ["live " + state.code + ", seat " + record.live.seat, JSON.stringify(record)];
      });
      try {
        sessionStorage.setItem("cq-dashboard-import", JSON.stringify(entries));
      } catch (error) {
        say("This browser keeps no session storage; use Save the results instead.");
        return;
      }
      /* Where the debrief is depends on how the site was built: the server says. */
      location.href = document.querySelector("[data-dashboard]").getAttribute("data-dashboard");
    }, function () { say("The results could not be read from the server."); });
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.getAttribute("data-action");
      /* Ending is not final: Previous reopens the session where it was. */
      act(action, action === "follow" ? followChoice.value : undefined);
    });
  });
  $(".lv-save").addEventListener("click", saveResults);
  $(".lv-dashboard").addEventListener("click", openDashboard);

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !state) return;
    var target = event.target;
    if (target && (target.tagName === "SELECT" || target.tagName === "INPUT")) return;
    var keys = { ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous", o: "open", c: "close", r: "reveal" };
    var action = keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) return;
    event.preventDefault();
    act(action);
  });

  connection = live.connect("?role=trainer&key=" + encodeURIComponent(key), {
    status: say,
    opened: function () {},
    refused: function () { say("This link does not carry the trainer key of this session."); },
    message: function (data) {
      if (data.type === "state") {
        state = data;
        say("");
        draw();
      } else if (data.type === "error") {
        say(data.message + ".");
      }
    }
  });
})();
