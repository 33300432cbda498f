// The verbatim list (GET /api/v1/verbatims) of the drill-down, the reasons page and a selected
// reason item. Comments are inserted as text, never as markup.
import { h, fill, setText } from '../dom.js';
import { tpName } from '../i18n.js';
import * as fmt from '../format.js';
import { prefs, state, t } from './state.js';
import { shortTime, errorText, reasonName } from './shared.js';

/**
 * GET /api/v1/verbatims: comments latest first, detractors highlighted, "load more" with the
 * next cursor; with search: a text box (q) and a category filter. Comments are text only.
 */
export function verbatimPanel({ id, touchpoints, reason, search, limit }) {
  const list = h('div', { class: 'verbatim-list' });
  const status = h('p', { class: 'muted small verbatim-status' });
  const more = h('button', { class: 'load-more', type: 'button', hidden: true, on: { click: () => load(true) } }, t('loadMore'));
  const q = h('input', { type: 'search', class: 'verbatim-q', placeholder: t('verbatimSearch'), 'aria-label': t('verbatimSearch') });
  const category = h('select', { class: 'verbatim-category', 'aria-label': t('category') },
    ['', 'detractor', 'passive', 'promoter'].map((c) => h('option', { value: c }, c ? t('cat_' + c) : t('cat_all'))));
  let next = null;
  let shown = 0;
  let generation = 0;
  let debounce = null;
  const form = search ? h('form', { class: 'verbatim-form', on: { submit: (e) => { e.preventDefault(); load(false); } } },
    q, category, h('button', { type: 'submit' }, t('search'))) : null;
  if (search) {
    q.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(() => load(false), 400); });
    category.addEventListener('change', () => load(false));
  }
  const el = h('div', { class: 'verbatims', id }, form, list, more, status);
  async function load(append) {
    const gen = append ? generation : ++generation;
    if (!append) { next = null; shown = 0; }
    el.dataset.state = 'loading';
    try {
      const r = await state.http.get('/api/v1/verbatims', {
        window: prefs.window, touchpoints: touchpoints || undefined, reason: reason || undefined,
        q: search ? q.value.trim() : undefined, category: search ? category.value : undefined,
        limit, before: append ? next : undefined });
      if (gen !== generation) return; // a newer search replaced this one
      if (!append) fill(list);
      for (const v of r.items) list.append(verbatimItem(v));
      shown += r.items.length;
      next = r.next;
      more.hidden = !next;
      setText(status, shown ? t('verbatimsShown', { k: shown }) + (next ? '' : ' · ' + t('verbatimsEnd')) : t('verbatimsNone'));
      el.dataset.state = 'done';
    } catch (e) {
      if (gen !== generation) return;
      setText(status, errorText(e));
      el.dataset.state = 'error';
    }
  }
  return { el, load: () => load(false) };
}

function verbatimItem(v) {
  const tp = state.catalog.touchpoints.find((x) => x.code === v.touchpoint);
  const reasons = [...(v.reasons || []), ...(v.subReasons || [])].map(reasonName);
  return h('div', { class: ['verbatim', 'cat-' + (v.category || 'none'), v.detractor && 'detractor'], dataset: { event: v.eventId || '' } },
    h('span', { class: 'verbatim-score' }, v.nps == null ? fmt.DASH : String(v.nps)),
    h('div', null,
      h('div', { class: 'muted small verbatim-meta' },
        `${shortTime(v.occurredAt)} · ${tp ? tpName(tp, prefs.lang) : v.touchpoint}`,
        v.category ? ' · ' + t('cat_' + v.category) : '',
        reasons.length ? ' · ' + reasons.join(', ') : ''),
      h('div', { class: 'verbatim-comment' }, v.comment || '')));
}
