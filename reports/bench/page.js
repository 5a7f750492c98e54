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
  // Log axes ticked at 1, 2 and 5 of each decade only, labelled as plain numbers: chart.js's own
  // ticks (3, 4, … 9 too, each with the decimals of the smallest) ran into each other at the top of
  // a decade. Dropping the ticks, not just their labels, leaves autoSkip to thin what remains.
  function decade(v) { return Math.pow(10, Math.floor(Math.log10(v) + 1e-9)) }
  function oneTwoFive(v) {
    if (!(v > 0)) return false
    var mantissa = Math.round((v / decade(v)) * 1000) / 1000
    return mantissa === 1 || mantissa === 2 || mantissa === 5
  }
  // The axis is widened to the 1-2-5 values around the data, so at least two such ticks always
  // exist: data inside one step (15–20 ms, say) otherwise left only chart.js's dense ticks
  // (15.2, 15.4, … 20), which autoSkip cannot thin on a log axis and which overlapped.
  function oneTwoFiveBelow(v) {
    var d = decade(v)
    var m = v / d
    return (m >= 5 - 1e-9 ? 5 : m >= 2 - 1e-9 ? 2 : 1) * d
  }
  function oneTwoFiveAbove(v) {
    var d = decade(v)
    var m = v / d
    return (m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10) * d
  }
  Chart.defaults.scales.logarithmic.afterDataLimits = function (scale) {
    if (!(scale.min > 0) || !(scale.max > 0)) return
    var min = oneTwoFiveBelow(scale.min)
    var max = oneTwoFiveAbove(scale.max)
    scale.min = min
    scale.max = max > min ? max : oneTwoFiveAbove(min * 1.5)
  }
  Chart.defaults.scales.logarithmic.afterBuildTicks = function (scale) {
    var kept = scale.ticks.filter(function (t) { return oneTwoFive(t.value) })
    if (kept.length >= 2) scale.ticks = kept
  }
  Chart.defaults.scales.logarithmic.ticks.callback = function (value) {
    var v = Number(value)
    return v >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)))
  }
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

  // Target names on a category axis: every one shown (a bar without its name says nothing), turned
  // up to vertical when they do not fit side by side, rather than skipped or overlapped.
  var targetTicks = { autoSkip: false, minRotation: 0, maxRotation: 90 }

  // A cell with no measurement keeps its place on the axis, named for what happened to it: an
  // empty slot reads as "not measured", a zero bar would read as the slowest target.
  function cellLabel(c) {
    return c.state === 'ok' ? c.target : c.target + ' (' + c.state + ')'
  }

  // Long labels broken into lines of at most `width` characters, at spaces where possible.
  function wrap(label, width) {
    var lines = []
    var line = ''
    String(label).split(' ').forEach(function (word) {
      while (word.length > width) {
        if (line) { lines.push(line); line = '' }
        lines.push(word.slice(0, width))
        word = word.slice(width)
      }
      if (line && (line + ' ' + word).length > width) { lines.push(line); line = word }
      else line = line ? line + ' ' + word : word
    })
    if (line) lines.push(line)
    return lines
  }

  data.scenarios.forEach(function (s) {
    var cells = data.cells.filter(function (c) { return c.scenario === s.id })
    chart('rps-' + s.id, {
      type: 'bar',
      data: {
        labels: cells.map(cellLabel),
        datasets: [{
          label: 'requests/s (median)',
          data: cells.map(function (c) { return c.median ? c.median.rps : null }),
          backgroundColor: cells.map(function (c) { return color(c.target) }),
          whiskers: cells.map(function (c) { return c.spread ? c.spread.rps : null }),
        }],
      },
      options: { plugins: { legend: { display: false } }, scales: { x: { ticks: targetTicks }, y: { beginAtZero: true, title: { display: true, text: 'requests/s' } } } },
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
        return { label: p.label, trial: p.trial, data: p.points.map(function (x) { return { x: x[0], y: Math.max(x[1], 0.1) } }), borderColor: color(p.target), backgroundColor: color(p.target), borderDash: p.control ? [4, 4] : [], borderWidth: p.control ? 1 : 1.5, pointRadius: p.control ? 0 : 1.5, showLine: true }
      }),
    },
    options: {
      plugins: {
        legend: { labels: { boxWidth: 18 } },
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ' (trial ' + ctx.dataset.trial + '): sent at ' + ctx.raw.x + ' ms, waited ' + ctx.raw.y + ' ms' } } },
      },
      scales: { x: { title: { display: true, text: 'scheduled send time, ms into the trial' } }, y: { type: 'logarithmic', title: { display: true, text: 'ping wait, ms (log)' } } },
    },
  })

  chart('cpu-scaling-chart', {
    type: 'bar',
    data: {
      labels: data.cpu.map(cellLabel),
      datasets: [
        { label: 'requests/s', data: data.cpu.map(function (c) { return c.rps }), backgroundColor: data.cpu.map(function (c) { return color(c.target) }), yAxisID: 'y' },
        { label: 'CPU cores used', data: data.cpu.map(function (c) { return c.cores }), type: 'line', borderColor: '#222', backgroundColor: '#222', yAxisID: 'y1' },
      ],
    },
    options: { scales: { x: { ticks: targetTicks }, y: { beginAtZero: true, title: { display: true, text: 'requests/s' } }, y1: { position: 'right', beginAtZero: true, suggestedMax: data.cores, title: { display: true, text: 'cores' }, grid: { drawOnChartArea: false } } } },
  })

  var idle = data.memory.some(function (m) { return m.idleMib !== null })
  chart('memory-chart', {
    type: 'bar',
    data: {
      labels: data.memory.map(function (m) { return m.target }),
      datasets: [{ label: 'peak RSS under load, MiB', data: data.memory.map(function (m) { return m.peakMib }), backgroundColor: data.memory.map(function (m) { return color(m.target) }) }].concat(
        idle ? [{ label: 'idle RSS after start-up, MiB', data: data.memory.map(function (m) { return m.idleMib }), backgroundColor: data.memory.map(function (m) { return color(m.target) + '80' }) }] : [],
      ),
    },
    options: { plugins: { legend: { display: idle } }, scales: { x: { ticks: targetTicks }, y: { beginAtZero: true, title: { display: true, text: 'RSS, MiB' } } } },
  })

  // One row per benchmark, tall enough for a two-line name; names wrapped to the room the axis gets.
  var microBox = document.getElementById('micro-box')
  var microWidth = microBox ? Math.max(14, Math.floor(microBox.clientWidth * 0.4 / 6.5)) : 30
  var microLabels = data.micro.map(function (m) { return wrap(m.name, microWidth) })
  var microLines = Math.max.apply(null, [1].concat(microLabels.map(function (l) { return l.length })))
  if (microBox && data.micro.length > 0) microBox.style.height = 70 + data.micro.length * (microLines * 14 + 10) + 'px'
  chart('micro-chart', {
    type: 'bar',
    data: {
      labels: microLabels,
      datasets: [{ label: 'µs per call (median)', data: data.micro.map(function (m) { return m.p50Us }), backgroundColor: data.micro.map(function (m) { return m.group === 'floor' ? '#9e9e9e' : m.group === 'dispatch' ? '#1f77b4' : '#2ca02c' }) }],
    },
    options: {
      indexAxis: 'y',
      plugins: { legend: { display: false }, tooltip: { callbacks: { title: function (items) { return data.micro[items[0].dataIndex].name } } } },
      scales: { y: { ticks: { autoSkip: false } }, x: { type: 'logarithmic', title: { display: true, text: 'µs per call (log); grey = floors' } } },
    },
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
