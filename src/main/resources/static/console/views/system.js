// The engine, device and threads, from the system endpoint.
import { get } from '../api.js';
import { el } from '../dom.js';

export async function system() {
  const info = await get('/api/v1/system');
  const rows = Object.entries(info).flatMap(([k, v]) => [el('span', { class: 'muted' }, k), el('span', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]);
  return { node: el('div', {}, el('h1', {}, 'System'), el('section', { class: 'card' }, el('div', { class: 'kv' }, rows))) };
}
