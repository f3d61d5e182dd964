// The landing page: recent jobs, live, and every model the API lists.
import { ApiError, get, post } from '../api.js';
import { duration, el, notice, num, pct, table } from '../dom.js';

/** The statuses a job ends in. */
export const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export function bestTestAccuracy(job) {
  const values = (job.history || []).map((e) => e.testAccuracy).filter((a) => a !== null && a !== undefined);
  return values.length ? Math.max(...values) : null;
}

export function jobActions(job, refresh) {
  const act = (what) => async () => {
    try {
      await post(`/api/v1/training-jobs/${job.id}/${what}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        // the key prompt has taken over the page
        return;
      }
      notice(e.message);
    }
    refresh();
  };
  const finished = FINISHED.includes(job.status);
  return [
    !finished && el('button', { type: 'button', class: 'secondary', onclick: act('cancel'), 'aria-label': `Cancel job ${job.id}` }, 'Cancel'),
    ['FAILED', 'CANCELLED'].includes(job.status) && el('button', { type: 'button', class: 'secondary', onclick: act('resume'), 'aria-label': `Resume job ${job.id}` }, 'Resume'),
  ];
}

function jobsTable(jobs, refresh) {
  if (!jobs.length) {
    return el('p', { class: 'muted' }, 'No jobs yet. ', el('a', { href: '#/new' }, 'Start one'), '.');
  }
  return table(['job', 'model', 'status', 'progress', 'epoch', 'images/s', 'ETA', 'best test accuracy', ''],
    jobs.map((j) => [
      el('a', { href: `#/jobs/${j.id}` }, j.id),
      j.modelName,
      el('span', { class: `status ${j.status}` }, j.status),
      el('progress', { max: 100, value: j.status === 'SUCCEEDED' ? 100 : j.progress.percent, 'aria-label': `Progress of job ${j.id}` }),
      `${j.progress.epoch}/${j.progress.epochs}`,
      j.status === 'RUNNING' ? num(j.progress.imagesPerSecond) : '',
      j.status === 'RUNNING' ? duration(j.progress.etaSeconds) : '',
      pct(bestTestAccuracy(j)),
      el('span', { class: 'row' }, jobActions(j, refresh)),
    ]), [4, 5, 6, 7]);
}

function modelsTable(models) {
  if (!models.length) {
    return el('p', { class: 'muted' }, 'No models yet.');
  }
  return table(['model', 'versions', 'architecture', 'dataset', 'test accuracy', 'parameters', 'created'],
    models.map((m) => {
      const latest = m.versions[m.versions.length - 1];
      return [
        el('a', { href: `#/models/${m.name}` }, m.name),
        m.versions.map((v) => v.version).join(', '),
        latest.architecture,
        latest.dataset,
        pct(latest.metrics && latest.metrics.testAccuracy),
        num(latest.trainableParameters),
        new Date(latest.createdAt).toLocaleString(),
      ];
    }), [4, 5]);
}

export async function overview() {
  const jobsBox = el('div', { id: 'jobs' });
  const modelsBox = el('div', { id: 'models' });
  const node = el('div', {},
    el('h1', {}, 'Overview'),
    el('section', { class: 'card', 'aria-labelledby': 'jobs-heading' },
      el('h2', { id: 'jobs-heading' }, 'Recent jobs'), jobsBox),
    el('section', { class: 'card', 'aria-labelledby': 'models-heading' },
      el('h2', { id: 'models-heading' }, 'Models'), modelsBox));
  let timer = null;
  const refresh = async () => {
    const [jobs, models] = await Promise.all([get('/api/v1/training-jobs'), get('/api/v1/models')]);
    jobsBox.replaceChildren(jobsTable(jobs.slice(0, 20), refresh));
    modelsBox.replaceChildren(modelsTable(models));
  };
  await refresh();
  timer = setInterval(() => refresh().catch(() => {}), 2000);
  return { node, stop: () => clearInterval(timer) };
}
