// The phone page's script: dot and card pickers that keep to the round's rules, the timer's
// countdown, and a quiet reload when the room moves on. The server checks everything again.
"use strict";

(function () {
  function setText(node, text) {
    if (node) node.textContent = text;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  // Dot vote: +/- taps, the budget and the cap per pain point.
  function setUpDots(form) {
    var budget = parseInt(form.dataset.budget, 10) || 0;
    var cap = parseInt(form.dataset.cap, 10) || 0;
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-item]"));
    var left = document.getElementById("dots-left");

    function value(input) {
      var n = parseInt(input.value, 10);
      return isNaN(n) || n < 0 ? 0 : n;
    }
    function used() {
      return inputs.reduce(function (sum, input) { return sum + value(input); }, 0);
    }
    function inputFor(item) {
      return inputs.filter(function (input) { return input.dataset.item === item; })[0];
    }
    function refresh() {
      var spent = used();
      var remaining = budget - spent;
      setText(left, remaining >= 0
        ? remaining + " of " + plural(budget, "dot", "dots") + " left"
        : "That is " + plural(-remaining, "dot", "dots") + " too many.");
      if (left) {
        left.classList.toggle("spent", remaining === 0);
        left.classList.toggle("over", remaining < 0);
      }
      form.querySelectorAll("button.plus").forEach(function (button) {
        var input = inputFor(button.dataset.item);
        button.disabled = !input || remaining <= 0 || value(input) >= cap;
      });
      form.querySelectorAll("button.minus").forEach(function (button) {
        var input = inputFor(button.dataset.item);
        button.disabled = !input || value(input) <= 0;
      });
    }
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-item]");
      if (!button) return;
      event.preventDefault();
      var input = inputFor(button.dataset.item);
      if (!input) return;
      var step = button.classList.contains("plus") ? 1 : -1;
      var next = Math.max(0, Math.min(cap, value(input) + step));
      if (step > 0 && used() >= budget) return;
      input.value = String(next);
      markDirty();
      refresh();
    });
    form.addEventListener("input", refresh);
    form.addEventListener("submit", function (event) {
      var bad = inputs.some(function (input) {
        return !/^[0-9]*$/.test(input.value.trim()) || value(input) > cap;
      });
      if (bad || used() > budget) {
        event.preventDefault();
        setText(left, bad
          ? "At most " + plural(cap, "dot", "dots") + " on one pain point."
          : "That is more than " + plural(budget, "dot", "dots") + ".");
        return;
      }
      // Only the pain points with dots are sent: the ballot stays a few hundred bytes
      // however long the inventory (a missing pain point has no dots).
      inputs.forEach(function (input) {
        if (value(input) === 0) input.disabled = true;
      });
    });
    refresh();
  }

  // Card picks: a search box that filters the list, and the number of picks allowed.
  function setUpCards(form) {
    var limit = parseInt(form.dataset.pick, 10) || 0;
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
    var left = document.getElementById("picks-left");
    var search = document.getElementById("card-search");

    function refresh() {
      var picked = boxes.filter(function (box) { return box.checked; }).length;
      if (limit) {
        setText(left, (limit - picked) + " of " + plural(limit, "pick", "picks") + " left");
        boxes.forEach(function (box) { box.disabled = !box.checked && picked >= limit; });
      } else {
        setText(left, plural(picked, "card", "cards") + " picked");
      }
    }
    form.addEventListener("change", function () {
      markDirty();
      refresh();
    });
    if (search) {
      search.addEventListener("input", function () {
        var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
        form.querySelectorAll("li.card-item").forEach(function (item) {
          var text = item.textContent.toLowerCase();
          item.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
        });
      });
      // Enter in the search box filters; it never sends the picks by accident.
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    refresh();
  }

  // The timer: counts down to the instant the server gave, corrected for this phone's clock.
  function setUpCountdown(span) {
    var endsAt = Date.parse(span.dataset.endsAt);
    var serverNow = Date.parse(span.dataset.now || "");
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    if (isNaN(endsAt)) return;
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function clock(seconds) {
      var h = Math.floor(seconds / 3600);
      var m = Math.floor((seconds % 3600) / 60);
      var s = seconds % 60;
      return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
    }
    function tick() {
      var ms = endsAt - (Date.now() + skew);
      var over = ms < 0;
      var seconds = over ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
      span.textContent = clock(seconds) + (over ? " over time" : " left");
      span.parentNode.classList.toggle("over", over);
    }
    tick();
    setInterval(tick, 1000);
  }

  // Reload when what the page shows changed, unless the delegate is in the middle of something.
  var dirty = false;
  function markDirty() { dirty = true; }

  function editing() {
    var active = document.activeElement;
    var typing = active && (active.tagName === "TEXTAREA" ||
      (active.tagName === "INPUT" && active.type !== "checkbox" && active.type !== "hidden"));
    return dirty || Boolean(typing);
  }

  function setUpPolling(now) {
    var stamp = now.dataset.stamp;
    var url = now.dataset.stampUrl;
    if (!stamp || !url) return;
    var busy = false;
    setInterval(function () {
      if (busy) return;
      busy = true;
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && data.stamp && data.stamp !== stamp && !editing()) {
            window.location.replace("/me");
          }
        })
        .catch(function () { /* the laptop is out of reach for a moment: try again */ })
        .then(function () { busy = false; });
    }, 2000);
  }

  function start() {
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("input", function (event) {
        if (event.target.name) markDirty();  // the card search box is not part of the form
      });
      form.addEventListener("submit", function () { dirty = true; });
    });
    var dots = document.getElementById("dots-form");
    if (dots) setUpDots(dots);
    var cards = document.getElementById("cards-form");
    if (cards) setUpCards(cards);
    var span = document.getElementById("time-left");
    if (span && span.dataset.endsAt) setUpCountdown(span);
    var now = document.getElementById("now");
    if (now) setUpPolling(now);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
