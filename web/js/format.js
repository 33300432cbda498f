// Number formatting shared by the pages. Scores arrive unrounded; the pages round here.
// A score that is null (n = 0) is shown as "—", never as 0.

export const DASH = '—';
const MINUS = '−';

export function score(x) {
  if (x == null || Number.isNaN(x)) return DASH;
  const r = Math.round(x);
  return r < 0 ? MINUS + Math.abs(r) : String(r);
}

export function signed(x) {
  if (x == null || Number.isNaN(x)) return DASH;
  const r = Math.round(x);
  return r > 0 ? '+' + r : r < 0 ? MINUS + Math.abs(r) : '0';
}

export function moe(x) {
  if (x == null || Number.isNaN(x)) return '';
  return '±' + Math.round(x);
}

export function n(count) {
  return 'n=' + (count == null ? 0 : count).toLocaleString('en-US');
}

export function pct(x, digits = 0) {
  if (x == null || Number.isNaN(x)) return DASH;
  return x.toFixed(digits) + '%';
}

export function mean(x, digits = 1) {
  if (x == null || Number.isNaN(x)) return DASH;
  return x.toFixed(digits);
}

/** 24-hour local clock time hh:mm:ss. */
export function clock(t) {
  if (t == null) return DASH;
  const d = new Date(t);
  const p = (v) => String(v).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function hm(t) {
  return clock(t).slice(0, 5);
}

/** A duration in ms as "45 s", "3 min", "2 h 5 min", "3 d 4 h". */
export function duration(ms, lang = 'en') {
  const s = Math.max(0, Math.floor(ms / 1000));
  const zh = lang === 'zh';
  if (s < 60) return zh ? `${s}秒` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return zh ? `${m}分钟` : `${m} min`;
  const hr = Math.floor(m / 60);
  if (hr < 24) return zh ? `${hr}小时${m % 60}分` : `${hr} h ${m % 60} min`;
  const d = Math.floor(hr / 24);
  return zh ? `${d}天${hr % 24}小时` : `${d} d ${hr % 24} h`;
}

/** Promoter/passive/detractor shares in % (null without responses). */
export function shares(nps) {
  if (!nps || !nps.n) return null;
  return {
    promoters: (100 * nps.promoters) / nps.n,
    passives: (100 * nps.passives) / nps.n,
    detractors: (100 * nps.detractors) / nps.n,
  };
}
