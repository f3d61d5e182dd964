// One model: its versions, the layer table of its network, and deleting a version.
import { del, get } from '../api.js';
import { el, num, pct, table } from '../dom.js';

function layerQuery(version) {
  const q = new URLSearchParams({ dataset: version.dataset });
  for (const [k, v] of Object.entries(version.architectureOptions || {})) {
    q.set(k, Array.isArray(v) ? v.join(',') : v);
  }
  return `/api/v1/architectures/${version.architecture}?${q}`;
}

/** The test split's confusion matrix with each class's accuracy, when the job recorded one. */
function confusion(version) {
  const matrix = version.metrics && version.metrics.confusionMatrix;
  if (!matrix) {
    return el('p', { class: 'muted' }, 'Not recorded: the job that trained this version predates confusion matrices.');
  }
  const classes = version.classes;
  return table(['true ↓ predicted →', ...classes, 'accuracy'], matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return [classes[i], ...row.map((n) => num(n)), pct(total ? row[i] / total : null)];
  }), [...classes.map((_, i) => i + 1), classes.length + 1]);
}

export async function modelView(name) {
  const model = await get(`/api/v1/models/${name}`);
  const latest = model.versions[model.versions.length - 1];
  const layers = await get(layerQuery(latest)).catch((e) => ({ error: e.message }));
  const status = el('p', { role: 'status', 'aria-live': 'polite' });
  const remove = (version) => async () => {
    if (!confirm(`Delete ${name} version ${version}? This cannot be undone.`)) {
      return;
    }
    try {
      await del(`/api/v1/models/${name}/versions/${version}`);
      if (model.versions.length > 1) {
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } else {
        location.hash = '#/';
      }
    } catch (e) {
      status.replaceChildren(el('span', { class: 'error' }, e.message));
    }
  };
  const node = el('div', {},
    el('h1', {}, `Model ${name}`),
    el('section', { class: 'card' }, el('h2', {}, 'Versions'),
      table(['version', 'architecture', 'dataset', 'test accuracy', 'parameters', 'created', 'job', ''],
        model.versions.map((v) => [v.version, v.architecture, v.dataset, pct(v.metrics && v.metrics.testAccuracy),
          num(v.trainableParameters), new Date(v.createdAt).toLocaleString(),
          v.jobId ? el('a', { href: `#/jobs/${v.jobId}` }, v.jobId) : '',
          el('button', { type: 'button', class: 'danger', onclick: remove(v.version), 'aria-label': `Delete version ${v.version}` }, 'Delete')]),
        [3, 4]), status,
      el('p', {}, el('a', { href: `#/classify?model=${name}` }, 'Classify with this model'))),
    el('section', { class: 'card', id: 'layer-table' }, el('h2', {}, `Layers of version ${latest.version} (${latest.architecture} on ${latest.dataset})`),
      layers.error ? el('p', { class: 'error' }, layers.error) : [
        table(['#', 'layer', 'what it holds', 'output shape', 'outputs', 'parameters'],
          layers.layers.map((l) => [l.index, l.type, l.detail || '', `[${l.outputShape.join(', ')}]`, num(l.outputUnits), num(l.parameters)]), [4, 5]),
        el('p', {}, `Trainable parameters: ${num(layers.trainableParameters)}; all: ${num(layers.totalParameters)}.`)]),
    el('section', { class: 'card', id: 'confusion' }, el('h2', {}, `Confusion matrix of version ${latest.version} on the test split`),
      confusion(latest)));
  return { node };
}
