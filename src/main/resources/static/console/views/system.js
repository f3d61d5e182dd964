// The engine, device and threads, and from the metrics the GPUs, memory and predictor pools.
import { get, text } from '../api.js';
import { el, num, table } from '../dom.js';

/** Samples of the Prometheus text format: [{ name, labels, value }]. */
function samples(exposition) {
  return exposition.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/);
    if (!m) {
      return null;
    }
    const labels = {};
    for (const [, k, v] of (m[3] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k] = v;
    }
    return { name: m[1], labels, value: Number(m[4]) };
  }).filter(Boolean);
}

const mb = (bytes) => `${num(bytes / 1048576)} MB`;

export async function system() {
  const info = await get('/api/v1/system');
  const rows = Object.entries(info).flatMap(([k, v]) => [el('span', { class: 'muted' }, k), el('span', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]);
  const metrics = await text('/actuator/prometheus').then(samples).catch(() => null);
  const pick = (name) => (metrics || []).filter((s) => s.name === name);
  const sections = [el('section', { class: 'card' }, el('h2', {}, 'Engine'), el('div', { class: 'kv' }, rows))];
  if (metrics) {
    const rss = pick('process_resident_memory_bytes')[0];
    const gpus = pick('cnn_gpu_memory_total_bytes');
    sections.push(el('section', { class: 'card', id: 'gpus' }, el('h2', {}, 'GPUs and memory'),
      el('p', {}, `Resident memory of the service: ${rss ? mb(rss.value) : 'unknown'}.`),
      gpus.length ? table(['GPU', 'utilisation', 'memory used', 'memory total'], gpus.map((g) => {
        const of = (name) => pick(name).find((s) => s.labels.gpu === g.labels.gpu);
        const util = of('cnn_gpu_utilization_ratio');
        const used = of('cnn_gpu_memory_used_bytes');
        return [g.labels.gpu, util ? `${num(100 * util.value)}%` : '', used ? mb(used.value) : '', mb(g.value)];
      }), [1, 2, 3]) : el('p', { class: 'muted' }, 'No GPU: the engine computes on the CPU.')));
    const pools = pick('cnn_predictor_pool_size');
    sections.push(el('section', { class: 'card', id: 'pools' }, el('h2', {}, 'Loaded models'),
      pools.length ? table(['model', 'busy predictors', 'predictors'], pools.map((p) => {
        const active = pick('cnn_predictor_pool_active').find((s) => s.labels.model === p.labels.model);
        return [p.labels.model, active ? num(active.value) : '0', num(p.value)];
      }), [1, 2]) : el('p', { class: 'muted' }, 'No model is loaded yet.')));
  }
  return { node: el('div', {}, el('h1', {}, 'System'), sections) };
}
