// Classify an uploaded, dropped or pasted image, or a digit drawn on a canvas.
import { get, post } from '../api.js';
import { el, pct } from '../dom.js';

function bars(result) {
  return result.results.map((r) => el('div', { class: 'result' },
    el('h2', {}, r.file),
    r.input ? el('figure', { class: 'input' }, el('img', { src: r.input, alt: `Input to the model for ${r.file}`, class: 'model-input' }),
      el('figcaption', { class: 'muted' }, 'what the model was given')) : null,
    el('div', { class: 'bars', role: 'list' }, r.predictions.flatMap((p) => [
      el('span', { role: 'listitem', class: 'label' }, p.label),
      el('div', { class: 'bar', style: `width: ${Math.max(1, 100 * p.probability)}%`, 'aria-hidden': 'true' }),
      el('span', { class: 'num' }, pct(p.probability))]))));
}

function drawingPad(onDone) {
  const canvas = el('canvas', { class: 'draw', width: 280, height: 280, id: 'draw-canvas', 'aria-label': 'Drawing area: draw a digit with the mouse or a finger' });
  const ctx = canvas.getContext('2d');
  const clear = () => { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, 280, 280); };
  clear();
  let last = null;
  const at = (e) => {
    const box = canvas.getBoundingClientRect();
    return [(e.clientX - box.left) * 280 / box.width, (e.clientY - box.top) * 280 / box.height];
  };
  canvas.addEventListener('pointerdown', (e) => { canvas.setPointerCapture(e.pointerId); last = at(e); });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) {
      return;
    }
    const next = at(e);
    ctx.strokeStyle = '#fff'; ctx.lineWidth = 20; ctx.lineCap = 'round';
    ctx.beginPath(); ctx.moveTo(...last); ctx.lineTo(...next); ctx.stroke();
    last = next;
  });
  const end = () => { last = null; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return el('div', {}, canvas, el('p', { class: 'row' },
    el('button', { type: 'button', id: 'classify-drawing', onclick: () => canvas.toBlob((b) => onDone(new File([b], 'drawing.png', { type: 'image/png' }))) }, 'Classify the drawing'),
    el('button', { type: 'button', class: 'secondary', onclick: clear }, 'Clear')));
}

export async function classify() {
  const models = await get('/api/v1/models');
  const wanted = new URLSearchParams(location.hash.split('?')[1] || '').get('model');
  const select = el('select', { id: 'model', name: 'model' }, models.map((m) => el('option', { value: m.name, selected: m.name === wanted }, m.name)));
  const topK = el('input', { id: 'topk', type: 'number', min: 1, value: 3 });
  const output = el('div', { id: 'results', 'aria-live': 'polite' });
  const send = async (files) => {
    const form = new FormData();
    [...files].forEach((f) => form.append('file', f, f.name || 'pasted.png'));
    output.replaceChildren(el('p', { class: 'muted' }, 'Classifying…'));
    try {
      const result = await post(`/api/v1/models/${select.value}/classify?returnInput=true&topK=${encodeURIComponent(topK.value)}`, form);
      output.replaceChildren(...bars(result));
    } catch (e) {
      output.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  const picker = el('input', { type: 'file', id: 'file', accept: 'image/png,image/jpeg,image/gif,image/bmp', multiple: true,
    onchange: (e) => e.target.files.length && send(e.target.files) });
  const drop = el('div', { class: 'drop' }, 'Drop images here, or paste one.');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); send(e.dataTransfer.files); });
  const paste = (e) => {
    const files = [...(e.clipboardData ? e.clipboardData.files : [])];
    if (files.length) {
      send(files);
    }
  };
  document.addEventListener('paste', paste);
  const node = el('div', {},
    el('h1', {}, 'Classify'),
    el('section', { class: 'card' },
      el('div', { class: 'row' },
        el('label', { for: 'model' }, 'Model', select),
        el('label', { for: 'topk' }, 'Top classes', topK),
        el('label', { for: 'file' }, 'Images', picker)),
      drop, output),
    el('section', { class: 'card' }, el('h2', {}, 'Or draw a digit (for MNIST models)'), drawingPad((f) => send([f]))));
  return { node, stop: () => document.removeEventListener('paste', paste) };
}
