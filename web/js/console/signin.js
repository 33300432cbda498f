// The sign-in form: paste a token or the URL with #token=… that the server printed. A token the
// server accepts (GET /api/v1/catalog) is kept in local storage and the console starts (onSignedIn).
import { api } from '../api.js';
import { parsePastedToken, store } from '../token.js';
import { h, fill, setText, $ } from '../dom.js';
import { state, t, TOKEN_KEY } from './state.js';

export function signIn(error, onSignedIn) {
  const input = h('textarea', { id: 'token-input', rows: '5', spellcheck: 'false', autocomplete: 'off',
    placeholder: 'eyJ…  or  http://localhost:8080/#token=eyJ…' });
  const err = h('div', { class: 'signin-error', id: 'signin-error', role: 'alert' }, error || '');
  const form = h('form', { class: 'signin', id: 'signin', on: { submit: async (e) => {
    e.preventDefault();
    const token = parsePastedToken(input.value);
    if (!token) { setText(err, t('signInBad')); return; }
    try {
      state.http = api(token);
      state.catalog = await state.http.get('/api/v1/catalog');
    } catch (ex) {
      setText(err, ex.status === 401 || ex.status === 403 ? t('signInRejected') : t('signInFailed', { msg: ex.message }));
      return;
    }
    store(TOKEN_KEY, token);
    state.token = token;
    onSignedIn();
  } } },
  h('h1', null, t('signInTitle')),
  h('p', { class: 'muted' }, t('signInHelp')),
  input,
  h('button', { type: 'submit', id: 'signin-submit' }, t('signIn')),
  err);
  fill($('#app'), h('div', { class: 'signin-wrap' }, form));
  document.body.dataset.view = 'signin';
  input.focus();
}
