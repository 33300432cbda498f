// The comparison with the previous period, judged by the server: the scorecard and the drill-down
// show the same marker.
import { h } from '../dom.js';
import * as fmt from '../format.js';
import { prefs, state, t } from './state.js';
import { shortTime } from './shared.js';

/**
 * The change against the previous period of the same length, as the server judges it
 * (GET /api/v1/scorecards?compare=previous: each card's change.nps with its delta, z and verdict).
 * Reloaded when the pushed numbers move (at most every 5 s), never on a timer of its own.
 */
export async function loadCompare() {
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

export function prevRangeText() {
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
export function compareCell(code) {
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
