// Client side of the report: builds every chart from the embedded results. Plain JavaScript,
// inlined into index.html next to chart.js, so the page works offline from file://.
/* global Chart */
(function () {
  'use strict'
  var data = JSON.parse(document.getElementById('unblocked-data').textContent)
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f']
  var targets = data.targets
  function color(name) {
    var i = targets.indexOf(name)
    return palette[(i < 0 ? targets.length : i) % palette.length]
  }
  Chart.defaults.animation = false
  Chart.defaults.responsive = true
  Chart.defaults.maintainAspectRatio = false
  Chart.defaults.font.size = 11

  // Min–max whiskers over bars: chart.js has no error bars, so a small plugin draws them.
  var whiskers = {
    id: 'whiskers',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx
      chart.data.datasets.forEach(function (ds, di) {
        if (!ds.whiskers) return
        var meta = chart.getDatasetMeta(di)
        meta.data.forEach(function (bar, i) {
          var w = ds.whiskers[i]
          if (!w) return
          var y = chart.scales.y
          var top = y.getPixelForValue(w[1])
          var bottom = y.getPixelForValue(w[0])
          ctx.save()
          ctx.strokeStyle = '#222'
          ctx.lineWidth = 1.5
          ctx.beginPath()
          ctx.moveTo(bar.x, top)
          ctx.lineTo(bar.x, bottom)
          ctx.moveTo(bar.x - 6, top)
          ctx.lineTo(bar.x + 6, top)
          ctx.moveTo(bar.x - 6, bottom)
          ctx.lineTo(bar.x + 6, bottom)
          ctx.stroke()
          ctx.restore()
        })
      })
    },
  }

  function chart(id, config) {
    var el = document.getElementById(id)
    if (el) new Chart(el, config)
  }

  data.scenarios.forEach(function (s) {
    var cells = data.cells.filter(function (c) { return c.scenario === s.id })
    chart('rps-' + s.id, {
      type: 'bar',
      data: {
        labels: cells.map(function (c) { return c.target }),
        datasets: [{
          label: 'requests/s (median)',
          data: cells.map(function (c) { return c.median ? c.median.rps : null }),
          backgroundColor: cells.map(function (c) { return color(c.target) }),
          whiskers: cells.map(function (c) { return c.spread ? c.spread.rps : null }),
        }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'requests/s' } } } },
      plugins: [whiskers],
    })
    chart('lat-' + s.id, {
      type: 'line',
      data: {
        labels: ['p50', 'p90', 'p99', 'p99.9', 'max'],
        datasets: cells.filter(function (c) { return c.median }).map(function (c) {
          var m = c.median.closedLoop
          return { label: c.target, data: [m.p50, m.p90, m.p99, m.p999, m.max].map(function (v) { return Math.max(v, 0.01) }), borderColor: color(c.target), backgroundColor: color(c.target) }
        }),
      },
      options: { scales: { y: { type: 'logarithmic', title: { display: true, text: 'closed-loop latency, ms (log)' } } } },
    })
  })

  chart('ping-timeline', {
    type: 'scatter',
    data: {
      datasets: data.pingTimelines.map(function (p) {
        return { label: p.label, data: p.points.map(function (x) { return { x: x[0], y: Math.max(x[1], 0.1) } }), borderColor: color(p.target), backgroundColor: color(p.target), borderDash: p.control ? [4, 4] : [], pointRadius: p.control ? 0 : 2, showLine: true }
      }),
    },
    options: { scales: { x: { title: { display: true, text: 'scheduled send time, ms into the trial' } }, y: { type: 'logarithmic', title: { display: true, text: 'ping latency from scheduled send, ms (log)' } } } },
  })

  chart('cpu-scaling', {
    type: 'bar',
    data: {
      labels: data.cpu.map(function (c) { return c.target }),
      datasets: [
        { label: 'requests/s', data: data.cpu.map(function (c) { return c.rps }), backgroundColor: data.cpu.map(function (c) { return color(c.target) }), yAxisID: 'y' },
        { label: 'CPU cores used', data: data.cpu.map(function (c) { return c.cores }), type: 'line', borderColor: '#222', backgroundColor: '#222', yAxisID: 'y1' },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'requests/s' } }, y1: { position: 'right', beginAtZero: true, suggestedMax: data.cores, title: { display: true, text: 'cores' }, grid: { drawOnChartArea: false } } } },
  })

  chart('memory', {
    type: 'bar',
    data: {
      labels: data.memory.map(function (m) { return m.target }),
      datasets: [{ label: 'peak RSS, MiB', data: data.memory.map(function (m) { return m.mib }), backgroundColor: data.memory.map(function (m) { return color(m.target) }) }],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'peak RSS, MiB (process and its workers)' } } } },
  })

  chart('micro', {
    type: 'bar',
    data: {
      labels: data.micro.map(function (m) { return m.name }),
      datasets: [{ label: 'µs per call (median)', data: data.micro.map(function (m) { return m.p50Us }), backgroundColor: data.micro.map(function (m) { return m.group === 'floor' ? '#9e9e9e' : m.group === 'dispatch' ? '#1f77b4' : '#2ca02c' }) }],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { type: 'logarithmic', title: { display: true, text: 'µs per call (log); grey = floors' } } } },
  })

  // Conformance cells open their detail below the matrix. Target text goes in as text, never HTML.
  var panel = document.getElementById('case-detail')
  document.querySelectorAll('[data-case]').forEach(function (cell) {
    cell.addEventListener('click', function () {
      var d = data.cases[cell.getAttribute('data-case')]
      if (!d || !panel) return
      panel.hidden = false
      panel.querySelector('.d-title').textContent = d.target + ' · ' + d.id + ' · ' + d.verdict + ' (' + d.level + ')'
      panel.querySelector('.d-desc').textContent = d.description
      panel.querySelector('.d-reason').textContent = d.reason || '(passed)'
      panel.querySelector('.d-expected').textContent = d.expected ? JSON.stringify(d.expected, null, 2) : '—'
      panel.querySelector('.d-actual').textContent = d.actual ? JSON.stringify(d.actual, null, 2) : '—'
      panel.querySelector('.d-data').textContent = d.data ? JSON.stringify(d.data, null, 2) : '—'
    })
  })
  document.body.setAttribute('data-charts-ready', String(Chart.instances ? Object.keys(Chart.instances).length : 0))
})()
