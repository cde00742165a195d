// Gaps and opportunities (templates/actionplans/gap_list.html, gap_detail.html). Their htmx forms
// answer 422 with the form and its errors: show it like a success. After a swap the focus goes
// where the person needs to look: the first field in error, else the confirmation.
(function () {
  "use strict";
  var ours = false;

  function inGaps(elt) { return Boolean(elt && elt.closest && elt.closest(".gaps-htmx")); }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    ours = inGaps(evt.detail.elt);
    if (ours && evt.detail.xhr.status === 422) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!ours) { return; }
    ours = false;
    var target = document.querySelector(".gaps-htmx [aria-invalid='true'], .gaps-htmx .is-invalid") ||
      document.querySelector(".gaps-htmx .gaps-status");
    if (target) { target.focus(); }
  });
})();
