/* The plan switcher in every page's head is a <details> list of links (it works without scripts):
   Escape closes it and gives the focus back to its button, and a click elsewhere closes it. */
(function () {
  "use strict";
  var box = document.getElementById("plan-switch");
  if (!box) {
    return;
  }
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box.open) {
      box.open = false;
      box.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (box.open && !box.contains(event.target)) {
      box.open = false;
    }
  });
})();
