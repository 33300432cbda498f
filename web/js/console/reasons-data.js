// GET /api/v1/reasons for a scope, shared by the drill-down's quadrant and the reasons page (one
// cache in state.reasons, keyed by window and scope).
import { prefs, state } from './state.js';

/** Reasons for a scope (all touchpoints or one), refreshed when the scope's n moved, at most every 10 s. */
export async function reasonsFor(code, onLoaded) {
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
