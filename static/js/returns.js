// The return page: check cells as they are typed (the server checks again on save)
// and fetch the preview of the parcel's indicators.
(function () {
  "use strict";
  var form = document.getElementById("return-form");
  // Each column's constants (decimals, range, 不适用 allowed) are on its header cell, not on every input.
  var decimals = {};
  var low = {};
  var high = {};
  var mayNotApply = {};
  document.querySelectorAll(".return-table thead th[data-field]").forEach(function (th) {
    var field = th.dataset.field;
    decimals[field] = parseInt(th.dataset.decimals || "0", 10);
    low[field] = th.dataset.min === undefined ? null : parseFloat(th.dataset.min);
    high[field] = th.dataset.max === undefined ? null : parseFloat(th.dataset.max);
    mayNotApply[field] = th.dataset.na === "1";
  });

  function folded(input) {
    return (input.value || "").replace(/[,，\s]/g, "").replace(/[０-９．Ａ-Ｚａ-ｚ／]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
  }

  function notApplicable(input) {
    var text = folded(input).toUpperCase();
    return text === "不适用" || text === "N/A";
  }

  // A number; null for a blank cell (未填写, not 0) or 不适用: no rule compares it.
  function number(input) {
    var text = folded(input);
    if (text === "" || notApplicable(input)) return null;
    if (!/^-?\d+(\.\d+)?$/.test(text)) return NaN;
    return parseFloat(text);
  }

  function message(input) {
    if (notApplicable(input)) return mayNotApply[input.dataset.field] ? "" : "此项不能填“不适用”";
    var value = number(input);
    if (value === null) return "";
    if (isNaN(value)) return "不是有效的数字";
    var field = input.dataset.field;
    var min = low[field] === undefined ? 0 : low[field];
    if (min === 0 && value < 0) return "不能为负数";
    if (min !== null && value < min) return "不能小于" + min;
    if (high[field] !== null && high[field] !== undefined && value > high[field]) return "不能大于" + high[field];
    var places = decimals[field] || 0;
    var fraction = folded(input).split(".")[1] || "";
    if (places === 0 && Math.floor(value) !== value) return "应为整数";
    if (places > 0 && fraction.replace(/0+$/, "").length > places) {
      return places === 2 ? "最多保留两位小数" : "最多保留" + places + "位小数";
    }
    var row = input.closest("tr");
    var get = function (name) {
      var other = row.querySelector('input[data-field="' + name + '"]');
      return other ? number(other) : null;
    };
    var limits = { masters_plus: "employees", foreign_returnee: "employees", sei_output: "industrial_output" };
    var larger = limits[input.dataset.field];
    var whole = larger ? get(larger) : null;
    if (whole !== null && !isNaN(whole) && value > whole) {
      return "不能大于" + (larger === "employees" ? "从业人员期末人数" : "工业总产值");
    }
    return "";
  }

  function check(input) {
    var text = message(input);
    input.classList.toggle("js-invalid", text !== "");
    input.title = text;
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }

  if (form && form.dataset.editable === "1") {
    form.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.dataset || !input.dataset.field || !input.classList.contains("num")) return;
      check(input);
      // A change of the larger figure may clear or raise the smaller one's problem.
      var row = input.closest("tr");
      row.querySelectorAll("input.num[data-field]").forEach(function (other) {
        if (other !== input && other.classList.contains("js-invalid")) check(other);
      });
    });
  }

  var preview = document.getElementById("indicator-preview");
  if (preview && window.fetch) {
    fetch(preview.dataset.url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var note = preview.querySelector("p.muted");
        if (note) note.remove();
        preview.appendChild(holder);
      })
      .catch(function () {
        var note = preview.querySelector("p.muted");
        if (note) note.textContent = "暂时无法计算指标预览。";
      });
  }
})();
