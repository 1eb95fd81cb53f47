import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { bytes, duration, time } from './format.js';

/** Duration, alignment and size per checkpoint, oldest left; failed checkpoints marked red. */
function CheckpointChart({ history }) {
  const container = useRef(null);
  const plot = useRef(null);
  const done = [...history].reverse().filter((c) => c.status !== 'IN_PROGRESS');
  const failed = new Set(done.filter((c) => c.status === 'FAILED').map((c) => c.id));
  const data = [
    done.map((c) => c.id),
    done.map((c) => (c.status === 'COMPLETED' ? c.end_to_end_duration : null)),
    done.map((c) => (c.status === 'COMPLETED' && c.alignment_duration >= 0 ? c.alignment_duration : null)),
    done.map((c) => (c.status === 'COMPLETED' ? c.state_size : null)),
    done.map((c) => (c.status === 'FAILED' ? Math.max(0, c.end_to_end_duration) : null)),
  ];
  useEffect(() => {
    if (!container.current) return;
    if (!plot.current) {
      plot.current = new uPlot(
        {
          width: Math.min(900, container.current.clientWidth || 900),
          height: 220,
          scales: { x: { time: false } },
          axes: [
            { label: 'checkpoint' },
            { label: 'ms', scale: 'ms' },
            { label: 'bytes', scale: 'bytes', side: 1, grid: { show: false } },
          ],
          series: [
            { label: 'id' },
            { label: 'duration (ms)', scale: 'ms', stroke: '#1f77b4', width: 2, points: { show: true } },
            { label: 'alignment (ms)', scale: 'ms', stroke: '#ff7f0e', width: 1 },
            { label: 'size (bytes)', scale: 'bytes', stroke: '#2ca02c', width: 1 },
            {
              label: 'failed',
              scale: 'ms',
              stroke: '#d62728',
              width: 0,
              points: { show: true, size: 9, fill: '#d62728' },
            },
          ],
        },
        data,
        container.current,
      );
    } else {
      plot.current.setData(data);
    }
  });
  useEffect(() => () => plot.current?.destroy(), []);
  return html`<div class="chart" data-testid="checkpoint-chart" data-failed=${failed.size} ref=${container}></div>`;
}

export function Checkpoints({ stats }) {
  if (!stats) return null;
  const { counts, history } = stats;
  return html`<section>
    <h2>Checkpoints</h2>
    <p data-testid="checkpoint-counts">
      Completed <b>${counts.completed}</b> · failed <b>${counts.failed}</b> · in progress <b>${counts.in_progress}</b>
    </p>
    ${history.length > 0 && html`<${CheckpointChart} history=${history} />`}
    <table class="checkpoints" data-testid="checkpoint-table">
      <thead>
        <tr><th>ID</th><th>Status</th><th>Type</th><th>Triggered</th><th>Duration</th><th>Size</th><th>Alignment</th><th>Sync / async</th><th>Path or failure</th></tr>
      </thead>
      <tbody>
        ${history.slice(0, 50).map(
          (
            c,
          ) => html`<tr class=${`status-${c.status.toLowerCase()}`} data-testid="checkpoint-row" data-status=${c.status}>
            <td>${c.id}</td>
            <td>${c.status}</td>
            <td>${c.is_savepoint ? 'savepoint' : 'checkpoint'}</td>
            <td>${time(c.trigger_timestamp)}</td>
            <td>${duration(c.end_to_end_duration)}</td>
            <td>${bytes(c.state_size)}</td>
            <td>${duration(c.alignment_duration)}</td>
            <td>${duration(c.sync_duration)} / ${duration(c.async_duration)}</td>
            <td class="path">${c.failure_message ?? c.external_path ?? ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
