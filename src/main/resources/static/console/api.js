// Calls the documented API, with the API key kept for this browser tab only.

const KEY = 'cnn-service-api-key';

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key) {
  if (key) {
    sessionStorage.setItem(KEY, key);
  } else {
    sessionStorage.removeItem(KEY);
  }
}

/**
 * The one path a 401 takes: whatever call met it, the console asks for a key (app.js
 * listens for this event).
 */
function refused(error) {
  if (error.status === 401) {
    window.dispatchEvent(new CustomEvent('cnn:unauthorized', { detail: error }));
  }
  return error;
}

/** An error answer: its status and problem detail (or the v2 {"error"}). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.error)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

function headers(extra) {
  const h = new Headers(extra || {});
  const key = apiKey();
  if (key) {
    h.set('Authorization', `Bearer ${key}`);
  }
  return h;
}

/** Sends a request; JSON bodies go as JSON, FormData as multipart. */
export async function call(method, path, body) {
  const init = { method, headers: headers() };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers.set('Content-Type', 'application/json');
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = { detail: text };
    }
  }
  if (!response.ok) {
    throw refused(new ApiError(response.status, data));
  }
  return data;
}

export const get = (path) => call('GET', path);

/** A text resource, such as the Prometheus exposition. */
export async function text(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    throw refused(new ApiError(response.status, null));
  }
  return response.text();
}
export const post = (path, body) => call('POST', path, body);
export const del = (path) => call('DELETE', path);

/**
 * Reads a server-sent event stream with fetch, which, unlike EventSource, can send the
 * API key. Calls onEvent(name, data) per event until the stream ends or signal aborts.
 */
export async function stream(path, onEvent, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch (e) {
      // not JSON
    }
    throw refused(new ApiError(response.status, problem));
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let name = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) {
          name = line.slice(6).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5));
        }
      }
      if (data.length) {
        onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  }
}
