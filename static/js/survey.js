// Survey autosave (templates/assessments/survey_section.html). htmx posts each answer as it is
// given; this file shows the server's "Saved" or its reason for refusing (400, 409), retries a
// request the network lost (with backoff, then says so), and warns before leaving the page while
// answers are not saved. The messages come translated from the form's data-msg-* attributes.
(function () {
  "use strict";
  var RETRY_DELAYS = [1000, 3000, 8000];
  var unsaved = new Set(); // inputs whose current value the server has not confirmed
  var failed = new Set(); // inputs whose last request was lost, to send again when online
  var submitting = false;

  function form() { return document.querySelector(".survey-form"); }
  function message(name) { var f = form(); return f ? f.dataset[name] || "" : ""; }
  function isAnswer(elt) { return elt && elt.closest && elt.closest(".survey-form") && elt.hasAttribute("hx-post"); }

  // Radios of one group share a name: track the group, not the button.
  function key(elt) { return elt.name || elt.id; }
  function byKey(k) { return document.getElementsByName(k)[0] || document.getElementById(k); }

  function showCount() {
    var el = document.querySelector(".survey-unsaved");
    if (!el) { return; }
    el.textContent = unsaved.size ? message("msgUnsaved") + " " + unsaved.size : "";
  }

  function say(target, text, isError) {
    if (!target) { return; }
    target.textContent = "";
    var span = document.createElement("span");
    span.className = isError ? "text-danger-emphasis" : "text-body-secondary";
    span.textContent = text;
    target.appendChild(span);
  }

  function markInvalid(elt, invalid) {
    var group = elt.name ? document.getElementsByName(elt.name) : [elt];
    Array.prototype.forEach.call(group, function (input) {
      if (invalid) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
  }

  function retry(elt, target) {
    var attempt = Number(elt.dataset.attempt || 0);
    failed.add(key(elt));
    if (attempt >= RETRY_DELAYS.length) {
      say(target, message("msgFailed"), true);
      return;
    }
    elt.dataset.attempt = String(attempt + 1);
    say(target, message("msgRetrying"), true);
    setTimeout(function () { htmx.trigger(elt, "change"); }, RETRY_DELAYS[attempt]);
  }

  // A new value ("input" comes before the "change" that sends radios and selects): the status
  // shown for the old one no longer holds.
  document.addEventListener("input", function (evt) {
    var elt = evt.target;
    if (!isAnswer(elt)) { return; }
    unsaved.add(key(elt));
    showCount();
    var holder = elt.closest("[hx-target]");
    var target = holder && document.querySelector(holder.getAttribute("hx-target"));
    if (target) { target.textContent = ""; }
  });

  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (isAnswer(evt.detail.elt)) { say(evt.detail.target, message("msgSaving"), false); }
  });

  // Refusals (400: invalid answer, 409: survey closed) carry the message to show.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 400 || status === 409) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var elt = evt.detail.elt;
    if (!isAnswer(elt)) { return; }
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      delete elt.dataset.attempt;
      failed.delete(key(elt));
      unsaved.delete(key(elt));
      markInvalid(elt, false);
    } else if (status === 400) {
      markInvalid(elt, true);
    } else if (status === 409) {
      unsaved.delete(key(elt));
    } else {
      retry(elt, evt.detail.target);
    }
    showCount();
  });

  window.addEventListener("online", function () {
    failed.forEach(function (k) {
      var elt = byKey(k);
      if (elt) { delete elt.dataset.attempt; htmx.trigger(elt, "change"); }
    });
  });

  document.addEventListener("submit", function (evt) {
    if (evt.target.classList && evt.target.classList.contains("survey-form")) { submitting = true; }
  });

  window.addEventListener("beforeunload", function (evt) {
    if (unsaved.size && !submitting) {
      evt.preventDefault();
      evt.returnValue = "";
    }
  });
})();
