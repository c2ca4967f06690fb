// The provincial dashboard's chart (Apache ECharts): certified persons by city. The same
// figures are in the table below it, for screen readers and print.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("province-chart").textContent);
  const el = document.getElementById("chart-persons");
  if (!el || !window.echarts) return;
  const chart = window.echarts.init(el);
  chart.setOption({
    textStyle: { fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' },
    animation: false, aria: { enabled: true },
    grid: { left: 10, right: 20, top: 20, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.cities, axisLabel: { interval: 0 } },
    yAxis: { type: "value" },
    tooltip: { trigger: "axis" },
    series: [{ name: data.title, type: "bar", itemStyle: { color: "#0b57a4" },
               data: data.persons.map((n) => (n === null ? "-" : n)),
               label: { show: true, position: "top" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
