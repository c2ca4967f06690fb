// Draws the dashboard's charts with Apache ECharts from the JSON the page embeds.
// Every chart has the same figures in a table beside it, for screen readers and print.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const font = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  const base = { textStyle: { fontFamily: font }, animation: false, aria: { enabled: true } };
  const colours = { met: "#1e7b34", on_track: "#0b57a4", behind: "#b00020", no_data: "#767676",
                    share: "#5b4a9e" };

  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    const chart = window.echarts.init(el);
    chart.setOption(Object.assign({}, base, option));
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }

  if (data.indicators) {
    const rates = data.indicators.filter((r) => r.unit === "percent" && r.value !== null);
    const values = draw("chart-values", {
      grid: { left: 220, right: 40, top: 30, bottom: 30, containLabel: false },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: rates.map((r) => r.name),
               axisLabel: { width: 200, overflow: "truncate" } },
      legend: { top: 0, data: ["当年值", "目标"] },
      tooltip: { trigger: "axis", formatter: (items) => {
        const r = rates[items[0].dataIndex];
        return r.name + "<br>当年值 " + r.value + "%<br>目标 " + r.target + "（点击查看明细）";
      } },
      series: [
        { name: "当年值", type: "bar", cursor: "pointer",
          data: rates.map((r) => ({ value: r.value, itemStyle: { color: colours[r.status] } })),
          label: { show: true, position: "right", formatter: "{c}%" } },
        // each target as a mark across its own bar
        { name: "目标", type: "scatter", symbol: "rect", symbolSize: [3, 22], z: 5,
          itemStyle: { color: "#000" },
          data: rates.map((r) => (r.target_value === null ? null : r.target_value)) },
      ],
    });
    if (values) {
      values.on("click", (event) => {
        const r = rates[event.dataIndex];
        if (r && r.url) window.location.href = r.url;
      });
    }
    const trend = draw("chart-trend", {});
    const select = document.getElementById("trend-select");
    function showTrend(i) {
      const s = data.series[i];
      if (!trend || !s) return;
      const years = [s.baseline_year].concat(s.years);
      trend.setOption({
        grid: { left: 60, right: 40, top: 40, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: years },
        yAxis: { type: "value", scale: true },
        series: [
          // computed figures only: the plan's stated baseline is not joined to them
          { name: "计算值", type: "line", data: [null].concat(s.values), connectNulls: false,
            label: { show: true } },
          { name: "规划基期值（" + s.baseline_year + "年，规划所载）", type: "scatter",
            symbol: "diamond", symbolSize: 14, itemStyle: { color: "#b26a00" },
            data: [s.baseline].concat(s.years.map(() => null)),
            label: { show: s.baseline !== null, position: "top" } },
          { name: "目标 " + s.target, type: "line", data: years.map(() => s.target_value),
            lineStyle: { type: "dashed" }, symbol: "none" },
        ],
        legend: { top: 0 },
      }, true);
    }
    if (select) {
      select.addEventListener("change", () => showTrend(Number(select.value)));
      showTrend(0);
    }
  }
  if (data.ranking) {
    const rows = data.ranking.filter((t) => t.value !== null);
    draw("chart-ranking", {
      grid: { left: 110, right: 50, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: rows.map((t) => t.name) },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: rows.map((t) => ({ value: t.value,
                 itemStyle: { color: colours[t.status] } })),
                 label: { show: true, position: "right" } }],
    });
  }
})();
