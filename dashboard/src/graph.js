import { html } from 'htm/preact';

const BOX_WIDTH = 300;
const LINE = 18;
const GAP_X = 80;
const GAP_Y = 30;

/**
 * Flink's web UI colours a vertex from blue (idle) to red (busy), and grey when it is
 * backpressured; so does this one, with the busiest subtask deciding.
 */
export function vertexColour(busyMsPerSecond, backPressuredMsPerSecond) {
  if (backPressuredMsPerSecond > busyMsPerSecond && backPressuredMsPerSecond > 100) return 'hsl(0, 0%, 55%)';
  const busy = Math.min(1, Math.max(0, busyMsPerSecond / 1000));
  return `hsl(${Math.round(210 - 210 * busy)}, 70%, ${Math.round(55 - 10 * busy)}%)`;
}

/** Chains (tasks) as boxes, left to right by their distance from the sources; edges between them. */
function layout(job) {
  const chainOf = new Map();
  job.chains.forEach((chain, i) => {
    for (const id of chain.operators) chainOf.set(id, i);
  });
  const edges = [];
  for (const node of job.plan.nodes) {
    for (const input of node.inputs) {
      const from = chainOf.get(input.id);
      const to = chainOf.get(node.id);
      if (from !== undefined && to !== undefined && from !== to)
        edges.push({ from, to, ship: input.ship_strategy });
    }
  }
  const level = job.chains.map(() => 0);
  for (let pass = 0; pass < job.chains.length; pass++) {
    for (const e of edges) level[e.to] = Math.max(level[e.to], level[e.from] + 1);
  }
  const rows = new Map();
  const boxes = job.chains.map((chain, i) => {
    const row = rows.get(level[i]) ?? 0;
    const height = 46 + LINE * chain.operators.length;
    rows.set(level[i], row + height + GAP_Y);
    return { chain, x: 10 + level[i] * (BOX_WIDTH + GAP_X), y: 10 + row, height };
  });
  const width = Math.max(...boxes.map((b) => b.x + BOX_WIDTH)) + 10;
  const height = Math.max(...boxes.map((b) => b.y + b.height)) + 10;
  return { boxes, edges, width, height };
}

const short = (name) => (name.length > 44 ? `${name.slice(0, 43)}…` : name);

export function JobGraph({ job, selected, onSelect }) {
  if (!job.chains?.length) return html`<p class="muted">No tasks are running.</p>`;
  const vertexById = new Map(job.vertices.map((v) => [v.id, v]));
  const { boxes, edges, width, height } = layout(job);
  return html`<svg class="graph" data-testid="graph" width=${width} height=${height} viewBox="0 0 ${width} ${height}">
    <defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M 0 0 L 10 5 L 0 10 z" fill="#666" />
      </marker>
    </defs>
    ${edges.map((e) => {
      const a = boxes[e.from];
      const b = boxes[e.to];
      const x1 = a.x + BOX_WIDTH;
      const y1 = a.y + a.height / 2;
      const x2 = b.x;
      const y2 = b.y + b.height / 2;
      return html`<g>
        <path d="M ${x1} ${y1} C ${x1 + GAP_X / 2} ${y1}, ${x2 - GAP_X / 2} ${y2}, ${x2} ${y2}" stroke="#666" fill="none" marker-end="url(#arrow)" />
        <text x=${(x1 + x2) / 2} y=${(y1 + y2) / 2 - 4} class="edge-label" text-anchor="middle">${e.ship}</text>
      </g>`;
    })}
    ${boxes.map(({ chain, x, y, height: h }) => {
      const vertices = chain.operators.map((id) => vertexById.get(id)).filter(Boolean);
      const busy = Math.max(0, ...vertices.map((v) => v.busyTimeMsPerSecond ?? 0));
      const backPressured = Math.max(0, ...vertices.map((v) => v.backPressuredTimeMsPerSecond ?? 0));
      return html`<g class="chain" data-testid="chain">
        <rect x=${x} y=${y} width=${BOX_WIDTH} height=${h} rx="6" fill=${vertexColour(busy, backPressured)} />
        <text x=${x + 8} y=${y + 17} class="chain-title">Parallelism ${chain.parallelism} · busy ${busy} ms/s · backpressured ${backPressured} ms/s</text>
        ${vertices.map(
          (v, i) => html`<text
            x=${x + 8}
            y=${y + 38 + i * LINE}
            class=${`operator${selected === v.id ? ' selected' : ''}`}
            data-testid="operator"
            onClick=${() => onSelect(v.id)}
          >
            ${short(v.name)}<title>${v.name}</title>
          </text>`,
        )}
      </g>`;
    })}
  </svg>`;
}
