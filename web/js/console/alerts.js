// Alerts and cases (#/alerts): the case queue with its actions (managers) and audit history, and
// the live alerts since sign-in.
import { claims } from '../token.js';
import { h, fill, setText } from '../dom.js';
import { tpName } from '../i18n.js';
import * as fmt from '../format.js';
import { prefs, state, t } from './state.js';
import { shortTime, panel, waiting, throttled, errorText, reasonName } from './shared.js';
import { renderComments } from './live-comments.js';

export function alertsView() {
  const list = h('div', { class: 'comments', id: 'alerts-list' });
  const queue = casesPanel();
  const el = h('div', { class: 'panels cases-layout' },
    panel(t('casesQueue'), queue.el),
    panel(t('liveAlerts'), list));
  let lastCases = null;
  return {
    name: 'alerts', nav: 'alerts', el,
    update(alert) {
      renderComments(list, null);
      // The queue follows the live stream: a case alert, or the scorecards' open/overdue counts moving.
      const c = state.data && state.data.overall && state.data.overall.cases;
      const key = c ? `${c.open}|${c.overdue}` : null;
      if (alert && (alert.kind === 'case' || alert.kind === 'sla-breach')) queue.poke();
      else if (key !== lastCases) { if (lastCases !== null) queue.poke(); }
      lastCases = key;
    },
    dispose() { queue.dispose(); },
  };
}

function canAct() {
  const roles = (claims(state.token) || {}).roles || [];
  return roles.includes('manager') || roles.includes('admin');
}

const NEXT_STATUS = { open: ['contacted', 'closed'], contacted: ['resolved', 'closed'], resolved: [], closed: [] };

/**
 * The case queue: GET /api/v1/cases with status and overdue filters, newest first, "load more";
 * a case opens to its audit history (GET /api/v1/cases/{id}) and, for managers, its actions
 * (PATCH /api/v1/cases/{id} with If-Match: assign to me, contacted, resolve, close, with a note).
 */
function casesPanel() {
  const status = h('select', { id: 'cases-status', 'aria-label': t('caseStatus') },
    [['open,contacted', t('cs_active')], ['open', t('cs_open')], ['contacted', t('cs_contacted')], ['resolved', t('cs_resolved')],
      ['closed', t('cs_closed')], ['', t('cs_all')]].map(([v, l]) => h('option', { value: v }, l)));
  const overdue = h('input', { type: 'checkbox', id: 'cases-overdue' });
  const body = h('div', { id: 'cases-list', class: 'cases-list' }, waiting());
  const more = h('button', { class: 'load-more', type: 'button', hidden: true, on: { click: () => load(true) } }, t('loadMore'));
  const note = h('p', { class: 'muted small', id: 'cases-note' });
  const el = h('div', { class: 'cases' },
    h('div', { class: 'cases-filters' },
      h('label', null, t('caseStatus'), ' ', status), h('label', null, overdue, ' ', t('overdueOnly')),
      canAct() ? null : h('span', { class: 'muted', id: 'cases-readonly' }, t('casesReadOnly'))),
    body, more, note);
  let next = null;
  let cases = [];
  let open = null; // id of the expanded case
  let detail = null; // {id, version, el} of the expanded case's panel
  let gen = 0;
  const load = async (append) => {
    const g = append ? gen : ++gen;
    try {
      const r = await state.http.get('/api/v1/cases', { status: status.value || undefined, overdue: overdue.checked ? 'true' : undefined,
        limit: 25, before: append ? next : undefined });
      if (g !== gen) return;
      cases = append ? cases.concat(r.cases) : r.cases;
      next = r.next;
      more.hidden = !next;
      render();
      setText(note, t('casesShown', { k: cases.length, time: fmt.clock(Date.now()) }));
    } catch (e) {
      if (g !== gen) return;
      fill(body, h('p', { class: 'error', id: 'cases-error' }, errorText(e)));
    }
  };
  const refresh = throttled(() => load(false), 2000);
  status.addEventListener('change', () => refresh.now());
  overdue.addEventListener('change', () => refresh.now());
  const render = () => {
    if (!cases.length) return fill(body, h('p', { class: 'muted' }, t('noCases')));
    const fetchedAt = Date.now();
    fill(body, h('table', { class: 'scorecard cases-table' },
      h('thead', null, h('tr', null, ['#', t('caseStatus'), t('touchpoint'), 'NPS', t('caseAge'), t('caseDue'), t('assignee'), t('comment')]
        .map((x) => h('th', null, x)))),
      h('tbody', null, cases.flatMap((c) => {
        const tp = state.catalog.touchpoints.find((x) => x.code === c.touchpoint);
        const row = h('tr', { class: ['case-row', 'st-' + c.status, c.overdue && 'overdue', open === c.id && 'open-row'], dataset: { case: String(c.id) },
          on: { click: () => { open = open === c.id ? null : c.id; render(); } } },
        h('td', { class: 'num' }, h('a', { href: 'javascript:void 0', class: 'case-link' }, '#' + c.id)),
        h('td', null, h('span', { class: 'case-status' }, t('cs_' + c.status)), c.overdue ? h('span', { class: 'badge overdue-badge' }, t('overdue')) : null),
        h('td', null, tp ? tpName(tp, prefs.lang) : c.touchpoint),
        h('td', { class: 'num case-score' }, c.nps == null ? fmt.DASH : String(c.nps)),
        h('td', { class: 'num case-age', dataset: { age: String(c.ageSeconds) } }, fmt.duration(1000 * (c.ageSeconds || 0), prefs.lang)),
        h('td', { class: 'case-due' }, shortTime(c.dueAt)),
        h('td', { class: 'case-assignee' }, c.assignee || fmt.DASH),
        h('td', { class: 'case-comment' },
          (c.reasons || []).length ? h('div', { class: 'muted small' }, [...c.reasons, ...(c.subReasons || [])].map(reasonName).join(', ')) : null,
          h('div', { class: 'verbatim-comment' }, c.comment || t('noComment'))));
        if (open !== c.id) return [row];
        // A reload from the live stream keeps an open case's panel (and a half-written note) unless the case changed.
        if (!detail || detail.id !== c.id || detail.version !== c.version) detail = { id: c.id, version: c.version, el: caseDetail(c) };
        return [row, h('tr', { class: 'case-detail-row' }, h('td', { colspan: '8' }, detail.el))];
      }))));
    body.dataset.fetchedAt = String(fetchedAt);
  };
  const caseDetail = (c) => {
    const box = h('div', { class: 'case-detail', id: 'case-detail', dataset: { case: String(c.id) } }, waiting());
    (async () => {
      let full;
      try { full = await state.http.get(`/api/v1/cases/${c.id}`); } catch (e) { return fill(box, h('p', { class: 'error' }, errorText(e))); }
      const msg = h('p', { class: 'case-msg', id: 'case-msg', role: 'status' });
      const noteInput = h('textarea', { id: 'case-note', rows: '2', maxlength: '4000', placeholder: t('caseNote') });
      const act = async (change) => {
        const body = { ...change };
        if (noteInput.value.trim()) body.note = noteInput.value.trim();
        for (const b of box.querySelectorAll('button')) b.disabled = true;
        try {
          const updated = await state.http.patch(`/api/v1/cases/${c.id}`, body, { 'If-Match': `"${full.version}"` });
          Object.assign(c, updated);
          cases = cases.map((x) => (x.id === c.id ? { ...x, ...updated } : x));
          render();
        } catch (e) {
          for (const b of box.querySelectorAll('button')) b.disabled = false;
          setText(msg, e.status === 412 ? t('caseChanged') : e.status === 409 ? t('caseInvalid') : errorText(e));
          msg.classList.add('error');
          if (e.status === 412) refresh.now();
        }
      };
      const me = (claims(state.token) || {}).sub || 'me';
      const actions = canAct() ? h('div', { class: 'case-actions' }, noteInput,
        h('div', { class: 'case-buttons' },
          full.assignee !== me && NEXT_STATUS[full.status].length ? h('button', { type: 'button', dataset: { action: 'assign' }, on: { click: () => act({ assignee: me }) } }, t('assignMe')) : null,
          NEXT_STATUS[full.status].map((st) => h('button', { type: 'button', class: 'act-' + st, dataset: { action: st }, on: { click: () => act({ status: st }) } }, t('act_' + st))),
          h('button', { type: 'button', class: 'act-note', dataset: { action: 'note' }, on: { click: () => {
            if (!noteInput.value.trim()) { setText(msg, t('noteEmpty')); return; }
            act({});
          } } }, t('addNote'))), msg) : null;
      fill(box,
        h('div', { class: 'case-facts muted small' },
          `${t('caseOpened')} ${shortTime(full.openedAt)} · ${t('caseDue')} ${shortTime(full.dueAt)}`,
          full.firstResponseSeconds != null ? ` · ${t('firstResponse')} ${fmt.duration(1000 * full.firstResponseSeconds, prefs.lang)}` : '',
          full.resolutionSeconds != null ? ` · ${t('resolution')} ${fmt.duration(1000 * full.resolutionSeconds, prefs.lang)}` : '',
          full.customerId ? ` · ${t('customer')} ${full.customerId}` : ''),
        actions,
        h('h4', null, t('history')),
        h('ol', { class: 'case-history' }, (full.history || []).map((x) => h('li', null,
          h('span', { class: 'muted' }, shortTime(x.at)), ' ', h('b', null, x.actor), ' ', x.action,
          x.fromStatus !== x.toStatus && x.toStatus ? (x.fromStatus ? ` ${t('cs_' + x.fromStatus)} → ${t('cs_' + x.toStatus)}` : ` → ${t('cs_' + x.toStatus)}`) : '',
          x.assignee ? ` · ${t('assignee')}: ${x.assignee}` : '',
          x.note ? h('div', { class: 'case-history-note' }, x.note) : null))));
    })();
    return box;
  };
  load(false);
  // Ages move on their own: tick them every 30 s between reloads.
  const ticker = setInterval(() => {
    const since = Number(body.dataset.fetchedAt || Date.now());
    for (const td of body.querySelectorAll('.case-age')) setText(td, fmt.duration(1000 * Number(td.dataset.age) + Date.now() - since, prefs.lang));
  }, 30_000);
  return { el, poke: refresh.poke, dispose() { refresh.cancel(); clearInterval(ticker); } };
}
