// jobtester dashboard: the little that needs a browser. Everything here is
// an enhancement; pages are complete without it.
(function () {
  'use strict';

  if (!window.htmx || !window.uPlot) {
    console.warn('jobtester: vendored scripts missing (npm ci && npm run build:web); pages work without them');
  }

  // Charts: <div class="chart" data-history="/api/v1/history?..."> gets a
  // uPlot chart of the hourly score and success rate from that URL.
  function drawChart(el) {
    if (!window.uPlot || el.dataset.drawn) return;
    el.dataset.drawn = '1';
    var url = el.dataset.history;
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
        return r.json();
      })
      .then(function (h) {
        // The chart's URL names one series; an empty list means no results.
        var pts = (h.series && h.series.length > 0) ? h.series[0].points : [];
        var target = el.querySelector('.plot') || el;
        if (pts.length === 0) {
          target.textContent = 'No results in this window.';
          return;
        }
        var xs = [], score = [], success = [];
        pts.forEach(function (p) {
          xs.push(Date.parse(p.hour) / 1000);
          // null, not 0, for hours without scored results: uPlot leaves a gap.
          score.push(p.score == null ? null : p.score);
          success.push(p.success_rate == null ? null : p.success_rate);
        });
        var width = Math.max(200, target.clientWidth || 300);
        target.textContent = '';
        new window.uPlot({
          width: width, height: 180,
          scales: { y: { range: [0, 1] } },
          series: [
            {},
            { label: 'score', stroke: '#0a58ca', width: 1.5, spanGaps: false },
            { label: 'success rate', stroke: '#1a7f37', width: 1, dash: [4, 3], spanGaps: false },
          ],
          axes: [{}, { size: 40 }],
        }, [xs, score, success], target);
        // How many steps have a score, for people and tests reading the page.
        var drawn = 0;
        score.forEach(function (v) { if (v != null) drawn++; });
        el.setAttribute('data-chart-points', String(drawn));
        el.setAttribute('data-chart-ready', String(pts.length));
      })
      .catch(function (err) {
        el.dataset.chartError = String(err);
        console.error('jobtester chart', err);
      });
  }

  function drawCharts(root) {
    (root || document).querySelectorAll('.chart[data-history]').forEach(drawChart);
  }

  document.addEventListener('DOMContentLoaded', function () { drawCharts(document); });
  document.addEventListener('htmx:afterSettle', function (ev) { drawCharts(ev.target); });
})();
