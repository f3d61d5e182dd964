// The console: a hash router over views that only call the documented API.
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

const routes = [
  [/^#?\/?$/, () => overview()],
  [/^#\/jobs\/([a-z0-9]+)$/, (m) => jobView(m[1])],
  [/^#\/compare\/([a-z0-9,]+)$/, (m) => jobView(...m[1].split(','))],
  [/^#\/new$/, () => newJob()],
  [/^#\/models\/([a-z0-9._-]+)$/, (m) => modelView(m[1])],
  [/^#\/classify(\?.*)?$/, () => classify()],
  [/^#\/system$/, () => system()],
];

async function render() {
  if (current && current.stop) {
    current.stop();
  }
  current = null;
  const hash = location.hash || '#/';
  const route = routes.find(([pattern]) => pattern.test(hash));
  main.replaceChildren();
  if (!route) {
    main.append(el('h1', {}, 'Not found'), el('p', {}, el('a', { href: '#/' }, 'Back to the overview')));
    return;
  }
  try {
    current = await route[1](hash.match(route[0]));
    main.replaceChildren(current.node);
    main.focus();
  } catch (e) {
    main.replaceChildren(errorBox(e));
  }
}

export function errorBox(e) {
  if (e instanceof ApiError && e.status === 401) {
    return el('section', { class: 'card', role: 'alert' },
      el('h1', {}, 'An API key is needed'),
      el('p', {}, e.message),
      el('button', { type: 'button', onclick: askForKey }, 'Enter an API key'));
  }
  return el('section', { class: 'card', role: 'alert' }, el('p', { class: 'error' }, e.message || String(e)));
}

function askForKey() {
  const key = prompt('API key (kept for this tab only):', apiKey() || '');
  if (key !== null) {
    setApiKey(key.trim());
    render();
  }
}

document.getElementById('key-button').addEventListener('click', askForKey);
window.addEventListener('hashchange', render);
render();
