// A job form built from what the API publishes: the architectures and datasets it lists,
// and every request field with its type, range, choices and default as the OpenAPI
// document describes TrainingRequest. The course's experiments are presets; the API's
// field errors show next to their fields.
import { ApiError, get, post } from '../api.js';
import { el } from '../dom.js';

// How the form names the fields; a field without a label here is shown by its own name.
const LABELS = {
  epochs: 'Epochs', batchSize: 'Batch size', optimizer: 'Optimizer', learningRate: 'Learning rate',
  momentum: 'SGD momentum', weightDecay: 'Weight decay', labelSmoothing: 'Label smoothing',
  lrSchedule: 'Schedule', lrStepEpochs: 'Step every (epochs)', lrGamma: 'Step factor',
  shuffle: 'Shuffle every epoch', augment: 'Augmentation', permutePixels: 'Permute pixels',
  trainLimit: 'Train on first N images', testLimit: 'Test on first N images', seed: 'Seed',
  modelName: 'Model name', hiddenSizes: 'Hidden sizes (mlp)', depth: 'Depth (resnet)', width: 'Width (resnet9)',
  testTimeFlip: 'Test-time flip', testTimeShift: 'Test-time shift (pixels)', evaluateEvery: 'Evaluate every N epochs',
};

// chosen from the lists above the form, not typed
const CHOSEN = ['architecture', 'dataset'];

/** The default a field's description states, such as "adam" from "... (default adam)". */
function stated(description) {
  const text = description || '';
  const m = /(?:\(|; )default:? ([^;)]*)/.exec(text) || /([\w-]+) \(default\)/.exec(text);
  return m ? m[1].trim() : '';
}

/** The range a numeric schema allows, as the form shows it. */
function range(schema) {
  const low = schema.minimum !== undefined ? ['≥', schema.minimum] : schema.exclusiveMinimum !== undefined ? ['>', schema.exclusiveMinimum] : null;
  const high = schema.maximum !== undefined ? ['≤', schema.maximum] : schema.exclusiveMaximum !== undefined ? ['<', schema.exclusiveMaximum] : null;
  if (low && high && low[0] === '≥' && high[0] === '≤') {
    return `${low[1]}–${high[1]}`;
  }
  return [low, high].filter(Boolean).map(([op, v]) => `${op} ${v}`).join(', ');
}

/** A form field for each request field the schema lists, in its order. */
function fieldsOf(schema) {
  return Object.entries(schema.properties || {})
    .filter(([name, p]) => !CHOSEN.includes(name) && !/^kubernetes runner only/.test(p.description || '') && !p.$ref)
    .map(([name, p]) => {
      const kind = p.enum ? 'choice' : p.type === 'boolean' ? 'check' : p.type === 'array' ? 'list'
        : p.type === 'integer' ? 'int' : p.type === 'number' ? 'number' : 'text';
      const hint = p.type === 'array' && p.items
        ? `up to ${p.maxItems} values, each ${range(p.items)}`
        : p.pattern ? `matches ${p.pattern}` : range(p);
      return { name, label: LABELS[name] || name, kind, schema: p, dflt: stated(p.description), hint };
    });
}

function control(field) {
  const { name, kind, schema, dflt } = field;
  const id = `f-${name}`;
  if (kind === 'choice') {
    return el('select', { name, id }, el('option', { value: '' }, `(default: ${dflt})`),
      schema.enum.map((c) => el('option', { value: c }, c)));
  }
  if (kind === 'check') {
    return el('input', { type: 'checkbox', name, id, checked: dflt === 'true' });
  }
  const numeric = kind === 'int' || kind === 'number';
  return el('input', { name, id, type: numeric ? 'number' : 'text', step: kind === 'int' ? '1' : numeric ? 'any' : null,
    min: numeric ? schema.minimum : null, max: numeric ? schema.maximum : null,
    placeholder: dflt ? `default: ${dflt}` : null, title: schema.description });
}

function fieldBox(field) {
  const { name, label, kind, hint } = field;
  if (kind === 'check') {
    return el('label', { class: 'check', for: `f-${name}`, 'data-field': name }, control(field), label,
      el('span', { class: 'field-error', id: `e-${name}` }));
  }
  return el('label', { for: `f-${name}`, 'data-field': name }, label, control(field),
    hint ? el('span', { class: 'muted' }, hint) : null,
    el('span', { class: 'field-error', id: `e-${name}`, 'aria-live': 'polite' }));
}

function readForm(form, fields) {
  const request = {};
  for (const name of CHOSEN) {
    request[name] = form.elements[name].value;
  }
  for (const { name, kind, dflt } of fields) {
    const input = form.elements[name];
    if (kind === 'check') {
      if (input.checked !== (dflt === 'true')) {
        request[name] = input.checked;
      }
      continue;
    }
    const value = input.value.trim();
    if (value === '') {
      continue;
    }
    request[name] = (kind === 'int' || kind === 'number') ? Number(value)
      : kind === 'list' ? value.split(/[\s,]+/).filter(Boolean).map(Number) : value;
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
  const [architectures, datasets, presets, api] = await Promise.all([
    get('/api/v1/architectures'), get('/api/v1/datasets'), fetch('/console/presets.json').then((r) => r.json()),
    get('/v3/api-docs')]);
  const fields = fieldsOf(api.components.schemas.TrainingRequest);
  const status = el('p', { role: 'status', 'aria-live': 'polite' });
  const chooser = (name, label, options) => el('label', { for: `f-${name}`, 'data-field': name }, label,
    el('select', { name, id: `f-${name}`, required: true }, options),
    el('span', { class: 'field-error', id: `e-${name}`, 'aria-live': 'polite' }));
  const form = el('form', { class: 'grid', id: 'job-form', novalidate: true },
    chooser('architecture', 'Architecture', architectures.map((a) => el('option', { value: a.name, title: a.description }, a.name))),
    chooser('dataset', 'Dataset', datasets.map((d) => el('option', { value: d.name }, `${d.name} (${d.state})`))),
    fields.filter((f) => f.kind !== 'check').map(fieldBox),
    fields.filter((f) => f.kind === 'check').map(fieldBox),
    el('div', {}, el('button', { type: 'submit', id: 'submit-job' }, 'Start training')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    form.querySelectorAll('.field-error').forEach((n) => n.replaceChildren());
    status.replaceChildren();
    try {
      const job = await post('/api/v1/training-jobs', readForm(form, fields));
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
