/* Show a chosen period at once: the period form submits itself when a choice changes
   (its button stays for keyboards and for browsers without scripts). */
(function () {
  "use strict";
  document.querySelectorAll("form.period-form select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
