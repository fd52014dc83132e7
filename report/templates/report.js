// The report's only script (its SHA-256 is the page's script-src): search,
// sortable tables and each benchmark's detail, drawn from the JSON block
// #report-data on demand. Everything it adds is built with DOM calls and
// textContent, never from HTML strings, so names from run files stay text.
// Without it the page still shows every table and chart.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#000000", "#f0e442"];
  var dataNode = document.getElementById("report-data");
  var data = dataNode ? JSON.parse(dataNode.textContent) : { runs: [], total_runs: 0, benchmarks: {} };

  function el(name, attrs, text) {
    var node = document.createElement(name);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svgEl(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- numbers ----
  var UNITS = [["ns", 1], ["\u00b5s", 1e3], ["ms", 1e6], ["s", 1e9]];
  function unitFor(ns) {
    var u = UNITS[0];
    for (var i = 0; i < UNITS.length; i++) if (Math.abs(ns) >= UNITS[i][1]) u = UNITS[i];
    return u;
  }
  function sig(x) {
    var a = Math.abs(x);
    return a >= 100 ? x.toFixed(1) : a >= 10 ? x.toFixed(2) : x.toFixed(2);
  }
  function duration(ns) {
    if (!isFinite(ns)) return "n/a";
    var u = unitFor(ns);
    return sig(ns / u[1]) + " " + u[0];
  }
  // Round tick values (1, 2 or 5 times a power of ten) in the unit shown.
  function ticks(lo, hi, scale, count) {
    var a = lo / scale, b = hi / scale;
    var raw = (b - a) / Math.max(1, count);
    var p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    var step = [1, 2, 5, 10].map(function (m) { return m * p; }).find(function (s) { return s >= raw; });
    var out = [];
    for (var v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) out.push(v);
    return { values: out.map(function (v) { return v * scale; }), step: step };
  }
  function tickText(v, scale, unit, step) {
    var digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return (v / scale).toFixed(digits) + (unit ? " " + unit : "");
  }
  function quantile(sorted, q) {
    if (!sorted.length) return NaN;
    var pos = q * (sorted.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
  // A number from a table cell: "1.23 ms" -> ns, "4.5x", "12 MiB", "-" -> NaN.
  var FACTORS = { ns: 1, "\u00b5s": 1e3, us: 1e3, ms: 1e6, s: 1e9, B: 1, KiB: 1024, MiB: 1048576, GiB: 1073741824,
    K: 1e3, M: 1e6, G: 1e9, "%": 1, x: 1 };
  function cellValue(text) {
    var m = /^\s*([-+]?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*([^\s\/]*)/i.exec(text);
    if (!m) return NaN;
    var f = FACTORS[m[2]];
    return parseFloat(m[1]) * (f === undefined ? 1 : f);
  }

  // ---- search ----
  var search = document.getElementById("search");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tbody tr"));
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var tableBlocks = Array.prototype.slice.call(document.querySelectorAll("div.table"));
  var allIds = Object.keys(data.benchmarks);
  document.querySelectorAll("tbody tr[data-id]").forEach(function (tr) { allIds.push(tr.getAttribute("data-id")); });
  function applySearch() {
    var q = search.value.trim().toLowerCase();
    var groups = {};
    allIds.forEach(function (id) {
      if (!q || id.toLowerCase().indexOf(q) >= 0) groups[id.split("/").slice(0, 2).join("/")] = true;
    });
    rows.forEach(function (tr) {
      if (tr.closest("#runs") || tr.closest(".kv")) return;
      // A summary row's element id is "bench=" and its benchmark's id.
      var key = tr.getAttribute("data-id") || (tr.id.indexOf("bench=") === 0 ? tr.id.slice(6) : "") ||
        (tr.cells[0] ? tr.cells[0].textContent : "");
      tr.hidden = !!q && key.toLowerCase().indexOf(q) < 0;
    });
    tableBlocks.forEach(function (t) {
      var body = t.querySelectorAll("tbody tr");
      if (!body.length || t.closest("#runs")) return;
      var visible = Array.prototype.some.call(body, function (tr) { return !tr.hidden; });
      t.hidden = !!q && !visible;
    });
    blocks.forEach(function (b) {
      if (b.classList.contains("table")) return;
      b.hidden = !!q && !groups[b.getAttribute("data-group")];
    });
    var count = document.getElementById("search-count");
    if (count) {
      var shown = rows.filter(function (tr) { return tr.hasAttribute("data-id") && !tr.hidden; }).length;
      count.textContent = q ? shown + " matching rows" : "";
    }
  }
  if (search) {
    search.hidden = false;
    var form = search.closest("form");
    if (form) { form.hidden = false; form.addEventListener("submit", function (e) { e.preventDefault(); }); }
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(applySearch, 120);
    });
  }

  // ---- sorting: click a header; a benchmark's metric rows move with it ----
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      th.classList.add("sort");
      th.setAttribute("aria-sort", "none");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var groups = [];
        Array.prototype.forEach.call(body.rows, function (tr) {
          if (tr.classList.contains("sub") && groups.length) groups[groups.length - 1].push(tr);
          else groups.push([tr]);
        });
        function key(g) {
          var cell = g[0].cells[col];
          var text = cell ? cell.textContent : "";
          return col === 0 ? text : cellValue(text);
        }
        groups.sort(function (a, b) {
          var x = key(a), y = key(b), r;
          if (col === 0) r = x.localeCompare(y, undefined, { numeric: true });
          else if (isNaN(x) && isNaN(y)) r = 0;
          else if (isNaN(x)) return 1;
          else if (isNaN(y)) return -1;
          else r = x - y;
          return asc ? r : -r;
        });
        groups.forEach(function (g) { g.forEach(function (tr) { body.appendChild(tr); }); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });

  // ---- detail ----
  var dialog = document.getElementById("detail");
  var body = document.getElementById("detail-body");

  function axisX(svg, x0, x1, y, lo, hi, map, unit, scale) {
    var t = ticks(lo, hi, scale, 6);
    svg.appendChild(svgEl("line", { x1: x0, x2: x1, y1: y, y2: y, stroke: "#333" }));
    t.values.forEach(function (v) {
      var x = map(v);
      svg.appendChild(svgEl("line", { x1: x, x2: x, y1: y, y2: y + 5, stroke: "#333" }));
      svg.appendChild(svgEl("text", { x: x, y: y + 18, "text-anchor": "middle", "font-size": 12 }, tickText(v, scale, unit, t.step)));
    });
  }

  function distribution(entries) {
    var all = [];
    entries.forEach(function (e) { all = all.concat(e.s); });
    all = all.filter(isFinite);
    if (!all.length) return null;
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
    if (hi <= lo) { hi = lo * 1.01 + 1e-9; lo = lo * 0.99; }
    var pad = (hi - lo) * 0.05; lo -= pad; hi += pad;
    var left = 150, width = 860, rowH = 46, top = 28;
    var height = top + rowH * entries.length + 40;
    var svg = svgEl("svg", { viewBox: "0 0 " + (width + 20) + " " + height, width: width + 20, height: height, role: "img", "class": "detail-chart" });
    svg.appendChild(svgEl("text", { x: 10, y: 18, "font-size": 14, "font-weight": "bold" }, "Per-iteration time of each sample (box: quartiles, whiskers: 1.5 IQR; diamond: typical time)"));
    var map = function (v) { return left + (v - lo) / (hi - lo) * (width - left); };
    var u = unitFor(hi);
    entries.forEach(function (e, i) {
      var y = top + rowH * i + rowH / 2;
      var colour = PALETTE[e.r % PALETTE.length];
      var run = data.runs[e.r] || { short: "run " + e.r };
      svg.appendChild(svgEl("text", { x: left - 8, y: y + 4, "text-anchor": "end", "font-size": 12 }, run.short));
      var s = e.s.filter(isFinite).slice().sort(function (a, b) { return a - b; });
      var q1 = quantile(s, 0.25), q2 = quantile(s, 0.5), q3 = quantile(s, 0.75), iqr = q3 - q1;
      var wlo = s.find(function (v) { return v >= q1 - 1.5 * iqr; });
      var whi = s.slice().reverse().find(function (v) { return v <= q3 + 1.5 * iqr; });
      svg.appendChild(svgEl("line", { x1: map(wlo), x2: map(whi), y1: y, y2: y, stroke: "#555" }));
      svg.appendChild(svgEl("rect", { x: map(q1), y: y - 12, width: Math.max(1, map(q3) - map(q1)), height: 24, fill: colour, "fill-opacity": 0.18, stroke: colour }));
      svg.appendChild(svgEl("line", { x1: map(q2), x2: map(q2), y1: y - 12, y2: y + 12, stroke: colour, "stroke-width": 2 }));
      e.s.forEach(function (v, k) {
        if (!isFinite(v)) return;
        var jitter = ((k * 7919) % 17) / 17 * 16 - 8;
        var out = v < q1 - 1.5 * iqr || v > q3 + 1.5 * iqr;
        svg.appendChild(svgEl("circle", { cx: map(v), cy: y + jitter, r: out ? 3 : 2, fill: out ? "#d55e00" : colour, "fill-opacity": 0.7 }));
      });
      var t = map(e.t[0]);
      svg.appendChild(svgEl("path", { d: "M" + t + " " + (y - 17) + "l5 5l-5 5l-5 -5z", fill: "#000" }));
    });
    axisX(svg, left, width, top + rowH * entries.length + 6, lo, hi, map, u[0], u[1]);
    return svg;
  }

  function regression(entries) {
    var lin = entries.filter(function (e) { return e.lin && e.s.length > 1 && e.it > 0; });
    if (!lin.length) return null;
    var series = lin.map(function (e) {
      var n = e.s.length, d = e.it / (n * (n + 1) / 2);
      return { e: e, pts: e.s.map(function (v, k) { return [(k + 1) * d, v * (k + 1) * d]; }) };
    });
    var xmax = 0, ymax = 0;
    series.forEach(function (s) { s.pts.forEach(function (p) { xmax = Math.max(xmax, p[0]); ymax = Math.max(ymax, p[1]); }); });
    if (!(xmax > 0 && ymax > 0)) return null;
    var left = 90, width = 860, top = 30, h = 260;
    var svg = svgEl("svg", { viewBox: "0 0 " + (width + 20) + " " + (top + h + 50), width: width + 20, height: top + h + 50, role: "img", "class": "detail-chart" });
    svg.appendChild(svgEl("text", { x: 10, y: 18, "font-size": 14, "font-weight": "bold" }, "Iteration-time regression (linear sampling): total time of each sample against its iterations; line: criterion's slope"));
    var mx = function (v) { return left + v / xmax * (width - left); };
    var my = function (v) { return top + h - v / ymax * h; };
    var u = unitFor(ymax);
    var ty = ticks(0, ymax, u[1], 5);
    ty.values.forEach(function (v) {
      svg.appendChild(svgEl("line", { x1: left, x2: width, y1: my(v), y2: my(v), stroke: "#e6e6e6" }));
      // The zero tick sits above its line, clear of the x axis's own "0".
      svg.appendChild(svgEl("text", { x: left - 6, y: my(v) + (v === 0 ? -4 : 4), "text-anchor": "end", "font-size": 12 }, tickText(v, u[1], u[0], ty.step)));
    });
    var scale = xmax >= 1e6 ? [1e6, "M"] : xmax >= 1e3 ? [1e3, "K"] : [1, ""];
    axisX(svg, left, width, top + h, 0, xmax, mx, scale[1], scale[0]);
    svg.appendChild(svgEl("text", { x: (left + width) / 2, y: top + h + 40, "text-anchor": "middle", "font-size": 12 }, "iterations per sample"));
    series.forEach(function (s) {
      var colour = PALETTE[s.e.r % PALETTE.length];
      s.pts.forEach(function (p) { svg.appendChild(svgEl("circle", { cx: mx(p[0]), cy: my(p[1]), r: 2.5, fill: colour, "fill-opacity": 0.75 })); });
      var slope = s.e.sl || s.e.t[0];
      var x1 = Math.min(xmax, ymax / slope);
      svg.appendChild(svgEl("line", { x1: mx(0), y1: my(0), x2: mx(x1), y2: my(slope * x1), stroke: colour, "stroke-width": 1.5 }));
    });
    return svg;
  }

  function statsTable(entries) {
    var table = el("table", { "class": "detail-stats" });
    var head = el("tr");
    ["Run", "Sampling", "Samples", "Typical", "Interval", "Slope", "P50", "P95", "P99", "Min", "Max", "Outliers (low severe/mild, high mild/severe)"].forEach(function (h, i) {
      head.appendChild(el("th", i ? { "class": "num" } : {}, h));
    });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = table.appendChild(el("tbody"));
    entries.forEach(function (e) {
      var run = data.runs[e.r] || { short: "run " + e.r, full: "" };
      var s = e.s.filter(isFinite);
      var tr = el("tr");
      var name = el("th", { scope: "row", title: run.full }, run.short);
      tr.appendChild(name);
      [e.lin ? "linear" : "flat", String(e.s.length), duration(e.t[0]), duration(e.t[1]) + " \u2013 " + duration(e.t[2]),
        e.sl == null ? "-" : duration(e.sl), duration(e.p[0]), duration(e.p[1]) + (e.pr ? "" : " *"),
        duration(e.p[2]) + (e.pr ? "" : " *"), duration(Math.min.apply(null, s)), duration(Math.max.apply(null, s)),
        e.o.join(" / ")].forEach(function (v) { tr.appendChild(el("td", { "class": "num" }, v)); });
      tbody.appendChild(tr);
    });
    return table;
  }

  function openDetail(id) {
    if (!dialog || !body) return;
    while (body.firstChild) body.removeChild(body.firstChild);
    var entries = data.benchmarks[id];
    body.appendChild(el("h2", { id: "detail-title" }, id));
    if (!entries || !entries.length) {
      body.appendChild(el("p", {}, data.left_out
        ? "This page has too many benchmarks to carry their samples; the note under All results says how to get them."
        : "No samples of this benchmark in the runs the page carries samples for."));
    } else {
      if (data.total_runs > data.runs.length) {
        body.appendChild(el("p", { "class": "note" }, "Samples of the latest " + data.runs.length + " of " + data.total_runs + " runs; the tables and the history show all."));
      }
      var d = distribution(entries);
      if (d) body.appendChild(el("div", { "class": "chart" })).appendChild(d);
      var r = regression(entries);
      if (r) body.appendChild(el("div", { "class": "chart" })).appendChild(r);
      body.appendChild(el("div", { "class": "scroll" })).appendChild(statsTable(entries));
      if (entries.some(function (e) { return !e.pr; })) body.appendChild(el("p", { "class": "note" }, "* too few samples for P95/P99 to mean much."));
    }
    if (!dialog.open) {
      if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
    }
  }

  function fromHash() {
    var h = location.hash;
    if (h.indexOf("#bench=") === 0) {
      try { openDetail(decodeURIComponent(h.slice(7))); } catch (e) { /* a malformed hash opens nothing */ }
    }
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a") : null;
    if (!a) return;
    var href = a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "";
    if (href.indexOf("#bench=") === 0) {
      e.preventDefault();
      history.replaceState(null, "", href);
      fromHash();
    }
  });
  window.addEventListener("hashchange", fromHash);
  var close = document.getElementById("detail-close");
  if (close) close.addEventListener("click", function () { dialog.close(); });
  if (dialog) dialog.addEventListener("close", function () {
    if (location.hash.indexOf("#bench=") === 0) history.replaceState(null, "", location.pathname + location.search);
  });
  fromHash();
})();
