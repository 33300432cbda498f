// The console's preferences and state: one object each, filled by the shell (console.js) at sign-in
// and on every push, read by the views, which keep their own state in their closures.
import { t as tr, normLang, WINDOWS } from '../i18n.js';

export const TOKEN_KEY = 'cxpulse.console.token';
export const LANG_KEY = 'cxpulse.console.lang';
export const WINDOW_KEY = 'cxpulse.console.window';

const params = new URLSearchParams(location.search);
export const prefs = {
  lang: normLang(params.get('lang') || localStorage.getItem(LANG_KEY) || navigator.language),
  window: WINDOWS.includes(localStorage.getItem(WINDOW_KEY)) ? localStorage.getItem(WINDOW_KEY) : '7d',
};
export const t = (key, vars) => tr(key, vars, prefs.lang);

export const state = {
  token: null, http: null, client: null, catalog: null,
  data: null,
  compare: null, // GET /api/v1/scorecards?compare=previous: the server's judgement of the change against the previous period
  compareRefresh: null,
  alerts: [],
  reasons: new Map(), // scope key -> {data, at, n}
  selectedReason: null,
  view: null, // the current view object: {name, update()}
};
