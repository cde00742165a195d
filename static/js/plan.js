// The action plan's inline editing (templates/actionplans/plan*.html, principles*.html).
// htmx does the work; this file lets it show a form's errors (422) and a conflict between two
// editors (409) in place, says when an item is gone (404), closes an inline form with Escape,
// and clears the status message after a while.
(function () {
  "use strict";
  var STATUS_SECONDS = 6;
  var statusTimer = null;

  function inPlanForm(elt) { return elt && elt.closest && elt.closest(".plan-form"); }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if ((status === 409 || status === 422) && inPlanForm(evt.detail.elt)) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // Someone removed the item this person was about to change: say so instead of doing nothing.
  document.addEventListener("htmx:responseError", function (evt) {
    var page = document.querySelector(".plan-page");
    var status = document.getElementById("plan-status");
    if (evt.detail.xhr.status === 404 && page && status && page.contains(evt.detail.elt)) {
      status.classList.add("plan-live-status-error");
      status.textContent = page.dataset.msgGone;
    }
  });

  // Escape in an inline form: the same as its Cancel (or "Keep theirs") link.
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") { return; }
    var form = inPlanForm(evt.target);
    var cancel = form && form.querySelector("[data-plan-cancel]");
    if (cancel) {
      evt.preventDefault();
      cancel.click();
    }
  });

  // A state team's comment form opened in place of its "Comment" link: Cancel (or Escape)
  // puts the link back, with the focus on it, instead of leaving the form open.
  var commentLinks = new WeakMap();
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var box = evt.detail.target;
    if (box && box.classList && box.classList.contains("review-comment-add") &&
        !commentLinks.has(box)) {
      commentLinks.set(box, box.innerHTML);
    }
  });
  document.addEventListener("click", function (evt) {
    var cancel = evt.target.closest && evt.target.closest(".review-comment-form [data-plan-cancel]");
    var box = cancel && cancel.closest(".review-comment-add");
    if (!box || !commentLinks.has(box)) { return; }
    evt.preventDefault();
    box.innerHTML = commentLinks.get(box);
    commentLinks.delete(box);
    if (window.htmx) { window.htmx.process(box); }
    var link = box.querySelector("a, button");
    if (link) { link.focus(); }
  });

  document.addEventListener("htmx:oobAfterSwap", function (evt) {
    var target = evt.detail.target;
    if (!target || target.id !== "plan-status") { return; }
    target.classList.remove("plan-live-status-error");
    clearTimeout(statusTimer);
    statusTimer = setTimeout(function () { target.textContent = ""; }, STATUS_SECONDS * 1000);
  });
})();
