// Follow a report's generation: poll its status, move the progress bar, then show the downloads.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-bar");
  var percent = document.getElementById("report-percent");
  var state = document.getElementById("report-state");
  var message = document.getElementById("report-message");
  var list = document.getElementById("report-downloads");
  var retry = document.getElementById("report-retry");
  var word = document.getElementById("report-download-word").textContent;

  function show(status) {
    bar.value = status.progress;
    bar.textContent = status.progress + "%";
    percent.textContent = status.progress + "%";
    state.textContent = status.state_label;
    message.textContent = status.message || "—";
    box.setAttribute("data-state", status.state);
    // A report whose worker died is marked failed (its heartbeat stopped): offer to generate it again.
    if (retry) retry.hidden = !status.may_retry;
    if (status.state === "done" && !list.children.length) {
      status.downloads.forEach(function (d) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = d.url;
        link.setAttribute("download", "");
        link.setAttribute("data-format", d.format);
        link.textContent = word + " " + d.label;
        var size = document.createElement("span");
        size.className = "report-size";
        size.textContent = " " + d.size;
        item.appendChild(link);
        item.appendChild(size);
        list.appendChild(item);
      });
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (status) {
        show(status);
        if (status.state === "queued" || status.state === "running") window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  var initial = box.getAttribute("data-state");
  if (initial === "queued" || initial === "running") poll();
})();
