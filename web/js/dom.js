// Tiny DOM helpers. Every string goes in as text (a text node or textContent), never as HTML:
// comments, names and labels that come from customers or the catalog cannot inject markup.

/**
 * h('div', {class: 'tile', dataset: {tp: 'app'}, title: '…'}, child, 'text', …)
 * props: class, dataset, style (object), on (object of listeners), hidden, and any attribute.
 */
export function h(tag, props, ...children) {
  const el = tag.includes(':') ? document.createElementNS('http://www.w3.org/2000/svg', tag.split(':')[1])
    : document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style') {
        for (const [prop, val] of Object.entries(v)) {
          if (prop.startsWith('--')) el.style.setProperty(prop, String(val));
          else el.style[prop] = val;
        }
      }
      else if (k === 'on') for (const [type, fn] of Object.entries(v)) el.addEventListener(type, fn);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Sets text only when it changed (avoids layout work on every tick). */
export function setText(el, text) {
  const s = text == null ? '' : String(text);
  if (el.textContent !== s) el.textContent = s;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
