import 'uplot/dist/uPlot.min.css';
import './style.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { cancelJob, getJson, stopWithSavepoint, triggerSavepoint } from './api.js';
import { Checkpoints } from './checkpoints.js';
import { bytes, count, duration, time, watermark } from './format.js';
import { JobGraph } from './graph.js';

const POLL_MS = 1000;

/** Polls `load` every second while the component is shown; the last answer and error are kept. */
function usePolling(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  useEffect(() => {
    let stopped = false;
    let timer;
    const tick = async () => {
      // A tab in the background asks nothing of the job.
      if (document.hidden) {
        timer = setTimeout(tick, POLL_MS);
        return;
      }
      try {
        const data = await load();
        if (!stopped) setState({ data, error: undefined });
      } catch (error) {
        if (!stopped) setState((s) => ({ data: s.data, error }));
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function JobList() {
  const { data, error } = usePolling(() => getJson('/jobs/overview'), []);
  return html`<section>
    <h2>Jobs</h2>
    ${error && html`<p class="error">${error.message}</p>`}
    <table data-testid="job-list">
      <thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Duration</th><th>Job ID</th></tr></thead>
      <tbody>
        ${(data?.jobs ?? []).map(
          (j) => html`<tr data-testid="job-row">
            <td><a href=${`#/jobs/${j.jid}`}>${j.name}</a></td>
            <td class=${`state state-${j.state.toLowerCase()}`}>${j.state}</td>
            <td>${time(j['start-time'])}</td>
            <td>${duration(j.duration)}</td>
            <td class="mono">${j.jid}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${data && data.jobs.length === 0 && html`<p class="muted">No jobs yet.</p>`}
  </section>`;
}

/** Metric values come as strings from the metrics path, as numbers in the job's vertices. */
const bytesOf = (v) => (v === undefined || v === null ? '–' : bytes(Math.round(Number(v))));

const SUBTASK_METRICS = [
  'numRecordsIn',
  'numRecordsOut',
  'numRecordsInPerSecond',
  'numRecordsOutPerSecond',
  'numBytesIn',
  'numBytesOut',
  'numBytesInPerSecond',
  'numBytesOutPerSecond',
  'currentInputWatermark',
  'currentOutputWatermark',
  'busyTimeMsPerSecond',
  'backPressuredTimeMsPerSecond',
  'idleTimeMsPerSecond',
];

/** Per subtask of one vertex: records, bytes, rates, watermarks and time, from Flink's metrics path. */
function Subtasks({ jobId, vertex }) {
  const { data } = usePolling(async () => {
    const ids = Array.from({ length: vertex.parallelism }, (_, i) =>
      SUBTASK_METRICS.map((m) => `${i}.${m}`),
    ).flat();
    const values = await getJson(`/jobs/${jobId}/vertices/${vertex.id}/metrics?get=${ids.join(',')}`);
    const bySubtask = Array.from({ length: vertex.parallelism }, () => ({}));
    for (const { id, value } of values) {
      const dot = id.indexOf('.');
      bySubtask[Number(id.slice(0, dot))][id.slice(dot + 1)] = value;
    }
    return bySubtask;
  }, [jobId, vertex.id, vertex.parallelism]);
  return html`<section data-testid="subtasks">
    <h3>${vertex.name}</h3>
    <table>
      <thead><tr><th>Subtask</th><th>Records in</th><th>Records out</th><th>In/s</th><th>Out/s</th><th>Bytes in</th><th>Bytes out</th><th>Bytes in/s</th><th>Bytes out/s</th><th>Input watermark</th><th>Output watermark</th><th>Busy ms/s</th><th>Backpressured ms/s</th><th>Idle ms/s</th></tr></thead>
      <tbody>
        ${(data ?? []).map(
          (m, i) => html`<tr data-testid="subtask-row">
            <td>${i}</td>
            <td>${count(m.numRecordsIn)}</td>
            <td>${count(m.numRecordsOut)}</td>
            <td>${count(m.numRecordsInPerSecond)}</td>
            <td>${count(m.numRecordsOutPerSecond)}</td>
            <td data-testid="bytes-in">${bytesOf(m.numBytesIn)}</td>
            <td data-testid="bytes-out">${bytesOf(m.numBytesOut)}</td>
            <td>${bytesOf(m.numBytesInPerSecond)}</td>
            <td>${bytesOf(m.numBytesOutPerSecond)}</td>
            <td>${watermark(m.currentInputWatermark)}</td>
            <td>${watermark(m.currentOutputWatermark)}</td>
            <td>${m.busyTimeMsPerSecond}</td>
            <td>${m.backPressuredTimeMsPerSecond}</td>
            <td>${m.idleTimeMsPerSecond}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function Vertices({ job, selected, onSelect }) {
  return html`<table data-testid="vertex-table">
    <thead><tr><th>Operator</th><th>Parallelism</th><th>Records in</th><th>Records out</th><th>Bytes in</th><th>Bytes out</th><th>Busy ms/s (max)</th><th>Backpressured ms/s (max)</th></tr></thead>
    <tbody>
      ${job.vertices.map(
        (
          v,
        ) => html`<tr data-testid="vertex-row" class=${selected === v.id ? 'selected' : ''} onClick=${() => onSelect(v.id)}>
          <td class="name" title=${v.name}>${v.name}</td>
          <td>${v.parallelism}</td>
          <td>${count(v.metrics?.['read-records'])}</td>
          <td>${count(v.metrics?.['write-records'])}</td>
          <td>${bytesOf(v.metrics?.['read-bytes'])}</td>
          <td>${bytesOf(v.metrics?.['write-bytes'])}</td>
          <td>${v.busyTimeMsPerSecond ?? '–'}</td>
          <td>${v.backPressuredTimeMsPerSecond ?? '–'}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function Actions({ job }) {
  const [directory, setDirectory] = useState('');
  const [status, setStatus] = useState(undefined);
  const running = job.state === 'RUNNING';
  const run = (label, action) => async () => {
    setStatus({ kind: 'progress', text: `${label}…` });
    try {
      const result = await action();
      setStatus({ kind: 'done', text: result ? `${label} completed: ${result}` : `${label} requested.` });
    } catch (err) {
      setStatus({ kind: 'failed', text: `${label} failed: ${err.message}` });
    }
  };
  return html`<div class="actions">
    <input placeholder="savepoint directory (default: execution.checkpointing.savepoint-dir)" value=${directory} onInput=${(e) => setDirectory(e.currentTarget.value)} data-testid="savepoint-dir" />
    <button disabled=${!running} data-testid="btn-savepoint" onClick=${run('Savepoint', () => triggerSavepoint(job.jid, directory))}>Trigger savepoint</button>
    <button disabled=${!running} data-testid="btn-stop" onClick=${run('Stop with savepoint', () => stopWithSavepoint(job.jid, directory))}>Stop with savepoint</button>
    <button disabled=${!running} class="danger" data-testid="btn-cancel" onClick=${run('Cancel', () => cancelJob(job.jid).then(() => undefined))}>Cancel job</button>
    ${status && html`<p class=${`action-status ${status.kind}`} data-testid="action-status" data-kind=${status.kind}>${status.text}</p>`}
  </div>`;
}

function Exceptions({ exceptions, restarts }) {
  const latest = exceptions?.exceptionHistory?.entries?.[0];
  return html`<section data-testid="exceptions">
    <h2>Exceptions</h2>
    <p>Restarts: <b data-testid="restarts">${restarts ?? 0}</b></p>
    ${
      latest
        ? html`<p>Latest, at ${time(latest.timestamp)}: <b>${latest.exceptionName}</b></p><pre class="stack">${latest.stacktrace}</pre>`
        : html`<p class="muted">No exceptions.</p>`
    }
  </section>`;
}

function Config({ config }) {
  if (!config) return null;
  const entries = Object.entries(config['execution-config']['user-config']).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return html`<section>
    <h2>Configuration</h2>
    <table data-testid="config-table">
      <tbody>${entries.map(([k, v]) => html`<tr><td class="mono">${k}</td><td class="mono">${v}</td></tr>`)}</tbody>
    </table>
  </section>`;
}

function JobPage({ jobId }) {
  const [selected, setSelected] = useState(undefined);
  const { data, error } = usePolling(async () => {
    const [job, checkpoints, exceptions] = await Promise.all([
      getJson(`/jobs/${jobId}`),
      getJson(`/jobs/${jobId}/checkpoints`),
      getJson(`/jobs/${jobId}/exceptions`),
    ]);
    return { job, checkpoints, exceptions };
  }, [jobId]);
  const [config, setConfig] = useState(undefined);
  useEffect(() => {
    getJson(`/jobs/${jobId}/config`).then(setConfig, () => {});
  }, [jobId]);
  if (!data) return html`<p>${error ? error.message : 'Loading…'}</p>`;
  const { job, checkpoints, exceptions } = data;
  const vertex = job.vertices.find((v) => v.id === selected);
  return html`<div>
    <p><a href="#/">← all jobs</a></p>
    <h1>${job.name}</h1>
    <p class="summary">
      <span class=${`state state-${job.state.toLowerCase()}`} data-testid="job-state">${job.state}</span>
      <span class="mono">${job.jid}</span> · up ${duration(job.duration)} · restarts <b>${job.restarts ?? 0}</b>
      ${error && html`<span class="error"> (${error.message})</span>`}
    </p>
    <${Actions} job=${job} />
    <section>
      <h2>Job graph</h2>
      <${JobGraph} job=${job} selected=${selected} onSelect=${setSelected} />
      <${Vertices} job=${job} selected=${selected} onSelect=${setSelected} />
      ${vertex ? html`<${Subtasks} jobId=${jobId} vertex=${vertex} />` : html`<p class="muted">Click an operator for its subtasks.</p>`}
    </section>
    <${Checkpoints} stats=${checkpoints} />
    <${Exceptions} exceptions=${exceptions} restarts=${job.restarts} />
    <${Config} config=${config} />
  </div>`;
}

function App() {
  const hash = useHash();
  const match = /^#\/jobs\/([0-9a-f]+)/.exec(hash);
  return html`<header><a href="#/">weir</a> <span class="tagline">Flink SQL on Node.js</span></header>
    <main>${match ? html`<${JobPage} jobId=${match[1]} />` : html`<${JobList} />`}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
