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

  // ---- deployments ------------------------------------------------------------------------------------------------
  function deploymentsView() {
    const body = h('tbody', {});
    main.replaceChildren(h('h1', {}, 'Deployments'), h('div', { class: 'card' },
      h('table', { id: 'deployments' },
        h('thead', {}, h('tr', {}, h('th', {}, 'deployment'), h('th', {}, 'stable'), h('th', {}, 'candidate'),
          h('th', {}, 'weights'), h('th', {}, 'rollout'), h('th', { class: 'hide-narrow' }, 'step'))),
        body)));
    return {
      async refresh() {
        const list = await api('GET', '/deployments');
        const rows = await Promise.all(list.deployments.map(async (d) => {
          const enc = encodeURIComponent(d.name);
          const [routing, rollout] = await Promise.all([api('GET', `/deployments/${enc}/routing`), rolloutOrNull(d.name)]);
          return h('tr', { 'data-deployment': d.name },
            h('td', {}, h('a', { href: '#/d/' + enc }, d.name)),
            h('td', {}, 'v' + routing.stable),
            h('td', {}, routing.candidate == null ? '—' : 'v' + routing.candidate),
            h('td', {}, weightsText(routing)),
            h('td', {}, rollout ? phaseBadge(rollout.phase) : h('span', { class: 'muted' }, 'none')),
            h('td', { class: 'hide-narrow' }, rollout && !rollout.finished ? `${rollout.step + 1}/${rollout.steps}: ${rollout.step_description || ''}` : ''));
        }));
        body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No deployments yet: register a bundle with `switchback apply`.'))]));
      },
    };
  }

  // ---- one deployment ---------------------------------------------------------------------------------------------
  function deploymentView(name) {
    const enc = encodeURIComponent(name);
    const routingCard = h('div', { class: 'card', id: 'routing' });
    const rolloutCard = h('div', { class: 'card', id: 'rollout' });
    const versionsCard = h('div', { class: 'card', id: 'versions' });
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
      const steps = h('ol', { class: 'steps', id: 'steps' }, plan.map((text, i) => {
        const current = !r.finished && i === r.step;
        return h('li', { class: current ? 'current' : (i < r.step || r.phase === 'promoted' ? 'done' : ''), 'aria-current': current ? 'step' : null },
          `${i + 1}. ${text}`);
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
        h('h2', { style: 'margin-top:1rem' }, 'Decisions'),
        r.decisions.length ? decisions : h('p', { class: 'muted' }, 'None yet.'));
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
      const [r, ro, versions] = await Promise.all([api('GET', `/deployments/${enc}/routing`), rolloutOrNull(name), api('GET', `/deployments/${enc}/versions`)]);
      routing = r; rollout = ro;
      drawRouting(); drawRollout(); drawVersions(versions); updateButtons();
    }

    main.replaceChildren(
      h('p', {}, h('a', { href: '#/' }, '← Deployments')),
      h('h1', {}, name),
      h('div', { class: 'card', id: 'actions' }, h('h2', {}, 'Actions'),
        h('div', { class: 'actions' }, Object.values(buttons), roleNote), confirmBox, result),
      routingCard, rolloutCard, versionsCard);
    updateButtons();
    return { refresh };
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
    const m = location.hash.match(/^#\/d\/([^/]+)$/);
    show(m ? deploymentView(decodeURIComponent(m[1])) : deploymentsView());
  }

  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && view) { clearTimeout(timer); tick(generation); } });
  route();
})();
