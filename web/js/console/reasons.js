// The reasons page (#/reasons): the quadrant of all touchpoints, the reason items with the
// server's sub-NPS margins, and the verbatim search.
import { h, fill } from '../dom.js';
import { reasonLabel } from '../i18n.js';
import * as fmt from '../format.js';
import { quadrantChart } from '../charts.js';
import { prefs, state, t } from './state.js';
import { panel, waiting } from './shared.js';
import { reasonsFor } from './reasons-data.js';
import { verbatimPanel } from './verbatims.js';

export function reasonsView() {
  const quadEl = h('div', { class: 'chart chart-tall', id: 'reasons-quadrant' });
  const selected = h('div', { class: 'selected-reason' }, h('p', { class: 'muted' }, t('selectedNone')));
  const table = h('div', { id: 'reasons-table' }, waiting());
  const search = verbatimPanel({ id: 'all-verbatims', search: true, limit: 20 });
  const el = h('div', { class: 'reasons-view' },
    panel(t('quadrantTitle'), h('div', { class: 'quad-wrap' }, quadEl, selected), 'wide'),
    panel(t('reasonsTable'), table, 'wide'),
    panel(t('verbatims'), search.el, 'wide'));
  let quad = null;
  let items = [];
  const onReasons = (data) => {
    const all = (data && data.items) || [];
    items = all.filter((i) => i.level === 1 || (!i.level && !i.parent));
    if (quad) quad.update(items);
    fill(table, h('table', { class: 'scorecard' },
      h('thead', null, h('tr', null, [t('reasonsTable'), t('level'), t('subNps'), 'n', t('attention'), t('quadrantCol')].map((x) => h('th', null, x)))),
      h('tbody', null, all.map((i) => h('tr', { dataset: { reason: i.code }, class: i.level === 2 ? 'level2' : '' },
        h('td', null, reasonLabel(i, prefs.lang)), h('td', { class: 'num' }, String(i.level ?? '')),
        h('td', { class: 'num' }, fmt.score(i.subNps), ' ', i.n ? fmt.moe(i.subNpsMoe) : '', i.lowConfidence && i.n ? h('span', { class: 'badge' }, t('lowN')) : null),
        h('td', { class: 'num' }, fmt.n(i.n)), h('td', { class: 'num' }, fmt.pct(100 * i.attention, 1)),
        h('td', null, h('span', { class: 'q q-' + i.quadrant }, i.quadrant ? t('q_' + i.quadrant) : fmt.DASH)))))));
    showSel();
  };
  let shown = null;
  const showSel = () => {
    const i = items.find((x) => x.code === state.selectedReason);
    if (!i || (shown === i.code && selected.dataset.n === String(i.n))) return;
    shown = i.code;
    selected.dataset.n = String(i.n);
    const list = verbatimPanel({ id: 'reason-verbatims', reason: i.code, search: false, limit: 5 });
    fill(selected, h('h3', { class: 'sel-name' }, reasonLabel(i, prefs.lang)),
      h('div', { class: 'sel-stats' }, h('span', { class: 'big-num' }, fmt.score(i.subNps)), ' ', fmt.moe(i.subNpsMoe), ' ', h('span', { class: 'muted' }, fmt.n(i.n))),
      h('div', { class: 'muted' }, `${t('attention')}: ${fmt.pct(100 * i.attention, 1)} · ${t('q_' + i.quadrant)}`),
      h('h4', null, t('verbatimsOf', { reason: reasonLabel(i, prefs.lang) })), list.el);
    list.load();
  };
  return {
    name: 'reasons', nav: 'reasons', el,
    update() {
      if (!quad) {
        quad = quadrantChart(quadEl, { lang: prefs.lang, onClick: (c) => { state.selectedReason = c; quad.select(c); showSel(); } });
        search.load();
      }
      const cached = state.reasons.get(`${prefs.window}|*`);
      if (cached && cached.data && !items.length) onReasons(cached.data);
      if (state.data) reasonsFor(null, onReasons);
    },
  };
}
