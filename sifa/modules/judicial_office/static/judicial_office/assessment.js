// 千分制 charts (ECharts): points per part (bar) and the monthly trend (line).
// Data comes from the page's <script type="application/json" id="assessment-data"> (no inline scripts: CSP).
// The same figures are in the page's tables, so nothing is lost when scripts are off.
(function () {
  "use strict";

  function partsChart(el, parts) {
    var shown = parts.filter(function (p) { return p.points !== null; });
    if (!shown.length) { el.remove(); return null; }
    var chart = window.echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: ["得分", "满分"], top: 0, textStyle: { fontSize: 11 } },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: shown.map(function (p) { return p.label; }),
               axisLabel: { fontSize: 11, width: 72, overflow: "truncate" } },
      series: [
        { name: "满分", type: "bar", barGap: "-100%", itemStyle: { color: "#e6e7e9" }, silent: true,
          data: shown.map(function (p) { return p.deduction ? 0 : p.full; }) },
        { name: "得分", type: "bar", label: { show: true, position: "right", fontSize: 11 },
          data: shown.map(function (p) {
            return { value: p.points, itemStyle: { color: p.deduction ? "#d63939" : "#206bc4" } };
          }) }
      ]
    });
    return chart;
  }

  function trendChart(el, trend) {
    var chart = window.echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: trend.map(function (t) { return t.key; }), axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", scale: true },
      series: [{ name: "总分", type: "line", connectNulls: false, symbolSize: 6,
                 data: trend.map(function (t) { return t.total; }) }]
    });
    return chart;
  }

  function init() {
    var source = document.getElementById("assessment-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    var parts = document.getElementById("chart-parts");
    if (parts) { charts.push(partsChart(parts, data.parts || [])); }
    var trend = document.getElementById("chart-trend");
    if (trend) { charts.push(trendChart(trend, data.trend || [])); }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c) { c.resize(); } });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
