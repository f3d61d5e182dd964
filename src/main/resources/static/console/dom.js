// Small DOM helpers: elements are built with text, never with HTML strings from the API.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on')) {
      node.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      node.className = v;
    } else if (v === true) {
      node.setAttribute(k, '');
    } else {
      node.setAttribute(k, v);
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function table(headings, rows, numeric = []) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headings.map((h, i) => el('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : null }, c))))));
}

export const pct = (x) => (x === null || x === undefined ? '' : `${(100 * x).toFixed(2)}%`);
export const num = (x, digits = 0) => (x === null || x === undefined ? '' : Number(x).toLocaleString('en', { maximumFractionDigits: digits }));

export function duration(seconds) {
  if (seconds === null || seconds === undefined) {
    return '';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  // round to whole minutes first, so that 59.5 minutes become the next hour
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Shows a short message in the page's notice area, for a while. */
export function notice(text) {
  const box = document.getElementById('notice');
  if (!box) {
    return;
  }
  box.textContent = text;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { box.textContent = ''; }, 8000);
}
