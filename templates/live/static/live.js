/* The live room's shared part: one WebSocket to the trainer's laptop that reconnects by itself
 * (the phone slept, the Wi-Fi dropped, the laptop's server restarted) with a growing pause,
 * and a few helpers the phone and trainer screens share. Served by `course live` only.
 */
(function () {
  "use strict";

  function all(scope, selector) {
    return Array.prototype.slice.call(scope.querySelectorAll(selector));
  }

  /* Opens the socket, calls `opened(send)` on each (re)connection and `message(data)` for
     each message; `status(text)` says what the connection is doing. */
  function connect(query, handlers) {
    var socket = null;
    var pause = 500;
    var closedForGood = false;

    function send(data) {
      if (socket && socket.readyState === 1) {
        socket.send(JSON.stringify(data));
        return true;
      }
      return false;
    }

    function open() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + "/live/ws" + query);
      socket.onopen = function () {
        pause = 500;
        handlers.status("");
        handlers.opened(send);
      };
      socket.onmessage = function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        handlers.message(data);
      };
      socket.onclose = function (event) {
        if (event.code === 1008 && handlers.refused) {
          closedForGood = true;
          handlers.refused(event.reason);
          return;
        }
        if (closedForGood) return;
        handlers.status("Connection lost. Reconnecting…");
        setTimeout(open, pause);
        pause = Math.min(pause * 2, 8000);
      };
    }

    open();
    return { send: send };
  }

  window.cqLive = { all: all, connect: connect };
})();
