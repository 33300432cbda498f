// The manager console (/): the shell. It signs in, holds the state (console/state.js), wires the
// live client (the same as the wall's) and routes the hash to one view module per page:
//   #/             console/grid.js      the live scorecard with the comparison to the previous period
//   #/tp/<code>    console/drill.js     the drill-down of one touchpoint
//   #/reasons      console/reasons.js   the reason quadrant, items and verbatim search
//   #/alerts       console/alerts.js    live alerts and the case queue with actions
//   #/value        console/value.js     revenue at risk, earned growth, value elements
// Views update through the live WebSocket, never by polling: the REST panels reload when the
// pushed numbers move. Every judgement (target status, significance, margins) is the server's.
import { LiveClient } from './live-client.js';
import { api } from './api.js';
import { takeToken, forget, claims } from './token.js';
import { h, fill, $, $$ } from './dom.js';
import { WINDOWS } from './i18n.js';
import * as fmt from './format.js';
import { renderFreshness } from './freshness.js';
import { prefs, state, t, TOKEN_KEY, LANG_KEY, WINDOW_KEY } from './console/state.js';
import { throttled } from './console/shared.js';
import { loadCompare } from './console/compare.js';
import { signIn } from './console/signin.js';
import { gridView } from './console/grid.js';
import { drillView } from './console/drill.js';
import { reasonsView } from './console/reasons.js';
import { alertsView } from './console/alerts.js';
import { valueView } from './console/value.js';

const SUB = 'console';

document.documentElement.lang = prefs.lang === 'zh' ? 'zh-CN' : 'en';
boot();

async function boot() {
  const token = takeToken(TOKEN_KEY);
  if (!token) return signIn(null, start);
  try {
    state.http = api(token);
    state.catalog = await state.http.get('/api/v1/catalog');
  } catch (e) {
    if (e.status === 401 || e.status === 403) { forget(TOKEN_KEY); return signIn(t('signInRejected'), start); }
    return signIn(t('signInFailed', { msg: e.message }), start);
  }
  state.token = token;
  start();
}

function signOut() {
  forget(TOKEN_KEY);
  if (state.client) state.client.stop();
  location.hash = '';
  location.reload();
}

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

function onData(data) {
  state.data = data;
  state.compareRefresh.poke();
  if (state.view) state.view.update();
}

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
