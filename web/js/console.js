// The manager console (/): sign in with a token, a live scorecard with a window selector and a
// comparison with the previous period; a drill-down per touchpoint (trend, histogram, RATER bars,
// the reason quadrant with each item's verbatims, segment leaderboard, verbatim search); the
// reasons page; alerts and the case queue with actions; the value page. Views update through the
// live WebSocket (the same client as the wall), never by polling: the REST panels reload when the
// pushed numbers move.
import { LiveClient } from './live-client.js';
import { api } from './api.js';
import { takeToken, parsePastedToken, store, forget, claims } from './token.js';
import { h, fill, setText, $, $$ } from './dom.js';
import { t as tr, tpName, reasonLabel, stageLabel, normLang, WINDOWS } from './i18n.js';
import * as fmt from './format.js';
import { quadrantChart, histogramChart, raterChart, trendChart, growthChart, COLORS } from './charts.js';
import { renderFreshness } from './freshness.js';

const TOKEN_KEY = 'cxpulse.console.token';
const LANG_KEY = 'cxpulse.console.lang';
const WINDOW_KEY = 'cxpulse.console.window';
const SUB = 'console';

const params = new URLSearchParams(location.search);
const prefs = {
  lang: normLang(params.get('lang') || localStorage.getItem(LANG_KEY) || navigator.language),
  window: WINDOWS.includes(localStorage.getItem(WINDOW_KEY)) ? localStorage.getItem(WINDOW_KEY) : '7d',
};
const t = (key, vars) => tr(key, vars, prefs.lang);

const state = {
  token: null, http: null, client: null, catalog: null,
  data: null,
  compare: null, // GET /api/v1/scorecards?compare=previous: the server's judgement of the change against the previous period
  compareRefresh: null,
  history: new Map(), alerts: [], openedAt: Date.now(),
  reasons: new Map(), // scope key -> {data, at, n}
  selectedReason: null,
  view: null, // the current view object: {name, update()}
};

document.documentElement.lang = prefs.lang === 'zh' ? 'zh-CN' : 'en';
boot();

async function boot() {
  const token = takeToken(TOKEN_KEY);
  if (!token) return signIn();
  try {
    state.http = api(token);
    state.catalog = await state.http.get('/api/v1/catalog');
  } catch (e) {
    if (e.status === 401 || e.status === 403) { forget(TOKEN_KEY); return signIn(t('signInRejected')); }
    return signIn(t('signInFailed', { msg: e.message }));
  }
  state.token = token;
  start();
}

// ---- sign in --------------------------------------------------------------------------------

function signIn(error) {
  const input = h('textarea', { id: 'token-input', rows: '5', spellcheck: 'false', autocomplete: 'off',
    placeholder: 'eyJ…  or  http://localhost:8080/#token=eyJ…' });
  const err = h('div', { class: 'signin-error', id: 'signin-error', role: 'alert' }, error || '');
  const form = h('form', { class: 'signin', id: 'signin', on: { submit: async (e) => {
    e.preventDefault();
    const token = parsePastedToken(input.value);
    if (!token) { setText(err, t('signInBad')); return; }
    try {
      state.http = api(token);
      state.catalog = await state.http.get('/api/v1/catalog');
    } catch (ex) {
      setText(err, ex.status === 401 || ex.status === 403 ? t('signInRejected') : t('signInFailed', { msg: ex.message }));
      return;
    }
    store(TOKEN_KEY, token);
    state.token = token;
    start();
  } } },
  h('h1', null, t('signInTitle')),
  h('p', { class: 'muted' }, t('signInHelp')),
  input,
  h('button', { type: 'submit', id: 'signin-submit' }, t('signIn')),
  err);
  fill($('#app'), h('div', { class: 'signin-wrap' }, form));
  document.body.dataset.view = 'signin';
  input.focus();
}

function signOut() {
  forget(TOKEN_KEY);
  if (state.client) state.client.stop();
  location.hash = '';
  location.reload();
}

// ---- shell ----------------------------------------------------------------------------------

function start() {
  const c = claims(state.token) || {};
  const windowSelect = h('select', { id: 'window-select', 'aria-label': t('window'), on: { change: (e) => setWindow(e.target.value) } },
    WINDOWS.map((w) => h('option', { value: w, selected: w === prefs.window }, t('win_' + w))));
  const langSelect = h('select', { id: 'lang-select', 'aria-label': t('language'), on: { change: (e) => {
    localStorage.setItem(LANG_KEY, e.target.value);
    location.reload();
  } } }, h('option', { value: 'en', selected: prefs.lang === 'en' }, 'English'), h('option', { value: 'zh', selected: prefs.lang === 'zh' }, '中文'));
  fill($('#app'),
    h('header', { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo' }, 'cxpulse'), h('span', { class: 'tenant' }, state.catalog.name || state.catalog.tenant)),
      h('nav', { class: 'nav' }, ['grid', 'reasons', 'alerts', 'value'].map((v) =>
        h('a', { href: v === 'grid' ? '#/' : '#/' + v, dataset: { nav: v } }, t('nav_' + v)))),
      h('div', { class: 'controls' },
        h('label', null, t('window'), ' ', windowSelect),
        langSelect,
        h('span', { class: 'conn', id: 'conn' }, h('span', { class: 'dot' }), h('span', { id: 'conn-text' }, t('conn_connecting'))),
        h('span', { class: 'asof' }, t('dataAsOf'), ' ', h('b', { id: 'as-of' }, fmt.DASH)),
        h('span', { class: 'who muted', title: (c.roles || []).join(', ') }, c.sub || ''),
        h('button', { class: 'link', id: 'sign-out', on: { click: signOut } }, t('signOut')))),
    h('div', { id: 'stale-banner', class: 'stale-banner', hidden: true, role: 'alert' },
      h('span', { class: 'stale-title' }, '⚠ ', t('staleTitle')), ' ', h('span', { id: 'stale-detail' })),
    h('main', { id: 'view', class: 'view' }));

  state.client = new LiveClient({ token: state.token });
  state.client.subscribe(SUB, { window: prefs.window });
  state.client.addEventListener('data', (e) => { if (e.detail.id === SUB) onData(e.detail.data); });
  state.client.addEventListener('alert', (e) => onAlert(e.detail));
  state.client.addEventListener('health', (e) => renderHealth(e.detail));
  state.client.addEventListener('denied', () => { forget(TOKEN_KEY); renderHealth(state.client.health()); });
  state.client.start();
  state.compareRefresh = throttled(loadCompare, 5000);
  setInterval(() => renderHealth(state.client.health()), 1000);
  window.addEventListener('hashchange', route);
  route();
  window.cxpulseConsole = { state, prefs };
}

function setWindow(w) {
  prefs.window = w;
  localStorage.setItem(WINDOW_KEY, w);
  state.data = null;
  state.compare = null;
  state.reasons.clear();
  state.history.clear();
  state.client.subscribe(SUB, { window: w }); // same id: replaces the view; a snapshot follows
  state.compareRefresh.now();
  route();
}

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const parts = hash.split('/').filter(Boolean);
  let view;
  if (parts[0] === 'tp' && parts[1]) view = drillView(decodeURIComponent(parts[1]));
  else if (parts[0] === 'reasons') view = reasonsView();
  else if (parts[0] === 'alerts') view = alertsView();
  else if (parts[0] === 'value') view = valueView();
  else view = gridView();
  if (state.view && state.view.dispose) state.view.dispose();
  state.view = view;
  document.body.dataset.view = view.name;
  for (const a of $$('.nav a')) a.classList.toggle('on', a.dataset.nav === view.nav);
  fill($('#view'), view.el);
  view.update();
}

// ---- data -----------------------------------------------------------------------------------

function onData(data) {
  state.data = data;
  const now = Date.now();
  for (const tp of [...data.touchpoints, { touchpoint: '*', nps: data.overall.nps }]) {
    const hist = state.history.get(tp.touchpoint) || [];
    if (tp.nps.score != null) {
      const last = hist[hist.length - 1];
      if (!last || last.v !== tp.nps.score || now - last.t > 60_000) hist.push({ t: now, v: tp.nps.score });
      if (hist.length > 720) hist.splice(0, hist.length - 720);
    }
    state.history.set(tp.touchpoint, hist);
  }
  state.compareRefresh.poke();
  if (state.view) state.view.update();
}

/**
 * The change against the previous period of the same length, as the server judges it
 * (GET /api/v1/scorecards?compare=previous: each card's change.nps with its delta, z and verdict).
 * Reloaded when the pushed numbers move (at most every 5 s), never on a timer of its own.
 */
async function loadCompare() {
  const win = prefs.window;
  try {
    const r = await state.http.get('/api/v1/scorecards', { window: win, compare: 'previous' });
    if (prefs.window !== win) return; // the window changed meanwhile: a newer reply follows
    state.compare = { ...r, at: Date.now() };
    if (state.view) state.view.update();
  } catch (e) {
    /* keep the last comparison; the next move of the numbers tries again */
  }
}

function prevRangeText() {
  const w = state.compare && state.compare.previousWindow;
  return w ? t('prevRange', { from: shortTime(w.from), to: shortTime(w.to) }) : t('prevLoading');
}

const VERDICT = {
  up: { cls: 'cmp-up', mark: '▲', word: 'sigUp' },
  down: { cls: 'cmp-down', mark: '▼', word: 'sigDown' },
  flat: { cls: 'cmp-ns', mark: '≈', word: 'notSig' },
  insufficient: { cls: 'cmp-ns', mark: '≈', word: 'nTooSmall' },
};

/** The comparison marker of a card ('*' = all touchpoints): the server's verdict, delta and z, shown as they come. */
function compareCell(code) {
  const c = state.compare;
  if (!c) return h('span', { class: 'cmp muted', title: t('prevLoading') }, '…');
  const card = code === '*' ? c.overall : c.touchpoints.find((x) => x.touchpoint === code);
  const change = card && card.change && card.change.nps;
  if (!change || change.delta == null) return h('span', { class: 'cmp muted' }, fmt.DASH);
  const v = VERDICT[change.verdict] || VERDICT.insufficient;
  const before = card.previous.nps;
  const z = change.z == null ? '' : change.z.toFixed(2);
  return h('span', { class: ['cmp', v.cls], dataset: { verdict: change.verdict, z },
    title: `${prevRangeText()}: ${fmt.score(before.score)} ${fmt.moe(before.moe)} (${fmt.n(before.n)}); z = ${z} · ${t('compareAsOf', { time: fmt.clock(c.at) })}` },
  `${v.mark} ${fmt.signed(change.delta)}`, h('span', { class: 'cmp-word' }, ' ', t(v.word)));
}

/** A window bound in the tenant's time zone, e.g. "11-19 00:00". */
function shortTime(iso) {
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

/** Reasons for a scope (all touchpoints or one), refreshed when the scope's n moved, at most every 10 s. */
async function reasonsFor(code, onLoaded) {
  const key = `${prefs.window}|${code || '*'}`;
  const cur = state.reasons.get(key);
  const tp = code ? state.data && state.data.touchpoints.find((x) => x.touchpoint === code) : state.data && state.data.overall;
  const n = tp ? tp.responses ?? tp.nps.n : null;
  if (cur && (cur.loading || (cur.n === n) || Date.now() - cur.at < 10_000)) return cur.data;
  const entry = { data: cur ? cur.data : null, at: Date.now(), n, loading: true };
  state.reasons.set(key, entry);
  try {
    entry.data = await state.http.get('/api/v1/reasons', { window: prefs.window, touchpoints: code || undefined });
  } catch (e) { /* keep the previous reasons */ }
  entry.loading = false;
  entry.at = Date.now();
  if (onLoaded) onLoaded(entry.data);
  return entry.data;
}

// ---- views ----------------------------------------------------------------------------------

function panel(title, body, cls) {
  return h('section', { class: ['panel', cls] }, h('h2', null, title), body);
}

function npsBlock(nps, big) {
  return h('span', { class: ['npsv', big && 'big', nps.lowConfidence && nps.n > 0 && 'low-conf'] },
    h('span', { class: 'nps-score' }, fmt.score(nps.score)),
    nps.n ? h('span', { class: 'nps-moe' }, ' ', fmt.moe(nps.moe)) : null,
    nps.lowConfidence && nps.n > 0 ? h('span', { class: 'badge', title: t('lowNTitle') }, t('lowN')) : null);
}

function ppd(nps) {
  const sh = fmt.shares(nps);
  return h('div', { class: 'ppd', title: sh ? `${t('promoters')} ${fmt.pct(sh.promoters)} · ${t('passives')} ${fmt.pct(sh.passives)} · ${t('detractors')} ${fmt.pct(sh.detractors)}` : '' },
    h('span', { class: 'ppd-p', style: { width: (sh ? sh.promoters : 0) + '%' } }),
    h('span', { class: 'ppd-pa', style: { width: (sh ? sh.passives : 0) + '%' } }),
    h('span', { class: 'ppd-d', style: { width: (sh ? sh.detractors : 0) + '%' } }));
}

function waiting() {
  return h('div', { class: 'muted loading' }, t('loading'));
}

function gridView() {
  const body = h('div', { id: 'grid-body' }, waiting());
  const el = h('div', { class: 'grid-view' }, body);
  const rows = new Map(); // code -> {tr, cells}; rows stay in place so that a click never lands on a replaced link
  let built = '';
  const build = (d) => {
    rows.clear();
    const mk = (code, isOverall) => {
      const cells = Array.from({ length: 9 }, () => h('td'));
      cells[0].className = 'name';
      for (const i of [1, 2, 3, 5, 6, 7]) cells[i].className = 'num';
      cells[2].classList.add('nps-n');
      cells[4].className = 'ppd-cell';
      cells[8].className = 'target';
      if (!isOverall) {
        cells[0].append(h('a', { href: '#/tp/' + encodeURIComponent(code) }), h('div', { class: 'muted small' }));
      }
      const tr = h('tr', { class: isOverall ? 'overall' : '', dataset: { tp: code } }, cells);
      rows.set(code, { tr, cells });
      return tr;
    };
    fill(body, h('table', { class: 'scorecard' },
      h('thead', null, h('tr', null, [t('touchpoint'), 'NPS', 'n', t('vsPrevious'), t('ppd'), t('csatTop2'), t('cesEasy'), t('raterIndex'), t('targetCol')]
        .map((x, i) => h('th', { class: (i >= 1 && i <= 3) || (i >= 5 && i <= 7) ? 'num' : null }, x)))),
      h('tbody', null, mk('*', true), d.touchpoints.map((tp) => mk(tp.touchpoint, false)))),
    h('p', { class: 'muted small', id: 'grid-note' }));
  };
  const update = (tp, code, isOverall) => {
    const { tr, cells } = rows.get(code);
    const target = tp.nps.target ?? null;
    const status = tp.nps.status || 'none';
    tr.className = ['rag-' + status, isOverall ? 'overall' : ''].join(' ').trim();
    if (isOverall) fill(cells[0], t('overall'));
    else {
      setText(cells[0].firstChild, tpName(tp, prefs.lang));
      setText(cells[0].lastChild, stageName(tp.stage));
    }
    fill(cells[1], npsBlock(tp.nps));
    setText(cells[2], fmt.n(tp.nps.n));
    fill(cells[3], compareCell(code));
    fill(cells[4], ppd(tp.nps));
    fill(cells[5], fmt.pct(tp.csat && tp.csat.top2), h('div', { class: 'muted small' }, fmt.n(tp.csat && tp.csat.n)));
    fill(cells[6], fmt.pct(tp.ces && tp.ces.easy), h('div', { class: 'muted small' }, fmt.n(tp.ces && tp.ces.n)));
    setText(cells[7], fmt.score(tp.rater && tp.rater.index));
    if (isOverall) fill(cells[8]);
    else fill(cells[8], h('span', { class: 'rag-dot' }), ' ' + (target == null ? t('noTarget') : `${fmt.score(target)} · ${t('rag_' + status)}`));
  };
  return {
    name: 'grid', nav: 'grid', el,
    update() {
      const d = state.data;
      if (!d) return;
      const codes = d.touchpoints.map((x) => x.touchpoint).join(',');
      if (codes !== built) { build(d); built = codes; }
      update(d.overall, '*', true);
      for (const tp of d.touchpoints) update(tp, tp.touchpoint, false);
      setText($('#grid-note'), state.compare ? prevRangeText()
        + ' · ▲/▼ ' + t('sigUp') + '/' + t('sigDown') + ' (95%, |z| > 1.96) · ≈ ' + t('notSig') : t('prevLoading'));
    },
  };
}

function stageName(code) {
  const s = state.catalog && state.catalog.stages ? state.catalog.stages.find((x) => x.code === code) : null;
  return s ? stageLabel(s, prefs.lang) : code || '';
}

function drillView(code) {
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

/** Calls fn at most once per gapMs; a poke during the gap runs it once when the gap ends. */
function throttled(fn, gapMs) {
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

function errorText(e) {
  if (e && e.status === 403) return t('forbidden');
  const detail = e && e.body && e.body.details && e.body.details[0];
  return t('loadFailed', { msg: detail ? `${detail.path}: ${detail.message}` : (e && e.message) || String(e) });
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

/**
 * GET /api/v1/verbatims: comments latest first, detractors highlighted, "load more" with the
 * next cursor; with search: a text box (q) and a category filter. Comments are text only.
 */
function verbatimPanel({ id, touchpoints, reason, search, limit }) {
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

function reasonName(code) {
  const r = state.catalog.reasons.find((x) => x.code === code);
  return r ? reasonLabel(r, prefs.lang) : code;
}

function renderComments(box, code) {
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

function reasonsView() {
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

function alertsView() {
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

function valueView() {
  const risk = h('div', { id: 'value-issues' }, waiting());
  const growthChartEl = h('div', { class: 'chart', id: 'growth-chart' });
  const growth = h('div', { id: 'earned-growth' }, waiting());
  const elements = h('div', { id: 'value-elements' }, waiting());
  const el = h('div', { class: 'panels' },
    panel(t('revenueAtRisk'), risk, 'wide'),
    panel(t('earnedGrowth'), h('div', null, growthChartEl, growth)),
    panel(t('valueElements'), elements));
  // Outcomes are linked over a horizon of weeks: short windows hold too few customers to say anything.
  const issuesWindow = '30d';
  let chart = null;
  let loaded = false;
  const loadIssues = async () => {
    try {
      const r = await state.http.get('/api/v1/value/issues', { window: issuesWindow });
      // Our own sentence (in the page's language); the server's reason, in English, as its title.
      if (!r.available) return fill(risk, h('p', { class: 'muted', id: 'issues-unavailable', title: r.reason || '' }, t('noIssueData')));
      const money = (x) => (x == null ? fmt.DASH : Math.round(x).toLocaleString('en-US'));
      const rate = (x) => (x ? `${fmt.pct(x.rate, 1)} (${x.k}/${x.n})` : fmt.DASH);
      fill(risk,
        h('p', { class: 'muted small', id: 'issues-head' }, t('issuesHead', { outcome: t('out_' + r.outcome), days: r.horizonDays,
          customers: r.customers.toLocaleString('en-US'), rate: fmt.pct(r.rate && r.rate.rate, 1), win: t('win_' + issuesWindow) })),
        r.items.length ? h('table', { class: 'scorecard issues' },
          h('thead', null, h('tr', null, ['#', t('issue'), t('affected'), t('rateRaised'), t('rateNotRaised'), t('lossPp'), t('aov'), t('riskPerMonth')]
            .map((x, i) => h('th', { class: i === 1 ? null : 'num' }, x)))),
          h('tbody', null, r.items.map((i) => h('tr', { dataset: { reason: i.code } },
            h('td', { class: 'num' }, String(i.rank)),
            // A level-2 item is part of its parent's figure: say so, so nobody adds the two up.
            h('td', null, reasonLabel(i, prefs.lang), i.parent ? h('span', { class: 'muted small' }, ' ' + t('partOf', { parent: reasonName(i.parent) })) : null),
            h('td', { class: 'num' }, i.affectedCustomers.toLocaleString('en-US')),
            h('td', { class: 'num' }, rate(i.raised)),
            h('td', { class: 'num' }, rate(i.notRaised)),
            h('td', { class: 'num', title: i.crude ? t('crudeLoss', { d: fmt.mean(i.crude.difference, 1),
              lo: fmt.mean(i.crude.ci[0], 1), hi: fmt.mean(i.crude.ci[1], 1) }) : null },
            `${fmt.mean(i.loss, 1)} [${fmt.mean(i.lossCi[0], 1)}, ${fmt.mean(i.lossCi[1], 1)}]`),
            h('td', { class: 'num' }, money(i.averageOrderValue)),
            h('td', { class: 'num risk-money' }, money(i.revenueAtRiskPerMonth))))))
          : h('p', { class: 'muted' }, t('noSignificantLoss')),
        (r.notSignificant || []).length ? h('p', { class: 'muted small', id: 'issues-ns' }, t('notSignificantItems', { list:
          r.notSignificant.map((i) => `${reasonLabel(i, prefs.lang)} (${fmt.mean(i.loss, 1)} [${fmt.mean(i.lossCi[0], 1)}, ${fmt.mean(i.lossCi[1], 1)}])`).join(', ') })) : null,
        h('p', { class: 'muted small' }, t('riskFormula')),
        r.adjustedFor === 'npsCategory' ? h('p', { class: 'muted small', id: 'issues-adjusted' }, t('riskAdjusted')) : null);
    } catch (e) { fill(risk, h('p', { class: 'error' }, errorText(e))); }
  };
  const loadGrowth = async () => {
    try {
      const r = await state.http.get('/api/v1/value/earned-growth', { step: 'month' });
      const periods = r.periods || [];
      if (!chart) chart = growthChart(growthChartEl, { lang: prefs.lang });
      chart.update(periods);
      const pc = (x) => (x == null ? fmt.DASH : fmt.pct(x, 1));
      fill(growth, h('table', { class: 'scorecard growth' },
        h('thead', null, h('tr', null, [t('period'), t('revenue'), 'NRR', 'ENC', t('earnedGrowthShort')].map((x, i) => h('th', { class: i ? 'num' : null }, x)))),
        h('tbody', null, periods.slice().reverse().map((p) => h('tr', { dataset: { period: p.period } },
          h('td', null, p.period, p.partial ? h('span', { class: 'muted small' }, ' ' + t('partial')) : null),
          h('td', { class: 'num' }, Math.round(p.revenue).toLocaleString('en-US')),
          h('td', { class: 'num' }, pc(p.nrr)), h('td', { class: 'num' }, pc(p.enc)),
          h('td', { class: ['num', 'eg', p.earnedGrowth == null ? null : p.earnedGrowth >= 0 ? 'cmp-up' : 'cmp-down'] }, pc(p.earnedGrowth)))))),
      h('p', { class: 'muted small' }, t('growthFormula')));
    } catch (e) { fill(growth, h('p', { class: 'error' }, errorText(e))); }
  };
  const loadValues = async () => {
    try {
      const r = await state.http.get('/api/v1/values', { window: prefs.window });
      fill(elements, r.items.length ? h('table', { class: 'scorecard values' },
        h('thead', null, h('tr', null, [t('valueElement'), 'n', t('shareAbove7'), t('delivered')].map((x, i) => h('th', { class: i ? 'num' : null }, x)))),
        h('tbody', null, r.items.map((v) => h('tr', { dataset: { element: v.code } },
          h('td', null, v.label || v.code),
          h('td', { class: 'num' }, fmt.n(v.n)),
          h('td', { class: 'num' }, h('span', { class: 'share-bar' }, h('span', { style: { width: (v.shareAbove7 || 0) + '%' } })), ' ', h('span', { class: 'share' }, fmt.pct(v.shareAbove7, 1))),
          h('td', { class: ['num', 'delivered', v.delivered ? 'cmp-up' : v.delivered === false ? 'cmp-down' : 'muted'] },
            v.delivered == null ? fmt.DASH : v.delivered ? '✓ ' + t('yes') : '✗ ' + t('no'))))))
        : h('p', { class: 'muted' }, t('noValueElements')),
      h('p', { class: 'muted small' }, t('deliveredRule')));
    } catch (e) { fill(elements, h('p', { class: 'error' }, errorText(e))); }
  };
  return {
    name: 'value', nav: 'value', el,
    update() {
      if (loaded) return;
      loaded = true;
      loadIssues();
      loadGrowth();
      loadValues();
    },
  };
}

// ---- alerts and freshness ---------------------------------------------------------------------

const ALERT_KINDS = ['detractor', 'case', 'sla-breach', 'fix-first'];

function onAlert(a) {
  if (!ALERT_KINDS.includes(a.kind)) return;
  state.alerts.unshift({ ...a, receivedAt: Date.now() });
  if (state.alerts.length > 200) state.alerts.length = 200;
  if (state.view && (state.view.name === 'alerts' || state.view.name === 'drill')) state.view.update(a);
}

function renderHealth(hl) {
  renderFreshness(hl, t, prefs.lang, t('signInRejected'));
}
