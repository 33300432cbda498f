// The drill-down of one touchpoint (#/tp/<code>): KPIs, NPS trend with its band, histogram, RATER
// bars, the reason quadrant with the selected item's verbatims, segment leaderboard, verbatim
// search and the live detractor comments.
import { h, fill, setText } from '../dom.js';
import { tpName, reasonLabel } from '../i18n.js';
import * as fmt from '../format.js';
import { quadrantChart, histogramChart, raterChart, trendChart, COLORS } from '../charts.js';
import { prefs, state, t } from './state.js';
import { shortTime, panel, npsBlock, ppd, throttled, errorText, stageName } from './shared.js';
import { compareCell } from './compare.js';
import { reasonsFor } from './reasons-data.js';
import { verbatimPanel } from './verbatims.js';
import { renderComments } from './live-comments.js';

export function drillView(code) {
  const head = h('div', { class: 'drill-head' });
  const kpis = h('div', { class: 'kpi-row' });
  const histEl = h('div', { class: 'chart', id: 'drill-histogram' });
  const raterEl = h('div', { class: 'chart' });
  const quadEl = h('div', { class: 'chart chart-tall', id: 'drill-quadrant' });
  const trendEl = h('div', { class: 'chart', id: 'drill-trend' });
  const trendNote = h('p', { class: 'muted small', id: 'trend-note' });
  const selected = h('div', { class: 'selected-reason', id: 'selected-reason' }, h('p', { class: 'muted' }, t('selectedNone')));
  const comments = h('div', { class: 'comments', id: 'drill-comments' });
  const board = leaderboardPanel(code);
  const search = verbatimPanel({ id: 'drill-verbatims', touchpoints: code, search: true, limit: 20 });
  const el = h('div', { class: 'drill', dataset: { tp: code } },
    h('a', { href: '#/', class: 'back' }, t('back')), head, kpis,
    h('div', { class: 'panels' },
      panel(t('trend'), h('div', null, trendEl, trendNote), 'wide'),
      panel(t('histogram'), histEl),
      panel(t('raterBars'), raterEl),
      panel(t('quadrantTitle'), h('div', { class: 'quad-wrap' }, quadEl, selected), 'wide'),
      panel(t('segments'), board.el, 'wide'),
      panel(t('verbatims'), search.el, 'wide'),
      panel(t('liveComments'), comments, 'wide')));
  let hist = null;
  let rater = null;
  let quad = null;
  let trend = null;
  let items = [];
  let shownReason = null;
  const showSelected = () => {
    const i = items.find((x) => x.code === state.selectedReason);
    if (!i) { shownReason = null; return fill(selected, h('p', { class: 'muted' }, t('selectedNone'))); }
    if (shownReason === i.code && selected.dataset.n === String(i.n)) return;
    shownReason = i.code;
    selected.dataset.n = String(i.n);
    const list = verbatimPanel({ id: 'reason-verbatims', touchpoints: code, reason: i.code, search: false, limit: 5 });
    fill(selected,
      h('h3', { class: 'sel-name' }, reasonLabel(i, prefs.lang)),
      h('div', { class: 'sel-stats' },
        h('span', { class: 'big-num' }, fmt.score(i.subNps)), ' ', fmt.moe(i.subNpsMoe), ' ', h('span', { class: 'muted' }, fmt.n(i.n)),
        i.lowConfidence ? h('span', { class: 'badge' }, t('lowN')) : null),
      h('div', { class: 'muted' }, `${t('attention')}: ${fmt.pct(100 * i.attention, 1)} · ${t('q_' + i.quadrant)}`),
      h('h4', null, t('verbatimsOf', { reason: reasonLabel(i, prefs.lang) })),
      list.el);
    list.load();
  };
  const onReasons = (data) => {
    items = ((data && data.items) || []).filter((i) => i.level === 1 || (!i.level && !i.parent));
    if (quad) quad.update(items);
    showSelected();
  };
  const loadTrend = async () => {
    const step = trendStep(prefs.window);
    try {
      const r = await state.http.get('/api/v1/trends', { metric: 'nps', step, window: prefs.window, touchpoints: code });
      const series = (r.series || []).find((x) => x.touchpoint === code);
      const points = series ? series.points : [];
      const tp = state.data && state.data.touchpoints.find((x) => x.touchpoint === code);
      const target = tp ? tp.nps.target ?? null : null;
      trend.update(points, { target, color: COLORS[tp ? tp.nps.status : 'none'] || COLORS.none, timeLabel: shortTime });
      trendEl.dataset.points = String(points.length);
      const withN = points.filter((p) => p.n > 0);
      setText(trendNote, t('trendNote', { step: t('step_' + step), k: withN.length, all: points.length,
        low: withN.filter((p) => p.lowConfidence).length, time: fmt.clock(Date.now()) }));
    } catch (e) {
      setText(trendNote, errorText(e));
    }
  };
  const trendRefresh = throttled(loadTrend, 30_000);
  let lastN = null;
  return {
    name: 'drill', nav: 'grid', el,
    update() {
      const d = state.data;
      if (!d) return;
      const tp = d.touchpoints.find((x) => x.touchpoint === code);
      if (!tp) return fill(head, h('h1', null, code), h('p', { class: 'muted' }, fmt.DASH));
      const target = tp.nps.target ?? null;
      const status = tp.nps.status || 'none';
      fill(head, h('h1', { class: 'rag-' + status }, tpName(tp, prefs.lang)),
        h('div', { class: 'muted' }, `${stageName(tp.stage)} · ${target == null ? t('noTarget') : t('target', { t: fmt.score(target) }) + ' · ' + t('rag_' + status)} · ${t('win_' + prefs.window)}`));
      fill(kpis,
        h('div', { class: 'kpi', id: 'drill-nps' }, h('div', { class: 'kpi-label' }, 'NPS'), npsBlock(tp.nps, true),
          h('div', { class: 'muted' }, fmt.n(tp.nps.n)), compareCell(code)),
        h('div', { class: 'kpi' }, h('div', { class: 'kpi-label' }, t('csatTop2')), h('div', { class: 'big-num' }, fmt.pct(tp.csat && tp.csat.top2)),
          h('div', { class: 'muted' }, `${fmt.mean(tp.csat && tp.csat.mean)}/5 · ${fmt.n(tp.csat && tp.csat.n)}`)),
        h('div', { class: 'kpi' }, h('div', { class: 'kpi-label' }, t('cesEasy')), h('div', { class: 'big-num' }, fmt.pct(tp.ces && tp.ces.easy)),
          h('div', { class: 'muted' }, `${fmt.mean(tp.ces && tp.ces.mean)}/7 · ${fmt.n(tp.ces && tp.ces.n)}`)),
        h('div', { class: 'kpi' }, h('div', { class: 'kpi-label' }, t('raterIndex')), h('div', { class: 'big-num' }, fmt.score(tp.rater && tp.rater.index))),
        h('div', { class: 'kpi' }, h('div', { class: 'kpi-label' }, t('responses')), h('div', { class: 'big-num' }, (tp.responses ?? 0).toLocaleString('en-US')),
          h('div', { class: 'muted' }, `${(tp.comments ?? 0).toLocaleString('en-US')} ${t('comments')}`)));
      if (!hist) {
        hist = histogramChart(histEl, { lang: prefs.lang });
        rater = raterChart(raterEl, { lang: prefs.lang });
        quad = quadrantChart(quadEl, { lang: prefs.lang, onClick: (c) => { state.selectedReason = c; quad.select(c); showSelected(); } });
        trend = trendChart(trendEl, { lang: prefs.lang });
        search.load();
      }
      hist.update(tp.nps.histogram);
      rater.update(tp.rater);
      // The REST panels follow the live numbers: reloaded when this touchpoint's n moved (at most every 30 s).
      const n = tp.responses ?? tp.nps.n;
      if (n !== lastN) { lastN = n; trendRefresh.poke(); board.poke(); }
      const cached = state.reasons.get(`${prefs.window}|${code}`);
      if (cached && cached.data && !items.length) onReasons(cached.data);
      reasonsFor(code, onReasons);
      renderComments(comments, code);
    },
    dispose() { trendRefresh.cancel(); board.dispose(); },
  };
}

function trendStep(win) {
  if (win === '15m' || win === '1h') return 'minute';
  if (win === '7d' || win === '30d') return 'day';
  return 'hour';
}

/** GET /api/v1/leaderboard?segment=<key> for one touchpoint (or all), with a key selector. */
function leaderboardPanel(code) {
  const keys = (state.catalog && state.catalog.segments) || [];
  let key = keys[0] || null;
  const body = h('div', { id: 'leaderboard' });
  const select = h('select', { id: 'segment-select', 'aria-label': t('segmentKey'), on: { change: (e) => { key = e.target.value; refresh.now(); } } },
    keys.map((k) => h('option', { value: k }, k)));
  const el = h('div', null, keys.length ? h('label', { class: 'muted' }, t('segmentKey'), ' ', select) : null, body);
  const load = async () => {
    if (!key) return fill(body, h('p', { class: 'muted' }, t('noSegments')));
    try {
      const r = await state.http.get('/api/v1/leaderboard', { segment: key, window: prefs.window, touchpoints: code || undefined });
      if (r.segment !== key) return;
      body.dataset.segment = key;
      fill(body,
        r.items.length ? h('table', { class: 'scorecard leaderboard' },
          h('thead', null, h('tr', null, ['#', key, 'NPS', 'n', t('ppd')].map((x, i) => h('th', { class: i === 0 || i === 2 || i === 3 ? 'num' : null }, x)))),
          h('tbody', null, r.items.map((i) => h('tr', { dataset: { value: i.value } },
            h('td', { class: 'num rank' }, String(i.rank)),
            h('td', { class: 'seg-value' }, i.value),
            h('td', { class: 'num' }, npsBlock({ score: i.score, moe: i.moe, n: i.n, lowConfidence: i.lowConfidence })),
            h('td', { class: 'num seg-n' }, fmt.n(i.n)),
            h('td', { class: 'ppd-cell' }, ppd(i))))))
          : h('p', { class: 'muted' }, t('noSegmentValues')),
        h('p', { class: 'muted small', id: 'leaderboard-hidden' },
          t('hiddenValues', { k: r.hidden, min: r.privacyMinN }), ' · ', t('lowNExplain', { min: r.minN })));
    } catch (e) {
      fill(body, h('p', { class: 'error' }, errorText(e)));
    }
  };
  const refresh = throttled(load, 30_000);
  return { el, poke: refresh.poke, dispose: refresh.cancel };
}
