// Tokens travel in the URL fragment (#token=…), which the browser never sends to the server, so
// they stay out of access logs; the page then keeps them in local storage and removes them from
// the address bar.

export function tokenFromFragment(hash = window.location.hash) {
  const m = /(?:^#|&)token=([^&]+)/.exec(hash || '');
  return m ? decodeURIComponent(m[1]) : null;
}

/** Moves a token from the fragment to storage and returns the stored token (or null). */
export function takeToken(storageKey) {
  const fromUrl = tokenFromFragment();
  if (fromUrl) {
    store(storageKey, fromUrl);
    // "#token=T", "#token=T&x", "#/tp/a&token=T": keep everything but the token.
    const rest = window.location.hash.replace(/^#token=[^&]*&?/, '#').replace(/&token=[^&]*/, '');
    history.replaceState(null, '', window.location.pathname + window.location.search + (rest === '#' ? '' : rest));
  }
  return fromUrl || load(storageKey);
}

/** Accepts a pasted token, or a pasted URL that carries one in its fragment. */
export function parsePastedToken(text) {
  const s = String(text || '').trim();
  const hash = s.indexOf('#');
  if (hash >= 0) {
    const t = tokenFromFragment(s.slice(hash));
    if (t) return t;
  }
  const jwt = /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(s);
  return jwt ? jwt[0] : null;
}

/** The claims of a JWT (not verified here: the server does that on every call). */
export function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(json);
  } catch (e) {
    return null;
  }
}

export function store(key, token) {
  try { localStorage.setItem(key, token); } catch (e) { /* private mode: the session still works */ }
}

export function load(key) {
  try { return localStorage.getItem(key); } catch (e) { return null; }
}

export function forget(key) {
  try { localStorage.removeItem(key); } catch (e) { /* nothing to forget */ }
}
