// Countdown of the current agenda item: reads data-timer-start (ISO time) and
// data-timer-minutes, shows the time left (or over). The words come translated from
// data-left-label and data-over-label (English if missing). Re-binds after htmx swaps.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    document.querySelectorAll("[data-timer-start][data-timer-minutes]").forEach(function (el) {
      var start = Date.parse(el.dataset.timerStart);
      if (isNaN(start)) { return; }
      var left = Math.round((start + Number(el.dataset.timerMinutes) * 60000 - Date.now()) / 1000);
      var abs = Math.abs(left);
      var text = Math.floor(abs / 60) + ":" + pad(abs % 60);
      var label = left >= 0 ? (el.dataset.leftLabel || "left") : (el.dataset.overLabel || "over time");
      el.textContent = text + " " + label;
      el.classList.toggle("timer-over", left < 0);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
