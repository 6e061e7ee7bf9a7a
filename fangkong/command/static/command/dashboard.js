/* 指挥大屏: the county map (ECharts, vendored) coloured by one measure per division, the table of
   the same numbers, and the daily trends. Click a township: its list for the measure opens;
   "村（社区）" in the table drills into its villages. `window.fangkongDashboard` exposes the same
   steps to the real-browser test. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || typeof echarts === "undefined") { return; }
  var dark = root.classList.contains("screen");
  var chart = echarts.init(document.getElementById("map"), dark ? "dark" : null);
  var select = document.getElementById("measure");
  var up = document.getElementById("map-up");
  var state = { level: "township", parent: "", parentName: "", data: null, loaded: {} };

  function query(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== ""; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function mapKey() { return "fk-" + state.level + "-" + (state.parent || "top"); }

  function loadShapes() {
    var key = mapKey();
    if (state.loaded[key]) { return Promise.resolve(state.loaded[key]); }
    return getJSON(root.dataset.shapes + "?" + query({ level: state.level, parent: state.parent }))
      .then(function (geo) { echarts.registerMap(key, geo); state.loaded[key] = geo; return geo; });
  }
  function loadData() {
    return getJSON(root.dataset.data + "?" + query({ measure: select.value, level: state.level, parent: state.parent }))
      .then(function (data) { state.data = data; render(); return data; });
  }
  function show(v, data) { return data.percent ? v + "%" : String(v); }

  function render() {
    var data = state.data;
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.name + "<br>" + data.label + ": " + (p.data ? show(p.data.value, data) : "—"); } },
      visualMap: { min: 0, max: data.percent ? 100 : Math.max(1, data.max), calculable: true, left: "left",
                   bottom: 10, text: [data.label, ""], inRange: { color: data.percent
                     ? ["#d73027", "#fee08b", "#1a9850"] : ["#fff5eb", "#fd8d3c", "#a63603"] },
                   textStyle: { color: dark ? "#e6eef8" : "#333" } },
      series: [{ type: "map", map: mapKey(), roam: true, selectedMode: false,
                 label: { show: true, fontSize: dark ? 14 : 11 },
                 data: data.items.map(function (i) { return { name: i.name, value: i.value, id: i.id, url: i.url }; }) }]
    }, true);
    document.getElementById("map-definition").textContent = data.label + ": " + data.definition;
    document.getElementById("map-col").textContent = data.label + "（" + data.unit + "）";
    document.getElementById("map-where").textContent = state.parentName;
    up.hidden = state.level === "township" || !state.parent;
    var rows = document.getElementById("map-rows");
    rows.textContent = "";
    data.items.forEach(function (i) {
      var tr = document.createElement("tr");
      var name = document.createElement("td");
      name.textContent = i.name;
      if (data.level === "township") {
        var b = document.createElement("button");
        b.type = "button"; b.className = "link small"; b.textContent = root.dataset.villages;
        b.addEventListener("click", function () { drill(i.id, i.name); });
        name.appendChild(document.createTextNode(" ")); name.appendChild(b);
      }
      var num = document.createElement("td");
      num.className = "num";
      var a = document.createElement(i.url ? "a" : "span");
      if (i.url) { a.href = i.url; }
      a.textContent = show(i.value, data);
      a.dataset.division = i.code;
      num.appendChild(a);
      tr.appendChild(name); tr.appendChild(num); rows.appendChild(tr);
    });
    root.dataset.ready = "1";
  }

  function refresh() { return loadShapes().then(loadData); }
  function drill(id, name) { state.level = "village"; state.parent = String(id); state.parentName = name; return refresh(); }
  function top() { state.level = "township"; state.parent = ""; state.parentName = ""; return refresh(); }
  function openDivision(name) {
    var item = (state.data.items || []).filter(function (i) { return i.name === name; })[0];
    if (item && item.url) { window.location.href = item.url; }
  }

  chart.on("click", function (p) { if (p.data) { openDivision(p.data.name); } });
  select.addEventListener("change", loadData);
  up.addEventListener("click", top);
  window.addEventListener("resize", function () { chart.resize(); });

  var trend = JSON.parse(document.getElementById("trend-data").textContent);
  var trendChart = echarts.init(document.getElementById("trend"), dark ? "dark" : null);
  trendChart.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 40, bottom: 30 },
    xAxis: { type: "category", data: trend.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: Object.keys(trend.series).map(function (k) {
      return { name: trend.labels[k], type: "line", smooth: true, showSymbol: false, data: trend.series[k] };
    })
  });
  window.addEventListener("resize", function () { trendChart.resize(); });

  var every = parseInt(root.dataset.refresh, 10);
  if (every > 0) {  // 大屏: the map's numbers every minute, the whole page every five
    setInterval(loadData, every * 1000);
    setTimeout(function () { window.location.reload(); }, every * 5000);
  }
  window.fangkongDashboard = { chart: chart, drill: drill, top: top, openDivision: openDivision,
                               state: function () { return state; } };
  refresh();
})();
