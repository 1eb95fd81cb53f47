import { type LogicalType, ROW_KIND_SHORT, type RowKind } from './types.js';

/**
 * Values printed the way Flink prints them (Row.toString over Java objects): the print
 * connector's output and the SQL client's rows must match what a Flink user sees.
 */

/** Java's Double.toString: "1.0", "0.001", "1.0E-4", "1.2345678E7", "NaN", "Infinity". */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

/** Java's Float.toString, from the shortest decimal that round-trips through a 32-bit float. */
export function javaFloatToString(x: number): string {
  if (!Number.isFinite(x) || x === 0) return javaDoubleToString(x);
  const f = Math.fround(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return javaDoubleToString(candidate);
  }
  return javaDoubleToString(f);
}

/** An unscaled DECIMAL value with its scale, as BigDecimal.toPlainString: 1250n, 2 → "12.50". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** java.time.LocalDate.toString for days since the epoch. */
export function formatDate(days: number): string {
  const d = new Date(days * 86_400_000);
  const year = d.getUTCFullYear();
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : String(year);
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** java.time.LocalTime.toString: seconds and fraction only when non-zero. */
export function formatTime(millisOfDay: number): string {
  const h = Math.floor(millisOfDay / 3_600_000);
  const m = Math.floor(millisOfDay / 60_000) % 60;
  const s = Math.floor(millisOfDay / 1000) % 60;
  const ms = millisOfDay % 1000;
  let text = `${pad(h)}:${pad(m)}`;
  if (s !== 0 || ms !== 0) text += `:${pad(s)}`;
  if (ms !== 0) text += `.${pad(ms, 3)}`;
  return text;
}

/** java.time.LocalDateTime.toString, for a TIMESTAMP held as UTC wall-clock epoch millis. */
export function formatTimestamp(epochMillis: number): string {
  const days = Math.floor(epochMillis / 86_400_000);
  return `${formatDate(days)}T${formatTime(epochMillis - days * 86_400_000)}`;
}

/** java.time.Instant.toString, for TIMESTAMP_LTZ. */
export function formatInstant(epochMillis: number): string {
  return `${formatTimestamp(epochMillis)}Z`;
}

export function formatValue(type: LogicalType, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (type.root) {
    case 'FLOAT':
      return javaFloatToString(value as number);
    case 'DOUBLE':
      return javaDoubleToString(value as number);
    case 'DECIMAL':
      return formatDecimal(value as bigint, type.scale ?? 0);
    case 'DATE':
      return formatDate(value as number);
    case 'TIME':
      return formatTime(value as number);
    case 'TIMESTAMP':
      return formatTimestamp(value as number);
    case 'TIMESTAMP_LTZ':
      return formatInstant(value as number);
    case 'BINARY':
    case 'VARBINARY':
      return `[${Array.from(value as Uint8Array, (b) => (b > 127 ? b - 256 : b)).join(', ')}]`;
    case 'ARRAY':
    case 'MULTISET':
      return `[${(value as unknown[]).map((v) => formatValue(type.element!, v)).join(', ')}]`;
    case 'MAP':
      return `{${[...(value as Map<unknown, unknown>)]
        .map(([k, v]) => `${formatValue(type.key!, k)}=${formatValue(type.value!, v)}`)
        .join(', ')}}`;
    case 'ROW':
      return `+I[${(type.fields ?? []).map((f, i) => formatValue(f.type, (value as unknown[])[i])).join(', ')}]`;
    default:
      return String(value);
  }
}

/** A whole changelog row as Flink's Row.toString prints it: `+I[1, Alice, 12.50]`. */
export function formatRow(types: readonly LogicalType[], kind: RowKind, row: readonly unknown[]): string {
  let text = `${ROW_KIND_SHORT[kind]}[`;
  for (let i = 0; i < types.length; i++) {
    if (i > 0) text += ', ';
    text += formatValue(types[i], row[i]);
  }
  return `${text}]`;
}
