// How fresh the numbers are — the connection indicator, "data as of" and the stale banner —
// shared by the wall and the console. Expects #conn, #conn-text, #as-of, #stale-banner and
// #stale-detail in the page.
import { $, setText } from './dom.js';
import * as fmt from './format.js';

/**
 * @param hl the live client's health ({state, stale, why, asOf, silentMs, serverStatus})
 * @param t the page's translate function
 * @param lang the page's language, for durations
 * @param deniedText what to say when the server refused the token
 */
export function renderFreshness(hl, t, lang, deniedText) {
  document.body.dataset.conn = hl.state;
  document.body.dataset.stale = String(hl.stale);
  document.body.classList.toggle('is-stale', hl.stale);
  const conn = $('#conn');
  if (!conn) return;
  conn.className = 'conn conn-' + hl.state;
  setText($('#conn-text'), t('conn_' + hl.state));
  setText($('#as-of'), fmt.clock(hl.asOf));
  $('#stale-banner').hidden = !hl.stale;
  if (!hl.stale) return;
  let why;
  if (hl.why === 'denied') why = deniedText;
  else if (hl.why === 'disconnected') why = t('staleDisconnected');
  else if (hl.why === 'silent') why = t('staleSilent', { ago: fmt.duration(hl.silentMs, lang) });
  else if (hl.why === 'server') why = t('staleServer', { reason: hl.serverStatus.reason || '?' });
  else why = t('loading');
  const since = hl.asOf == null ? t('staleNever')
    : t('staleSince', { time: fmt.clock(hl.asOf), ago: fmt.duration(Date.now() - hl.asOf, lang) });
  setText($('#stale-detail'), `${since} — ${why}`);
}
