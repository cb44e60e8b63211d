// 矫正驾驶舱 charts (ECharts). The figures come from the page's JSON block (#cockpit-data); no inline scripts (CSP).
// A click on a child org's bar opens that org's cockpit (drill down); the table below carries the same links.
(function () {
  "use strict";

  function barChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.names, axisLabel: { width: 96, overflow: "truncate" } },
      series: [{ type: "bar", name: "在册", data: data.totals, itemStyle: { color: "#206bc4" }, cursor: "pointer" }]
    });
    chart.on("click", function (params) {
      var url = data.urls[params.dataIndex];
      if (url) { window.location.href = url; }
    });
    return chart;
  }

  function trendChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { data: ["报到接收", "解除/终止"], top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: "报到接收", data: data.inflow, itemStyle: { color: "#2fb344" } },
        { type: "line", name: "解除/终止", data: data.outflow, symbolSize: 5, itemStyle: { color: "#d63939" } }
      ]
    });
    return chart;
  }

  function start() {
    var source = document.getElementById("cockpit-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    var bar = document.getElementById("cockpit-bar");
    if (bar) {
      var kind = bar.getAttribute("data-kind") === "children" ? data.children : data.sentence;
      bar.style.height = Math.max(240, Math.min(520, 28 * kind.names.length + 40)) + "px";
      charts.push(barChart(bar, kind));
    }
    var line = document.getElementById("cockpit-line");
    if (line) { charts.push(trendChart(line, data.trend)); }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
