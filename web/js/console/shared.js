// Helpers that more than one console view uses: panels, the NPS block and the P/Pa/D bar, a
// throttle for REST panels that follow the live numbers, error text, and names and times in the
// tenant's words.
import { h } from '../dom.js';
import { reasonLabel, stageLabel } from '../i18n.js';
import * as fmt from '../format.js';
import { prefs, state, t } from './state.js';

/** A window bound in the tenant's time zone, e.g. "11-19 00:00". */
export function shortTime(iso) {
  const zone = (state.data && state.data.window && state.data.window.timeZone) || (state.catalog && state.catalog.timeZone) || undefined;
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso));
  } catch (e) {
    parts = new Intl.DateTimeFormat('en-GB', { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  }
  const get = (type) => (parts.find((x) => x.type === type) || {}).value;
  return `${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export function panel(title, body, cls) {
  return h('section', { class: ['panel', cls] }, h('h2', null, title), body);
}

export function npsBlock(nps, big) {
  return h('span', { class: ['npsv', big && 'big', nps.lowConfidence && nps.n > 0 && 'low-conf'] },
    h('span', { class: 'nps-score' }, fmt.score(nps.score)),
    nps.n ? h('span', { class: 'nps-moe' }, ' ', fmt.moe(nps.moe)) : null,
    nps.lowConfidence && nps.n > 0 ? h('span', { class: 'badge', title: t('lowNTitle') }, t('lowN')) : null);
}

export function ppd(nps) {
  const sh = fmt.shares(nps);
  return h('div', { class: 'ppd', title: sh ? `${t('promoters')} ${fmt.pct(sh.promoters)} · ${t('passives')} ${fmt.pct(sh.passives)} · ${t('detractors')} ${fmt.pct(sh.detractors)}` : '' },
    h('span', { class: 'ppd-p', style: { width: (sh ? sh.promoters : 0) + '%' } }),
    h('span', { class: 'ppd-pa', style: { width: (sh ? sh.passives : 0) + '%' } }),
    h('span', { class: 'ppd-d', style: { width: (sh ? sh.detractors : 0) + '%' } }));
}

export function waiting() {
  return h('div', { class: 'muted loading' }, t('loading'));
}

/** Calls fn at most once per gapMs; a poke during the gap runs it once when the gap ends. */
export function throttled(fn, gapMs) {
  let last = 0;
  let timer = null;
  let running = false;
  let again = false;
  let cancelled = false;
  const run = async () => {
    timer = null;
    if (cancelled) return;
    if (running) { again = true; return; }
    running = true;
    last = Date.now();
    try { await fn(); } finally {
      running = false;
      if (again) { again = false; poke(); }
    }
  };
  const poke = () => {
    if (timer || cancelled) return;
    const wait = last + gapMs - Date.now();
    if (wait <= 0) run(); else timer = setTimeout(run, wait);
  };
  return { poke, now: () => { clearTimeout(timer); timer = null; run(); }, cancel() { cancelled = true; clearTimeout(timer); } };
}

export function errorText(e) {
  if (e && e.status === 403) return t('forbidden');
  const detail = e && e.body && e.body.details && e.body.details[0];
  return t('loadFailed', { msg: detail ? `${detail.path}: ${detail.message}` : (e && e.message) || String(e) });
}

export function reasonName(code) {
  const r = state.catalog.reasons.find((x) => x.code === code);
  return r ? reasonLabel(r, prefs.lang) : code;
}

export function stageName(code) {
  const s = state.catalog && state.catalog.stages ? state.catalog.stages.find((x) => x.code === code) : null;
  return s ? stageLabel(s, prefs.lang) : code || '';
}
