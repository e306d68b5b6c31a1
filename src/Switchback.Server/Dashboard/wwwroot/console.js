// Switchback's operator console (docs/ui.md): plain DOM, no framework, no build step. It reads and acts only through
// the admin API (docs/api.md) with the key typed at sign-in, kept in this tab's sessionStorage and sent as a Bearer
// header; it is never put in a URL, never logged, and gone when the tab closes. Text from the API is always set as
// textContent, never as HTML.
'use strict';
(() => {
  const KEY = 'switchback.api_key';
  const POLL_MS = 2000;
  const main = document.getElementById('main');
  const statusLine = document.getElementById('status');
  const who = document.getElementById('who');
  const signOut = document.getElementById('sign-out');

  // What the page costs the server: every API request it makes is counted (shown in the footer; docs/ui.md).
  const cost = { requests: 0, lastRefresh: 0 };
  let me = null;             // {name, role} of the signed-in key
  let view = null;           // {refresh(): Promise, dispose?()} of the page shown
  let timer = 0;
  let generation = 0;        // bumped on every navigation, so a late answer never draws over a newer page

  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  async function api(method, path, body) {
    const key = sessionStorage.getItem(KEY);
    if (!key) throw new ApiError(401, 'invalid_api_key', 'Not signed in.');
    cost.requests++;
    const init = { method, headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' }, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch('/api/v1' + path, init);
    } catch (e) {
      throw new ApiError(0, 'unreachable', 'The server did not answer: ' + e.message);
    }
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!response.ok) {
      const err = json && json.error ? json.error : { code: 'http_' + response.status, message: text.slice(0, 200) };
      throw new ApiError(response.status, err.code, err.message);
    }
    return json;
  }

  // The runbook is Markdown, not JSON.
  async function apiText(path) {
    const key = sessionStorage.getItem(KEY);
    if (!key) throw new ApiError(401, 'invalid_api_key', 'Not signed in.');
    cost.requests++;
    const response = await fetch('/api/v1' + path, { headers: { Authorization: 'Bearer ' + key }, cache: 'no-store' });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, 'http_' + response.status, text.slice(0, 200));
    return text;
  }

  // h('td', {class: 'x'}, 'text', node, ...) — children are text or nodes; null/false children are skipped.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'style') el.style.cssText = v; // CSSOM, which the page's CSP allows (a style attribute it refuses)
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const isOperator = () => me && (me.role === 'operator' || me.role === 'admin');
  const pct = (x) => (Math.round(x * 100) / 100) + ' %';
  const when = (t) => t ? new Date(t).toLocaleString() : '';
  const ms = (x) => (x === null || x === undefined) ? '?' : (x < 10 ? x.toFixed(2) : x.toFixed(1)) + ' ms';

  function phaseBadge(phase, id) {
    return h('span', { class: 'phase ' + phase, id }, phase.replace(/_/g, ' '));
  }

  function routingBar(r) {
    const w = r.candidate == null ? 0 : r.candidate_weight;
    return h('div', { class: 'bar', id: 'routing-bar', role: 'img',
        'aria-label': `v${r.stable} ${pct(100 - w)}` + (r.candidate != null ? `, v${r.candidate} ${pct(w)}` : '') },
      100 - w > 0 ? h('span', { class: 'stable', style: `width:${100 - w}%`, title: 'stable' }, `stable v${r.stable} · ${pct(100 - w)}`) : null,
      w > 0 ? h('span', { class: 'candidate', style: `width:${w}%`, title: 'candidate' }, `candidate v${r.candidate} · ${pct(w)}`) : null);
  }

  function weightsText(r) {
    let s = `v${r.stable} ${pct(r.candidate == null ? 100 : 100 - r.candidate_weight)}`;
    if (r.candidate != null) s += ` · v${r.candidate} ${pct(r.candidate_weight)}`;
    if (r.shadow != null) s += ` · shadow v${r.shadow} (${pct(r.shadow_sample)} mirrored)`;
    return s;
  }

  async function rolloutOrNull(d) {
    try { return await api('GET', `/deployments/${encodeURIComponent(d)}/rollout`); }
    catch (e) { if (e.code === 'rollout_not_found') return null; throw e; }
  }

  // ---- sign-in ----------------------------------------------------------------------------------------------------
  function showSignIn(message) {
    stopPolling();
    me = null;
    who.textContent = '';
    signOut.hidden = true;
    const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'sb_…' });
    const form = h('form', { class: 'card signin', id: 'signin' },
      h('h1', {}, 'Sign in'),
      h('p', { class: 'muted' }, 'Paste an API key. A viewer key can look; an operator key can also act. The key stays in this tab only.'),
      h('label', { for: 'api-key' }, 'API key'), input,
      message ? h('p', { class: 'result error', id: 'signin-error' }, message) : null,
      h('button', { type: 'submit' }, 'Sign in'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim());
      try {
        await whoAmI();
        route();
      } catch (e) {
        sessionStorage.removeItem(KEY);
        showSignIn(e.status === 401 ? 'That key is not valid (unknown or revoked).' : e.message);
      }
    });
    main.replaceChildren(form);
    input.focus();
  }

  async function whoAmI() {
    me = await api('GET', '/whoami');
    who.textContent = `${me.name} (${me.role})`;
    signOut.hidden = false;
  }

  signOut.addEventListener('click', () => { sessionStorage.removeItem(KEY); showSignIn(); });

  // ---- polling ----------------------------------------------------------------------------------------------------
  function stopPolling() { clearTimeout(timer); timer = 0; if (view && view.dispose) view.dispose(); view = null; }

  async function tick(g) {
    if (g !== generation || !view) return;
    try {
      if (document.visibilityState !== 'hidden') {
        const before = cost.requests;
        await view.refresh();
        cost.lastRefresh = cost.requests - before;
        statusLine.textContent = `Updated ${new Date().toLocaleTimeString()} · ${cost.lastRefresh} API requests every ` +
          `${POLL_MS / 1000} s (${(cost.lastRefresh * 1000 / POLL_MS).toFixed(1)}/s) while this tab is visible`;
      }
    } catch (e) {
      if (e.status === 401) { sessionStorage.removeItem(KEY); showSignIn('The key is no longer valid.'); return; }
      statusLine.textContent = `Update failed at ${new Date().toLocaleTimeString()}: ${e.message}`;
    }
    if (g === generation) timer = setTimeout(() => tick(g), POLL_MS);
  }

  function show(v) {
    stopPolling();
    generation++;
    view = v;
    tick(generation);
  }

  // Worst first: one word for the deployment, and which version is not healthy.
  const HEALTH_ORDER = ['unhealthy', 'degraded', 'unknown', 'healthy'];
  function healthCell(health) {
    const versions = health.versions || [];
    if (!versions.length) return h('span', { class: 'muted' }, '—');
    const worst = [...versions].sort((a, b) => HEALTH_ORDER.indexOf(a.state) - HEALTH_ORDER.indexOf(b.state))[0];
    const bad = versions.filter((v) => v.state !== 'healthy' || v.breaker !== 'closed');
    return h('span', { class: 'health-' + worst.state, title: versions.map((v) => `v${v.version} ${v.role}: ${v.state}, breaker ${v.breaker}`).join('\n') },
      worst.state, bad.length && worst.state !== 'unknown' ? ` (${bad.map((v) => `v${v.version}${v.breaker !== 'closed' ? ' breaker ' + v.breaker.replace('_', '-') : ''}`).join(', ')})` : '');
  }

  function recentCell(signals, routing) {
    const busy = signals.versions.filter((v) => v.requests > 0);
    if (!busy.length) return h('span', { class: 'muted' }, 'no requests');
    return h('div', {}, busy.map((v) => h('div', { class: 'recent-line ' + versionClass(v.version, routing), 'data-version': v.version },
      `v${v.version}: ${v.requests} req · `, h('span', { class: v.error_rate > 0.05 ? 'breached-text' : '' }, `${percent(v.error_rate)} errors`),
      ` · p95 ${v.latency_ms.p95 == null ? '—' : fmtMs(v.latency_ms.p95)}`)));
  }

  // ---- deployments ------------------------------------------------------------------------------------------------
  function deploymentsView() {
    const body = h('tbody', {});
    main.replaceChildren(h('h1', {}, 'Deployments'), h('div', { class: 'card' },
      h('table', { id: 'deployments' },
        h('thead', {}, h('tr', {}, h('th', {}, 'deployment'), h('th', {}, 'stable'), h('th', {}, 'candidate'),
          h('th', {}, 'weights'), h('th', {}, 'rollout'), h('th', { class: 'hide-narrow' }, 'step'), h('th', {}, 'health'),
          h('th', {}, 'last 5 minutes'))),
        body)));
    return {
      async refresh() {
        const list = await api('GET', '/deployments');
        const rows = await Promise.all(list.deployments.map(async (d) => {
          const enc = encodeURIComponent(d.name);
          const [routing, rollout, health, signals] = await Promise.all([api('GET', `/deployments/${enc}/routing`), rolloutOrNull(d.name),
            api('GET', `/deployments/${enc}/health`), api('GET', `/deployments/${enc}/signals?window=5m`)]);
          return h('tr', { 'data-deployment': d.name },
            h('td', {}, h('a', { href: '#/d/' + enc }, d.name)),
            h('td', {}, 'v' + routing.stable),
            h('td', {}, routing.candidate == null ? '—' : 'v' + routing.candidate),
            h('td', {}, weightsText(routing)),
            h('td', {}, rollout ? phaseBadge(rollout.phase) : h('span', { class: 'muted' }, 'none')),
            h('td', { class: 'hide-narrow' }, rollout && !rollout.finished ? `${rollout.step + 1}/${rollout.steps}: ${rollout.step_description || ''}` : ''),
            h('td', { class: 'health' }, healthCell(health)),
            h('td', { class: 'recent' }, recentCell(signals, routing)));
        }));
        body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No deployments yet: register a bundle with `switchback apply`.'))]));
      },
    };
  }

  // ---- charts ----------------------------------------------------------------------------------------------------
  const chart = window.SwitchbackCharts;
  const WINDOWS = { '2m': '2 minutes', '10m': '10 minutes', '1h': 'hour' };

  // The colour of a version follows its role in the routing: stable blue, candidate orange, shadow purple, others grey.
  function versionClass(v, routing) {
    if (!routing) return 'v-other';
    if (v === routing.stable) return 'v-stable';
    if (v === routing.candidate) return 'v-candidate';
    if (v === routing.shadow) return 'v-shadow';
    return 'v-other';
  }

  function roleOf(v, routing) {
    if (!routing) return '';
    return v === routing.stable ? 'stable' : v === routing.candidate ? 'candidate' : v === routing.shadow ? 'shadow' : 'not routed';
  }

  const rate = (num, den) => den > 0 ? num / den : null;
  const percent = (y) => +(y * 100).toPrecision(3) + ' %';
  const fmtMs = (y) => y >= 1000 ? +(y / 1000).toPrecision(3) + ' s' : +y.toPrecision(3) + ' ms';
  const fmtNum = (y) => y >= 1e6 ? +(y / 1e6).toPrecision(3) + 'M' : y >= 1e3 ? +(y / 1e3).toPrecision(3) + 'k' : String(+y.toPrecision(3));

  // What each signal chart draws from one bucket. Rates without a denominator are null (a gap), never zero.
  const SIGNAL_CHARTS = [
    { id: 'requests', title: 'Requests per second', format: fmtNum, lines: [['', (p, step) => p.requests / step]] },
    { id: 'error_rate', title: 'Error rate (5xx, timeouts, connect failures)', format: percent, lines: [['', (p) => rate(p.errors, p.requests)]] },
    { id: 'latency', title: 'Latency p50 · p95 · p99', format: fmtMs, lines: [['p50', (p) => p.latency_ms.p50, 'dot'], ['p95', (p) => p.latency_ms.p95], ['p99', (p) => p.latency_ms.p99, 'dash']] },
    { id: 'ttft', title: 'Time to first token p50 · p95 · p99 (streams)', format: fmtMs, optional: true,
      lines: [['p50', (p) => p.time_to_first_token_ms.p50, 'dot'], ['p95', (p) => p.time_to_first_token_ms.p95], ['p99', (p) => p.time_to_first_token_ms.p99, 'dash']] },
    { id: 'tokens', title: 'Tokens per second, out · in', format: fmtNum, lines: [['out', (p, step) => p.requests ? p.tokens_out / step : 0], ['in', (p, step) => p.requests ? p.tokens_in / step : 0, 'dash']] },
    { id: 'thumbs_down_rate', title: 'Thumbs-down rate (feedback)', format: percent, optional: true, lines: [['', (p) => rate(p.thumbs_down, p.feedback)]] },
    { id: 'escalation_rate', title: 'Escalation rate (feedback)', format: percent, optional: true, lines: [['', (p) => rate(p.escalations, p.feedback)]] },
    { id: 'refusal_rate', title: 'Refusal rate (evaluators)', format: percent, optional: true, lines: [['', (p) => rate(p.counters.refusals || 0, p.counters.responses_evaluated || 0)]] },
    { id: 'safety_rate', title: 'Safety violations per evaluated response', format: percent, optional: true, lines: [['', (p) => rate(p.counters.safety_violations || 0, p.counters.responses_evaluated || 0)]] },
    { id: 'empty_rate', title: 'Empty answers (evaluators)', format: percent, optional: true, lines: [['', (p) => rate(p.counters.empty || 0, p.counters.responses_evaluated || 0)]] },
    { id: 'json_invalid_rate', title: 'Invalid JSON (evaluators)', format: percent, optional: true, lines: [['', (p) => rate(p.counters.json_invalid || 0, p.counters.json_checked || 0)]] },
  ];

  function signalsCard(redraw) {
    const state = { window: '10m' };
    const body = h('div', { class: 'charts', id: 'signal-charts' });
    const legend = h('div', { class: 'legend', id: 'signal-legend' });
    const note = h('p', { class: 'muted', id: 'signals-note' });
    const picker = h('select', { id: 'signals-window', 'aria-label': 'time window' },
      Object.entries(WINDOWS).map(([k, label]) => h('option', { value: k, selected: k === state.window }, 'last ' + label)));
    picker.addEventListener('change', () => { state.window = picker.value; redraw(); });
    const el = h('div', { class: 'card', id: 'signals' }, h('div', { class: 'card-head' }, h('h2', {}, 'Live signals per version'), picker), legend, body, note);

    function draw(series, routing, rollout) {
      const step = series.step_seconds;
      // Colours by role; the rollout's candidate keeps its colour after a rollback took it out of the routing.
      const colours = rollout && routing && routing.candidate == null && rollout.candidate !== routing.stable ? { ...routing, candidate: rollout.candidate } : routing;
      const x0 = Date.parse(series.from) / 1000, x1 = Date.parse(series.through) / 1000;
      const versions = series.versions;
      legend.replaceChildren(...versions.map((v) => h('span', { class: 'key ' + versionClass(v.version, colours) }, `v${v.version} (${roleOf(v.version, routing)})`)),
        versions.length ? h('span', { class: 'muted' }, '· dotted p50, solid p95, dashed p99') : null);
      const figures = [];
      let skipped = [];
      for (const c of SIGNAL_CHARTS) {
        const lines = versions.flatMap((v) => c.lines.map(([label, f, dash]) => ({
          key: `v${v.version}${label ? ' ' + label : ''}`, cls: versionClass(v.version, colours), dash,
          points: v.points.map((p) => [p.t + step / 2, f(p, step)]),
        })));
        const any = lines.some((l) => l.points.some((p) => p[1] !== null && p[1] !== undefined));
        if (c.optional && !any) { skipped.push(c.title.replace(/ \(.*\)$/, '').toLowerCase()); continue; }
        const latest = versions.map((v) => {
          const last = [...v.points].reverse().find((p) => p.requests > 0 || p.feedback > 0);
          const y = last ? c.lines[c.lines.length > 1 ? 1 : 0][1](last, step) : null;
          return `v${v.version} ${y === null || y === undefined ? '—' : c.format(y)}`;
        }).join(' · ');
        figures.push(h('figure', { class: 'chart-box', 'data-figure': c.id },
          h('figcaption', {}, h('strong', {}, c.title), h('span', { class: 'muted' }, latest ? ' · latest ' + latest : '')),
          chart.line(lines, { id: c.id, title: c.title, x0, x1, format: c.format, minSpan: c.id === 'error_rate' ? 0.01 : 1e-9 })));
      }
      body.replaceChildren(...(versions.length ? figures : [h('p', { class: 'muted', id: 'no-signals' }, `No requests in the last ${WINDOWS[state.window]}.`)]));
      note.textContent = `${step} s buckets · ` + (series.source === 'fleet'
        ? 'every replica\'s traffic, as shipped to the store (up to the slowest live replica)'
        : 'this server\'s traffic') + (skipped.length && versions.length ? ` · no data for: ${skipped.join(', ')}` : '');
    }

    return { el, draw, get window() { return state.window; } };
  }

  // Each guardrail's e-value over the rollout, on a log scale against its threshold. The points are the series the leading
  // controller records in the store (GET …/rollouts/{id}/evidence/series: at most every 2 s, at once on a change by 2x or a
  // breach, thinned to a bound), so a page opened late or after a fast rollback sees the whole curve; plus the evidence stored
  // with each decision and of every status this page has read since it opened. Kept per rollout for the life of the tab, at
  // most 2000 per guardrail.
  const evidenceSeen = new Map();

  // The stored series is read whole once, then each poll asks only for points after the latest it holds (?since=), so a
  // poll costs a few hundred bytes however long the rollout ran. The server thins old points of long series; this tab keeps
  // the denser ones it already read. A finished rollout's series no longer changes once the recorder's last write is in
  // (about a second after the end), so it is not asked for again from 5 s after the rollout finished.
  const evidenceSeries = new Map();

  async function evidenceSeriesOf(r) {
    const held = evidenceSeries.get(r.id) || { points: [], latest: null, final: false };
    evidenceSeries.set(r.id, held);
    if (held.final) return;
    try {
      const since = held.latest ? `?since=${encodeURIComponent(held.latest)}` : '';
      const series = await api('GET', `/deployments/${encodeURIComponent(r.deployment)}/rollouts/${encodeURIComponent(r.id)}/evidence/series${since}`);
      for (const g of series.guardrails) {
        for (const p of g.points) {
          held.points.push([g.guardrail, p.at, p]);
          if (!held.latest || Date.parse(p.at) > Date.parse(held.latest)) held.latest = p.at;
        }
      }
      if (held.points.length > 10000) held.points.splice(0, held.points.length - 10000);
      held.final = r.finished && Date.now() > Date.parse(r.updated_at) + 5000;
    } catch (e) {
      if (e.status === 401) throw e;
    }
  }

  function evidenceLog(r) {
    if (!evidenceSeen.has(r.id)) evidenceSeen.set(r.id, new Map());
    const byGuardrail = evidenceSeen.get(r.id);
    const add = (guardrail, at, test) => {
      if (!test) return;
      if (!byGuardrail.has(guardrail)) byGuardrail.set(guardrail, new Map());
      const points = byGuardrail.get(guardrail);
      points.set(Date.parse(at) / 1000, test.e_value);
      if (points.size > 2000) points.delete(points.keys().next().value);
    };
    // An e-process starts at 1 before any data (the test's definition), so every curve starts there when the first step began.
    const first = r.decisions.find((d) => d.kind === 'step_started');
    for (const g of r.guardrails) if (first && g.evidence && g.evidence.test) add(g.guardrail, first.at, { e_value: 1 });
    for (const [guardrail, at, p] of (evidenceSeries.get(r.id) || { points: [] }).points) add(guardrail, at, p);
    for (const d of r.decisions) for (const e of d.evidence_detail || []) add(e.guardrail, d.at, e.test);
    for (const g of r.guardrails) if (g.evidence) add(g.guardrail, r.updated_at, g.evidence.test);
    return byGuardrail;
  }

  function evidenceWords(g) {
    const t = g.evidence && g.evidence.test;
    if (!t) return g.evidence && g.evidence.limit != null ? `An absolute limit (${g.evidence.limit}): it acts on the first count over it.` : 'No evidence yet.';
    if (t.e_value >= t.threshold) return `Reached its threshold: the data are ${t.e_value.toPrecision(3)} times likelier under "the candidate is worse" than under "no worse" (it rejects at ${t.threshold.toPrecision(3)}), so this ${g.severity} guardrail ${g.severity === 'hard' ? 'rolls back' : 'pauses the rollout'}.`;
    if (t.e_value <= 1) return `No evidence against the candidate (e-value ${t.e_value.toPrecision(3)}, at or below 1); it would need ${t.threshold.toPrecision(3)}.`;
    const share = Math.log(t.e_value) / Math.log(t.threshold);
    return `Some evidence against the candidate: e-value ${t.e_value.toPrecision(3)}, ${Math.round(share * 100)} % of the way to ${t.threshold.toPrecision(3)} on a log scale.`;
  }

  function evidenceCharts(r) {
    const log = evidenceLog(r);
    const x0 = Date.parse(r.created_at) / 1000;
    const x1 = r.finished ? Date.parse(r.updated_at) / 1000 : Math.max(Date.now() / 1000, Date.parse(r.updated_at) / 1000);
    const figures = r.guardrails.map((g) => {
      const t = g.evidence && g.evidence.test;
      const points = log.has(g.guardrail) ? [...log.get(g.guardrail).entries()].sort((a, b) => a[0] - b[0]) : [];
      // Shown down to 1e-3: below that the candidate is clearly no worse and the exact value does not matter.
      const drawn = points.map(([at, e]) => [at, Math.max(e, 1e-3)]);
      return h('figure', { class: 'chart-box', 'data-evidence': g.guardrail },
        h('figcaption', {}, h('strong', {}, g.guardrail), ` (${g.severity}) `, g.breached ? h('span', { class: 'breached-text' }, 'breached') : h('span', { class: 'muted' }, 'holding')),
        t ? chart.line([{ key: 'e-value', cls: g.breached ? 'v-bad' : 'v-stable', points: drawn, dots: drawn.length < 30 }],
          { id: 'evalue-' + g.guardrail, title: `${g.guardrail}: e-value over time against ${t.threshold.toPrecision(3)}, log scale`,
            x0, x1, log: true, min: 1, threshold: t.threshold, thresholdLabel: `rejects at ${t.threshold.toPrecision(3)}`, format: (y) => y.toExponential(0).replace('e+', 'e') })
          : null,
        h('p', { class: 'evidence-words' }, evidenceWords(g)));
    });
    return h('div', { class: 'charts', id: 'evidence-charts' }, figures);
  }

  const OUTCOMES = ['delivered', 'retrying', 'failed for good', 'dropped', 'abandoned']; // AlertDeliveryOutcome, sent as its number

  function alertsTable(alerts) {
    if (!alerts || !alerts.length) return h('p', { class: 'muted', id: 'alerts' }, 'No alert receivers in this plan.');
    return h('table', { id: 'alerts' }, h('thead', {}, h('tr', {}, h('th', {}, 'receiver'), h('th', {}, 'delivered'), h('th', {}, 'failed'),
      h('th', { class: 'hide-narrow' }, 'dropped'), h('th', {}, 'last attempt'))),
    h('tbody', {}, alerts.map((a) => h('tr', { class: a.consecutive_failed_attempts > 0 ? 'failing' : '' },
      h('td', { class: 'mono' }, a.receiver), h('td', {}, String(a.delivered)), h('td', {}, String(a.failed_for_good)),
      h('td', { class: 'hide-narrow' }, String(a.dropped)),
      h('td', {}, a.last ? `${a.last.kind} · ${OUTCOMES[a.last.outcome] ?? a.last.outcome}${a.last.status_code ? ' (HTTP ' + a.last.status_code + ')' : ''}` +
        `${a.last.error ? ': ' + a.last.error : ''} · attempt ${a.last.attempt} · ${when(a.last.time)}` : h('span', { class: 'muted' }, 'none yet'))))));
  }

  // ---- one deployment ---------------------------------------------------------------------------------------------
  function deploymentView(name) {
    const enc = encodeURIComponent(name);
    const routingCard = h('div', { class: 'card', id: 'routing' });
    const rolloutCard = h('div', { class: 'card', id: 'rollout' });
    const versionsCard = h('div', { class: 'card', id: 'versions' });
    const signals = signalsCard(() => refresh().catch(() => {}));
    const result = h('div', { class: 'result', id: 'action-result', 'aria-live': 'polite' });
    const confirmBox = h('div', { id: 'confirm' });
    let rollout = null;
    let routing = null;

    const buttons = {
      promote: h('button', { type: 'button', id: 'btn-promote' }, 'Promote'),
      pause: h('button', { type: 'button', id: 'btn-pause' }, 'Pause'),
      resume: h('button', { type: 'button', id: 'btn-resume' }, 'Resume'),
      abort: h('button', { type: 'button', id: 'btn-abort' }, 'Abort'),
      rollback: h('button', { type: 'button', id: 'btn-rollback', class: 'danger' }, 'Roll back now'),
    };
    const roleNote = h('span', { class: 'muted', id: 'role-note' });
    for (const [action, button] of Object.entries(buttons)) button.addEventListener('click', () => askConfirm(action));

    function updateButtons() {
      const active = rollout && !rollout.finished;
      const operator = isOperator();
      buttons.promote.disabled = !operator || !active;
      buttons.pause.disabled = !operator || !active || rollout.phase === 'paused';
      buttons.resume.disabled = !operator || !active || rollout.phase !== 'paused' && rollout.phase !== 'inconclusive';
      buttons.abort.disabled = !operator || !active;
      buttons.rollback.disabled = !operator;
      roleNote.textContent = operator ? '' : `Your key has the ${me ? me.role : '?'} role: actions need operator.`;
      for (const b of Object.values(buttons)) b.title = operator ? '' : 'needs the operator role';
    }

    function askConfirm(action) {
      const rollback = action === 'rollback';
      const reason = h('input', { id: 'confirm-reason', type: 'text', maxlength: 500, required: rollback,
        placeholder: rollback ? 'why (required, goes to the audit log)' : 'why (optional)' });
      const target = rollback
        ? (rollout && !rollout.finished ? `to stable v${rollout.stable}` : 'to the previous stable version')
        : (rollout ? `rollout ${rollout.id} (v${rollout.stable} → v${rollout.candidate})` : '');
      const ok = h('button', { type: 'button', id: 'confirm-ok', class: rollback ? 'danger' : '', disabled: rollback },
        rollback ? 'Confirm rollback' : `Confirm ${action}`);
      const cancel = h('button', { type: 'button', id: 'confirm-cancel' }, 'Cancel');
      reason.addEventListener('input', () => { ok.disabled = rollback && reason.value.trim() === ''; });
      cancel.addEventListener('click', () => confirmBox.replaceChildren());
      ok.addEventListener('click', async () => {
        ok.disabled = true;
        await act(action, reason.value.trim());
        confirmBox.replaceChildren();
      });
      confirmBox.replaceChildren(h('div', { class: 'confirm' },
        h('label', { for: 'confirm-reason' }, `${rollback ? 'Roll back' : action[0].toUpperCase() + action.slice(1)} ${name} ${target}?`),
        reason, h('div', { class: 'actions' }, ok, cancel)));
      reason.focus();
    }

    async function act(action, reason) {
      result.className = 'result';
      result.textContent = `${action}…`;
      try {
        if (action === 'rollback') {
          const r = await api('POST', `/deployments/${enc}/rollback`, { reason });
          result.className = 'result ok';
          result.textContent = r.status === 'rolled_back'
            ? `Rolled back ${name} from v${r.from} to v${r.to}: the gateway routed by it after ${ms(r.propagation_ms)} ` +
              `(answered in ${ms(r.total_ms)})${r.fleet ? '; ' + r.fleet : ''}.`
            : r.message;
        } else {
          const r = await api('POST', `/deployments/${enc}/rollout/${action}`, reason ? { reason } : {});
          result.className = 'result ok';
          result.textContent = `${action}: rollout is now ${r.phase.replace(/_/g, ' ')}${r.fleet ? ' (' + r.fleet + ')' : ''}.`;
        }
      } catch (e) {
        result.className = 'result error';
        result.textContent = `Refused (${e.status} ${e.code}): ${e.message}`;
      }
      await refresh().catch(() => {});
    }

    function drawRouting() {
      routingCard.replaceChildren(h('h2', {}, 'Routing'), routingBar(routing),
        h('p', { class: 'muted' }, weightsText(routing), ` · sticky by ${routing.sticky_source} · generation ${routing.generation}`));
    }

    function drawRollout() {
      if (!rollout) {
        rolloutCard.replaceChildren(h('h2', {}, 'Rollout'), h('p', { class: 'muted', id: 'no-rollout' }, 'No rollout yet.'));
        return;
      }
      const r = rollout;
      const plan = r.step_plan && r.step_plan.length ? r.step_plan : Array.from({ length: r.steps }, (_, i) => `step ${i + 1}`);
      const started = new Map(r.decisions.filter((d) => d.kind === 'step_started').map((d) => [d.step, d.at]));
      const steps = h('ol', { class: 'steps timeline', id: 'steps' }, plan.map((text, i) => {
        const current = !r.finished && i === r.step;
        const ended = r.finished && i === r.step && r.phase !== 'promoted' ? ' ended' : '';
        const at = started.get(i) || (i === r.step && r.step_started_at) || null;
        return h('li', { class: (current ? 'current' : (i < r.step || r.phase === 'promoted' ? 'done' : '')) + ended, 'aria-current': current ? 'step' : null },
          h('span', { class: 'step-text' }, `${i + 1}. ${text}`),
          at ? h('time', { datetime: at }, 'started ' + new Date(at).toLocaleTimeString()) : null,
          ended ? h('span', { class: 'step-end' }, `${r.phase.replace(/_/g, ' ')} here`) : null);
      }));
      const guardrails = h('tbody', {}, r.guardrails.map((g) => {
        const t = g.evidence && g.evidence.test;
        let meter = h('span', { class: 'muted' }, g.evidence && g.evidence.limit != null ? `limit ${g.evidence.limit}` : '—');
        if (t) {
          // log scale: 1 (no evidence) at the left, the threshold at the right end.
          const fill = Math.max(0, Math.min(1, Math.log(Math.max(t.e_value, 1)) / Math.log(t.threshold)));
          meter = h('div', {},
            h('div', { class: 'meter' + (t.e_value >= t.threshold ? ' breached' : ''), title: 'e-value against threshold, log scale' },
              h('i', { style: `width:${(fill * 100).toFixed(1)}%` })),
            h('span', { class: 'mono' }, `e ${t.e_value.toPrecision(3)} / ${t.threshold.toPrecision(3)}`));
        }
        return h('tr', { 'data-guardrail': g.guardrail },
          h('td', {}, g.guardrail, h('div', { class: 'muted' }, g.severity)),
          h('td', {}, g.breached ? h('span', { class: 'breached-text' }, 'breached') : 'holding'),
          h('td', {}, meter),
          h('td', { class: 'summary' }, g.summary || h('span', { class: 'muted' }, 'no evidence yet')));
      }));
      const decisions = h('ul', { class: 'decisions', id: 'decisions' }, [...r.decisions].reverse().map((d) =>
        h('li', {}, h('strong', {}, d.kind.replace(/_/g, ' ')), ` · step ${d.step + 1} · ${when(d.at)}`,
          h('div', {}, d.reason), d.evidence.length ? h('ul', { class: 'evidence' }, d.evidence.map((e) => h('li', {}, e))) : null)));
      const last = r.last_rollback;
      rolloutCard.replaceChildren(
        h('h2', {}, 'Rollout ', phaseBadge(r.phase, 'phase'), ' ', h('span', { class: 'mono muted' }, r.id)),
        h('p', {}, `v${r.stable} → v${r.candidate} (${r.strategy})`, r.finished ? '' : `, step ${r.step + 1} of ${r.steps}`,
          h('br'), h('span', { id: 'reason-text' }, r.reason_text)),
        steps,
        h('h2', { style: 'margin-top:1rem' }, 'Guardrails'),
        h('table', { id: 'guardrails' }, h('thead', {}, h('tr', {}, h('th', {}, 'guardrail'), h('th', {}, 'state'),
          h('th', {}, 'e-value vs threshold'), h('th', {}, 'evidence'))), guardrails),
        last ? h('p', { id: 'last-rollback' }, `Rolled back (${last.trigger}) to v${last.to}: routing switched in ${ms(last.propagation_ms)}` +
          (last.first_request_ms != null ? `, first request on v${last.to} after ${ms(last.first_request_ms)}` : '') + '.') : null,
        h('h2', { style: 'margin-top:1rem' }, 'Evidence over time'),
        evidenceCharts(r),
        h('h2', { style: 'margin-top:1rem' }, 'Decisions'),
        r.decisions.length ? decisions : h('p', { class: 'muted' }, 'None yet.'),
        h('h2', { style: 'margin-top:1rem' }, 'Alert deliveries'),
        alertsTable(r.alerts));
    }

    function drawVersions(list) {
      versionsCard.replaceChildren(h('h2', {}, 'Versions'), h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'version'), h('th', {}, 'aliases'), h('th', { class: 'hide-narrow' }, 'digest'),
          h('th', { class: 'hide-narrow' }, 'created'))),
        h('tbody', {}, [...list.versions].reverse().map((v) => h('tr', {},
          h('td', {}, 'v' + v.version, v.archived ? h('span', { class: 'muted' }, ' (archived)') : null),
          h('td', {}, v.aliases.join(', ')),
          h('td', { class: 'mono hide-narrow', title: v.digest }, v.digest.slice(0, 19) + '…'),
          h('td', { class: 'hide-narrow' }, `${when(v.created_at)} by ${v.created_by}`))))));
    }

    async function refresh() {
      const [r, ro, versions, series] = await Promise.all([api('GET', `/deployments/${enc}/routing`), rolloutOrNull(name),
        api('GET', `/deployments/${enc}/versions`), api('GET', `/deployments/${enc}/signals/series?window=${signals.window}`)]);
      routing = r; rollout = ro;
      if (ro) await evidenceSeriesOf(ro);
      drawRouting(); drawRollout(); drawVersions(versions); signals.draw(series, routing, rollout); updateButtons();
    }

    main.replaceChildren(
      h('div', { class: 'card', id: 'actions' }, h('h2', {}, 'Actions'),
        h('div', { class: 'actions' }, Object.values(buttons), roleNote), confirmBox, result),
      routingCard, signals.el, rolloutCard, versionsCard);
    updateButtons();
    return { refresh };
  }

  // ---- versions: details, evals, the diff between any two -----------------------------------------------------------
  function versionsView(name) {
    const enc = encodeURIComponent(name);
    const list = h('tbody', {});
    const detail = h('div', { class: 'card', id: 'version-detail' }, h('p', { class: 'muted' }, 'Choose a version.'));
    const from = h('select', { id: 'diff-from', 'aria-label': 'from version' });
    const to = h('select', { id: 'diff-to', 'aria-label': 'to version' });
    const diffOut = h('div', { id: 'diff' });
    const compare = h('button', { type: 'button', id: 'diff-run' }, 'Compare');
    compare.addEventListener('click', () => diff().catch((e) => diffOut.replaceChildren(h('p', { class: 'result error' }, e.message))));
    main.replaceChildren(
      h('div', { class: 'card' }, h('h2', {}, 'Versions'), h('table', { id: 'version-list' },
        h('thead', {}, h('tr', {}, h('th', {}, 'version'), h('th', {}, 'aliases'), h('th', {}, 'digest'), h('th', { class: 'hide-narrow' }, 'created'))), list)),
      detail,
      h('div', { class: 'card' }, h('h2', {}, 'Bundle diff'), h('div', { class: 'actions' }, from, h('span', {}, '→'), to, compare), diffOut));

    async function diff() {
      const d = await api('GET', `/deployments/${enc}/diff?from=${from.value}&to=${to.value}`);
      diffOut.replaceChildren(
        h('p', { class: 'mono' }, `v${d.from} ${d.from_digest} → v${d.to} ${d.to_digest}`),
        d.identical ? h('p', { id: 'diff-identical' }, 'Identical: same content, same digest.')
          : h('table', { id: 'diff-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'field'), h('th', {}, 'before'), h('th', {}, 'after'))),
            h('tbody', {}, d.differences.map((x) => h('tr', {}, h('td', { class: 'mono' }, x.path),
              h('td', { class: 'mono before' }, show(x.before)), h('td', { class: 'mono after' }, show(x.after)))))));
    }

    const show = (v) => v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

    function fields(obj, prefix) {
      if (!obj || typeof obj !== 'object') return [];
      return Object.entries(obj).flatMap(([k, v]) => v && typeof v === 'object' && !Array.isArray(v) ? fields(v, prefix + k + '.') : [[prefix + k, show(v)]]);
    }

    async function open(v) {
      for (const tr of list.children) tr.classList.toggle('selected', tr.dataset.version === String(v.version));
      const [full, evals] = await Promise.all([api('GET', `/deployments/${enc}/versions/${v.version}`), api('GET', `/deployments/${enc}/versions/${v.version}/evals`)]);
      const c = full.content || {};
      const section = (title, id, obj) => {
        const rows = fields(obj, '');
        return h('div', { id }, h('h3', {}, title), rows.length
          ? h('dl', { class: 'kv' }, rows.flatMap(([k, val]) => [h('dt', {}, k), h('dd', { class: 'mono' }, val)]))
          : h('p', { class: 'muted' }, 'none recorded'));
      };
      detail.replaceChildren(h('h2', {}, `${name}@${v.version}`),
        h('p', {}, h('span', { class: 'mono', id: 'version-digest' }, full.digest), h('br'),
          `registered ${when(full.created_at)} by ${full.created_by}`, v.aliases.length ? ` · aliases: ${v.aliases.join(', ')}` : '', full.archived ? ' · archived' : ''),
        h('div', { class: 'grid' }, section('Lineage', 'lineage', c.lineage), section('Model', 'model', c.model)),
        h('div', { class: 'grid' }, section('Serving', 'serving', Object.assign({}, c.serving, c.retrieval ? { retrieval: c.retrieval } : {}, c.tokenizer ? { tokenizer: c.tokenizer } : {})), section('Labels', 'labels', c.labels)),
        h('h3', {}, 'Eval reports'),
        evals.evals.length ? h('table', { id: 'evals' }, h('thead', {}, h('tr', {}, h('th', {}, 'when'), h('th', {}, 'mean score'), h('th', {}, 'pass rate'),
          h('th', {}, 'cases'), h('th', { class: 'hide-narrow' }, 'errors'), h('th', { class: 'hide-narrow' }, 'by'))),
        h('tbody', {}, evals.evals.map((e) => h('tr', {}, h('td', {}, when(e.created_at)), h('td', {}, e.mean_score.toFixed(3)), h('td', {}, percent(e.pass_rate)),
          h('td', {}, String(e.cases)), h('td', { class: 'hide-narrow' }, String(e.errors)), h('td', { class: 'hide-narrow' }, e.created_by)))))
          : h('p', { class: 'muted', id: 'evals' }, 'No eval reports (`switchback eval run` adds one).'));
    }

    return once(async () => {
      const all = await api('GET', `/deployments/${enc}/versions?include_archived=true`);
      const versions = [...all.versions].reverse();
      list.replaceChildren(...versions.map((v) => {
        const tr = h('tr', { 'data-version': v.version, class: 'clickable', tabindex: 0 },
          h('td', {}, h('a', { href: 'javascript:void 0' }, 'v' + v.version), v.archived ? h('span', { class: 'muted' }, ' (archived)') : null),
          h('td', {}, v.aliases.join(', ')),
          h('td', { class: 'mono digest', title: v.digest }, v.digest.slice(0, 19) + '…'),
          h('td', { class: 'hide-narrow' }, `${when(v.created_at)} by ${v.created_by}`));
        tr.addEventListener('click', (ev) => { ev.preventDefault(); open(v).catch((e) => detail.replaceChildren(h('p', { class: 'result error' }, e.message))); });
        return tr;
      }));
      const options = (sel, pick) => sel.replaceChildren(...versions.map((v) => h('option', { value: v.version, selected: v.version === pick }, `v${v.version}${v.aliases.length ? ' (' + v.aliases.join(', ') + ')' : ''}`)));
      const stable = versions.find((v) => v.aliases.includes('stable'));
      const newest = versions[0];
      options(to, newest ? newest.version : null);
      options(from, stable && stable !== newest ? stable.version : (versions[1] || newest || {}).version);
      if (newest) await open(stable || newest);
      if (versions.length > 1) await diff();
    });
  }

  // ---- history and audit ------------------------------------------------------------------------------------------
  function historyView(name) {
    const enc = encodeURIComponent(name);
    const PAGE = 25;
    const verdict = h('div', { class: 'card', id: 'audit-verify' }, h('p', { class: 'muted' }, 'Verifying the audit chain…'));
    const body = h('tbody', {});
    const pageNote = h('span', { class: 'muted', id: 'history-page' });
    const prev = h('button', { type: 'button', id: 'history-prev' }, '← Earlier');
    const next = h('button', { type: 'button', id: 'history-next' }, 'Later →');
    const cursors = [''];   // the cursor of every page seen, so Earlier goes back
    let nextCursor = null;
    prev.addEventListener('click', () => { cursors.pop(); load().catch(fail); });
    next.addEventListener('click', () => { if (nextCursor) { cursors.push(nextCursor); load().catch(fail); } });
    const fail = (e) => body.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'result error' }, e.message)));
    main.replaceChildren(verdict, h('div', { class: 'card' }, h('h2', {}, `History of ${name}`),
      h('p', { class: 'muted' }, 'Every audited change of this deployment and every alias move, oldest first.'),
      h('table', { id: 'history' }, h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'when'), h('th', {}, 'who'), h('th', {}, 'what'), h('th', {}, 'reason'))), body),
      h('div', { class: 'actions pager' }, prev, pageNote, next)));

    async function load() {
      const page = await api('GET', `/deployments/${enc}/history?limit=${PAGE}${cursors[cursors.length - 1]}`);
      const rows = [
        ...page.audit.map((e) => ({ key: e.sequence, time: e.time, row: h('tr', { 'data-sequence': e.sequence },
          h('td', {}, String(e.sequence)), h('td', {}, when(e.time)), h('td', {}, e.actor), h('td', {}, h('span', { class: 'mono' }, e.action), ' ', e.target),
          h('td', {}, e.reason || '')) })),
        ...page.alias_events.map((a) => ({ key: 'a' + a.id, time: a.time, row: h('tr', { class: 'alias-move' },
          h('td', { class: 'muted' }, 'alias'), h('td', {}, when(a.time)), h('td', {}, a.actor),
          h('td', {}, `${a.alias}: ${a.from_version == null ? '—' : 'v' + a.from_version} → ${a.to_version == null ? '—' : 'v' + a.to_version}`), h('td', {}, a.reason || '')) })),
      ].sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
      body.replaceChildren(...(rows.length ? rows.map((r) => r.row) : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'Nothing recorded.'))]));
      nextCursor = page.next ? `&after=${page.next.after}&alias_after=${page.next.alias_after}` : null;
      prev.disabled = cursors.length <= 1;
      next.disabled = !nextCursor;
      pageNote.textContent = `page ${cursors.length} · ${page.audit.length} audit entries, ${page.alias_events.length} alias moves`;
    }

    return once(async () => {
      const [v] = await Promise.all([api('GET', '/audit/verify'), load()]);
      verdict.className = 'card ' + (v.ok ? 'verdict-ok' : 'verdict-bad');
      verdict.replaceChildren(h('h2', {}, 'Audit log'), h('p', { id: 'audit-verdict' }, v.ok
        ? `Verified: the hash chain of all ${v.entries_checked} entries is intact (no entry edited or deleted).`
        : `BROKEN at entry ${v.first_broken_sequence} after checking ${v.entries_checked} entries: ${v.problem}`),
      h('p', { class: 'muted' }, 'Checked by the server now (`switchback audit verify`). To detect a cut tail, keep `switchback audit head` outside the store and verify with --anchor.'));
    });
  }

  // ---- drills and runbook -----------------------------------------------------------------------------------------
  // The runbook's Markdown, rendered as DOM nodes (text only, never innerHTML): headings, lists, code blocks, tables,
  // paragraphs, `code` and **bold**. Enough for what /runbook writes; anything else shows as plain text.
  function markdown(text) {
    const out = [];
    const lines = text.split('\n');
    const inline = (t) => t.split(/(`[^`]+`|\*\*[^*]+\*\*)/).filter(Boolean).map((part) =>
      part.startsWith('`') ? h('code', {}, part.slice(1, -1)) : part.startsWith('**') ? h('strong', {}, part.slice(2, -2)) : part);
    for (let i = 0; i < lines.length;) {
      const line = lines[i];
      let m;
      if (line.startsWith('```')) {
        const code = [];
        for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
        out.push(h('pre', {}, code.join('\n'))); i++;
      } else if ((m = line.match(/^(#{1,4})\s+(.*)$/))) {
        out.push(h('h' + Math.min(6, m[1].length + 1), {}, inline(m[2]))); i++;
      } else if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
        const ordered = /^\s*\d+\./.test(line);
        const items = [];
        for (; i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i]); i++) items.push(h('li', {}, inline(lines[i].replace(/^\s*([-*]|\d+\.)\s+/, ''))));
        out.push(h(ordered ? 'ol' : 'ul', {}, items));
      } else if (line.startsWith('|')) {
        const rows = [];
        for (; i < lines.length && lines[i].startsWith('|'); i++) if (!/^\|[\s:|-]+\|$/.test(lines[i])) rows.push(lines[i].slice(1, -1).split('|').map((c) => c.trim()));
        out.push(h('table', {}, rows.map((r, k) => h('tr', {}, r.map((c) => h(k === 0 ? 'th' : 'td', {}, inline(c)))))));
      } else if (line.trim() === '') {
        i++;
      } else {
        // The first line always goes in, so a line no rule above took (say "#tag") cannot stall the loop.
        const para = [lines[i++]];
        for (; i < lines.length && lines[i].trim() !== '' && !/^(#|```|\||\s*([-*]|\d+\.)\s)/.test(lines[i]); i++) para.push(lines[i]);
        out.push(h('p', {}, inline(para.join(' '))));
      }
    }
    return out;
  }

  function opsView(name) {
    const enc = encodeURIComponent(name);
    const drills = h('div', { class: 'card', id: 'drills' }, h('h2', {}, 'Drills'), h('p', { class: 'muted' }, 'Loading…'));
    const runbook = h('div', { class: 'card runbook', id: 'runbook' }, h('p', { class: 'muted' }, 'Loading the runbook…'));
    main.replaceChildren(drills, runbook);
    return once(async () => {
      const [list, text] = await Promise.all([api('GET', `/deployments/${enc}/drills?limit=10`), apiText(`/deployments/${enc}/runbook`)]);
      const items = list.drills || list;
      drills.replaceChildren(h('h2', {}, 'Drills'), h('p', { class: 'muted' }, 'Rehearsed rollbacks, newest first (`switchback drill`), with how long each step took.'),
        ...items.length ? items.map((d) => h('div', { class: 'drill', 'data-drill': d.id },
          h('p', {}, h('strong', { class: d.outcome === 'passed' ? 'ok-text' : 'breached-text' }, d.outcome), d.dry_run ? ' (dry run)' : '',
            ` · target v${d.target} · switch window ${ms(d.switch_window_ms)} · total ${ms(d.total_ms)}`, d.at || d.started_at ? ' · ' + when(d.at || d.started_at) : ''),
          h('table', { class: 'drill-steps' }, h('thead', {}, h('tr', {}, h('th', {}, 'step'), h('th', {}, 'ok'), h('th', {}, 'took'), h('th', {}, 'detail'))),
            h('tbody', {}, d.steps.map((st) => h('tr', {}, h('td', {}, st.name), h('td', {}, st.ok ? 'yes' : h('span', { class: 'breached-text' }, 'no')),
              h('td', {}, ms(st.duration_ms)), h('td', {}, st.detail || ''))))),
          d.findings && d.findings.length ? h('ul', {}, d.findings.map((f) => h('li', {}, typeof f === 'string' ? f : JSON.stringify(f)))) : null))
          : [h('p', { class: 'muted', id: 'no-drills' }, 'No drills yet: `switchback drill ' + name + '` rehearses a rollback.')]);
      runbook.replaceChildren(...markdown(text));
    });
  }

  function tabs(name, current) {
    const enc = encodeURIComponent(name);
    const items = [['overview', '', 'Overview'], ['versions', '/versions', 'Versions'], ['history', '/history', 'History & audit'], ['ops', '/ops', 'Drills & runbook']];
    return h('nav', { class: 'tabs', id: 'tabs' }, h('a', { href: '#/' }, '← Deployments'), h('strong', { class: 'tabs-name' }, name),
      items.map(([key, path, label]) => h('a', { href: `#/d/${enc}${path}`, id: 'tab-' + key, 'aria-current': key === current ? 'page' : null }, label)));
  }

  // A page that loads once (and again on its own buttons): polling it costs nothing.
  function once(load) {
    let loaded = false;
    return { async refresh() { if (!loaded) { await load(); loaded = true; } } };
  }

  // ---- router -----------------------------------------------------------------------------------------------------
  async function route() {
    if (!sessionStorage.getItem(KEY)) { showSignIn(); return; }
    if (!me) {
      try { await whoAmI(); } catch (e) {
        if (e.status === 401) { sessionStorage.removeItem(KEY); showSignIn('The key is no longer valid.'); return; }
        main.replaceChildren(h('p', { class: 'result error' }, e.message));
        return;
      }
    }
    const m = location.hash.match(/^#\/d\/([^/]+)(?:\/(versions|history|ops))?$/);
    if (!m) { show(deploymentsView()); return; }
    const name = decodeURIComponent(m[1]);
    const tab = m[2] || 'overview';
    const page = { overview: deploymentView, versions: versionsView, history: historyView, ops: opsView }[tab](name);
    main.prepend(tabs(name, tab));
    show(page);
  }

  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && view) { clearTimeout(timer); tick(generation); } });
  route();
})();
