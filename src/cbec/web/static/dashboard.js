// Zone dashboard (综试区大屏): draws the charts from /dashboard/data.json with the vendored ECharts.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root) { return; }
  const charts = {};
  const palette = ["#5cc8ff", "#ffb454", "#7ee787", "#f778ba", "#d2a8ff", "#79c0ff", "#ffa198", "#e3b341"];
  const axis = { axisLabel: { color: "#9fb3c8" }, axisLine: { lineStyle: { color: "#2c4a6e" } }, splitLine: { lineStyle: { color: "#1e3a5f" } } };

  function chart(id) {
    const el = document.getElementById(id);
    if (!el) { return null; }
    if (!charts[id]) { charts[id] = echarts.init(el, null, { renderer: "canvas" }); }
    return charts[id];
  }

  function bars(id, rows, unit) {
    const c = chart(id);
    if (!c) { return; }
    const sorted = rows.slice().reverse();
    c.setOption({
      color: palette, grid: { left: 140, right: 30, top: 10, bottom: 25 },
      tooltip: { trigger: "axis" },
      xAxis: Object.assign({ type: "value", name: unit || "" }, axis),
      yAxis: Object.assign({ type: "category", data: sorted.map(r => r.name) }, axis),
      series: [{ type: "bar", data: sorted.map(r => r.value) }],
    }, true);
  }

  function pie(id, rows) {
    const c = chart(id);
    if (!c) { return; }
    c.setOption({
      color: palette, tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, textStyle: { color: "#c9d6e3" } },
      series: [{ type: "pie", radius: ["35%", "65%"], data: rows, label: { color: "#e6eef8" } }],
    }, true);
  }

  function trend(id, t) {
    const c = chart(id);
    if (!c) { return; }
    c.setOption({
      color: palette, tooltip: { trigger: "axis" },
      legend: { data: t.legend, textStyle: { color: "#c9d6e3" } },
      grid: { left: 70, right: 70, top: 40, bottom: 30 },
      xAxis: Object.assign({ type: "category", data: t.periods }, axis),
      yAxis: [Object.assign({ type: "value", name: t.legend[0] }, axis), Object.assign({ type: "value", name: t.legend[1] }, axis)],
      series: [
        { name: t.legend[0], type: "line", smooth: true, data: t.value, areaStyle: { opacity: 0.15 } },
        { name: t.legend[1], type: "line", smooth: true, yAxisIndex: 1, data: t.count },
      ],
    }, true);
  }

  function draw(data) {
    trend("chart-trend", data.trend);
    pie("chart-modes", data.modes);
    pie("chart-directions", data.directions);
    bars("chart-countries", data.countries, data.units.value);
    bars("chart-chapters", data.chapters, data.units.value);
    bars("chart-parks", data.parks, data.units.value);
    if (data.enterprises) { bars("chart-enterprises", data.enterprises, data.units.value); }
    root.dataset.drawn = "yes";
  }

  function load() {
    const params = new URLSearchParams(new FormData(document.getElementById("dashboard-filters")));
    fetch(root.dataset.source + "?" + params.toString(), { credentials: "same-origin" })
      .then(r => r.json()).then(draw);
  }

  document.getElementById("dashboard-filters").addEventListener("change", load);
  window.addEventListener("resize", () => Object.values(charts).forEach(c => c.resize()));
  load();
})();
