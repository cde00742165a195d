// The PDF page: how long the PDF has been waiting or in the making ("0:12"), from
// data-elapsed-since (ISO time). Re-binds after htmx swaps the status in.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    document.querySelectorAll("[data-elapsed-since]").forEach(function (el) {
      var since = Date.parse(el.dataset.elapsedSince);
      if (isNaN(since)) { return; }
      var seconds = Math.max(0, Math.round((Date.now() - since) / 1000));
      el.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();

// Waiting past data-slow-after seconds since data-slow-since: the hint saying so shows.
(function () {
  function check() {
    document.querySelectorAll("[data-slow-since]").forEach(function (el) {
      var since = Date.parse(el.dataset.slowSince);
      var after = Number(el.dataset.slowAfter) || 30;
      if (!isNaN(since) && Date.now() - since > after * 1000) { el.hidden = false; }
    });
  }
  check();
  setInterval(check, 1000);
  document.addEventListener("htmx:afterSwap", check);
})();
