// The plan editor's formula box: checked as it is typed (debounced), with the error's line and column,
// or the park's value for the latest quarters with data, from /planning/<code>/formula.json.
(function () {
  "use strict";
  var box = document.getElementById("formula-preview");
  var input = document.getElementById("id_formula");
  if (!box || !input) { return; }
  var decimals = document.getElementById("id_decimals");
  var kind = document.getElementById("id_target_kind");
  var timer = null;
  var asked = 0;

  function say(cls, text) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    box.appendChild(p);
    return p;
  }

  function table(rows) {
    var t = document.createElement("table");
    t.className = "data compact";
    var head = t.createTHead().insertRow();
    [box.dataset.period, box.dataset.value].forEach(function (text) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      head.appendChild(th);
    });
    var body = t.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      tr.insertCell().textContent = row.label;
      var cell = tr.insertCell();
      cell.className = "num";
      cell.textContent = row.text;
    });
    return t;
  }

  function show(answer) {
    if (!answer.ok) {
      say("pl-error", answer.error);
      input.setAttribute("aria-invalid", "true");
      return;
    }
    input.removeAttribute("aria-invalid");
    say("pl-ok", box.dataset.ok);
    if (answer.values.length) {
      box.appendChild(table(answer.values));
    } else {
      say("note", box.dataset.none);
    }
  }

  var hint = box.innerHTML;

  function check() {
    var mine = ++asked;
    var text = input.value;
    if (!text.trim()) {
      box.innerHTML = hint;
      box.dataset.formula = "";
      return;
    }
    var params = new URLSearchParams({
      formula: text,
      decimals: decimals ? decimals.value : "2",
      target_kind: kind ? kind.value : ""
    });
    box.setAttribute("aria-busy", "true");
    fetch(box.dataset.url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (answer) { if (mine === asked) { show(answer); box.dataset.formula = text; } })
      .catch(function () { if (mine === asked) { say("pl-error", box.dataset.failed); } })
      .finally(function () { if (mine === asked) { box.removeAttribute("aria-busy"); } });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }

  input.addEventListener("input", later);
  if (decimals) { decimals.addEventListener("change", later); }
  if (kind) { kind.addEventListener("change", later); }
  if (input.value.trim()) { check(); }
})();
