// The browser projector: follows the file through /screen/live, counts down, fits the screen.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var TICK_MS = 250;
  var MIN_FIT = 0.6;
  var WARNING_PERCENT = 60;
  var ALERT_PERCENT = 80;
  var PHASES = ["idle", "normal", "warning", "alert", "overtime", "done"];

  var root = document.getElementById("screen");
  if (!root) {
    return;
  }
  var stamp = root.dataset.stamp || "";
  // The server's clock minus this browser's: the countdown follows the laptop's time.
  var offset = Number(root.dataset.now || Date.now()) - Date.now();

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // The same rendering as format_clock in console/domain/timers.py.
  function formatClock(seconds) {
    var rounded = Math.round(seconds * 1e6) / 1e6;
    var prefix = "";
    var total;
    if (rounded >= 0) {
      total = Math.ceil(rounded);
    } else {
      prefix = "+";
      total = Math.floor(-rounded);
    }
    var hours = Math.floor(total / 3600);
    var mins = Math.floor((total % 3600) / 60);
    var secs = total % 60;
    if (hours) {
      return prefix + hours + ":" + pad(mins) + ":" + pad(secs);
    }
    return prefix + pad(mins) + ":" + pad(secs);
  }

  // The same phases as _phase_for in console/domain/timers.py, for a running timer.
  function phaseFor(timebox, remaining) {
    var elapsed = timebox - remaining;
    if (timebox <= 0 || remaining < 0) {
      return "overtime";
    }
    if (elapsed * 100 >= timebox * ALERT_PERCENT) {
      return "alert";
    }
    if (elapsed * 100 >= timebox * WARNING_PERCENT) {
      return "warning";
    }
    return "normal";
  }

  function setPhase(element, phase) {
    if (!element) {
      return;
    }
    PHASES.forEach(function (name) {
      element.classList.toggle("phase-" + name, name === phase);
    });
  }

  function tick() {
    var clock = document.getElementById("clock");
    if (!clock) {
      return;
    }
    var now = Date.now() + offset;
    var text;
    if (clock.dataset.wall) {
      var date = new Date(now);
      text = pad(date.getHours()) + ":" + pad(date.getMinutes());
    } else if (clock.dataset.endsAt) {
      var remaining = (Number(clock.dataset.endsAt) - now) / 1000;
      var phase = phaseFor(Number(clock.dataset.timebox), remaining);
      text = formatClock(remaining);
      setPhase(clock, phase);
      setPhase(document.getElementById("agenda"), phase);
      var status = document.getElementById("timer-status");
      if (status) {
        status.textContent = phase === "overtime" ? "Over time" : "";
      }
    } else {
      return; // A paused timer stands still.
    }
    if (clock.textContent !== text) {
      clock.textContent = text;
    }
  }

  function overflowing(show) {
    if (show.scrollHeight > show.clientHeight + 1 || show.scrollWidth > show.clientWidth + 1) {
      return true;
    }
    var boxes = show.querySelectorAll(".ranking, .sections");
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].scrollHeight > boxes[i].clientHeight + 1) {
        return true;
      }
    }
    return false;
  }

  // The shown rows of each ranking, top to bottom (cards have one ranking per section).
  function rankings(show) {
    return Array.prototype.slice.call(show.querySelectorAll(".ranking")).map(function (list) {
      return Array.prototype.slice.call(list.querySelectorAll(".rank-row"));
    });
  }

  // Shrink the type until everything fits; if the smallest type is still too big, leave out
  // whole rows from the bottom of the longest ranking (never part of a row: a rank or a score
  // is never cut; never a ranking's first row, so every heading keeps its leader).
  function fit() {
    var show = root.querySelector(".show");
    if (!show) {
      return;
    }
    Array.prototype.forEach.call(show.querySelectorAll(".rank-row"), function (row) {
      row.classList.remove("not-shown");
    });
    var note = show.querySelector(".more");
    if (note) {
      note.remove();
    }
    var scale = 1;
    show.style.setProperty("--fit", "1");
    while (overflowing(show) && scale > MIN_FIT) {
      scale = Math.round((scale - 0.05) * 100) / 100;
      show.style.setProperty("--fit", String(scale));
    }
    var lists = rankings(show);
    var hidden = 0;
    while (overflowing(show)) {
      var longest = null;
      lists.forEach(function (shown) {
        if (shown.length > 1 && (!longest || shown.length >= longest.length)) {
          longest = shown;
        }
      });
      if (!longest) {
        break;
      }
      longest.pop().classList.add("not-shown");
      hidden += 1;
      if (!note) {
        note = document.createElement("p");
        note.className = "more";
        show.querySelector(".results").appendChild(note);
      }
      note.textContent = "+" + hidden + " more not shown";
    }
  }

  function poll() {
    fetch("/screen/live", { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        if (typeof data.now === "number") {
          offset = data.now - Date.now();
        }
        if (typeof data.stamp === "string" && typeof data.html === "string") {
          document.body.classList.remove("stale");
          if (data.stamp !== stamp) {
            root.innerHTML = data.html;
            stamp = data.stamp;
            root.dataset.stamp = stamp;
            tick();
            fit();
          }
        } else {
          document.body.classList.add("stale");
        }
      })
      .catch(function () {
        document.body.classList.add("stale");
      })
      .then(function () {
        window.setTimeout(poll, POLL_MS);
      });
  }

  tick();
  fit();
  window.addEventListener("resize", fit);
  window.setInterval(tick, TICK_MS);
  window.setTimeout(poll, POLL_MS);
})();
