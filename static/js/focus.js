// When an htmx swap takes away the element that had the focus (the live screen moving on to
// the next activity, a vote closing under a dot button), the browser leaves focus on the page
// itself and a keyboard user starts again from the top. Focus goes to what took its place.
// (htmx already puts focus back on an element that comes back with the same id.)
(function () {
  var hadFocus = new WeakSet();

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || active === document.documentElement;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.contains(document.activeElement) && event.detail.xhr) {
      hadFocus.add(event.detail.xhr);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var replacement = event.target;
    if (!hadFocus.has(event.detail.xhr) || !focusLost() || !(replacement instanceof HTMLElement)) {
      return;
    }
    if (!replacement.hasAttribute("tabindex")) { replacement.setAttribute("tabindex", "-1"); }
    replacement.focus({ preventScroll: true });
  });
})();

// A page that comes back with a form's errors: the cursor goes to the first field with one
// (unless the page put it somewhere itself), so a keyboard or screen reader user lands on
// the field and hears its error, instead of starting again from the top.
(function () {
  function focusFirstError() {
    if (document.querySelector("[autofocus]")) { return; }
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) { return; }
    var field = document.querySelector("main .is-invalid:not([type=hidden])");
    if (field && typeof field.focus === "function") { field.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
