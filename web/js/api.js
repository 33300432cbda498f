// REST calls with the bearer token. Errors carry the HTTP status and the server's error body.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function api(token) {
  return {
    async get(path, params) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params || {})) {
        if (v == null || v === '') continue;
        q.set(k, Array.isArray(v) ? v.join(',') : String(v));
      }
      const url = path + (q.toString() ? '?' + q : '');
      const res = await fetch(url, { headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' } });
      let body = null;
      try { body = await res.json(); } catch (e) { /* not JSON */ }
      if (!res.ok) throw new ApiError(res.status, body);
      return body;
    },
  };
}
