// Client side of the open-loop latency charts: one chart per scenario, x = requests/s served,
// y = p50 (solid) and p99 (dashed) latency in ms on a log scale, one colour per target. Plain
// JavaScript, inlined into index.html after chart.js (see curves.ts), reading its own JSON.
/* global Chart */
(function () {
  'use strict'
  var el = document.getElementById('unblocked-curves')
  if (!el) return
  var data = JSON.parse(el.textContent)
  // The same palette and target order as page.js, so a target keeps its colour across charts.
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f']
  function color(name) {
    var i = data.targets.indexOf(name)
    return palette[(i < 0 ? data.targets.length : i) % palette.length]
  }
  // A log axis cannot show 0; µs-resolution latencies are never below 0.001 ms.
  function y(v) { return Math.max(v, 0.001) }

  data.scenarios.forEach(function (s) {
    var canvas = document.getElementById('curve-' + s.id)
    if (!canvas) return
    var datasets = []
    s.curves.forEach(function (c) {
      ;[['p50', []], ['p99', [6, 4]]].forEach(function (line) {
        var key = line[0]
        datasets.push({
          // One legend entry per target (its p50 line); the p99 line shares its colour and its toggle.
          label: key === 'p50' ? c.target : c.target + ' p99',
          target: c.target,
          key: key,
          data: c.points.map(function (p) { return { x: p.x, y: y(p[key]), point: p } }),
          borderColor: color(c.target),
          backgroundColor: color(c.target),
          borderDash: line[1],
          showLine: true,
          pointRadius: c.points.map(function (p) { return p.behind ? 6 : 3 }),
          pointStyle: c.points.map(function (p) { return p.behind ? 'triangle' : 'circle' }),
        })
      })
    })
    new Chart(canvas, {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        plugins: {
          legend: {
            labels: { boxWidth: 18, filter: function (item, chartData) { return chartData.datasets[item.datasetIndex].key === 'p50' } },
            onClick: function (e, item, legend) {
              var chart = legend.chart
              var target = chart.data.datasets[item.datasetIndex].target
              var show = !chart.isDatasetVisible(item.datasetIndex)
              chart.data.datasets.forEach(function (ds, i) { if (ds.target === target) chart.setDatasetVisibility(i, show) })
              chart.update()
            },
          },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var p = ctx.raw.point
                return ctx.dataset.target + ' ' + ctx.dataset.key + ': ' + ctx.raw.y + ' ms at ' + Math.round(p.x) + ' req/s (' + Math.round(p.fraction * 100) + '% of max, asked ' + Math.round(p.rate) + '/s, failed ' + p.failed + '/' + p.scheduled + (p.lagP99 !== undefined ? ', generator lag p99 ' + p.lagP99 + ' ms' : '') + (p.behind ? ', generator behind' : '') + ')'
              },
            },
          },
        },
        scales: {
          x: { beginAtZero: true, title: { display: true, text: 'requests/s served (open loop)' } },
          y: { type: 'logarithmic', title: { display: true, text: 'latency from scheduled send, ms (log)' } },
        },
      },
    })
  })
})()
