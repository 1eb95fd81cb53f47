const LONG_MIN = '-9223372036854775808';

export function count(n) {
  if (n === undefined || n === null) return '–';
  const v = Number(n);
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  return String(Math.round(v * 10) / 10);
}

export function bytes(n) {
  if (n === undefined || n === null || n < 0) return '–';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function duration(ms) {
  if (ms === undefined || ms === null || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

export function time(epochMs) {
  if (!epochMs || epochMs < 0) return '–';
  return new Date(epochMs).toLocaleTimeString();
}

/** Watermarks come as strings; Long.MIN_VALUE means none yet. */
export function watermark(value) {
  if (value === undefined || value === LONG_MIN) return 'none';
  const n = Number(value);
  return Number.isFinite(n) ? new Date(n).toISOString().replace('T', ' ').replace('Z', '') : 'none';
}
