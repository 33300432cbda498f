// REST calls with the bearer token. Errors carry the HTTP status and the server's error body.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function api(token) {
  const call = async (method, url, body, headers) => {
    const res = await fetch(url, {
      method,
      headers: { Authorization: 'Bearer ' + token, Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(headers || {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let parsed = null;
    try { parsed = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed;
  };
  return {
    get(path, params) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params || {})) {
        if (v == null || v === '') continue;
        q.set(k, Array.isArray(v) ? v.join(',') : String(v));
      }
      return call('GET', path + (q.toString() ? '?' + q : ''));
    },
    patch(path, body, headers) { return call('PATCH', path, body, headers); },
    post(path, body) { return call('POST', path, body); },
  };
}
