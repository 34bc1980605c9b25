// Keyboard shortcuts for the review page. Forms carry data-key; nothing else runs here.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }
  function syncScope() {
    var box = document.getElementById("all-identical");
    var value = box && box.checked ? "1" : "";
    document.querySelectorAll("input.all-identical").forEach(function (i) { i.value = value; });
  }
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "all-identical") { syncScope(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (typing(document.activeElement)) {
      if (e.key === "Escape") { document.activeElement.blur(); }
      return;
    }
    var key = e.key;
    if (key === "/") { e.preventDefault(); var s = document.getElementById("search"); if (s) { s.focus(); } return; }
    if (key === "n") { e.preventDefault(); var n = document.getElementById("new-name"); if (n) { n.focus(); n.select(); } return; }
    if (key === "a") { var b = document.getElementById("all-identical"); if (b) { b.checked = !b.checked; syncScope(); } return; }
    if (key === "j") { var nx = document.getElementById("next"); if (nx) { nx.click(); } return; }
    if (key === "k") { var pv = document.getElementById("prev"); if (pv) { pv.click(); } return; }
    var form = document.querySelector('form[data-key="' + key + '"]');
    if (form) { e.preventDefault(); syncScope(); form.submit(); }
  });
  document.querySelectorAll("tr[data-href]").forEach(function (row) {
    row.addEventListener("dblclick", function () { window.location = row.getAttribute("data-href"); });
  });
}());
