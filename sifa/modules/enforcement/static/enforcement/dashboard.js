// 执法监督驾驶舱 charts (ECharts). The figures come from the page's JSON block (#dashboard-data); no inline scripts (CSP).
// A click on a bar opens the child org's dashboard (drill down) or the body's case list; a state bar opens its cases.
(function () {
  "use strict";

  function clickable(chart, urls) {
    chart.on("click", function (params) {
      var url = urls[params.dataIndex];
      if (url) { window.location.href = url; }
    });
  }

  function rowsChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: ["登记案件", "超期期限"], top: 0 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.names, axisLabel: { width: 110, overflow: "truncate" } },
      series: [
        { type: "bar", name: "登记案件", data: data.cases, itemStyle: { color: "#206bc4" }, cursor: "pointer" },
        { type: "bar", name: "超期期限", data: data.overdue, itemStyle: { color: "#d63939" }, cursor: "pointer" }
      ]
    });
    clickable(chart, data.urls);
    return chart;
  }

  function groupsChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: data.names },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "案件", data: data.counts, itemStyle: { color: "#4299e1" }, cursor: "pointer" }]
    });
    clickable(chart, data.urls);
    return chart;
  }

  function outcomesChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: data, label: { formatter: "{b} {c}" } }]
    });
    return chart;
  }

  function start() {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    var bar = document.getElementById("dashboard-bar");
    if (bar) {
      bar.style.height = Math.max(240, Math.min(520, 32 * data.rows.names.length + 60)) + "px";
      charts.push(rowsChart(bar, data.rows));
    }
    var groups = document.getElementById("dashboard-groups");
    if (groups) { charts.push(groupsChart(groups, data.groups)); }
    var outcomes = document.getElementById("dashboard-outcomes");
    if (outcomes && data.outcomes.length) { charts.push(outcomesChart(outcomes, data.outcomes)); }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
