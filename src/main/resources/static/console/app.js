// The console: a hash router over views that only call the documented API. One view is
// shown at a time: a view whose load is overtaken by a newer one is stopped as soon as it
// arrives, so its streams and timers never outlive it.
import { ApiError, apiKey, setApiKey } from './api.js';
import { el } from './dom.js';
import { overview } from './views/overview.js';
import { jobView } from './views/job.js';
import { newJob } from './views/new-job.js';
import { modelView } from './views/model.js';
import { classify } from './views/classify.js';
import { system } from './views/system.js';

const main = document.getElementById('view');
let current = null;
// counts renders; a load that finishes after a newer render began is thrown away
let generation = 0;

const routes = [
  [/^#?\/?$/, () => overview()],
  [/^#\/jobs\/([a-z0-9]+)$/, (m) => jobView(m[1])],
  [/^#\/compare\/([a-z0-9,]+)$/, (m) => jobView(...m[1].split(','))],
  [/^#\/new$/, () => newJob()],
  [/^#\/models\/([a-z0-9._-]+)$/, (m) => modelView(m[1])],
  [/^#\/classify(\?.*)?$/, () => classify()],
  [/^#\/system$/, () => system()],
];

function stopCurrent() {
  if (current && current.stop) {
    current.stop();
  }
  current = null;
}

async function render() {
  const mine = ++generation;
  stopCurrent();
  const hash = location.hash || '#/';
  const route = routes.find(([pattern]) => pattern.test(hash));
  main.replaceChildren();
  if (!route) {
    main.append(el('h1', {}, 'Not found'), el('p', {}, el('a', { href: '#/' }, 'Back to the overview')));
    return;
  }
  let view;
  try {
    view = await route[1](hash.match(route[0]));
  } catch (e) {
    if (mine === generation && !(e instanceof ApiError && e.status === 401)) {
      main.replaceChildren(errorBox(e));
    }
    return;
  }
  if (mine !== generation) {
    // the user has moved on while this view loaded
    if (view.stop) {
      view.stop();
    }
    return;
  }
  current = view;
  main.replaceChildren(view.node);
  main.focus();
}

export function errorBox(e) {
  if (e instanceof ApiError && e.status === 401) {
    return el('section', { class: 'card', role: 'alert', id: 'key-needed' },
      el('h1', {}, 'An API key is needed'),
      el('p', {}, e.message),
      el('button', { type: 'button', onclick: askForKey }, 'Enter an API key'));
  }
  return el('section', { class: 'card', role: 'alert' }, el('p', { class: 'error' }, e.message || String(e)));
}

/** Whatever view met a 401, it gives way to the key prompt. */
function keyNeeded(error) {
  generation++;
  stopCurrent();
  main.replaceChildren(errorBox(error));
}

function askForKey() {
  const key = prompt('API key (kept for this tab only):', apiKey() || '');
  if (key !== null) {
    setApiKey(key.trim());
    render();
  }
}

document.getElementById('key-button').addEventListener('click', askForKey);
window.addEventListener('cnn:unauthorized', (e) => keyNeeded(e.detail));
window.addEventListener('hashchange', render);
render();
