// One job, or several compared: live curves over each job's event stream.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { ApiError, get, stream } from '../api.js';
import { duration, el, num, pct } from '../dom.js';
import { FINISHED, bestTestAccuracy, jobActions } from './overview.js';

const COLOURS = ['#2456c8', '#c8402a', '#1f7a3d', '#8a3fb3', '#b07a00', '#00838f'];

/** A uPlot chart of several series that share an x axis; data as [xs, ys...]. */
function chart(title, xLabel, seriesNames, yLabel) {
  const holder = el('div', { class: 'chart', role: 'img', 'aria-label': title });
  const width = () => Math.max(240, Math.min(560, window.innerWidth - 64));
  const plot = new uPlot({
    title, width: width(), height: 220,
    scales: { x: { time: false } },
    axes: [{ label: xLabel }, { label: yLabel }],
    series: [{ label: xLabel }, ...seriesNames.map((name, i) => ({
      label: name, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true,
      points: { show: true, size: 4 },
    }))],
  }, [[], ...seriesNames.map(() => [])], holder);
  // follow the holder's width: the grid decides how wide each chart may be
  const observer = new ResizeObserver(() => {
    if (holder.clientWidth > 0) {
      plot.setSize({ width: holder.clientWidth, height: 220 });
    }
  });
  observer.observe(holder);
  return { holder, plot, stop: () => observer.disconnect() };
}

/** Rows [x, y per series] merged on x into uPlot's column layout. */
function columns(perSeries) {
  const xs = [...new Set(perSeries.flatMap((s) => s.map(([x]) => x)))].sort((a, b) => a - b);
  return [xs, ...perSeries.map((s) => {
    const byX = new Map(s);
    return xs.map((x) => (byX.has(x) ? byX.get(x) : null));
  })];
}

function curl(request) {
  return `curl -s -X POST ${location.origin}/api/v1/training-jobs -H 'Content-Type: application/json' \\\n  -d '${JSON.stringify(request)}'`;
}

function summary(job) {
  const p = job.progress;
  const rows = [
    ['status', el('span', { class: `status ${job.status}`, 'data-status': job.status }, job.status)],
    ['progress', [el('progress', { max: 100, value: job.status === 'SUCCEEDED' ? 100 : p.percent, 'aria-label': 'Progress' }),
      ` ${p.phase}, epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}`]],
    job.status === 'RUNNING' ? ['speed', `${num(p.imagesPerSecond)} images/s, ${duration(p.etaSeconds)} left`] : null,
    ['best test accuracy', pct(bestTestAccuracy(job)) || '–'],
    ['model', job.modelVersion ? el('a', { href: `#/models/${job.modelName}` }, `${job.modelName} version ${job.modelVersion}`) : job.modelName],
    job.error ? ['error', el('span', { class: 'error' }, job.error)] : null,
  ].filter(Boolean);
  return el('div', { class: 'kv' }, rows.flatMap(([k, v]) => [el('span', { class: 'muted' }, k), el('span', {}, v)]));
}

export async function jobView(...ids) {
  const jobs = await Promise.all(ids.map((id) => get(`/api/v1/training-jobs/${id}`)));
  const names = jobs.map((j) => (ids.length > 1 ? `${j.id} ${j.modelName}` : null));
  const series = (label) => (ids.length > 1 ? names : [label]);
  const loss = chart('Training loss within each epoch (running mean)', 'epoch', ids.length > 1 ? names : ['train loss'], 'loss');
  const accuracy = chart('Accuracy per epoch', 'epoch',
    ids.length > 1 ? names.flatMap((n) => [`${n} train`, `${n} test`]) : ['train', 'test'], 'accuracy');
  const rate = chart('Learning rate per epoch', 'epoch', series('learning rate'), 'learning rate');
  const charts = [loss, accuracy, rate];
  const lossPoints = jobs.map(() => []);
  const summaries = jobs.map(() => ({ info: el('div'), actions: el('p', { class: 'row' }), status: null }));
  const draw = () => {
    // the running mean within each epoch, and each finished epoch's mean at its end
    const lossSeries = jobs.map((j, i) => [...lossPoints[i].filter(([x]) => !Number.isInteger(x)),
      ...(j.history || []).map((e) => [e.epoch, e.trainLoss])]);
    loss.plot.setData(columns(lossSeries));
    // how many points each chart holds, for the browser tests
    loss.holder.dataset.points = lossSeries.reduce((n, s) => n + s.length, 0);
    accuracy.holder.dataset.points = jobs.reduce((n, j) => n + (j.history || []).length, 0);
    accuracy.plot.setData(columns(jobs.flatMap((j) => [
      (j.history || []).map((e) => [e.epoch, e.trainAccuracy]),
      (j.history || []).filter((e) => e.testAccuracy !== null && e.testAccuracy !== undefined).map((e) => [e.epoch, e.testAccuracy]),
    ])));
    rate.plot.setData(columns(jobs.map((j) => (j.history || []).map((e) => [e.epoch, e.learningRate]))));
    jobs.forEach((j, i) => {
      summaries[i].info.replaceChildren(summary(j));
      // buttons are rebuilt only when the status changes, so a click never lands on a
      // button that an event has just replaced
      if (summaries[i].status !== j.status) {
        summaries[i].status = j.status;
        summaries[i].actions.replaceChildren(...jobActions(j, () => {}).filter(Boolean));
      }
    });
  };
  const controller = new AbortController();
  const retries = [];
  const state = el('p', { class: 'stream-state', role: 'status', 'aria-live': 'polite', id: 'stream-state' });
  const lost = new Set();
  const showState = () => {
    state.textContent = lost.size ? `Live updates lost (${[...lost].join(', ')}); reconnecting…` : '';
  };
  const onEvent = (i) => (name, data) => {
    if (lost.delete(jobs[i].id)) {
      showState();
    }
    if (name === 'progress') {
      jobs[i] = { ...jobs[i], status: 'RUNNING', progress: data };
      if (data.batches > 0 && data.runningLoss !== null && data.runningLoss !== undefined) {
        lossPoints[i].push([data.epoch - 1 + data.batch / data.batches, data.runningLoss]);
      }
    } else if (name === 'epoch') {
      jobs[i] = { ...jobs[i], history: [...(jobs[i].history || []).filter((e) => e.epoch !== data.epoch), data] };
    } else if (name === 'job' || name === 'finished') {
      jobs[i] = data;
    }
    draw();
  };
  // a stream ends with its job; one that ends before, or breaks, is opened again, with a
  // growing pause, until the job ends or the view is left
  const watch = (i, attempt) => {
    stream(`/api/v1/training-jobs/${jobs[i].id}/events`, onEvent(i), controller.signal)
      .then(() => null, (e) => e)
      .then((error) => {
        if (controller.signal.aborted || FINISHED.includes(jobs[i].status)
          || (error instanceof ApiError && error.status < 500)) {
          return;
        }
        lost.add(jobs[i].id);
        showState();
        retries.push(setTimeout(() => watch(i, attempt + 1), Math.min(15000, 1000 * 2 ** attempt)));
      });
  };
  jobs.forEach((job, i) => watch(i, 0));
  const compareForm = el('form', { class: 'row', onsubmit: (e) => {
    e.preventDefault();
    const other = e.target.elements.other.value.trim();
    if (other) {
      location.hash = `#/compare/${[...ids, ...other.split(/[\s,]+/)].join(',')}`;
    }
  } }, el('label', {}, 'Compare with job ids', el('input', { name: 'other', placeholder: 'e.g. 5b1bde6d9e93' })),
  el('button', { type: 'submit', class: 'secondary' }, 'Compare'));
  const node = el('div', {},
    el('h1', {}, ids.length > 1 ? `Comparing ${ids.length} jobs` : `Job ${ids[0]}`),
    state,
    jobs.map((j, i) => el('section', { class: 'card' }, ids.length > 1 ? el('h2', {}, el('a', { href: `#/jobs/${j.id}` }, j.id)) : null,
      summaries[i].info, summaries[i].actions)),
    el('section', { class: 'card' }, el('div', { class: 'charts' }, charts.map((c) => c.holder)), compareForm),
    ids.length === 1 ? el('section', { class: 'card' },
      el('h2', {}, 'Request'), el('pre', { id: 'request-json' }, JSON.stringify(jobs[0].request, null, 2)),
      el('h2', {}, 'As a curl command'), el('pre', {}, curl(jobs[0].request)),
      el('button', { type: 'button', class: 'secondary', onclick: () => navigator.clipboard && navigator.clipboard.writeText(curl(jobs[0].request)) }, 'Copy the curl command')) : null);
  draw();
  return { node, stop: () => { controller.abort(); retries.forEach(clearTimeout); charts.forEach((c) => c.stop()); } };
}
