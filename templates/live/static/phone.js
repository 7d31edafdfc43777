/* The participant's phone: join with the session code and an optional nickname, then answer
 * the question on the screen with one tap (another tap changes it while voting is open).
 * The token the room gives is kept in sessionStorage with the code, so a reload or a dropped
 * connection rejoins as the same participant with the same answer.
 */
(function () {
  "use strict";

  var live = window.cqLive;
  var KEY = "cq-live-participant";
  var join = document.querySelector(".lv-join");
  var form = document.querySelector(".lv-join-form");
  var room = document.querySelector(".lv-room");
  var title = room.querySelector(".lv-title");
  var prompt = room.querySelector(".lv-prompt");
  var hint = room.querySelector(".lv-hint");
  var options = room.querySelector(".lv-options");
  var reveal = room.querySelector(".lv-reveal");
  var revealText = room.querySelector(".lv-reveal-text");
  var status = document.querySelector(".lv-status");
  var template = document.querySelector(".lv-option-template");
  var saved = null;
  var state = null;
  var connection = null;
  var shownPoll = null;

  try { saved = JSON.parse(sessionStorage.getItem(KEY)); } catch (error) { saved = null; }

  function say(text) { status.textContent = text; }

  function remember(data) {
    try { sessionStorage.setItem(KEY, JSON.stringify(data)); } catch (error) { /* kept for this page only */ }
  }

  function choose(id) {
    if (!state || !state.poll || state.phase !== "open") return;
    var mine = state.mine || [];
    var chosen = [id];
    if (state.poll.multiple) {
      chosen = mine.indexOf(id) >= 0 ? mine.filter(function (c) { return c !== id; }) : mine.concat([id]);
      if (!chosen.length) return;
    }
    if (!connection.send({ type: "answer", poll: state.poll.id, chosen: chosen })) say("Not sent: reconnecting…");
  }

  function draw() {
    var poll = state.poll;
    if (state.ended) {
      title.textContent = "The session has ended. Thank you!";
    } else {
      title.textContent = poll ? poll.title : state.activity.title;
    }
    if (!poll) {
      prompt.textContent = "";
      options.textContent = "";
      shownPoll = null;
    } else if (shownPoll !== poll.id) {
      shownPoll = poll.id;
      prompt.innerHTML = poll.prompt; /* HTML made by the course's Markdown renderer */
      options.textContent = "";
      poll.options.forEach(function (option) {
        var button = template.content.firstElementChild.cloneNode(true);
        button.textContent = option.label;
        button.setAttribute("data-option", option.id);
        button.addEventListener("click", function () { choose(option.id); });
        options.appendChild(button);
      });
    }
    var open = !!poll && state.phase === "open" && !state.ended;
    var mine = state.mine || [];
    var correct = state.reveal ? state.reveal.correct : [];
    live.all(options, ".lv-option").forEach(function (button) {
      var id = button.getAttribute("data-option");
      button.setAttribute("aria-pressed", mine.indexOf(id) >= 0 ? "true" : "false");
      button.setAttribute("aria-disabled", open ? "false" : "true");
      button.classList.toggle("lv-right", correct.indexOf(id) >= 0);
    });
    hint.hidden = !open;
    reveal.hidden = !state.reveal;
    if (state.reveal) {
      revealText.innerHTML = (state.reveal.consequence || "") + state.reveal.explanation;
    }
    if (!poll || state.ended) say(state.ended ? "" : "Look at the screen.");
    else if (open) say(mine.length ? "Your answer is in. You can still change it." : "Voting is open.");
    else if (state.phase === "shown") say("Voting opens soon.");
    else say(mine.length ? "Voting is closed. Your answer counted." : "Voting is closed.");
  }

  var wanted = null; /* the code and name to join with, on every (re)connection */

  function joinMessage() {
    var token = saved && saved.code === wanted.code ? saved.token : null;
    return { type: "join", code: wanted.code, name: wanted.name, token: token };
  }

  function start(code, name) {
    wanted = { code: code, name: name };
    join.hidden = true;
    room.hidden = false;
    if (connection) {
      connection.send(joinMessage());
      return;
    }
    connection = live.connect("?role=participant", {
      status: say,
      opened: function (send) { send(joinMessage()); },
      message: function (data) {
        if (data.type === "joined") {
          saved = { code: wanted.code, token: data.token, name: data.name };
          remember(saved);
        } else if (data.type === "state") {
          state = data;
          draw();
        } else if (data.type === "error") {
          if (!state) {
            room.hidden = true;
            join.hidden = false;
          }
          say("Not accepted: " + data.message + ".");
        }
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = form.elements.code.value.trim().toUpperCase();
    if (!code) {
      say("Type the code shown on the screen.");
      form.elements.code.focus();
      return;
    }
    start(code, form.elements.name.value);
  });

  if (saved && saved.code) start(saved.code, saved.name || "");
})();
