// A job form built from the architectures and datasets the API lists, with the course's
// experiments as presets; the API's field errors show next to their fields.
import { ApiError, get, post } from '../api.js';
import { el } from '../dom.js';

// name, label, kind, default shown, range or choices (as docs/api.md lists them)
const FIELDS = [
  ['epochs', 'Epochs', 'int', '1', '1–1000'],
  ['batchSize', 'Batch size', 'int', '64', '1–4096'],
  ['optimizer', 'Optimizer', ['', 'sgd', 'adam'], 'adam'],
  ['learningRate', 'Learning rate', 'number', '0.001 (adam), 0.01 (sgd)', '> 0, ≤ 10'],
  ['momentum', 'SGD momentum', 'number', '0.9', '0–1'],
  ['weightDecay', 'Weight decay', 'number', '0', '0–1'],
  ['lrSchedule', 'Schedule', ['', 'constant', 'step', 'cosine'], 'constant'],
  ['lrStepEpochs', 'Step every (epochs)', 'int', 'epochs/3', '1–1000'],
  ['lrGamma', 'Step factor', 'number', '0.1', '> 0, ≤ 1'],
  ['augment', 'Augmentation', ['', 'none', 'flip-crop', 'flip-crop-cutout'], 'none'],
  ['labelSmoothing', 'Label smoothing', 'number', '0', '0–0.5'],
  ['seed', 'Seed', 'int', 'random', ''],
  ['trainLimit', 'Train on first N images', 'int', 'all', '≥ 1'],
  ['testLimit', 'Test on first N images', 'int', 'all', '≥ 1'],
  ['evaluateEvery', 'Evaluate every N epochs', 'int', '1', '1–1000'],
  ['testTimeShift', 'Test-time shift (pixels)', 'int', '0', '0–4'],
  ['modelName', 'Model name', 'text', '<architecture>-<dataset>', 'a-z 0-9 . _ -'],
  ['hiddenSizes', 'Hidden sizes (mlp)', 'list', '256, 128', 'up to 16 layers of 1–16384'],
  ['depth', 'Depth (resnet)', 'int', '20', '6n+2, 8–110'],
  ['width', 'Width (resnet9)', 'int', '64', '4–256'],
];
const CHECKS = [['shuffle', 'Shuffle every epoch', true], ['permutePixels', 'Permute pixels', false], ['testTimeFlip', 'Test-time flip', false]];

function input(name, kind, placeholder) {
  if (Array.isArray(kind)) {
    return el('select', { name, id: `f-${name}` }, kind.map((c) => el('option', { value: c }, c || `(default: ${placeholder})`)));
  }
  return el('input', { name, id: `f-${name}`, type: kind === 'int' || kind === 'number' ? 'number' : 'text',
    step: kind === 'number' ? 'any' : kind === 'int' ? '1' : null, placeholder });
}

function fieldBox(name, label, control, hint) {
  return el('label', { for: `f-${name}`, 'data-field': name }, label, control,
    hint ? el('span', { class: 'muted' }, hint) : null, el('span', { class: 'field-error', id: `e-${name}`, 'aria-live': 'polite' }));
}

function readForm(form) {
  const request = {};
  for (const [name, , kind] of [['architecture', '', 'text'], ['dataset', '', 'text'], ...FIELDS]) {
    const value = form.elements[name].value.trim();
    if (value === '') {
      continue;
    }
    request[name] = kind === 'int' ? Number(value) : kind === 'number' ? Number(value)
      : kind === 'list' ? value.split(/[\s,]+/).filter(Boolean).map(Number) : value;
  }
  for (const [name, , dflt] of CHECKS) {
    if (form.elements[name].checked !== dflt) {
      request[name] = form.elements[name].checked;
    }
  }
  return request;
}

function fill(form, request) {
  form.reset();
  for (const [key, value] of Object.entries(request)) {
    const field = form.elements[key];
    if (!field) {
      continue;
    }
    if (field.type === 'checkbox') {
      field.checked = Boolean(value);
    } else {
      field.value = Array.isArray(value) ? value.join(', ') : value;
    }
  }
}

export async function newJob() {
  const [architectures, datasets, presets] = await Promise.all([
    get('/api/v1/architectures'), get('/api/v1/datasets'), fetch('/console/presets.json').then((r) => r.json())]);
  const status = el('p', { role: 'status', 'aria-live': 'polite' });
  const form = el('form', { class: 'grid', id: 'job-form', novalidate: true },
    fieldBox('architecture', 'Architecture', el('select', { name: 'architecture', id: 'f-architecture', required: true },
      architectures.map((a) => el('option', { value: a.name, title: a.description }, `${a.name}`))), null),
    fieldBox('dataset', 'Dataset', el('select', { name: 'dataset', id: 'f-dataset', required: true },
      datasets.map((d) => el('option', { value: d.name }, `${d.name} (${d.state})`))), null),
    FIELDS.map(([name, label, kind, placeholder, hint]) => fieldBox(name, label, input(name, kind, placeholder), hint)),
    CHECKS.map(([name, label, dflt]) => el('label', { class: 'check', for: `f-${name}` },
      el('input', { type: 'checkbox', name, id: `f-${name}`, checked: dflt }), label,
      el('span', { class: 'field-error', id: `e-${name}` }))),
    el('div', {}, el('button', { type: 'submit', id: 'submit-job' }, 'Start training')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    form.querySelectorAll('.field-error').forEach((n) => n.replaceChildren());
    status.replaceChildren();
    try {
      const job = await post('/api/v1/training-jobs', readForm(form));
      location.hash = `#/jobs/${job.id}`;
    } catch (err) {
      if (err instanceof ApiError && err.problem.errors) {
        for (const { field, message } of err.problem.errors) {
          const slot = document.getElementById(`e-${String(field).replace(/[.[].*$/, '')}`);
          if (slot) {
            slot.textContent = message;
          }
        }
      }
      status.replaceChildren(el('span', { class: 'error' }, err.message));
    }
  });
  const node = el('div', {},
    el('h1', {}, 'New training job'),
    el('section', { class: 'card' }, el('h2', {}, 'Presets: the course’s experiments'),
      el('div', { class: 'presets' }, presets.map((p) => el('button', {
        type: 'button', class: 'secondary', 'data-preset': p.name, title: JSON.stringify(p.request),
        onclick: () => { fill(form, p.request); status.textContent = `Preset ${p.name} filled in; change anything, then start.`; },
      }, p.title)))),
    el('section', { class: 'card' }, form, status));
  return { node };
}
