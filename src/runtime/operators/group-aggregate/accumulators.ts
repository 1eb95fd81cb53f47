import type { AggregateCallSpec } from '../../../common/jobgraph.js';
import type { LogicalType } from '../../../common/types.js';
import type { KeyedStateBackend, MapState, StateTtl } from '../../api/state.js';
import { divide, fitPrecision } from '../calc/decimal.js';
import { addLong, divLong, subLong, wrapByte, wrapInt, wrapShort } from '../calc/numbers.js';

/**
 * Accumulators of the aggregate functions, as Flink's AggsHandleFunction sees them: each call
 * owns a few slots of the group's accumulator row (kept in a ValueState) and, where a single
 * value cannot be retracted, a MapState of its own. All state accessors are scoped to the
 * backend's current key, which the operator sets before calling in.
 */
export interface Accumulator {
  /** Slots of the accumulator row it owns, from `at`. */
  readonly width: number;
  init(acc: unknown[]): void;
  accumulate(acc: unknown[], row: readonly unknown[]): void;
  retract(acc: unknown[], row: readonly unknown[]): void;
  value(acc: unknown[]): unknown;
  /** Clears the MapStates it keeps for the current key. */
  clear(): void;
  /**
   * Adds the slots of another accumulator row of the same layout (a local aggregate's partial
   * result) into `acc`; absent when the call cannot be computed in two phases (DISTINCT, the
   * order-dependent calls, MIN/MAX over a changelog).
   */
  merge?(acc: unknown[], other: readonly unknown[]): void;
}

export interface AccumulatorContext {
  readonly backend: KeyedStateBackend;
  readonly ttl?: StateTtl;
  /** Whether retract() will be called (the input is a changelog). */
  readonly retracting: boolean;
  /** Prefix of this call's state names, unique within the operator. */
  readonly stateName: string;
}

type Add = (a: number, b: number) => number;

/** BIGINT addition: plain while exact, Java's 64-bit wrap beyond ±2^53. */
const addBigint: Add = (a, b) => {
  const r = a + b;
  return Number.isSafeInteger(r) ? r : addLong(a, b);
};
const subBigint: Add = (a, b) => {
  const r = a - b;
  return Number.isSafeInteger(r) ? r : subLong(a, b);
};

/** Integral sums wrap like Java's int/short/byte arithmetic (Flink does not check overflow). */
function integralOps(t: LogicalType): { add: Add; sub: Add } {
  switch (t.root) {
    case 'TINYINT':
      return { add: (a, b) => wrapByte(a + b), sub: (a, b) => wrapByte(a - b) };
    case 'SMALLINT':
      return { add: (a, b) => wrapShort(a + b), sub: (a, b) => wrapShort(a - b) };
    case 'INT':
      return { add: (a, b) => wrapInt(a + b), sub: (a, b) => wrapInt(a - b) };
    case 'FLOAT':
      return { add: (a, b) => Math.fround(a + b), sub: (a, b) => Math.fround(a - b) };
    case 'DOUBLE':
      return { add: (a, b) => a + b, sub: (a, b) => a - b };
    default:
      return { add: addBigint, sub: subBigint };
  }
}

const isIntegral = (t: LogicalType) =>
  t.root === 'TINYINT' || t.root === 'SMALLINT' || t.root === 'INT' || t.root === 'BIGINT';

/** COUNT(*) counts rows, COUNT(x) rows where x is not NULL. */
function count(call: AggregateCallSpec, at: number): Accumulator {
  const arg = call.args[0];
  return {
    width: 1,
    init: (acc) => {
      acc[at] = 0;
    },
    accumulate:
      arg === undefined
        ? (acc) => {
            acc[at] = (acc[at] as number) + 1;
          }
        : (acc, row) => {
            if (row[arg] != null) acc[at] = (acc[at] as number) + 1;
          },
    retract:
      arg === undefined
        ? (acc) => {
            acc[at] = (acc[at] as number) - 1;
          }
        : (acc, row) => {
            if (row[arg] != null) acc[at] = (acc[at] as number) - 1;
          },
    value: (acc) => acc[at],
    clear: () => {},
    merge: (acc, other) => {
      acc[at] = (acc[at] as number) + (other[at] as number);
    },
  };
}

/**
 * SUM and AVG keep [sum, count of non-NULL values]: the result is NULL while the count is 0
 * (SUM of only NULLs is NULL), also after retractions (Flink's SumWithRetractAggFunction).
 */
function sumAndCount(call: AggregateCallSpec, at: number, inputType: LogicalType, avg: boolean): Accumulator {
  const arg = call.args[0];
  const n = at + 1;
  if (inputType.root === 'DECIMAL') {
    const scale = inputType.scale ?? 0;
    const resultScale = call.type.scale ?? 0;
    const resultPrecision = call.type.precision ?? 38;
    return {
      width: 2,
      init: (acc) => {
        acc[at] = 0n;
        acc[n] = 0;
      },
      accumulate: (acc, row) => {
        const v = row[arg] as bigint | null;
        if (v == null) return;
        acc[at] = (acc[at] as bigint) + v;
        acc[n] = (acc[n] as number) + 1;
      },
      retract: (acc, row) => {
        const v = row[arg] as bigint | null;
        if (v == null) return;
        acc[at] = (acc[at] as bigint) - v;
        acc[n] = (acc[n] as number) - 1;
      },
      value: (acc) => {
        if (acc[n] === 0) return null;
        const sum = acc[at] as bigint;
        return avg
          ? divide(sum, scale, BigInt(acc[n] as number), 0, resultScale, resultPrecision)
          : fitPrecision(sum, resultPrecision);
      },
      clear: () => {},
      merge: (acc, other) => {
        acc[at] = (acc[at] as bigint) + (other[at] as bigint);
        acc[n] = (acc[n] as number) + (other[n] as number);
      },
    };
  }
  // AVG sums integers as BIGINT and FLOAT as DOUBLE, as Flink's IntAvgAggFunction etc. do.
  const sumType: LogicalType = avg
    ? isIntegral(inputType)
      ? { root: 'BIGINT', nullable: true }
      : { root: 'DOUBLE', nullable: true }
    : call.type;
  const { add, sub } = integralOps(sumType);
  const result = avg
    ? isIntegral(inputType)
      ? (sum: number, c: number) => divLong(sum, c)
      : inputType.root === 'FLOAT'
        ? (sum: number, c: number) => Math.fround(sum / c)
        : (sum: number, c: number) => sum / c
    : (sum: number) => sum;
  return {
    width: 2,
    init: (acc) => {
      acc[at] = 0;
      acc[n] = 0;
    },
    accumulate: (acc, row) => {
      const v = row[arg] as number | null;
      if (v == null) return;
      acc[at] = add(acc[at] as number, v);
      acc[n] = (acc[n] as number) + 1;
    },
    retract: (acc, row) => {
      const v = row[arg] as number | null;
      if (v == null) return;
      acc[at] = sub(acc[at] as number, v);
      acc[n] = (acc[n] as number) - 1;
    },
    value: (acc) => (acc[n] === 0 ? (call.sum0 ? 0 : null) : result(acc[at] as number, acc[n] as number)),
    clear: () => {},
    merge: (acc, other) => {
      acc[at] = add(acc[at] as number, other[at] as number);
      acc[n] = (acc[n] as number) + (other[n] as number);
    },
  };
}

/**
 * MIN and MAX. Over an insert-only input one slot holds the extreme; over a changelog a MapState
 * counts each value, so retracting the current extreme can find the next one (Flink's
 * MinWithRetractAggFunction scans its map the same way).
 */
function extreme(call: AggregateCallSpec, at: number, ctx: AccumulatorContext): Accumulator {
  const arg = call.args[0];
  const better =
    call.fn === 'MIN'
      ? (v: unknown, cur: unknown) => (v as number) < (cur as number)
      : (v: unknown, cur: unknown) => (v as number) > (cur as number);
  const accumulateValue = (acc: unknown[], v: unknown) => {
    const cur = acc[at];
    if (cur === null || better(v, cur)) acc[at] = v;
  };
  if (!ctx.retracting) {
    return {
      width: 1,
      init: (acc) => {
        acc[at] = null;
      },
      accumulate: (acc, row) => {
        const v = row[arg];
        if (v != null) accumulateValue(acc, v);
      },
      retract: () => {
        throw new Error(`${call.fn} over an insert-only input was asked to retract`);
      },
      value: (acc) => acc[at],
      clear: () => {},
      merge: (acc, other) => {
        const v = other[at];
        if (v != null) accumulateValue(acc, v);
      },
    };
  }
  const counts: MapState<unknown, number> = ctx.backend.getMapState(`${ctx.stateName}.values`, ctx.ttl);
  return {
    width: 1,
    init: (acc) => {
      acc[at] = null;
    },
    accumulate: (acc, row) => {
      const v = row[arg];
      if (v == null) return;
      counts.put(v, (counts.get(v) ?? 0) + 1);
      accumulateValue(acc, v);
    },
    retract: (acc, row) => {
      const v = row[arg];
      if (v == null) return;
      const c = counts.get(v);
      if (c === undefined) return;
      if (c > 1) {
        counts.put(v, c - 1);
        return;
      }
      counts.remove(v);
      if (v !== acc[at]) return;
      let next: unknown = null;
      for (const [candidate] of counts.entries())
        if (next === null || better(candidate, next)) next = candidate;
      acc[at] = next;
    },
    value: (acc) => acc[at],
    clear: () => counts.clear(),
  };
}

/**
 * FIRST_VALUE, LAST_VALUE and LISTAGG, which all depend on arrival order. Over an insert-only
 * input one slot suffices; over a changelog every non-NULL value is kept in a MapState under an
 * increasing sequence number (a Map iterates in insertion order, also after a restore), and a
 * retraction removes the earliest equal value, as Flink's ListAggWithRetractAggFunction does.
 */
function ordered(call: AggregateCallSpec, at: number, ctx: AccumulatorContext): Accumulator {
  const arg = call.args[0];
  const separator = call.separator ?? ',';
  if (!ctx.retracting) {
    const accumulate =
      call.fn === 'FIRST_VALUE'
        ? (acc: unknown[], v: unknown) => {
            if (acc[at] === null) acc[at] = v;
          }
        : call.fn === 'LAST_VALUE'
          ? (acc: unknown[], v: unknown) => {
              acc[at] = v;
            }
          : (acc: unknown[], v: unknown) => {
              acc[at] = acc[at] === null ? v : `${acc[at]}${separator}${v}`;
            };
    return {
      width: 1,
      init: (acc) => {
        acc[at] = null;
      },
      accumulate: (acc, row) => {
        const v = row[arg];
        if (v != null) accumulate(acc, v);
      },
      retract: () => {
        throw new Error(`${call.fn} over an insert-only input was asked to retract`);
      },
      value: (acc) => acc[at],
      clear: () => {},
    };
  }
  const values: MapState<number, unknown> = ctx.backend.getMapState(`${ctx.stateName}.ordered`, ctx.ttl);
  const value =
    call.fn === 'FIRST_VALUE'
      ? () => {
          for (const [, v] of values.entries()) return v;
          return null;
        }
      : call.fn === 'LAST_VALUE'
        ? () => {
            let last: unknown = null;
            for (const [, v] of values.entries()) last = v;
            return last;
          }
        : () => {
            let text: string | null = null;
            for (const [, v] of values.entries())
              text = text === null ? String(v) : `${text}${separator}${v}`;
            return text;
          };
  return {
    width: 1,
    init: (acc) => {
      acc[at] = 0;
    },
    accumulate: (acc, row) => {
      const v = row[arg];
      if (v == null) return;
      const seq = acc[at] as number;
      acc[at] = seq + 1;
      values.put(seq, v);
    },
    retract: (_acc, row) => {
      const v = row[arg];
      if (v == null) return;
      for (const [seq, candidate] of values.entries()) {
        if (candidate === v) {
          values.remove(seq);
          return;
        }
      }
    },
    value,
    clear: () => values.clear(),
  };
}

/**
 * DISTINCT: a MapState counts each non-NULL value of the first argument; the inner accumulator
 * sees a value when its count rises from 0 and is retracted when it falls back to 0.
 */
function distinct(inner: Accumulator, arg: number, ctx: AccumulatorContext): Accumulator {
  const seen: MapState<unknown, number> = ctx.backend.getMapState(`${ctx.stateName}.distinct`, ctx.ttl);
  return {
    width: inner.width,
    init: (acc) => inner.init(acc),
    accumulate: (acc, row) => {
      const v = row[arg];
      if (v == null) return;
      const c = seen.get(v) ?? 0;
      seen.put(v, c + 1);
      if (c === 0) inner.accumulate(acc, row);
    },
    retract: (acc, row) => {
      const v = row[arg];
      if (v == null) return;
      const c = seen.get(v);
      if (c === undefined) return;
      if (c > 1) seen.put(v, c - 1);
      else {
        seen.remove(v);
        inner.retract(acc, row);
      }
    },
    value: (acc) => inner.value(acc),
    clear: () => {
      seen.clear();
      inner.clear();
    },
  };
}

/** `FILTER (WHERE …)`: rows where the filter field is not TRUE are skipped. */
function filtered(inner: Accumulator, filterArg: number): Accumulator {
  return {
    ...inner,
    accumulate: (acc, row) => {
      if (row[filterArg] === true) inner.accumulate(acc, row);
    },
    retract: (acc, row) => {
      if (row[filterArg] === true) inner.retract(acc, row);
    },
  };
}

/** The accumulator of one aggregate call, owning the slots from `at` of the accumulator row. */
export function createAccumulator(
  call: AggregateCallSpec,
  at: number,
  inputTypes: readonly LogicalType[],
  ctx: AccumulatorContext,
): Accumulator {
  let acc: Accumulator;
  switch (call.fn) {
    case 'COUNT':
      acc = count(call, at);
      break;
    case 'SUM':
      acc = sumAndCount(call, at, inputTypes[call.args[0]], false);
      break;
    case 'AVG':
      acc = sumAndCount(call, at, inputTypes[call.args[0]], true);
      break;
    case 'MIN':
    case 'MAX':
      acc = extreme(call, at, ctx);
      break;
    case 'FIRST_VALUE':
    case 'LAST_VALUE':
    case 'LISTAGG':
      acc = ordered(call, at, ctx);
      break;
    default: {
      const never: never = call.fn;
      return never;
    }
  }
  if (call.distinct && call.args.length > 0) acc = distinct(acc, call.args[0], ctx);
  if (call.filterArg !== undefined) acc = filtered(acc, call.filterArg);
  return acc;
}
