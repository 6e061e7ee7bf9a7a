/* 传播链: one chain, three views (by generation, on an onset timeline, by township), drawn on a
   canvas by ECharts (no DOM per case). On a phone held upright the two date views stand upright:
   dates down the screen, generations (or chains) across. A click on a case opens its page.
   window.fkChain exposes the chart and where a case is drawn, for the browser test. */
(function () {
  "use strict";
  var COLORS = { confirmed: "#c0392b", asymptomatic: "#e67e22", suspected: "#7f8c8d", excluded: "#bdc3c7" };
  var DAY = 86400000;
  var state = { data: null, view: "hierarchy", chart: null, labels: {}, upright: false };
  var NARROW = 600;  // px: below this (a phone held upright) the date axis runs down the screen

  function fmt(t, v) { return t.replace("%s", v); }
  function dayOf(n) { return n.onset ? Date.parse(n.onset) : null; }

  /* x by onset date (0 … width), and date marks along the top, shared by the first two views */
  function dateAxis(nodes, marks, top, width) {
    var days = nodes.map(dayOf).filter(function (d) { return d !== null; });
    var first = days.length ? Math.min.apply(null, days) : 0;
    var last = days.length ? Math.max.apply(null, days) : 0;
    var span = Math.max(1, (last - first) / DAY);
    var step = Math.max(1, Math.ceil(span / 12));
    for (var i = 0; i <= span; i += step) {
      var when = new Date(first + i * DAY);
      marks.push({ name: (when.getMonth() + 1) + "-" + when.getDate(), x: i / span * width, y: top });
    }
    if (days.length < nodes.length) { marks.push({ name: state.labels.unknown, x: -60, y: top }); }
    return function (n) { var d = dayOf(n); return d === null ? -60 : (d - first) / DAY / span * width; };
  }

  /* the length of the date axis for `n` generations or chains `gap` apart: wide on a screen;
     upright, as long as the chart is tall for their width, so that each keeps its room */
  function dateLength(n, gap) {
    if (!state.upright) { return Math.max(1000, n * gap * 1.8); }
    var el = document.getElementById("chain-chart");
    return Math.max(400, ((n - 1) * gap + 150) * el.clientHeight / Math.max(el.clientWidth, 1) - 150);
  }

  function positions(view, data) {
    var nodes = data.nodes, pos = {}, marks = [], stack = {}, up = state.upright;
    if (view === "hierarchy") {  // a row per generation, left to right by onset date
      var gens = Math.max.apply(null, nodes.map(function (n) { return n.gen; }).concat([1]));
      var gap = up ? 160 : 120;  // upright, a generation's column holds its cases' names
      var xOf = dateAxis(nodes, marks, up ? -85 : -50, dateLength(gens, gap)), rows = {};
      nodes.forEach(function (n) {
        var x = xOf(n), key = n.gen + ":" + Math.round(x), k = stack[key] = (stack[key] || 0) + 1;
        rows[n.gen] = (rows[n.gen] || 0) + 1;
        pos[n.id] = [x, (n.gen - 1) * gap + (k - 1) * 7];
      });
      Object.keys(rows).forEach(function (g) {
        marks.push({ name: fmt(state.labels.gen, g) + "（" + rows[g] + "）", x: up ? -90 : -140, y: (g - 1) * gap });
      });
    } else if (view === "timeline") {  // a lane per chain on the onset date axis
      var chains = Math.max.apply(null, nodes.map(function (n) { return n.chain; }).concat([1]));
      var lane = up ? 120 : 40;
      var xAt = dateAxis(nodes, marks, up ? -85 : -40, dateLength(chains, lane));
      nodes.forEach(function (n) {
        var x = xAt(n), key = n.chain + ":" + Math.round(x), k = stack[key] = (stack[key] || 0) + 1;
        pos[n.id] = [x, n.chain * lane + (k - 1) * 8];
      });
    } else {
      var centre = {}, seen = {}, counts = {};
      data.townships.forEach(function (t) { centre[t.path] = t.xy; });
      nodes.forEach(function (n) { counts[n.township] = (counts[n.township] || 0) + 1; });
      nodes.forEach(function (n) {
        var c = centre[n.township] || [0, 0], k = seen[n.township] = (seen[n.township] || 0) + 1;
        var r = 4 * Math.sqrt(k), a = k * 2.39996;  // a sunflower around the township's centre
        pos[n.id] = [c[0] + r * Math.cos(a), c[1] + r * Math.sin(a)];
      });
      data.townships.forEach(function (t) {
        // just above the township's spiral of cases, however many there are
        var above = 4 * Math.sqrt(counts[t.path] || 0) + 12;
        marks.push({ name: t.name + " " + (counts[t.path] || 0), x: t.xy[0], y: t.xy[1] - above });
      });
    }
    if (state.upright && view !== "map") {  // dates down, generations / chains across
      Object.keys(pos).forEach(function (id) { pos[id] = [pos[id][1], pos[id][0]]; });
      marks.forEach(function (m) { var x = m.x; m.x = m.y; m.y = x; });
    }
    return { pos: pos, marks: marks };
  }

  function option(view, data) {
    var many = data.nodes.length > 150, laid = positions(view, data), index = {};
    var size = data.nodes.length > 600 ? 5 : data.nodes.length > 150 ? 8 : 14;
    var nodes = data.nodes.map(function (n, i) {
      index[n.id] = i;
      var p = laid.pos[n.id];
      return { name: n.code, x: p[0], y: p[1], url: n.url, value: n.gen, symbolSize: size,
               itemStyle: { color: COLORS[n.cls] || "#34495e" },
               tooltip: { formatter: n.code + "<br>" + n.cls_label + " · " + fmt(state.labels.gen, n.gen) + "<br>" +
                 state.labels.onset + " " + (n.onset || state.labels.unknown) + "<br>" + n.township_name } };
    });
    laid.marks.forEach(function (m, i) {
      nodes.push({ name: "\u200b" + i + m.name, x: m.x, y: m.y, symbolSize: 0, mark: true,
                   label: { show: true, formatter: m.name, color: "#444", fontSize: 12 },
                   emphasis: { disabled: true }, blur: { label: { opacity: 1 } }, tooltip: { show: false } });
    });
    var links = data.edges.map(function (e) {
      return { source: index[e.source], target: index[e.target],
               lineStyle: { type: e.certainty === "confirmed" ? "solid" : "dashed" },
               tooltip: { formatter: e.exposure_label + " · " + e.certainty_label } };
    });
    return {
      animation: !many, animationDuration: 300, tooltip: { confine: true },
      series: [{ type: "graph", layout: "none", roam: true, data: nodes, links: links,
                 edgeSymbol: ["none", "arrow"], edgeSymbolSize: many ? 4 : 7,
                 label: { show: !many, position: state.upright && view !== "map" ? "bottom" : "right", fontSize: 11 },
                 labelLayout: { hideOverlap: true }, emphasis: { focus: "adjacency", label: { show: true } },
                 lineStyle: { color: "#888", width: 1, opacity: 0.7, curveness: view === "timeline" ? 0.2 : 0 } }]
    };
  }

  function counts(data) {
    var c = data.counts, l = state.labels;
    document.getElementById("chain-counts").textContent = c.nodes ?
      l.cases + " " + c.nodes + " · " + l.edges + " " + c.edges + " · " + l.chains + " " + c.chains + " · " +
      l.maxgen + " " + c.max_generation : l.none;
  }

  function draw() {
    if (window.fkChain) { window.fkChain.idle = false; }
    state.upright = document.getElementById("chain-chart").clientWidth < NARROW;
    state.chart.setOption(option(state.view, state.data), true);
    document.querySelectorAll("#chain-views button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.view === state.view));
    });
  }

  window.fkChainShow = function (data) {
    var el = document.getElementById("chain-chart");
    state.labels = JSON.parse(el.dataset.labels);
    state.data = data;
    state.chart = state.chart || echarts.init(el, null, { renderer: "canvas" });
    state.chart.on("click", function (p) {
      if (p.dataType === "node" && p.data && p.data.url) { window.location.href = p.data.url; }
    });
    document.querySelectorAll("#chain-views button").forEach(function (b) {
      b.addEventListener("click", function () { state.view = b.dataset.view; draw(); });
    });
    window.addEventListener("resize", function () {
      state.chart.resize();
      if ((document.getElementById("chain-chart").clientWidth < NARROW) !== state.upright) { draw(); }
    });
    state.chart.on("finished", function () { if (window.fkChain) { window.fkChain.idle = true; } });
    counts(data);
    draw();
    window.fkChain = {
      chart: state.chart, ready: true, idle: false,
      view: function (v) { state.view = v; draw(); },
      upright: function () { return state.upright; },
      /* where case `code` is drawn, in viewport coordinates (for a real mouse click in tests) */
      nodePixel: function (code) {
        var node = state.chart.getOption().series[0].data.filter(function (n) { return n.name === code; })[0];
        if (!node) { return null; }
        var p = state.chart.convertToPixel({ seriesIndex: 0 }, [node.x, node.y]);
        var box = el.getBoundingClientRect();
        return [box.left + p[0], box.top + p[1]];
      }
    };
  };

  window.fkChainLoad = function (url) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.errors) { document.getElementById("chain-counts").textContent = data.errors.join("；"); return; }
        window.fkChainShow(data);
      });
  };
})();
