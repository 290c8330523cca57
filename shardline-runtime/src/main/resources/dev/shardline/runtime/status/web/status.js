// Glue between /api/status and uPlot: polls once a second, fills numbers and tables, draws charts.
(function () {
  "use strict";
  var COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf"];
  var charts = {};
  var shardline = (window.shardline = { charts: charts, last: null, polls: 0 });

  function text(id, value) { document.getElementById(id).textContent = value; }
  function number(n) { return n == null ? "-" : Math.round(n).toLocaleString("en-US"); }
  function seconds(s) { return s == null ? "-" : s < 10 ? s.toFixed(1) + "s" : Math.round(s) + "s"; }
  function time(ms) { return new Date(ms).toISOString().substring(11, 19); }
  function xs(report) { return report.series.timeMillis.map(function (t) { return t / 1000; }); }

  // A chart whose series are named by labels; rebuilt when the labels change.
  function chart(id, labels, data, scales) {
    var key = labels.join("\n");
    var el = document.getElementById(id);
    var existing = charts[id];
    if (existing && existing.key === key) {
      existing.plot.setData(data);
      return;
    }
    if (existing) { existing.plot.destroy(); }
    var series = [{}];
    labels.forEach(function (label, i) {
      series.push({ label: label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false,
        scale: scales ? scales[i] : "y" });
    });
    var axes = [{}, { scale: scales ? scales[0] : "y" }];
    if (scales && scales.indexOf("size") >= 0) { axes.push({ scale: "size", side: 1, grid: { show: false } }); }
    var opts = { width: el.clientWidth || 560, height: 220, series: series, axes: axes,
      scales: { x: { time: true } }, hooks: { draw: [markRestarts] } };
    charts[id] = { key: key, plot: new uPlot(opts, data, el) };
  }

  // a red dashed line at each restart, on every time chart
  function markRestarts(u) {
    var r = shardline.last;
    if (!r || !r.restarts.length) { return; }
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "#d62728";
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    r.restarts.forEach(function (e) {
      var x = u.valToPos(e.atMillis / 1000, "x", true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) { return; }
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
    });
    ctx.restore();
  }

  function row(tbody, cells, cls) {
    var tr = document.createElement("tr");
    if (cls) { tr.className = cls; }
    cells.forEach(function (c) { var td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
    tbody.appendChild(tr);
  }

  function node(graph, n, cls) {
    var div = document.createElement("div");
    div.className = "node " + n.state + " " + cls;
    div.textContent = n.name + " · " + n.state;
    graph.appendChild(div);
  }

  function arrow(graph) {
    var span = document.createElement("span");
    span.className = "arrow";
    span.textContent = "→";
    graph.appendChild(span);
  }

  function render(r) {
    shardline.last = r;
    text("pipeline", r.pipeline);
    text("state", r.state);
    var health = document.getElementById("health");
    health.textContent = r.health;
    health.className = "health " + r.health;
    text("health-detail", r.healthDetail);
    text("updated", time(r.timeMillis));

    var graph = document.getElementById("graph");
    graph.innerHTML = "";
    node(graph, r.graph.source, "source");
    r.graph.transforms.forEach(function (t) { arrow(graph); node(graph, t, "transform"); });
    arrow(graph);
    var sinks = document.createElement("div");
    r.graph.sinks.forEach(function (s) { node(sinks, s, "sink"); });
    graph.appendChild(sinks);

    ["recordsIn", "recordsOut", "recordsInPerSecond", "recordsOutPerSecond", "dropped",
      "deadLettered", "throttledCalls", "restarts"].forEach(function (k) {
      text("total-" + k, number(r.totals[k]));
    });
    text("checkpoint-lastId", r.checkpoints.lastId == null ? "none" : String(r.checkpoints.lastId));
    text("checkpoint-age", seconds(r.checkpoints.lastAgeSeconds));
    text("checkpoint-failed", number(r.checkpoints.failed));

    var x = xs(r);
    chart("chart-rates", ["in/s", "out/s"],
      [x, r.series.recordsInPerSecond, r.series.recordsOutPerSecond]);
    var names = r.splits.map(function (s) { return s.source + " " + s.split + (s.state === "ended" ? " (ended)" : ""); });
    chart("chart-lag", names, [x].concat(r.splits.map(function (s) { return s.lagMillisSeries; })));
    chart("chart-split-rates", names, [x].concat(r.splits.map(function (s) { return s.recordsPerSecondSeries; })));
    chart("chart-throttled", names, [x].concat(r.splits.map(function (s) { return s.throttledPerSecondSeries; })));
    chart("chart-checkpoint-age", ["age (s)"], [x, r.series.checkpointAgeSeconds]);
    var cps = r.checkpoints.recent;
    chart("chart-checkpoints", ["duration (ms)", "size (bytes)"],
      [cps.map(function (c) { return c.completedAtMillis / 1000; }),
        cps.map(function (c) { return c.durationMillis; }),
        cps.map(function (c) { return c.sizeBytes; })], ["y", "size"]);

    var body = document.querySelector("#splits tbody");
    body.innerHTML = "";
    r.splits.forEach(function (s) {
      row(body, [s.source, s.split, s.state !== "ended" ? s.state
        : s.source.indexOf("kinesis") === 0 ? "ended (shard closed: split or merged)" : "ended (read to its end)",
        s.lagMillis == null ? "-" : number(s.lagMillis) + " ms", number(s.recordsPerSecond),
        number(s.throttledCalls)], s.state);
    });
    body = document.querySelector("#restarts tbody");
    body.innerHTML = "";
    r.restarts.slice().reverse().forEach(function (e) { row(body, [time(e.atMillis), e.cause]); });
    body = document.querySelector("#checkpoints tbody");
    body.innerHTML = "";
    cps.slice(-10).reverse().forEach(function (c) {
      row(body, [String(c.id), seconds((r.timeMillis - c.completedAtMillis) / 1000) + " ago",
        number(c.durationMillis) + " ms", number(c.sizeBytes) + " bytes"]);
    });
    body = document.querySelector("#checkpoint-failures tbody");
    body.innerHTML = "";
    r.checkpoints.failures.slice(-10).reverse().forEach(function (f) { row(body, [time(f.atMillis), f.reason]); });
  }

  function poll() {
    fetch("/api/status", { cache: "no-store" })
      .then(function (res) { return res.json(); })
      .then(function (r) { shardline.polls++; render(r); })
      .catch(function (e) { text("health-detail", "status not available: " + e); })
      .finally(function () { setTimeout(poll, shardline.pollMillis || 1000); });
  }
  poll();
})();
