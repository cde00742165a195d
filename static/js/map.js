// The map page (templates/assessments/map.html). Without this file every form still works as a
// plain page; with it:
// - a form answered with 422 (its errors) is shown in place, and the focus goes to the first
//   error; after a save, to the message; to a form loaded into the editor, its heading
//   (the server marks the target with data-map-focus);
// - when the board refreshes by polling, the focus stays on the link it was on;
// - the node lists of the "link two nodes" form follow the nodes on the map, keeping the choice;
// - "Close" empties the editor and goes back to the "Edit" link that opened it;
// - a removed node or a lost connection gets a message instead of nothing happening.
(function () {
  "use strict";
  var refocus = null; // id of the element inside the board that had the focus before a refresh
  var opener = null; // id of the "Edit" link whose form is in the editor

  function panel() { return document.getElementById("map-panel"); }
  function inside(el, id) { return !!(el && el.closest && el.closest("#" + id)); }

  function alertText(text) {
    var box = document.getElementById("map-panel-alert");
    if (box) { box.textContent = text; }
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (inside(evt.detail.elt, "map-panel")) { alertText(""); }
    var elt = evt.detail.elt;
    if (elt && elt.getAttribute && elt.getAttribute("hx-target") === "#map-edit" && elt.id) {
      opener = elt.id;
    }
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.xhr.status === 422) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
    var active = document.activeElement;
    if (inside(evt.detail.target, "map-live") && inside(active, "map-live") && active.id) {
      refocus = active.id;
    }
  });

  // Polls that fail are tried again by the next poll; an edit that fails says so.
  function failed(evt) {
    var p = panel();
    if (!p || !(inside(evt.detail.elt, "map-panel") || inside(evt.detail.target, "map-panel"))) {
      return;
    }
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    alertText(status === 404 ? p.dataset.msgGone : p.dataset.msgFailed);
    var box = document.getElementById("map-panel-alert");
    if (box) { box.setAttribute("tabindex", "-1"); box.focus(); }
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  // The lists of the new link's ends: the options of the board's hidden #map-node-options.
  function refreshNodeLists() {
    var source = document.getElementById("map-node-options");
    if (!source) { return; }
    document.querySelectorAll("select[data-map-nodes]").forEach(function (select) {
      if (select === document.activeElement) { return; }
      var value = select.value;
      var options = Array.prototype.map.call(source.children, function (n) { return n.cloneNode(true); });
      select.replaceChildren.apply(select, options);
      select.value = value;
      if (select.value !== value) { select.value = ""; }
    });
  }

  function focusMarked() {
    var marked = document.querySelector("[data-map-focus]");
    if (!marked) { return false; }
    var target = marked;
    if (marked.dataset.mapFocus === "error") {
      target = marked.querySelector(".alert-danger, .is-invalid") || marked;
    }
    marked.removeAttribute("data-map-focus");
    target.focus();
    return true;
  }

  document.addEventListener("htmx:afterSettle", function () {
    refreshNodeLists();
    if (focusMarked()) { return; }
    if (refocus) {
      var el = document.getElementById(refocus);
      refocus = null;
      if (el && document.activeElement !== el) { el.focus(); }
    }
  });

  document.addEventListener("click", function (evt) {
    var close = evt.target.closest && evt.target.closest("[data-map-close]");
    if (!close) { return; }
    var editor = document.getElementById("map-edit");
    if (editor) { editor.replaceChildren(); }
    var back = opener && document.getElementById(opener);
    opener = null;
    (back || panel() || document.body).focus();
  });
})();
