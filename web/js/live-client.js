// The live client used by the wall and the console: one WebSocket to /api/v1/live
// (docs/live-protocol.md). It authenticates with its first message, keeps the subscriptions and
// sends them again after every reconnect (each one then gets a fresh snapshot that replaces
// what is shown), resubscribes on a gap in seq, pings every 15 s, notices a silent or dead
// connection, reconnects with jittered exponential backoff, and reports the server's
// status messages. It never invents data: it only says how fresh the last data is.
//
// Events (CustomEvent, details in brackets):
//   data   {id, kind: 'snapshot'|'update', data, seq}   the whole state of a subscription
//   alert  {…the alert message}                          a new detractor response
//   status {stale, reason, since}                        the server's own freshness
//   state  {state}                                       connecting|open|reconnecting|denied|closed
//   health {…health()}                                   once a second and on every change
//   gap    {id, expected, got}                           a missed message: resubscribed
//   error  {…the error message}                          a recoverable error from the server
//   denied {code, reason}                                4401/4403: a new token is needed

const AUTH_FAILED = 4401;
const FORBIDDEN = 4403;
const CLIENT_GAVE_UP = 4000;

/** delay = min(30 s, 0.5 s × 2^attempt) × random(0.5, 1) */
export function backoffDelay(attempt, random = Math.random) {
  return Math.min(30_000, 500 * 2 ** attempt) * (0.5 + 0.5 * random());
}

export function liveUrl(loc = window.location) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/live`;
}

export class LiveClient extends EventTarget {
  /**
   * @param {object} o
   * @param {string} o.token            the JWT (viewer or above)
   * @param {string} [o.url]            default: this page's origin, /api/v1/live
   * @param {number} [o.pingEveryMs]    our ping period (15 s)
   * @param {number} [o.staleAfterMs]   no message for this long: the data is called stale (2 × ping + 5 s)
   * @param {number} [o.deadAfterMs]    no message for this long: the socket is dropped and reopened (stale + 10 s)
   * @param {number} [o.graceMs]        a reconnect shorter than this shows no stale banner (3 s)
   * @param {number} [o.stableAfterMs]  a connection up this long resets the backoff (60 s)
   */
  constructor(o) {
    super();
    this.token = o.token;
    this.url = o.url || liveUrl();
    this.pingEveryMs = o.pingEveryMs || 15_000;
    this.staleAfterMs = o.staleAfterMs || 2 * this.pingEveryMs + 5_000;
    this.deadAfterMs = o.deadAfterMs || this.staleAfterMs + 10_000;
    this.graceMs = o.graceMs ?? 3_000;
    this.stableAfterMs = o.stableAfterMs || 60_000;
    this.random = o.random || Math.random;

    this.subs = new Map();
    this.state = 'idle';
    this.ws = null;
    this.ready = null; // the server's ready message while authenticated
    this.attempt = 0;
    this.connects = 0;
    this.openedAt = null;
    this.socketStartedAt = null;
    this.lastMessageAt = null;
    this.lastFreshAt = null;
    this.disconnectedAt = null;
    this.nextRetryAt = null;
    this.serverStatus = { stale: false, reason: null, since: null };
    this.lastClose = null;
    this._retryTimer = null;
    this._pingTimer = null;
    this._checkTimer = null;
    this._lastHealthKey = '';
  }

  start() {
    if (this.state !== 'idle' && this.state !== 'closed') return this;
    this.disconnectedAt = Date.now();
    this._checkTimer = setInterval(() => this._check(), 1000);
    this._online = () => { if (this.nextRetryAt) this._retryNow(); };
    window.addEventListener('online', this._online);
    this._connect();
    return this;
  }

  stop() {
    clearInterval(this._checkTimer);
    clearTimeout(this._retryTimer);
    clearInterval(this._pingTimer);
    window.removeEventListener('online', this._online);
    this._drop(1000, 'client stopped');
    this._setState('closed');
  }

  /** Subscribes (or replaces) a view; sent now if connected, and again after every reconnect. */
  subscribe(id, view = {}) {
    const old = this.subs.get(id);
    const sub = { id, window: view.window || '1h', touchpoints: view.touchpoints || null,
      seq: 0, hasSnapshot: false, data: old ? old.data : null };
    this.subs.set(id, sub);
    if (this.ready) this._sendSubscribe(sub);
  }

  unsubscribe(id) {
    if (this.subs.delete(id) && this.ready) this._send({ type: 'unsubscribe', id });
  }

  /** The latest data of a subscription (kept across reconnects until a new snapshot replaces it). */
  data(id) {
    const s = this.subs.get(id);
    return s ? s.data : null;
  }

  /** How fresh the shown data is, for the "data as of" line, the indicator and the stale banner. */
  health() {
    const now = Date.now();
    let why = null;
    if (this.state === 'denied') why = 'denied';
    else if (!this.ready) {
      // Down for longer than a quick reconnect, or down after the connection had already gone quiet.
      if ((this.disconnectedAt != null && now - this.disconnectedAt >= this.graceMs)
          || (this.lastMessageAt != null && now - this.lastMessageAt > this.staleAfterMs)) why = 'disconnected';
    } else if (this.lastMessageAt != null && now - this.lastMessageAt > this.staleAfterMs) why = 'silent';
    else if (this.serverStatus.stale) why = 'server';
    else if ([...this.subs.values()].some((s) => !s.hasSnapshot) && now - this.openedAt >= this.graceMs) why = 'waiting';
    return {
      state: this.state,
      stale: why != null,
      why,
      asOf: this.lastFreshAt,
      lastMessageAt: this.lastMessageAt,
      silentMs: this.lastMessageAt == null ? null : now - this.lastMessageAt,
      disconnectedAt: this.disconnectedAt,
      nextRetryAt: this.nextRetryAt,
      attempt: this.attempt,
      connects: this.connects,
      serverStatus: { ...this.serverStatus },
      lastClose: this.lastClose,
    };
  }

  // ---- connection ------------------------------------------------------------------------

  _connect() {
    this.nextRetryAt = null;
    this._setState(this.connects === 0 && this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this._closed(null, 1006, String(e));
      return;
    }
    this.ws = ws;
    this.socketStartedAt = Date.now();
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.lastMessageAt = Date.now();
      ws.send(JSON.stringify({ type: 'auth', token: this.token }));
    };
    ws.onmessage = (ev) => this._message(ws, ev.data);
    ws.onclose = (ev) => this._closed(ws, ev.code, ev.reason);
    ws.onerror = () => {}; // a close event follows
  }

  /** Forgets the current socket (its late events are ignored) and closes it. */
  _drop(code, reason) {
    const ws = this.ws;
    this.ws = null;
    this.ready = null;
    clearInterval(this._pingTimer);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(code, reason); } catch (e) { /* already closing */ }
    }
  }

  _closed(ws, code, reason) {
    if (ws && ws !== this.ws) return;
    const wasUp = this.openedAt != null && Date.now() - this.openedAt >= this.stableAfterMs;
    this._drop(1000, '');
    this.lastClose = { code, reason: reason || '', at: Date.now() };
    if (this.disconnectedAt == null) this.disconnectedAt = Date.now();
    this.openedAt = null;
    for (const s of this.subs.values()) s.hasSnapshot = false;
    if (this.state === 'closed') return;
    if (code === AUTH_FAILED || code === FORBIDDEN) {
      this._setState('denied');
      this._emit('denied', { code, reason });
      this._health(true);
      return;
    }
    if (wasUp) this.attempt = 0;
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt += 1;
    this.nextRetryAt = Date.now() + delay;
    this._setState('reconnecting');
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => this._connect(), delay);
    this._health(true);
  }

  _retryNow() {
    clearTimeout(this._retryTimer);
    this._connect();
  }

  // ---- messages --------------------------------------------------------------------------

  _message(ws, text) {
    if (ws !== this.ws) return;
    const now = Date.now();
    this.lastMessageAt = now;
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.ready = msg;
        this.connects += 1;
        this.openedAt = now;
        this.disconnectedAt = null;
        this.serverStatus = { stale: !!msg.stale, reason: this.serverStatus.reason, since: this.serverStatus.since };
        this._setState('open');
        clearInterval(this._pingTimer);
        this._pingTimer = setInterval(() => this._send({ type: 'ping' }), this.pingEveryMs);
        for (const s of this.subs.values()) this._sendSubscribe(s);
        break;
      case 'snapshot':
      case 'update': {
        const s = this.subs.get(msg.id);
        if (!s) break;
        const expected = s.seq + 1;
        s.data = msg.data;
        if (msg.type === 'snapshot') {
          s.hasSnapshot = true;
          s.seq = msg.seq;
        } else if (!s.hasSnapshot) {
          // An update for an older subscription of the same id, before our snapshot: the snapshot follows.
          break;
        } else if (msg.seq !== expected) {
          this._emit('gap', { id: s.id, expected, got: msg.seq });
          this._sendSubscribe(s); // a fresh snapshot follows; this update is still the whole state
        } else {
          s.seq = msg.seq;
        }
        this._fresh(now);
        this._emit('data', { id: s.id, kind: msg.type, data: msg.data, seq: msg.seq });
        break;
      }
      case 'alert':
        this._emit('alert', msg);
        break;
      case 'status':
        this.serverStatus = { stale: !!msg.stale, reason: msg.reason ?? null, since: msg.since ?? null };
        this._emit('status', { ...this.serverStatus });
        if (!msg.stale) this._fresh(now);
        break;
      case 'ping':
        this._send({ type: 'pong' });
        this._fresh(now);
        break;
      case 'pong':
        this._fresh(now);
        break;
      case 'error':
        this._emit('error', msg);
        if (msg.id && msg.error === 'unavailable' && this.subs.has(msg.id)) {
          const s = this.subs.get(msg.id);
          setTimeout(() => { if (this.subs.get(msg.id) === s && this.ready) this._sendSubscribe(s); },
            backoffDelay(2, this.random));
        }
        break;
      default:
        break;
    }
    this._health(false);
  }

  /** A message on a healthy, fully subscribed connection confirms that the data shown is current. */
  _fresh(now) {
    if (!this.ready || this.serverStatus.stale) return;
    for (const s of this.subs.values()) if (!s.hasSnapshot) return;
    this.lastFreshAt = now;
  }

  _sendSubscribe(s) {
    s.hasSnapshot = false;
    s.seq = 0;
    const msg = { type: 'subscribe', id: s.id, window: s.window };
    if (s.touchpoints) msg.touchpoints = s.touchpoints;
    this._send(msg);
  }

  _send(obj) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(obj));
  }

  // ---- watchdog --------------------------------------------------------------------------

  _check() {
    const now = Date.now();
    if (this.ws) {
      const silentFor = now - (this.lastMessageAt ?? this.socketStartedAt);
      if (this.ready && silentFor > this.deadAfterMs) {
        // A half-open connection (network gone, no close): drop it and reconnect.
        this._closed(this.ws, CLIENT_GAVE_UP, 'no message from the server');
      } else if (!this.ready && now - this.socketStartedAt > 10_000) {
        this._closed(this.ws, CLIENT_GAVE_UP, 'no answer to connect/auth');
      }
    }
    this._health(true);
  }

  _health(always) {
    const h = this.health();
    const key = `${h.state}|${h.why}|${h.asOf}`;
    if (!always && key === this._lastHealthKey) return;
    this._lastHealthKey = key;
    this._emit('health', h);
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this._emit('state', { state });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
