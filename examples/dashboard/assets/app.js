// ocppkit dashboard: live updates over Server-Sent Events, hand-drawn SVG
// charts, the Start/Stop buttons and the operator's time zone. Plain
// JavaScript, no build step, no dependencies; served from the binary
// (embed.FS).
//
// The pages are rendered on the server (html/template). This script keeps
// them current:
//   - times: every time on a page is in the browser's zone, labelled in the
//     top bar. The zone's name goes to the server in a cookie (times.go), so
//     it renders in that zone too; <time datetime> elements are re-formatted
//     here with the same layouts either way;
//   - it subscribes to /events?topic=… (broadcast.NewSSEHandler) and
//     reconnects with back-off when the stream drops;
//   - on a status, session or connection event it re-fetches the affected
//     markup from the server (a card, or the page's data-live-region
//     blocks), so every piece of HTML has exactly one template;
//   - meter values are applied directly, per connector: the power and
//     energy of the connector's session, the site total, gauges, charts and
//     the recent meter values table — never for an offline charge point.
(() => {
  'use strict';

  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => Array.from(el.querySelectorAll(sel));
  const body = document.body;
  const page = body.dataset.page;
  const csrf = ($('meta[name="csrf-token"]') || {}).content || '';

  // outletOf is the connector a meter value or status belongs to as the
  // pages number them: the 1.6 connector, the 2.0.1 EVSE.
  const outletOf = (v) => v.evse_id || v.connector_id || 0;

  const MEASURAND = {
    energy: 'Energy.Active.Import.Register',
    power: 'Power.Active.Import',
    current: 'Current.Import',
    voltage: 'Voltage',
    soc: 'SoC',
  };

  // ---------------------------------------------------------------- time

  // The browser's zone goes to the server, which renders in it (times.go).
  const zone = (Intl.DateTimeFormat().resolvedOptions().timeZone) || '';
  if (zone) document.cookie = `ocppkit_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;

  const pad = (n) => String(n).padStart(2, '0');
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

  // tzLabel names the browser's offset at t as offsetLabel in times.go does.
  function tzLabel(t) {
    const off = -new Date(t).getTimezoneOffset();
    if (!off) return 'UTC';
    const a = Math.abs(off);
    return `UTC${off < 0 ? '\u2212' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }
  const dateOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const clockOf = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

  // fmtTime formats like formatTime in times.go: the clock for today,
  // the date and clock otherwise.
  function fmtTime(t) {
    const d = new Date(t);
    return dateOf(d) === dateOf(new Date()) ? clockOf(d) : `${dateOf(d)} ${clockOf(d)}`;
  }
  const fmtTitle = (t) => { const d = new Date(t); return `${WEEKDAYS[d.getDay()]} ${dateOf(d)} ${clockOf(d)} ${tzLabel(t)}`; };

  // timeHTML is the markup of the template function "time".
  function timeHTML(t) {
    const iso = new Date(t).toISOString();
    return `<time datetime="${iso}" title="${fmtTitle(t)}">${fmtTime(t)}</time>`;
  }

  // localizeTimes re-formats the server's times in the browser's zone.
  function localizeTimes(root = document) {
    for (const el of $$('time[datetime]', root)) {
      if (el.hasAttribute('data-ago')) continue;
      const t = Date.parse(el.getAttribute('datetime'));
      if (Number.isNaN(t)) continue;
      el.textContent = fmtTime(t);
      el.title = fmtTitle(t);
    }
    const tz = $('#tz');
    if (tz) {
      tz.textContent = tzLabel(Date.now());
      tz.title = `Times on these pages are in your browser's time zone (${zone || 'local'})`;
    }
  }

  function fmtAgo(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s ago';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ago';
    const h = Math.floor(m / 60);
    if (h < 24) return h + ' h ago';
    return Math.floor(h / 24) + ' d ago';
  }

  // Same format as the template function dur in render.go.
  function fmtDur(sec) {
    sec = Math.max(0, Math.floor(sec));
    const h = Math.floor(sec / 3600);
    const m = Math.floor((sec % 3600) / 60);
    const s = sec % 60;
    if (h) return `${h}h ${pad(m)}m ${pad(s)}s`;
    if (m) return `${m}m ${pad(s)}s`;
    return `${s}s`;
  }

  const fixed = (v, n) => (Number.isFinite(v) ? v.toFixed(n) : '—');
  const toWh = (v, unit) => (unit === 'kWh' ? v * 1000 : v);
  const toW = (v, unit) => (unit === 'kW' ? v * 1000 : v);
  // "L1-N" and "L1" are both phase L1 for the phase table.
  const phaseOf = (p) => (p || '').split('-')[0];

  // Every second: relative times ("12 s ago") and running durations.
  function tick() {
    const now = Date.now();
    for (const el of $$('[data-ago]')) {
      const t = Date.parse(el.dataset.ago);
      if (!Number.isNaN(t)) el.textContent = fmtAgo(now - t);
    }
    for (const el of $$('[data-since]')) {
      const t = Date.parse(el.dataset.since);
      if (!Number.isNaN(t)) el.textContent = fmtDur((now - t) / 1000);
    }
  }

  // ---------------------------------------------------------------- helpers

  function toast(msg, isError) {
    const box = $('#toasts');
    if (!box) return;
    const el = document.createElement('div');
    el.className = 'toast' + (isError ? ' error' : '');
    el.textContent = msg;
    box.appendChild(el);
    setTimeout(() => el.remove(), isError ? 8000 : 4000);
  }

  // api calls the JSON API with the session cookie and the CSRF header.
  async function api(method, url, payload) {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    if (res.status === 401) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('login required');
    }
    let data = null;
    try { data = await res.json(); } catch (_) { /* empty body */ }
    if (!res.ok) throw new Error((data && data.error) || res.statusText);
    return data;
  }

  async function fetchHTML(url) {
    const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (res.status === 401 || (res.redirected && new URL(res.url).pathname === '/login')) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('login required');
    }
    if (!res.ok) throw new Error(res.statusText);
    return res.text();
  }

  // debouncer coalesces bursts of events per key into one call.
  function debouncer(ms) {
    const timers = new Map();
    return (key, fn) => {
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(() => { timers.delete(key); fn(); }, ms));
    };
  }
  const later = debouncer(150);

  // ---------------------------------------------------------------- events

  // connectEvents subscribes to topics on /events. EventSource reconnects by
  // itself after a dropped stream (sending Last-Event-ID, so the server
  // replays what was missed); when the server refuses the stream instead
  // (restart, expired login) it gives up, and we reopen it with back-off,
  // passing the last event id ourselves and resynchronising the page.
  // onOpen, when given, runs each time the stream opens: what happened
  // before the first subscription is not replayed.
  function connectEvents(topics, onEvent, onResync, onOpen) {
    const live = $('#live');
    const setState = (state, text) => {
      if (!live) return;
      live.dataset.state = state;
      $('.txt', live).textContent = text;
    };
    let lastId = '';
    let delay = 1000;
    let hadError = false;

    function open() {
      const q = new URLSearchParams();
      for (const t of topics) q.append('topic', t);
      if (lastId) q.set('lastEventId', lastId);
      const es = new EventSource('/events?' + q.toString());
      setState('connecting', 'Connecting…');
      es.onopen = () => {
        setState('open', 'Live');
        delay = 1000;
        if (onOpen) onOpen();
        if (hadError && onResync) onResync();
        hadError = false;
      };
      for (const t of topics) {
        es.addEventListener(t, (e) => {
          if (e.lastEventId) lastId = e.lastEventId;
          let data;
          try { data = JSON.parse(e.data); } catch (_) { return; }
          onEvent(t, data);
        });
      }
      es.onerror = () => {
        hadError = true;
        if (es.readyState !== EventSource.CLOSED) {
          setState('connecting', 'Reconnecting…');
          return;
        }
        es.close();
        setState('closed', 'Offline — retrying');
        // A refused stream may mean the login expired: api() redirects on 401.
        api('GET', '/api/stats').catch(() => {});
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
  }

  // refreshRegions re-renders the page's data-live-region blocks from a fresh
  // copy of the page.
  async function refreshRegions() {
    const html = await fetchHTML(location.pathname + location.search);
    const doc = new DOMParser().parseFromString(html, 'text/html');
    for (const el of $$('[data-live-region]')) {
      const fresh = doc.querySelector(`[data-live-region="${el.dataset.liveRegion}"]`);
      if (fresh) el.replaceWith(document.adoptNode(fresh));
    }
    localizeTimes();
    tick();
    document.dispatchEvent(new Event('regions-updated'));
  }

  function commandToast(identity, ev) {
    if (!ev || !ev.action || ev.status === 'pending' || ev.status === 'sent') return;
    const who = identity || 'charge point';
    if (ev.status === 'succeeded' || ev.status === 'completed') {
      const st = ev.response && ev.response.status ? ev.response.status : 'done';
      toast(`${who}: ${ev.action} ${st}`, st === 'Rejected');
    } else {
      toast(`${who}: ${ev.action} ${ev.status}${ev.error || ev.error_description ? ' — ' + (ev.error || ev.error_description) : ''}`, true);
    }
  }

  // ---------------------------------------------------------------- remote start / stop

  // The Start and Stop buttons of cards and connector panels: Start names
  // its connector, Stop the session (and connector) it stops.
  function startStopButtons(cpIDOf) {
    document.addEventListener('click', async (e) => {
      const btn = e.target.closest('button[data-action="start"], button[data-action="stop"]');
      if (!btn) return;
      const cpID = cpIDOf(btn);
      if (!cpID) return;
      btn.disabled = true;
      try {
        let res;
        if (btn.dataset.action === 'start') {
          const tag = ($('#start-id-tag') || {}).value || body.dataset.idTag;
          res = await api('POST', `/api/charge_points/${cpID}/remote_start`, { connector_id: Number(btn.dataset.connector || 0), id_tag: tag });
        } else {
          res = await api('POST', `/api/charge_points/${cpID}/remote_stop`, { session_id: Number(btn.dataset.session), connector_id: Number(btn.dataset.connector || 0) });
        }
        toast(res.message || 'Sent');
      } catch (err) {
        toast(`${btn.dataset.action === 'start' ? 'Start' : 'Stop'}: ${err.message}`, true);
        btn.disabled = false;
      }
    });
  }

  // ---------------------------------------------------------------- charts

  // Chart draws time series as SVG lines (one per key, e.g. per connector)
  // with grid, axes (the y axis with its unit, the x axis in the browser's
  // zone) and, for several series, a legend. Points are {t: epoch ms, v}.
  // The x axis spans the data — no padding — unless domain() fixes it (a
  // session from its start to its end); windowMs keeps the last windowMs.
  const PALETTE = ['#2563eb', '#d97706', '#db2777', '#059669'];

  class Chart {
    constructor(el, opts) {
      this.el = el;
      this.unit = el.dataset.unit || '';
      this.color = el.dataset.color || '#2563eb';
      this.windowMs = opts.windowMs || 0;
      this.zero = !!opts.zero;
      this.label = opts.label || ((k) => String(k));
      this.fixed = null; // [t0, t1] or null
      this.series = new Map();
      window.addEventListener('resize', () => this.draw());
      this.draw();
    }

    // domain fixes the x axis to [t0, t1]; t1 null: up to the last point.
    domain(t0, t1) { this.fixed = [t0, t1]; this.draw(); }

    // set replaces the data: a Map from series key to points.
    set(series) {
      this.series = new Map();
      for (const [k, pts] of series) this.series.set(k, pts.slice().sort((a, b) => a.t - b.t));
      this.draw();
    }

    add(key, t, v) {
      let p = this.series.get(key);
      if (!p) { p = []; this.series.set(key, p); }
      if (p.length && p[p.length - 1].t === t) p[p.length - 1].v = v;
      else {
        p.push({ t, v });
        if (p.length > 1 && p[p.length - 2].t > t) p.sort((a, b) => a.t - b.t);
      }
      if (this.windowMs) {
        const from = Date.now() - this.windowMs;
        while (p.length && p[0].t < from) p.shift();
      }
      this.draw();
    }

    // latest returns the last point of each series.
    latest() {
      const out = new Map();
      for (const [k, pts] of this.series) if (pts.length) out.set(k, pts[pts.length - 1]);
      return out;
    }

    draw() {
      const el = this.el;
      const W = el.clientWidth || 480;
      const H = el.clientHeight || 230;
      const keys = Array.from(this.series.keys()).sort((a, b) => String(a).localeCompare(String(b), undefined, { numeric: true }));
      const all = keys.flatMap((k) => this.series.get(k));
      const L = 48, R = 14, T = 26, B = 24;
      el.dataset.points = String(all.length);
      if (!all.length) {
        el.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img"><text class="nodata" x="${W / 2}" y="${H / 2}" text-anchor="middle">Waiting for meter values…</text></svg>`;
        return;
      }
      let t0 = Math.min(...all.map((p) => p.t));
      let t1 = Math.max(...all.map((p) => p.t));
      if (this.windowMs) t0 = Math.max(t0, t1 - this.windowMs);
      if (this.fixed) {
        t0 = this.fixed[0];
        if (this.fixed[1] != null) t1 = this.fixed[1];
      }
      if (t1 - t0 < 1000) { t0 -= 500; t1 += 500; } // one instant: a second around it
      el.dataset.t0 = String(t0);
      el.dataset.t1 = String(t1);
      let lo = Math.min(...all.map((p) => p.v));
      let hi = Math.max(...all.map((p) => p.v));
      if (this.zero) lo = Math.min(0, lo);
      if (hi - lo < 1e-9) { hi += 1; if (!this.zero) lo -= 1; }
      const ticks = niceTicks(lo, hi, 4);
      lo = ticks[0];
      hi = ticks[ticks.length - 1];
      const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
      const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);

      let out = '<g class="grid">';
      for (const v of ticks) out += `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}"/>`;
      out += '</g><g class="axis">';
      const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
      for (const v of ticks) out += `<text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${fmtTick(v, step)}</text>`;
      out += `<text class="unit" data-axis="y" x="${L - 8}" y="12" text-anchor="end">${this.unit}</text>`;
      out += `<text class="unit" data-axis="x" x="${W - R}" y="12" text-anchor="end">${tzLabel(t1)}</text>`;
      const n = Math.max(2, Math.min(5, Math.floor((W - L - R) / 110)));
      for (let i = 0; i < n; i++) {
        const t = t0 + ((t1 - t0) * i) / (n - 1);
        const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
        const label = clockOf(new Date(t)).slice(0, (t1 - t0) > 30 * 60e3 ? 5 : 8);
        out += `<text x="${x(t)}" y="${H - 6}" text-anchor="${anchor}">${label}</text>`;
      }
      out += '</g>';
      // The legend fits between the unit and the zone label: full labels
      // when there is room, the bare keys otherwise (a phone).
      const short = L + 6 + keys.length * 96 > W - R - 70;
      const gap = short ? 36 : 96;
      keys.forEach((k, i) => {
        const color = keys.length > 1 ? PALETTE[i % PALETTE.length] : this.color;
        const shown = this.series.get(k).filter((p) => p.t >= t0 && p.t <= t1);
        if (!shown.length) return;
        const line = shown.map((p, j) => `${j ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
        if (keys.length === 1) {
          out += `<path class="area" fill="${color}" d="${line}L${x(shown[shown.length - 1].t).toFixed(1)},${y(lo)}L${x(shown[0].t).toFixed(1)},${y(lo)}Z"/>`;
        }
        const last = shown[shown.length - 1];
        out += `<path class="line" stroke="${color}" d="${line}"/><circle cx="${x(last.t)}" cy="${y(last.v)}" r="3.5" fill="${color}"/>`;
        if (keys.length > 1) {
          const lx = L + 6 + i * gap;
          out += `<g class="legend"><rect x="${lx}" y="6" width="12" height="4" rx="2" fill="${color}"/><text x="${lx + 17}" y="12">${short ? k : this.label(k)}</text></g>`;
        }
      });
      el.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${this.unit} over time">${out}</svg>`;
    }
  }

  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    const raw = span / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const start = Math.floor(lo / step) * step;
    const ticks = [];
    for (let v = start; v <= hi + step * 0.999; v += step) ticks.push(+v.toFixed(10));
    if (ticks.length < 2) ticks.push(start + step);
    return ticks;
  }

  // fmtTick shows as many decimals as the tick step needs.
  function fmtTick(v, step) {
    if (Math.abs(v) >= 10000) return (v / 1000).toFixed(0) + 'k';
    let d = 0;
    while (d < 6 && Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) > 1e-6) d++;
    return v.toFixed(d);
  }

  // byConnector turns grouped meter values of one measurand into chart
  // series, one per connector: the values without a phase, or the sum over
  // the phases per timestamp when the charge point only reports per phase.
  function byConnector(values, conv) {
    const out = new Map();
    if (!values) return out;
    const plain = values.filter((v) => !v.phase);
    const sums = new Map();
    for (const v of plain.length ? plain : values) {
      const c = outletOf(v);
      const t = Date.parse(v.timestamp);
      if (!sums.has(c)) sums.set(c, new Map());
      const m = sums.get(c);
      m.set(t, (m.get(t) || 0) + conv(v.value, v.unit));
    }
    for (const [c, m] of sums) out.set(c, Array.from(m, ([t, v]) => ({ t, v })).sort((a, b) => a.t - b.t));
    return out;
  }

  // relative rebases each series on its first value (energy delivered
  // since the start of the window, rather than the meter register).
  function relative(series, base) {
    for (const [c, pts] of series) {
      if (!pts.length) continue;
      if (!base.has(c)) base.set(c, pts[0].v);
      series.set(c, pts.map((p) => ({ t: p.t, v: p.v - base.get(c) })));
    }
    return series;
  }

  // sessionEnergy updates the energy of a session's table rows.
  function sessionEnergy(mv) {
    if (mv.measurand !== MEASURAND.energy || mv.phase || mv.session_id == null) return;
    for (const row of $$(`tr[data-session-id="${mv.session_id}"][data-state="active"]`)) {
      const el = $('[data-field="energy"]', row);
      if (el) el.textContent = fixed((toWh(mv.value, mv.unit) - Number(row.dataset.meterStart || 0)) / 1000, 2);
    }
  }

  // applyToConnector writes a meter value of an active session into the
  // element of its connector (a card row or a connector panel): the
  // session's energy and power.
  function applyToConnector(el, mv) {
    if (!el || mv.phase || !el.dataset.sessionId || String(mv.session_id) !== el.dataset.sessionId) return false;
    if (mv.measurand === MEASURAND.power) {
      const p = $('[data-field="power"]', el);
      el.dataset.powerW = String(toW(mv.value, mv.unit));
      if (p) p.textContent = fixed(toW(mv.value, mv.unit) / 1000, 2);
      return true;
    }
    if (mv.measurand === MEASURAND.energy) {
      const e = $('[data-field="energy"]', el);
      if (e) e.textContent = fixed((toWh(mv.value, mv.unit) - Number(el.dataset.meterStart || 0)) / 1000, 2);
      return true;
    }
    return false;
  }

  // copy buttons and confirmations of the back office forms
  document.addEventListener('click', (e) => {
    const btn = e.target.closest('[data-copy]');
    if (!btn) return;
    const el = $(btn.dataset.copy);
    if (el && navigator.clipboard) navigator.clipboard.writeText(el.textContent).then(() => toast('Copied'), () => {});
  });
  document.addEventListener('submit', (e) => {
    const f = e.target.closest('form[data-confirm]');
    if (f && !window.confirm(f.dataset.confirm)) e.preventDefault();
  });

  // ---------------------------------------------------------------- pages

  // Dashboard: stats, one card per charge point and the active sessions,
  // all from the charge_points topic (broadcast.AllChargePointsTopic), whose
  // events are envelopes {topic, charge_point_id, kind, data}.
  function dashboard() {
    const cards = $('#cards');
    const cardOf = (id) => $(`.cp-card[data-cp-id="${id}"]`, cards);

    async function refreshCard(id) {
      const html = await fetchHTML(`/charge_points/${id}/card`);
      const tpl = document.createElement('template');
      tpl.innerHTML = html.trim();
      const fresh = tpl.content.firstElementChild;
      if (!fresh) return;
      const old = cardOf(id);
      if (old) old.replaceWith(fresh);
      else {
        cards.appendChild(fresh);
        const empty = $('#no-cards');
        if (empty) empty.remove();
      }
      fresh.classList.add('flash');
      setTimeout(() => fresh.classList.remove('flash'), 800);
      localizeTimes(fresh);
      tick();
    }

    // The site totals of a card and the power stat follow the connectors.
    function sumPower(card) {
      if (card && card.dataset.connected === 'true') {
        let w = 0;
        for (const row of $$('.conn[data-session-id]', card)) w += Number(row.dataset.powerW || 0);
        const site = $('[data-field="site-power"]', card);
        if (site && $$('.conn[data-power-w]', card).length) site.textContent = fixed(w / 1000, 2);
      }
      let total = 0;
      for (const c of $$('.cp-card[data-connected="true"]', cards)) {
        const site = $('[data-field="site-power"]', c);
        if (site) total += Number(site.textContent) || 0;
      }
      const st = $('[data-stat="power_kw"]');
      if (st) st.textContent = fixed(total, 2);
    }

    // Readings already on the card are kept in data-power-w for the sums.
    for (const row of $$('.conn[data-session-id]', cards)) {
      const p = $('[data-field="power"]', row);
      if (p && Number.isFinite(Number(p.textContent))) row.dataset.powerW = String(Number(p.textContent) * 1000);
    }
    document.addEventListener('regions-updated', () => {});

    async function refreshAll() {
      const list = await api('GET', '/api/charge_points');
      await Promise.all(list.map((cp) => refreshCard(cp.id)));
      await refreshRegions();
    }

    connectEvents(['charge_points'], (_topic, env) => {
      const id = env.charge_point_id;
      switch (env.kind) {
        case 'sessions':
        case 'status':
        case 'connection':
          later('card' + id, () => refreshCard(id).catch(() => {}));
          later('regions', () => refreshRegions().catch(() => {}));
          break;
        case 'meter_values': {
          const card = cardOf(id);
          if (!card || card.dataset.connected !== 'true') break; // offline means offline
          const row = $(`.conn[data-connector="${outletOf(env.data)}"]`, card);
          if (applyToConnector(row, env.data) && env.data.measurand === MEASURAND.power) sumPower(card);
          sessionEnergy(env.data);
          break;
        }
        case 'commands': {
          const card = cardOf(id);
          commandToast(card && card.dataset.identity, env.data);
          break;
        }
      }
    }, () => { refreshAll().catch(() => {}); });

    // The periodic refresh: heartbeats and today's energy change without
    // events of their own.
    setInterval(() => refreshRegions().catch(() => {}), 15000);
    startStopButtons((btn) => { const c = btn.closest('.cp-card'); return c && c.dataset.cpId; });
  }

  // Charge point page: per charge point topics, as a host would subscribe
  // to one charge point (broadcast.StatusTopic(id), SessionsTopic(id), …).
  // Each connector panel shows its own readings; the charts draw one line
  // per connector.
  function chargePoint() {
    const id = body.dataset.cpId;
    const topic = (kind) => `charge_point_${id}_${kind}`;
    const label = (c) => 'Connector ' + c;
    const power = new Chart($('#chart-power'), { windowMs: 3600e3, zero: true, label });
    const energy = new Chart($('#chart-energy'), { windowMs: 3600e3, zero: true, label });
    const energyBase = new Map(); // connector → register (kWh) at the start of the chart
    const latest = new Map(); // connector → Map(measurand|phase → meter value)
    const online = () => { const h = $('#cp-head'); return h && h.dataset.connected === 'true'; };
    const panelOf = (c) => $(`.conn-panel[data-connector="${c}"]`);

    function remember(mv) {
      const c = outletOf(mv);
      if (!latest.has(c)) latest.set(c, new Map());
      latest.get(c).set(mv.measurand + '|' + phaseOf(mv.phase), mv);
    }

    // showGauges renders each connector's latest readings in its panel;
    // an offline charge point shows none.
    function showGauges() {
      for (const panel of $$('.conn-panel')) {
        const m = (online() && latest.get(Number(panel.dataset.connector))) || new Map();
        const get = (measurand, phase) => m.get(measurand + '|' + (phase || ''));
        const p = get(MEASURAND.power);
        const e = get(MEASURAND.energy);
        const soc = get(MEASURAND.soc);
        $('[data-gauge="power"]', panel).textContent = p ? fixed(toW(p.value, p.unit) / 1000, 2) : '—';
        $('[data-gauge="energy"]', panel).textContent = e ? fixed(toWh(e.value, e.unit) / 1000, 2) : '—';
        $('[data-gauge="soc"]', panel).textContent = soc ? fixed(soc.value, 0) : '—';
        $('[data-gauge="soc-bar"]', panel).style.width = soc ? Math.max(0, Math.min(100, soc.value)) + '%' : '0';
        for (const el of $$('[data-phase]', panel)) {
          const [measurand, phase] = el.dataset.phase.split(':');
          const v = get(measurand, phase);
          el.textContent = v ? fixed(v.value, 1) + (measurand === MEASURAND.voltage ? ' V' : ' A') : '—';
        }
        let newest = 0;
        for (const v of m.values()) newest = Math.max(newest, Date.parse(v.timestamp));
        const at = $('[data-reading-at]', panel);
        if (at) {
          if (!online()) at.textContent = 'Offline: no live readings.';
          else if (newest) at.innerHTML = 'Latest reading ' + timeHTML(newest);
          else at.textContent = '';
        }
        if (e) applyToConnector(panel, e);
        if (p) applyToConnector(panel, p);
      }
      showTotals();
    }

    // The site power is the sum over the connectors' sessions; the chart
    // headers show the totals too.
    function showTotals() {
      let kw = 0;
      for (const panel of $$('.conn-panel[data-session-id]')) {
        const m = latest.get(Number(panel.dataset.connector));
        const p = m && m.get(MEASURAND.power + '|');
        if (p && String(p.session_id) === panel.dataset.sessionId) kw += toW(p.value, p.unit) / 1000;
      }
      let kwh = 0;
      for (const pt of energy.latest().values()) kwh += pt.v;
      const site = $('[data-site="power"]');
      if (site && online()) site.textContent = fixed(kw, 2);
      $('[data-now="power"]').textContent = online() ? fixed(kw, 2) + ' kW' : '—';
      $('[data-now="energy"]').textContent = fixed(kwh, 2) + ' kWh';
    }
    document.addEventListener('regions-updated', showGauges);

    function addRow(mv) {
      const tbody = $('#recent-meter-values');
      const tr = document.createElement('tr');
      tr.className = 'new';
      const cells = [[null, '', timeHTML(Date.parse(mv.timestamp))], [String(outletOf(mv)), 'num'], [mv.measurand], [mv.phase || '—'], [String(mv.value), 'num'], [mv.unit], [mv.context]];
      for (const [text, cls, html] of cells) {
        const td = document.createElement('td');
        if (html) td.innerHTML = html; else td.textContent = text == null ? '' : text;
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      tbody.prepend(tr);
      while (tbody.rows.length > 30) tbody.deleteRow(-1);
    }

    async function loadMeterValues() {
      const groups = await api('GET', `/api/charge_points/${id}/meter_values`);
      power.set(byConnector(groups[MEASURAND.power], (v, u) => toW(v, u) / 1000));
      energyBase.clear();
      energy.set(relative(byConnector(groups[MEASURAND.energy], (v, u) => toWh(v, u) / 1000), energyBase));
      latest.clear();
      for (const values of Object.values(groups)) for (const v of values) remember(v);
      showGauges();
    }

    connectEvents([topic('status'), topic('sessions'), topic('meter_values'), topic('connection'), topic('commands')], (t, mv) => {
      if (t === topic('meter_values')) {
        remember(mv);
        addRow(mv);
        const ts = Date.parse(mv.timestamp);
        const c = outletOf(mv);
        if (!mv.phase && mv.measurand === MEASURAND.power) power.add(c, ts, toW(mv.value, mv.unit) / 1000);
        if (!mv.phase && mv.measurand === MEASURAND.energy) {
          const kwh = toWh(mv.value, mv.unit) / 1000;
          if (!energyBase.has(c)) energyBase.set(c, kwh);
          energy.add(c, ts, kwh - energyBase.get(c));
        }
        sessionEnergy(mv);
        later('gauges', showGauges);
      } else if (t === topic('commands')) {
        commandToast(body.dataset.identity, mv);
      } else {
        later('regions', () => refreshRegions().catch(() => {}));
      }
    }, () => {
      refreshRegions().catch(() => {});
      loadMeterValues().catch(() => {});
    });
    loadMeterValues().catch((err) => toast('Meter values: ' + err.message, true));
    startStopButtons(() => id);
  }

  // Sessions page: re-render the table when a session starts or stops,
  // tick the energy of active sessions from meter values.
  function sessions() {
    connectEvents(['charge_points'], (_t, env) => {
      if (env.kind === 'sessions' || env.kind === 'connection') later('regions', () => refreshRegions().catch(() => {}));
      if (env.kind === 'meter_values') sessionEnergy(env.data);
    }, () => refreshRegions().catch(() => {}));
  }

  // Session page: its meter values as charts from its start to its end
  // (or its latest reading while active), live while it is active.
  function session() {
    const sid = body.dataset.sessionId;
    const cpID = body.dataset.cpId;
    const power = new Chart($('#chart-power'), { zero: true });
    const energy = new Chart($('#chart-energy'), { zero: true });
    const meterStart = Number(body.dataset.meterStart || 0);

    function setDomain() {
      const facts = $('#session-facts');
      const t0 = Date.parse(facts.dataset.started);
      const t1 = facts.dataset.stopped ? Date.parse(facts.dataset.stopped) : null;
      power.domain(t0, t1);
      energy.domain(t0, t1);
    }
    setDomain();
    document.addEventListener('regions-updated', setDomain);

    async function load() {
      const groups = await api('GET', `/api/sessions/${sid}/meter_values`);
      power.set(byConnector(groups[MEASURAND.power], (v, u) => toW(v, u) / 1000));
      energy.set(byConnector(groups[MEASURAND.energy], (v, u) => (toWh(v, u) - meterStart) / 1000));
      const p = Array.from(power.latest().values())[0];
      const e = Array.from(energy.latest().values())[0];
      if (p) $('[data-now="power"]').textContent = fixed(p.v, 2) + ' kW';
      if (e) $('[data-now="energy"]').textContent = fixed(e.v, 2) + ' kWh';
    }
    load().catch((err) => toast('Meter values: ' + err.message, true));

    if ($('#session-facts').dataset.state !== 'completed') {
      connectEvents([`charge_point_${cpID}_sessions`, `charge_point_${cpID}_meter_values`, `charge_point_${cpID}_connection`], (t, data) => {
        if (!t.endsWith('_meter_values')) {
          later('regions', () => refreshRegions().catch(() => {}));
          return;
        }
        if (String(data.session_id) !== sid || data.phase) return;
        const ts = Date.parse(data.timestamp);
        if (data.measurand === MEASURAND.power) {
          const kw = toW(data.value, data.unit) / 1000;
          power.add(outletOf(data), ts, kw);
          $('[data-now="power"]').textContent = fixed(kw, 2) + ' kW';
        } else if (data.measurand === MEASURAND.energy) {
          const kwh = (toWh(data.value, data.unit) - meterStart) / 1000;
          energy.add(outletOf(data), ts, kwh);
          $('[data-now="energy"]').textContent = fixed(kwh, 2) + ' kWh';
          const el = $('[data-live-region="session"] [data-field="energy"]');
          if (el) el.textContent = fixed(kwh, 2);
        }
      }, () => { refreshRegions().catch(() => {}); load().catch(() => {}); });
    }
  }

  // Device model page (2.0.1): a report arrives in parts after
  // GetBaseReport; each recorded part re-renders the table.
  function deviceModel() {
    const id = body.dataset.cpId;
    const refresh = () => later('regions', () => refreshRegions().catch(() => {}));
    // A report's parts may be recorded before the stream opens.
    connectEvents([`charge_point_${id}_settings`, `charge_point_${id}_connection`], refresh, refresh, refresh);
  }

  localizeTimes();
  tick();
  setInterval(tick, 1000);
  ({ dashboard, 'charge-point': chargePoint, sessions, session, 'device-model': deviceModel }[page] || (() => {}))();
})();
