// 驾驶舱 charts (ECharts). The figures come from the page's JSON block (#cockpit-data); no inline scripts (CSP).
// A click on a bar opens that child org's cockpit (drill down) or an item's work logs; a click on a point of the
// trend line opens the work logs of that day or month. The tables below the charts carry the same links.
(function () {
  "use strict";

  function go(url) {
    if (url) { window.location.href = url; }
  }

  function barChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.names, axisLabel: { width: 96, overflow: "truncate" } },
      series: [{ type: "bar", name: "工作量", data: data.totals, itemStyle: { color: "#206bc4" },
                 emphasis: { itemStyle: { color: "#1a569d" } }, cursor: "pointer" }]
    });
    chart.on("click", function (params) { go(data.urls[params.dataIndex]); });
    return chart;
  }

  function lineChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", name: "工作量", data: data.totals, smooth: false, symbolSize: 5,
                 areaStyle: { opacity: 0.12 }, itemStyle: { color: "#2fb344" }, cursor: "pointer" }]
    });
    chart.on("click", function (params) { go(data.urls[params.dataIndex]); });
    return chart;
  }

  function start() {
    var source = document.getElementById("cockpit-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    var bar = document.getElementById("cockpit-bar");
    if (bar) {
      var kind = bar.getAttribute("data-kind") === "children" ? data.children : data.items;
      bar.style.height = Math.max(240, Math.min(520, 28 * kind.names.length + 40)) + "px";
      charts.push(barChart(bar, kind));
    }
    var line = document.getElementById("cockpit-line");
    if (line) { charts.push(lineChart(line, data.series)); }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
