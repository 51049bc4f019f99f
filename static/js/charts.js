/* Draw every chart of the page: each <div data-plotly="ID"> gets the figure
   serialised in <script type="application/json" id="ID">. One config for all:
   no Plotly logo, responsive, the page's language. A figure may add its own
   config (sparklines are static). When a chart is drawn its div gets
   data-drawn="N", N the number of traces. */
(function () {
  "use strict";
  var locale = document.documentElement.lang === "en" ? "en" : "zh-CN";

  function draw(div) {
    var source = document.getElementById(div.getAttribute("data-plotly"));
    if (!source || typeof Plotly === "undefined") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var config = Object.assign(
      {
        displaylogo: false,
        responsive: true,
        locale: locale,
        modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
        toImageButtonOptions: { format: "png", scale: 2, filename: div.getAttribute("data-plotly") }
      },
      figure.config || {}
    );
    Plotly.newPlot(div, figure.data, figure.layout, config).then(function () {
      div.setAttribute("data-drawn", String(figure.data.length));
    });
  }

  document.querySelectorAll("[data-plotly]").forEach(draw);
})();
