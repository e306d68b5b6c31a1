// Line charts as inline SVG for the console (docs/ui.md). Written here rather than taken from a charting library: the
// console draws a few small time series and must ship every byte in the server binary with no build step; this file is
// a few kilobytes, where the smallest libraries that do time axes and log scales are tens. Text is set as textContent.
'use strict';
window.SwitchbackCharts = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 600, H = 170, L = 52, R = 10, T = 10, B = 22;

  function s(tag, attrs, text) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // 1-2-5 steps: about `count` round ticks over [lo, hi].
  function niceTicks(lo, hi, count) {
    const raw = (hi - lo) / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((x) => x >= raw) || raw;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
    return ticks;
  }

  const clock = (t) => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  // lines: [{key, cls, dash?, points: [[t (Unix s), y | null]]}]; opts: {id, title, x0, x1, log?, min?, max?, threshold?,
  // thresholdLabel?, format(y)}. A null y breaks the line (no data is not zero).
  function line(lines, opts) {
    const fmt = opts.format || ((y) => String(+y.toPrecision(3)));
    const ys = lines.flatMap((l) => l.points.map((p) => p[1])).filter((y) => y !== null && Number.isFinite(y));
    if (opts.threshold != null) ys.push(opts.threshold);
    let lo, hi;
    if (opts.log) {
      const pos = ys.filter((y) => y > 0);
      lo = Math.min(opts.min ?? 1, ...pos);
      hi = Math.max(opts.max ?? 10, ...pos);
      lo = Math.pow(10, Math.floor(Math.log10(lo)));
      hi = Math.pow(10, Math.ceil(Math.log10(hi)));
      if (hi <= lo) hi = lo * 10;
    } else {
      lo = Math.min(opts.min ?? 0, ...ys);
      hi = Math.max(...ys, lo + (opts.minSpan ?? 1e-9));
      if (hi === lo) hi = lo + 1;
      hi += (hi - lo) * 0.05;
    }
    const x0 = opts.x0, x1 = Math.max(opts.x1, opts.x0 + 1);
    const sx = (t) => L + ((t - x0) / (x1 - x0)) * (W - L - R);
    const sy = opts.log
      ? (y) => T + (1 - (Math.log10(Math.max(y, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - T - B)
      : (y) => T + (1 - (y - lo) / (hi - lo)) * (H - T - B);

    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'data-chart': opts.id, 'aria-label': opts.title });
    svg.append(s('title', {}, opts.title));
    const ticks = opts.log
      ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * Math.pow(10, i)).filter((_, i, a) => a.length <= 6 || i % 2 === 0)
      : niceTicks(lo, hi, 4);
    for (const v of ticks) {
      const y = sy(v);
      svg.append(s('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid' }));
      svg.append(s('text', { x: L - 4, y: y + 4, 'text-anchor': 'end', class: 'tick' }, fmt(v)));
    }
    svg.append(s('text', { x: L, y: H - 5, class: 'tick' }, clock(x0)));
    svg.append(s('text', { x: W - R, y: H - 5, 'text-anchor': 'end', class: 'tick' }, clock(x1)));
    if (opts.threshold != null) {
      const y = sy(opts.threshold);
      svg.append(s('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'threshold', 'data-threshold': opts.threshold }));
      svg.append(s('text', { x: W - R - 2, y: y - 4, 'text-anchor': 'end', class: 'threshold-label' }, opts.thresholdLabel || 'threshold'));
    }
    for (const l of lines) {
      let d = '', pen = false, n = 0;
      for (const [t, y] of l.points) {
        if (y === null || !Number.isFinite(y)) { pen = false; continue; }
        d += `${pen ? 'L' : 'M'}${sx(t).toFixed(1)},${sy(y).toFixed(1)}`;
        pen = true; n++;
      }
      if (!n) continue;
      // A lone point has no segment to stroke: draw it as a dot.
      if (n === 1 || l.dots) {
        for (const [t, y] of l.points) if (y !== null && Number.isFinite(y)) svg.append(s('circle', { cx: sx(t).toFixed(1), cy: sy(y).toFixed(1), r: 2.5, class: 'dot ' + l.cls }));
      }
      svg.append(s('path', { d, class: 'series ' + l.cls + (l.dash ? ' ' + l.dash : ''), 'data-series': l.key, 'data-points': n }));
    }
    return svg;
  }

  return { line };
})();
