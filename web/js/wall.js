// The wall screen (/wall): a TV in a service centre, unattended, read from across the room.
// URL: /wall?lang=zh|en&window=today&pages=grid,rater,quadrant,journey,alerts&interval=20#token=<viewer JWT>
// The token comes once in the fragment (never sent to the server, so never in its logs) and
// is then kept in local storage; there is no login screen.
import { LiveClient } from './live-client.js';
import { api } from './api.js';
import { takeToken } from './token.js';
import { h, fill, setText, $, $$ } from './dom.js';
import { t as tr, tpName, reasonLabel, stageLabel, normLang, DIMENSIONS, WINDOWS } from './i18n.js';
import * as fmt from './format.js';
import { sparkline, quadrantChart, COLORS } from './charts.js';
import { renderFreshness } from './freshness.js';

const PAGES = ['grid', 'rater', 'quadrant', 'journey', 'alerts'];
const TOKEN_KEY = 'cxpulse.wall.token';
const SUB = 'wall';

const params = new URLSearchParams(location.search);
const num = (name, def) => (Number(params.get(name)) > 0 ? Number(params.get(name)) : def);
const cfg = {
  lang: normLang(params.get('lang') || 'en'),
  window: WINDOWS.includes(params.get('window')) ? params.get('window') : 'today',
  pages: (params.get('pages') || '').split(',').map((s) => s.trim()).filter((p) => PAGES.includes(p)),
  intervalMs: num('interval', 20) * 1000,
  touchpoints: params.get('touchpoints') ? params.get('touchpoints').split(',').filter(Boolean) : null,
  pingEveryMs: num('ping', 15) * 1000,
  staleAfterMs: params.has('stale') ? num('stale', 35) * 1000 : undefined,
  deadAfterMs: params.has('dead') ? num('dead', 45) * 1000 : undefined,
  graceMs: params.has('grace') ? Number(params.get('grace')) * 1000 : 3000,
};
if (!cfg.pages.length) cfg.pages = PAGES.slice();
const L = cfg.lang;
const t = (key, vars) => tr(key, vars, L);

const state = {
  catalog: null,
  data: null,
  openedAt: Date.now(),
  history: new Map(), // touchpoint -> [{t, v}] since this screen opened (the sparkline until the trends arrive)
  trends: null, // touchpoint -> [{t, v}] from GET /api/v1/trends, refreshed when the numbers move (at most every 60 s)
  trendsAt: null,
  trendsLoading: false,
  last: new Map(), // touchpoint -> "n|score" to notice changes
  alerts: [],
  reasons: null,
  reasonsAt: null,
  reasonsLoading: false,
  best: null, // GET /api/v1/best: refreshed when the journey page shows or the numbers move, at most every 30 s
  bestAt: null,
  bestLoading: false,
  page: 0,
};
const tiles = new Map();
let quadrant = null;
let client = null;
let http = null;

document.documentElement.lang = L === 'zh' ? 'zh-CN' : 'en';
start();

function start() {
  const token = takeToken(TOKEN_KEY);
  const root = $('#app');
  if (!token) {
    fill(root, notice(t('noToken'), t('noTokenHelp')));
    document.body.dataset.conn = 'none';
    return;
  }
  http = api(token);
  buildSkeleton(root);
  client = new LiveClient({ token, pingEveryMs: cfg.pingEveryMs, staleAfterMs: cfg.staleAfterMs,
    deadAfterMs: cfg.deadAfterMs, graceMs: cfg.graceMs });
  client.subscribe(SUB, { window: cfg.window, touchpoints: cfg.touchpoints });
  client.addEventListener('data', (e) => { if (e.detail.id === SUB) onData(e.detail.data); });
  client.addEventListener('alert', (e) => onAlert(e.detail));
  client.addEventListener('health', (e) => renderHealth(e.detail));
  client.addEventListener('denied', () => renderHealth(client.health()));
  client.start();
  loadCatalog(0);
  showPage(0);
  if (cfg.pages.length > 1) setInterval(() => showPage((state.page + 1) % cfg.pages.length), cfg.intervalMs);
  setInterval(() => { renderHealth(client.health()); renderOldest(); }, 1000);
  window.cxpulseWall = { client, state, cfg, showPage }; // for the browser tests and for a look from devtools
}

function notice(title, help) {
  return h('div', { class: 'notice' }, h('div', { class: 'notice-title' }, title), h('div', { class: 'notice-help' }, help));
}

async function loadCatalog(attempt) {
  try {
    state.catalog = await http.get('/api/v1/catalog');
    setText($('#tenant-name'), state.catalog.name || state.catalog.tenant);
    if (state.data) render();
  } catch (e) {
    if (e.status === 401 || e.status === 403) return; // the live client reports the rejected token
    setTimeout(() => loadCatalog(attempt + 1), Math.min(60_000, 2000 * 2 ** attempt));
  }
}

// ---- skeleton -------------------------------------------------------------------------------

function buildSkeleton(root) {
  const kpi = (id, label) => h('div', { class: 'kpi', id },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, h('span', { class: 'kpi-main' }, fmt.DASH), h('span', { class: 'kpi-moe' })),
    h('div', { class: 'kpi-n' }));
  fill(root,
    h('header', { class: 'wall-head' },
      h('div', { class: 'brand' },
        h('div', { class: 'brand-title', id: 'tenant-name' }, t('wallTitle')),
        h('div', { class: 'brand-sub' }, h('span', { id: 'window-label' }, t('win_' + cfg.window)), ' · ',
          h('span', { id: 'page-title' }))),
      h('div', { class: 'kpis' }, kpi('kpi-nps', t('overallNps')), kpi('kpi-csat', t('csatTop2')), kpi('kpi-rater', t('raterIndex'))),
      h('div', { class: 'fresh' },
        h('div', { class: 'conn', id: 'conn' }, h('span', { class: 'dot' }), h('span', { class: 'conn-text', id: 'conn-text' }, t('conn_connecting'))),
        h('div', { class: 'asof' }, h('span', { class: 'asof-label' }, t('dataAsOf')), ' ', h('span', { id: 'as-of' }, fmt.DASH)))),
    h('main', { class: 'wall-main' },
      h('div', { id: 'stale-banner', class: 'stale-banner', hidden: true, role: 'alert' },
        h('div', { class: 'stale-title' }, '⚠ ', t('staleTitle')),
        h('div', { class: 'stale-detail', id: 'stale-detail' })),
      h('section', { class: 'page page-grid', dataset: { page: 'grid' } }, h('div', { class: 'grid', id: 'grid' })),
      h('section', { class: 'page page-rater', dataset: { page: 'rater' } }, h('div', { class: 'rater-table', id: 'rater' })),
      h('section', { class: 'page page-quadrant', dataset: { page: 'quadrant' } },
        h('div', { class: 'quadrant-chart', id: 'quadrant-chart' }),
        h('aside', { class: 'quadrant-side' },
          h('div', { class: 'side-title' }, t('fixFirstList')),
          h('div', { class: 'fix-list', id: 'fix-list' }),
          h('div', { class: 'side-foot', id: 'reasons-asof' }, t('loading')))),
      h('section', { class: 'page page-journey', dataset: { page: 'journey' } }, h('div', { class: 'journey', id: 'journey' }),
        h('div', { class: 'best-strip', id: 'best-strip' },
          h('div', { class: 'best-sound' }, h('span', { class: 'best-label' }, t('bestSound')), h('span', { class: 'best-items', id: 'best-sound' }, t('loading'))),
          h('div', { class: 'best-target' }, h('span', { class: 'best-label' }, t('bestTarget')), h('span', { class: 'best-items', id: 'best-target' }, t('loading'))))),
      h('section', { class: 'page page-alerts', dataset: { page: 'alerts' } },
        h('div', { class: 'alerts-col' },
          h('div', { class: 'side-title', id: 'alerts-title' }, t('alertsSince', { time: fmt.hm(state.openedAt) })),
          h('div', { class: 'alert-list', id: 'alert-list' })),
        h('aside', { class: 'cases-col', id: 'cases' },
          h('div', { class: 'side-title' }, t('casesTitle')),
          h('div', { class: 'case-kpis' },
            h('div', { class: 'case-kpi' }, h('div', { class: 'case-kpi-v', id: 'cases-open' }, fmt.DASH), h('div', { class: 'case-kpi-l' }, t('casesOpen'))),
            h('div', { class: 'case-kpi' }, h('div', { class: 'case-kpi-v', id: 'cases-overdue' }, fmt.DASH), h('div', { class: 'case-kpi-l' }, t('casesOverdue')))),
          h('div', { class: 'case-oldest' }, h('div', { class: 'case-kpi-l' }, t('casesOldest')), h('div', { class: 'case-oldest-v', id: 'cases-oldest' }, fmt.DASH)),
          h('div', { class: 'case-tps', id: 'cases-tps' })))),
    h('footer', { class: 'wall-foot' },
      h('div', { class: 'tabs', id: 'tabs' }, cfg.pages.map((p, i) => h('span', { class: 'tab', dataset: { i: String(i) } }, t('tab_' + p)))),
      h('div', { class: 'legend' },
        h('span', null, h('span', { class: 'sw sw-green' }), t('rag_green')),
        h('span', null, h('span', { class: 'sw sw-amber' }), t('rag_amber')),
        h('span', null, h('span', { class: 'sw sw-red' }), t('rag_red')),
        h('span', null, h('span', { class: 'sw sw-insufficient' }), t('rag_insufficient')),
        h('span', null, h('span', { class: 'sw sw-low' }), t('lowNTitleShort'))),
      h('div', { class: 'progress' }, h('div', { class: 'progress-bar', id: 'progress' }))));
  for (const s of $$('.page')) s.hidden = true;
  renderAlerts();
}

function showPage(i) {
  state.page = i;
  const name = cfg.pages[i];
  for (const s of $$('.page')) s.hidden = s.dataset.page !== name;
  for (const tab of $$('.tab')) tab.classList.toggle('on', Number(tab.dataset.i) === i);
  setText($('#page-title'), t('page_' + name));
  document.body.dataset.page = name;
  $('.legend').hidden = !(name === 'grid' || name === 'journey');
  const bar = $('#progress');
  bar.classList.remove('run');
  void bar.offsetWidth; // restart the animation
  bar.style.animationDuration = cfg.intervalMs + 'ms';
  if (cfg.pages.length > 1) bar.classList.add('run');
  if (name === 'quadrant') loadReasons(false);
  if (name === 'journey') loadBest();
  if (name === 'grid') layoutGrid();
  if (name === 'alerts') renderAlerts();
}

// ---- data -----------------------------------------------------------------------------------

function onData(data) {
  state.data = data;
  const now = Date.now();
  for (const tp of data.touchpoints) {
    const key = `${tp.nps.n}|${tp.nps.score}`;
    const before = state.last.get(tp.touchpoint);
    state.last.set(tp.touchpoint, key);
    tp._changed = before !== undefined && before !== key;
    const hist = state.history.get(tp.touchpoint) || [];
    if (tp.nps.score != null) {
      const lastPt = hist[hist.length - 1];
      if (!lastPt || lastPt.v !== tp.nps.score || now - lastPt.t > 60_000) hist.push({ t: now, v: tp.nps.score });
      if (hist.length > 720) hist.splice(0, hist.length - 720);
    }
    state.history.set(tp.touchpoint, hist);
  }
  render();
  if (!state.trendsAt || now - state.trendsAt > 60_000) loadTrends();
  // Reasons are not pushed: refresh them when the numbers moved, at most every 30 s.
  if (cfg.pages[state.page] === 'quadrant' && (!state.reasonsAt || now - state.reasonsAt > 30_000)) loadReasons(false);
  // The journey's stage numbers come from BEST and its cards from the push: while the journey shows,
  // BEST is reloaded more often so that a stage and its touchpoints do not drift apart for long.
  const bestGap = cfg.pages[state.page] === 'journey' ? 10_000 : 30_000;
  if (cfg.pages.includes('journey') && (!state.bestAt || now - state.bestAt > bestGap)) loadBest();
}

function render() {
  const data = state.data;
  if (!data) return;
  renderHeader(data);
  renderCases(data);
  renderGrid(data);
  renderRater(data);
  renderJourney(data);
}

/** Open follow-up cases (scorecards carry them as of now: open, overdue, oldestOpenAt). */
function renderCases(data) {
  const c = data && data.overall && data.overall.cases;
  if (!c) return;
  setText($('#cases-open'), String(c.open));
  setText($('#cases-overdue'), String(c.overdue));
  $('#cases').classList.toggle('has-overdue', c.overdue > 0);
  renderOldest();
  const tps = data.touchpoints.filter((tp) => tp.cases && tp.cases.open > 0)
    .sort((a, b) => b.cases.overdue - a.cases.overdue || b.cases.open - a.cases.open).slice(0, 6);
  fill($('#cases-tps'), tps.map((tp) => h('div', { class: ['case-tp', tp.cases.overdue > 0 && 'overdue'], dataset: { tp: tp.touchpoint } },
    h('span', { class: 'case-tp-name' }, tpName(tp, L)),
    h('span', { class: 'case-tp-n' }, String(tp.cases.open), tp.cases.overdue ? h('span', { class: 'case-tp-over' }, ` · ${tp.cases.overdue} ${t('overdueShort')}`) : null))));
}

/** The oldest open case's age, counted on from the time the server gave (every second). */
function renderOldest() {
  const c = state.data && state.data.overall && state.data.overall.cases;
  const el = $('#cases-oldest');
  if (!c || !el) return;
  if (!c.oldestOpenAt || !c.open) return setText(el, fmt.DASH);
  setText(el, fmt.duration(Date.now() - Date.parse(c.oldestOpenAt), L));
  el.dataset.oldestOpenAt = c.oldestOpenAt;
}

function renderHeader(data) {
  const o = data.overall;
  setKpi('#kpi-nps', fmt.score(o.nps.score), fmt.moe(o.nps.moe), fmt.n(o.nps.n), o.nps.lowConfidence && o.nps.n > 0);
  const c = o.csat || {};
  setKpi('#kpi-csat', fmt.pct(c.top2), c.mean == null ? '' : `${fmt.mean(c.mean)}/5`, fmt.n(c.n), false);
  const dims = Object.values((o.rater && o.rater.dimensions) || {}).map((d) => d.n);
  const lo = dims.length ? Math.min(...dims) : 0;
  const hi = dims.length ? Math.max(...dims) : 0;
  setKpi('#kpi-rater', fmt.score(o.rater && o.rater.index), '', lo === hi ? fmt.n(hi) : `n=${lo}–${hi}`, false);
  if (!state.catalog) setText($('#tenant-name'), t('wallTitle'));
}

function setKpi(sel, main, moe, n, low) {
  const el = $(sel);
  setText($('.kpi-main', el), main);
  setText($('.kpi-moe', el), moe);
  setText($('.kpi-n', el), n);
  el.classList.toggle('low-conf', !!low);
}

function layoutGrid() {
  const grid = $('#grid');
  const count = grid.children.length;
  if (!count || !grid.clientWidth) return;
  let best = 1;
  let bestScore = Infinity;
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const aspect = (grid.clientWidth / cols) / (grid.clientHeight / rows);
    const score = Math.abs(Math.log(aspect / 1.9)) + (rows * cols - count) * 0.08;
    if (score < bestScore) { bestScore = score; best = cols; }
  }
  grid.style.gridTemplateColumns = `repeat(${best}, minmax(0, 1fr))`;
  grid.style.gridTemplateRows = `repeat(${Math.ceil(count / best)}, minmax(0, 1fr))`;
}

function renderGrid(data) {
  const grid = $('#grid');
  const codes = data.touchpoints.map((tp) => tp.touchpoint).join(',');
  if (grid.dataset.codes !== codes) {
    for (const tile of tiles.values()) tile.spark.dispose();
    tiles.clear();
    fill(grid, data.touchpoints.map((tp) => {
      const tile = buildTile(tp);
      tiles.set(tp.touchpoint, tile);
      return tile.el;
    }));
    grid.dataset.codes = codes;
    layoutGrid();
  }
  for (const tp of data.touchpoints) updateTile(tiles.get(tp.touchpoint), tp);
}

function buildTile(tp) {
  const el = h('div', { class: 'tile', dataset: { tp: tp.touchpoint } }, h('div', { class: 'tile-in' },
    h('div', { class: 'tile-head' },
      h('span', { class: 'tile-name' }, tpName(tp, L)),
      h('span', { class: 'badge low-n', title: t('lowNTitle'), hidden: true }, t('lowN'))),
    h('div', { class: 'tile-body' },
      h('div', { class: 'nps-score' }, fmt.DASH),
      h('div', { class: 'tile-stats' },
        h('div', { class: 'nps-moe' }),
        h('div', { class: 'nps-n' }),
        h('div', { class: 'tile-target' }))),
    h('div', { class: 'ppd' }, h('span', { class: 'ppd-p' }), h('span', { class: 'ppd-pa' }), h('span', { class: 'ppd-d' })),
    h('div', { class: 'ppd-text' }),
    h('div', { class: 'spark-wrap' }, h('div', { class: 'spark' }), h('div', { class: 'spark-note' }))));
  return { el, spark: sparkline($('.spark', el)) };
}

function updateTile(tile, tp) {
  const el = tile.el;
  const nps = tp.nps;
  // The server's judgement (nps.status), shown as it comes: green, amber, red, insufficient or none.
  const target = nps.target ?? null;
  const status = nps.status || 'none';
  el.className = `tile rag-${status}` + (nps.n === 0 ? ' no-data' : nps.lowConfidence ? ' low-conf' : '')
    + (el.classList.contains('changed') ? ' changed' : '');
  setText($('.tile-name', el), tpName(tp, L));
  setText($('.nps-score', el), fmt.score(nps.score));
  setText($('.nps-moe', el), nps.n ? fmt.moe(nps.moe) : '');
  setText($('.nps-n', el), fmt.n(nps.n));
  $('.low-n', el).hidden = !(nps.lowConfidence && nps.n > 0);
  const targetText = target == null ? t('noTarget') : `${t('target', { t: fmt.score(target) })} · ${t('rag_' + status)}`;
  setText($('.tile-target', el), nps.n ? targetText : t('noData'));
  const sh = fmt.shares(nps);
  $('.ppd-p', el).style.width = sh ? sh.promoters + '%' : '0%';
  $('.ppd-pa', el).style.width = sh ? sh.passives + '%' : '0%';
  $('.ppd-d', el).style.width = sh ? sh.detractors + '%' : '0%';
  setText($('.ppd-text', el), sh
    ? `${t('promoters')} ${fmt.pct(sh.promoters)} · ${t('passives')} ${fmt.pct(sh.passives)} · ${t('detractors')} ${fmt.pct(sh.detractors)}`
    : '');
  const colour = COLORS[status] || COLORS.none;
  const steps = state.trends && state.trends.get(tp.touchpoint);
  if (steps && steps.filter((p) => p.v != null).length >= 2) {
    tile.spark.update(steps, colour);
    setText($('.spark-note', el), t('trendSteps', { step: t('stepOf_' + trendStep(cfg.window)) }));
  } else {
    const hist = state.history.get(tp.touchpoint) || [];
    tile.spark.update(hist.length >= 2 ? hist : [], colour);
    setText($('.spark-note', el), hist.length >= 2 ? t('trendSince', { time: fmt.hm(hist[0].t) }) : t('trendWaiting'));
  }
  if (tp._changed) {
    el.classList.remove('changed');
    void el.offsetWidth;
    el.classList.add('changed');
    el.dataset.changedAt = String(Date.now());
    clearTimeout(tile.changeTimer);
    tile.changeTimer = setTimeout(() => el.classList.remove('changed'), 3000);
  }
  el.dataset.renderedAt = String(Date.now());
}

function trendStep(win) {
  if (win === '15m' || win === '1h') return 'minute';
  if (win === '7d' || win === '30d') return 'day';
  return 'hour';
}

/** The tiles' sparklines: NPS per step of the window (n = 0: a gap, never 0). */
async function loadTrends() {
  if (state.trendsLoading) return;
  state.trendsLoading = true;
  state.trendsAt = Date.now();
  try {
    const r = await http.get('/api/v1/trends', { metric: 'nps', step: trendStep(cfg.window), window: cfg.window, touchpoints: cfg.touchpoints });
    const m = new Map();
    for (const sr of r.series || []) m.set(sr.touchpoint, sr.points.map((p) => ({ t: Date.parse(p.from), v: p.score })));
    state.trends = m;
    if (state.data) {
      for (const tp of state.data.touchpoints) tp._changed = false; // a new sparkline is not a changed number
      renderGrid(state.data);
    }
  } catch (e) {
    /* the sparklines keep what this screen received live */
  } finally {
    state.trendsLoading = false;
  }
}

function renderRater(data) {
  const table = $('#rater');
  const cols = [...DIMENSIONS, 'index'];
  const cell = (idx, mean, n, isIndex) => h('div', { class: ['rc', isIndex && 'rc-index', idx == null && 'rc-empty'], style: {
    // A neutral intensity (no RATER targets to judge against), stretched over the usual 40–90 range.
    '--heat': idx == null ? 0 : Math.min(1, Math.max(0.08, (idx - 40) / 50)) } },
  h('div', { class: 'rc-value' }, fmt.score(idx)),
  h('div', { class: 'rc-sub' }, mean == null ? fmt.n(n) : `${fmt.mean(mean)}/5 · ${fmt.n(n)}`));
  const row = (label, rater, cls) => {
    const d = (rater && rater.dimensions) || {};
    const ns = DIMENSIONS.map((k) => (d[k] ? d[k].n : 0));
    return h('div', { class: ['rr', cls] },
      h('div', { class: 'rl' }, label),
      DIMENSIONS.map((k) => cell(d[k] ? d[k].index : null, d[k] ? d[k].mean : null, d[k] ? d[k].n : 0, false)),
      cell(rater ? rater.index : null, null, Math.max(0, ...ns), true));
  };
  table.style.gridTemplateRows = `auto repeat(${data.touchpoints.length + 1}, minmax(0, 1fr))`;
  fill(table,
    h('div', { class: 'rr rr-head' }, h('div', { class: 'rl' }), cols.map((k) => h('div', { class: 'rh' }, k === 'index' ? t('raterIdx') : t('dim_' + k)))),
    data.touchpoints.map((tp) => row(tpName(tp, L), tp.rater, null)),
    row(t('allTouchpoints'), data.overall.rater, 'rr-total'));
}

function renderJourney(data) {
  const box = $('#journey');
  const stages = [];
  const known = (state.catalog && state.catalog.stages) || [];
  for (const s of [...known].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))) stages.push({ code: s.code, def: s, tps: [] });
  for (const tp of data.touchpoints) {
    let s = stages.find((x) => x.code === tp.stage);
    if (!s) { s = { code: tp.stage || '—', def: { code: tp.stage, label: tp.stage }, tps: [] }; stages.push(s); }
    s.tps.push(tp);
  }
  box.style.gridTemplateColumns = `repeat(${Math.max(1, stages.length)}, minmax(0, 1fr))`;
  fill(box, stages.map((s) => {
    // The stage's NPS is the server's (GET /api/v1/best: behavior.stages[].nps, summed over its touchpoints).
    const b = bestStage(s.code);
    const sum = b ? b.nps : null;
    return h('div', { class: ['stage', !s.tps.length && 'stage-empty', s.tps.length >= 3 && 'dense'], dataset: { stage: s.code } },
      h('div', { class: 'stage-name' }, stageLabel(s.def, L)),
      h('div', { class: 'stage-score' }, h('span', { class: 'stage-nps' }, fmt.score(sum && sum.score)),
        h('span', { class: 'stage-moe' }, sum && sum.n ? fmt.moe(sum.moe) : '')),
      h('div', { class: 'stage-n' }, !s.tps.length ? t('stageEmpty')
        : sum ? `${fmt.n(sum.n)} · ${(b.volume || 0).toLocaleString('en-US')} ${t('responses')}` : t('loading')),
      h('div', { class: 'stage-tps' }, s.tps.map((tp) => {
        const status = tp.nps.status || 'none';
        return h('div', { class: ['stp', 'rag-' + status, tp.nps.lowConfidence && tp.nps.n > 0 && 'low-conf'], dataset: { tp: tp.touchpoint, status } },
          h('div', { class: 'stp-name' }, tpName(tp, L)),
          h('div', { class: 'stp-score' }, fmt.score(tp.nps.score), h('span', { class: 'stp-moe' }, tp.nps.n ? ' ' + fmt.moe(tp.nps.moe) : '')),
          h('div', { class: 'stp-n' }, fmt.n(tp.nps.n), tp.nps.lowConfidence && tp.nps.n > 0 ? ' · ' + t('lowN') : ''),
          ppdBar(tp.nps),
          bestCsat(tp.touchpoint));
      })));
  }));
}

/** A journey stage of the last GET /api/v1/best reply (stage code null: touchpoints without a stage). */
function bestStage(code) {
  const stages = (state.best && state.best.behavior && state.best.behavior.stages) || [];
  return stages.find((x) => (x.stage ?? '—') === code) || null;
}

/** E of BEST: the touchpoint's CSAT (top-2 box) against its target, as GET /api/v1/best judges it. */
function bestCsat(code) {
  const e = state.best && state.best.experience && state.best.experience.touchpoints.find((x) => x.touchpoint === code);
  if (!e || !e.csat || !e.csat.n) return null;
  const c = e.csat;
  return h('div', { class: ['stp-csat', 'csat-' + (c.status || 'none')], dataset: { status: c.status || 'none' } },
    h('span', { class: 'csat-dot' }),
    // The dot says where it stands against its target (like the NPS colour), which leaves room
    // for the n in a narrow column: a share without its n is not shown.
    h('span', { class: 'stp-csat-v' }, `${t('csat')} ${fmt.pct(c.top2)}`),
    h('span', { class: 'stp-csat-n' }, ` ${fmt.n(c.n)}`));
}

async function loadBest() {
  if (state.bestLoading) return;
  state.bestLoading = true;
  try {
    state.best = await http.get('/api/v1/best', { window: cfg.window, touchpoints: cfg.touchpoints });
    state.bestAt = Date.now();
  } catch (e) {
    /* keep the last reply; the strip says how old it is */
  } finally {
    state.bestLoading = false;
  }
  if (state.data) renderJourney(state.data);
  renderBestStrip();
}

/** S and T of BEST under the journey: what customers talk about most, and the outcomes. */
function renderBestStrip() {
  const b = state.best;
  if (!b) return;
  const ranking = ((b.sound && b.sound.attentionRanking) || []).filter((i) => i.level === 1 || !i.parent).slice(0, 2);
  fill($('#best-sound'), ranking.length ? ranking.map((i) => h('span', { class: ['best-item', 'q-' + i.quadrant], dataset: { reason: i.code } },
    h('span', { class: 'best-item-name' }, reasonLabel(i, L)), ' ',
    h('span', { class: 'best-item-att' }, fmt.pct(100 * i.attention)), ' · ',
    h('span', { class: 'best-item-nps' }, `NPS ${fmt.score(i.subNps)}`), i.lowConfidence ? ' ⚠' : '')) : t('quadrantEmpty'));
  const target = b.target || {};
  if (target.available && target.byCategory) {
    const rate = (cat) => {
      const c = target.byCategory[cat];
      return c && c.repurchase && c.repurchase.rate != null ? fmt.pct(c.repurchase.rate) : fmt.DASH;
    };
    // Customers whose horizon has not ended yet may still come back: the rates are lower bounds.
    const label = t('repurchaseIn', { d: target.horizonDays }) + (target.openHorizon > 0 ? ' ' + t('soFar') : '') + ':';
    fill($('#best-target'), label, ' ',
      h('span', { class: 'out-p' }, `${t('promoters')} ${rate('promoter')}`), ' · ',
      h('span', null, `${t('passives')} ${rate('passive')}`), ' · ',
      h('span', { class: 'out-d' }, `${t('detractors')} ${rate('detractor')}`));
  } else {
    fill($('#best-target'), h('span', { class: 'muted' }, t('noOutcomes')));
  }
  $('#best-strip').dataset.asOf = String(state.bestAt);
}

function ppdBar(nps) {
  const sh = fmt.shares(nps);
  return h('div', { class: 'ppd' },
    h('span', { class: 'ppd-p', style: { width: (sh ? sh.promoters : 0) + '%' } }),
    h('span', { class: 'ppd-pa', style: { width: (sh ? sh.passives : 0) + '%' } }),
    h('span', { class: 'ppd-d', style: { width: (sh ? sh.detractors : 0) + '%' } }));
}

// ---- reasons (REST; refreshed when shown and when the numbers move) ---------------------------

async function loadReasons(force) {
  if (state.reasonsLoading) return;
  if (!force && state.reasonsAt && Date.now() - state.reasonsAt < 15_000) return renderQuadrant();
  state.reasonsLoading = true;
  try {
    state.reasons = await http.get('/api/v1/reasons', { window: cfg.window, touchpoints: cfg.touchpoints });
    state.reasonsAt = Date.now();
  } catch (e) {
    /* keep the last reasons; their "as of" time shows their age */
  } finally {
    state.reasonsLoading = false;
  }
  renderQuadrant();
}

function renderQuadrant() {
  if (!quadrant) quadrant = quadrantChart($('#quadrant-chart'), { lang: L, big: true, interactive: false });
  const items = ((state.reasons && state.reasons.items) || []).filter((i) => i.level === 1 || (!i.level && !i.parent));
  quadrant.update(items);
  const fix = items.filter((i) => i.quadrant === 'fix-first').sort((a, b) => b.attention - a.attention).slice(0, 6);
  fill($('#fix-list'), items.length ? fix.map((i) => h('div', { class: 'fix-item', dataset: { reason: i.code } },
    h('div', { class: 'fix-name' }, reasonLabel(i, L)),
    h('div', { class: 'fix-stats' },
      h('span', { class: 'fix-nps' }, fmt.score(i.subNps)), ' ', h('span', { class: 'fix-moe' }, fmt.moe(i.subNpsMoe)),
      h('span', { class: 'fix-n' }, ` ${fmt.n(i.n)} · ${fmt.pct(100 * i.attention)}`)))) : h('div', { class: 'placeholder' }, t('quadrantEmpty')));
  setText($('#reasons-asof'), state.reasonsAt ? t('reasonsAsOf', { time: fmt.clock(state.reasonsAt) }) : t('loading'));
}

// ---- alerts ---------------------------------------------------------------------------------

const ALERT_KINDS = ['detractor', 'case', 'sla-breach', 'fix-first'];

function onAlert(a) {
  if (!ALERT_KINDS.includes(a.kind)) return;
  state.alerts.unshift({ ...a, receivedAt: Date.now() });
  if (state.alerts.length > 50) state.alerts.length = 50;
  renderAlerts();
}

function reasonName(code) {
  const r = state.catalog && state.catalog.reasons ? state.catalog.reasons.find((x) => x.code === code) : null;
  return r ? reasonLabel(r, L) : code;
}

function tpByCode(code) {
  const fromData = state.data && state.data.touchpoints.find((x) => x.touchpoint === code);
  if (fromData) return fromData;
  return state.catalog && state.catalog.touchpoints ? state.catalog.touchpoints.find((x) => x.code === code) : null;
}

function renderAlerts() {
  const list = $('#alert-list');
  if (!state.alerts.length) {
    fill(list, h('div', { class: 'placeholder' }, t('alertsEmpty', { time: fmt.hm(state.openedAt) })));
    return;
  }
  fill(list, state.alerts.slice(0, 12).map((a) => {
    if (a.kind !== 'detractor') return otherAlert(a);
    const when = a.occurredAt ? Date.parse(a.occurredAt) : a.receivedAt;
    return h('div', { class: 'alert-item', dataset: { kind: 'detractor', event: a.eventId || '' } },
      h('div', { class: 'alert-score' }, fmt.score(a.nps)),
      h('div', { class: 'alert-main' },
        h('div', { class: 'alert-meta' },
          h('span', { class: 'alert-time' }, fmt.clock(when)), ' · ',
          h('span', { class: 'alert-tp' }, tpName(tpByCode(a.touchpoint), L) || a.touchpoint),
          (a.reasons || []).length ? ' · ' + a.reasons.map(reasonName).join('、') : '',
          a.contactConsent ? h('span', { class: 'alert-contact' }, ' · ☎ ' + t('wantsContact')) : null),
        h('div', { class: ['alert-comment', !a.comment && 'muted'] }, a.comment ? `“${a.comment}”` : t('noComment'))));
  }));
  hideCutOff(list);
}

/** A new case, an SLA breach or a reason moving into fix-first: one line each, coloured by kind. */
function otherAlert(a) {
  const tp = tpName(tpByCode(a.touchpoint), L) || a.touchpoint;
  const text = a.kind === 'fix-first'
    ? t('wallFixFirst', { reason: reasonLabel(a, L), min: a.windowMinutes })
    : t(a.kind === 'case' ? 'wallCase' : 'wallSla', { id: a.caseId });
  return h('div', { class: ['alert-item', 'kind-' + a.kind], dataset: { kind: a.kind, case: a.caseId == null ? '' : String(a.caseId) } },
    h('div', { class: 'alert-score' }, a.kind === 'fix-first' ? fmt.score(a.subNps) : fmt.score(a.nps),
      a.kind === 'fix-first' && a.lowConfidence ? h('span', { class: 'badge', title: t('lowNTitle') }, t('lowN')) : null),
    h('div', { class: 'alert-main' },
      h('div', { class: 'alert-meta' }, h('span', { class: 'alert-time' }, fmt.clock(a.receivedAt)), ' · ', h('span', { class: 'alert-tp' }, tp)),
      h('div', { class: 'alert-comment alert-kind-text' }, text)));
}

/** Hides the items that would be cut at the bottom of a list (a wall never shows half a line). */
function hideCutOff(list) {
  if (list.closest('.page').hidden) return;
  const bottom = list.getBoundingClientRect().bottom;
  for (const item of list.children) item.hidden = item.getBoundingClientRect().bottom > bottom + 1;
}

// ---- freshness ------------------------------------------------------------------------------

function renderHealth(hl) {
  renderFreshness(hl, t, L, `${t('tokenRejected')} ${t('tokenRejectedHelp')}`);
}

// A screen that changes resolution (or a browser window resized) gets the layout and the
// charts' font sizes recomputed.
let resizeTimer = null;
window.addEventListener('resize', () => {
  layoutGrid();
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { render(); renderAlerts(); if (quadrant) renderQuadrant(); }, 100);
});
