/* The numbers page's charts, drawn with Chart.js (served from this site, so the strict CSP holds).
   The data comes from the page's <script type="application/json" id="numbers-data"> block and holds
   only shown values: one shown as "<5" (or "x", hidden so that a "<5" cannot be worked out) is null
   there (no bar, no point) and flagged with its mark, and this file writes the mark where it
   stands, so a chart never draws a hidden number's true size. The tables under the charts show
   the same numbers. */
(function () {
  "use strict";
  var source = document.getElementById("numbers-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var URGENCY = { urgent: "#b3261e", high: "#b35c00", standard: "#3d6b35" };
  var PALETTE = ["#0b5cad", "#7a4fb5", "#00838f", "#9e6b00", "#5b6675", "#c2185b", "#2e7d32"];
  var LINE_HEIGHT = 14;
  var FONT = window.getComputedStyle(document.body).fontFamily;     // the page's fonts, Thai included
  Chart.defaults.font.family = FONT;

  function colour(key, index) { return URGENCY[key] || PALETTE[index % PALETTE.length]; }

  // Writes the "<5" labels: above a stacked bar's visible top (bars), else by the value axis' zero.
  var suppressedLabels = {
    id: "suppressedLabels",
    afterDatasetsDraw: function (chart) {
      var horizontal = chart.options.indexAxis === "y";
      var across = horizontal ? chart.scales.y : chart.scales.x;
      var along = horizontal ? chart.scales.x : chart.scales.y;
      var stacked = Boolean(along.options.stacked);
      var tops = {}, written = {};
      chart.data.datasets.forEach(function (set, d) {
        if (!stacked || !chart.isDatasetVisible(d)) { return; }
        set.data.forEach(function (value, i) { tops[i] = (tops[i] || 0) + (value || 0); });
      });
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = "12px " + FONT;
      ctx.textAlign = horizontal ? "left" : "center";
      ctx.textBaseline = horizontal ? "middle" : "bottom";
      chart.data.datasets.forEach(function (set, d) {
        if (!set.suppressed || !chart.isDatasetVisible(d)) { return; }
        set.suppressed.forEach(function (flag, i) {
          if (!flag) { return; }
          var mark = typeof flag === "string" ? flag : data.suppressed_label;   // "<5", or "x" hidden with one
          var nth = written[i] = (written[i] || 0) + 1;
          var base = along.getPixelForValue(tops[i] || 0);
          ctx.fillStyle = set.borderColor || "#5b6675";
          if (horizontal) {
            ctx.fillText(mark, base + 4 + (nth - 1) * 24, across.getPixelForValue(i));
          } else {
            ctx.fillText(mark, across.getPixelForValue(i), base - 2 - (nth - 1) * LINE_HEIGHT);
          }
        });
      });
      ctx.restore();
    }
  };

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) { return null; }
    config.plugins = [suppressedLabels];
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options);
    return new Chart(canvas, config);
  }

  var months = data.month_labels;
  window.numbersCharts = {
    received: make("chart-received", {
      type: "bar",
      data: {
        labels: months,
        datasets: data.received.map(function (set, i) {
          var c = colour(set.key, i);
          return { label: set.label, data: set.data, suppressed: set.suppressed, backgroundColor: c, borderColor: c };
        })
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    }),
    outcomes: make("chart-outcomes", {
      type: "bar",
      data: {
        labels: data.outcomes.labels,
        datasets: [{ label: "", data: data.outcomes.data, suppressed: data.outcomes.suppressed,
                     backgroundColor: PALETTE[0], borderColor: PALETTE[0] }]
      },
      options: { indexAxis: "y", plugins: { legend: { display: false } },
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    }),
    times: make("chart-times", {
      type: "line",
      data: {
        labels: months,
        datasets: data.times.map(function (set, i) {
          var c = PALETTE[Math.floor(i / 2) % PALETTE.length];
          return { label: set.label, data: set.data, suppressed: set.suppressed, borderColor: c, backgroundColor: c,
                   borderDash: i % 2 ? [6, 4] : [], spanGaps: false };
        })
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: data.hours_label } } } }
    })
  };
}());
