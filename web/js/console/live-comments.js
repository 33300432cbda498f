// Live alerts as the console lists them: detractor comments on the drill-down, every kind on the
// alerts page. Comments are inserted as text, never as markup.
import { h, fill } from '../dom.js';
import { tpName, reasonLabel } from '../i18n.js';
import * as fmt from '../format.js';
import { prefs, state, t } from './state.js';
import { shortTime } from './shared.js';

export function renderComments(box, code) {
  // A touchpoint's drill-down lists its detractor comments; the alerts page lists every kind.
  const list = state.alerts.filter((a) => !code || (a.touchpoint === code && a.kind === 'detractor'));
  if (!list.length) return fill(box, h('p', { class: 'muted' }, t('noLiveComments')));
  fill(box, list.slice(0, 30).map(alertItem));
}

function alertItem(a) {
  const when = a.occurredAt ? Date.parse(a.occurredAt) : a.receivedAt;
  const tp = state.catalog.touchpoints.find((x) => x.code === a.touchpoint);
  const tpLabel = tp ? tpName(tp, prefs.lang) : a.touchpoint;
  if (a.kind === 'case' || a.kind === 'sla-breach') {
    return h('div', { class: ['alert-item', 'kind-' + a.kind], dataset: { kind: a.kind, case: String(a.caseId) } },
      h('span', { class: 'alert-score' }, fmt.score(a.nps)),
      h('div', null,
        h('div', { class: 'muted small' }, `${fmt.clock(a.receivedAt)} · ${tpLabel}`),
        h('div', { class: 'alert-title' }, t(a.kind === 'case' ? 'alertCase' : 'alertSla', { id: a.caseId, due: shortTime(a.dueAt) }))));
  }
  if (a.kind === 'fix-first') {
    return h('div', { class: ['alert-item', 'kind-fix-first'], dataset: { kind: a.kind, reason: a.reason } },
      h('span', { class: 'alert-score' }, fmt.score(a.subNps)),
      h('div', null,
        h('div', { class: 'muted small' }, `${fmt.clock(a.receivedAt)} · ${tpLabel}`),
        h('div', { class: 'alert-title' }, t('alertFixFirst', { reason: reasonLabel(a, prefs.lang), min: a.windowMinutes }),
          ` (${t('attention')} ${fmt.pct(100 * a.attention)}, ${t('subNps')} ${fmt.score(a.subNps)} ${a.subNpsMoe == null ? '' : fmt.moe(a.subNpsMoe)}, ${fmt.n(a.reasonN)})`,
          a.lowConfidence ? h('span', { class: 'badge', title: t('lowNTitle') }, t('lowN')) : null)));
  }
  const reasons = (a.reasons || []).map((c) => {
    const r = state.catalog.reasons.find((x) => x.code === c);
    return r ? reasonLabel(r, prefs.lang) : c;
  });
  return h('div', { class: 'alert-item', dataset: { kind: 'detractor', event: a.eventId || '' } },
    h('span', { class: 'alert-score' }, fmt.score(a.nps)),
    h('div', null,
      h('div', { class: 'muted small' }, `${fmt.clock(when)} · ${tp ? tpName(tp, prefs.lang) : a.touchpoint}${reasons.length ? ' · ' + reasons.join(', ') : ''}`,
        a.contactConsent ? h('span', { class: 'alert-contact' }, ' · ☎ ' + t('wantsContact')) : null),
      h('div', { class: 'alert-comment' }, a.comment || t('noComment'))));
}
