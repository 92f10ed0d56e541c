// The message log panel of the charge point page: the last frames the
// Central System exchanged with the charge point (a CALL and its reply per
// row), newest first, kept
// current by polling GET /api/charge_points/{identity}/messages?after=<id>
// (the message log API of ocppkit's commands handler). Plain JavaScript.
(() => {
  'use strict';

  const panel = document.getElementById('message-log');
  const identity = document.body.dataset.identity;
  if (!panel || !identity) return;
  const rows = document.getElementById('message-log-rows');
  const live = document.getElementById('message-log-follow');
  const MAX_ROWS = 200;
  let last = 0; // id of the newest frame shown
  let timer = 0;

  const url = (query) => '/api/charge_points/' + encodeURIComponent(identity) + '/messages?' + query;
  const pad = (n) => String(n).padStart(2, '0');
  const clock = (iso) => {
    const d = new Date(iso);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  };

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  // add puts frames (oldest first) on top of the table.
  function add(frames) {
    if (frames.length === 0) {
      if (last === 0) rows.innerHTML = '<tr><td colspan="7" class="empty">No frames logged yet.</td></tr>';
      return;
    }
    if (last === 0) rows.textContent = '';
    for (const m of frames) {
      const tr = document.createElement('tr');
      tr.dataset.id = m.id;
      cell(tr, clock(m.created_at));
      cell(tr, m.direction === 'in' ? 'charge point' : 'CSMS');
      cell(tr, m.action || (m.message_type === 0 ? 'not OCPP-J' : '—'));
      cell(tr, m.message_id || '—', 'mono');
      cell(tr, m.frame, m.message_type === 4 ? 'frame error' : 'frame');
      cell(tr, m.reply_frame || '—', m.reply_type === 4 ? 'frame error' : 'frame');
      cell(tr, m.replied_at ? String(Math.max(0, new Date(m.replied_at) - new Date(m.created_at))) : '—', 'num');
      rows.insertBefore(tr, rows.firstChild);
      last = Math.max(last, m.id);
    }
    while (rows.children.length > MAX_ROWS) rows.removeChild(rows.lastChild);
  }

  async function poll() {
    clearTimeout(timer);
    try {
      const res = await fetch(url(last ? 'after=' + last + '&limit=200' : 'limit=50'),
        { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) add((await res.json()).messages || []);
    } catch (e) {
      // offline for a moment: try again at the next tick
    }
    if (live.checked) timer = setTimeout(poll, document.hidden ? 10000 : 2000);
  }

  live.addEventListener('change', () => { if (live.checked) poll(); else clearTimeout(timer); });
  poll();
})();
