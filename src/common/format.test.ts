import { describe, expect, it } from 'vitest';
import {
  formatDecimal,
  formatRow,
  formatTimestamp,
  javaDoubleToString,
  javaFloatToString,
} from './format.js';
import { RowKind, Types } from './types.js';

describe('Java-compatible value formatting', () => {
  it.each([
    [1, '1.0'],
    [0.5, '0.5'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [0.0001, '1.0E-4'],
    [-2.5, '-2.5'],
    [Number.NaN, 'NaN'],
  ])('Double.toString(%d) = %s', (x, s) => expect(javaDoubleToString(x)).toBe(s));

  it('Float.toString keeps the shortest round-tripping digits', () =>
    expect(javaFloatToString(0.1)).toBe('0.1'));

  it('DECIMAL keeps its scale', () => {
    expect(formatDecimal(1250n, 2)).toBe('12.50');
    expect(formatDecimal(-5n, 2)).toBe('-0.05');
    expect(formatDecimal(7n, 0)).toBe('7');
  });

  it('TIMESTAMP prints as LocalDateTime.toString, dropping zero seconds', () => {
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe('2024-01-02T03:04:05.678');
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 0, 0))).toBe('2024-01-02T03:04');
  });

  it('rows print as Row.toString with their kind', () => {
    const types = [Types.BIGINT(), Types.STRING(), Types.DECIMAL(10, 2)];
    expect(formatRow(types, RowKind.INSERT, [1, 'Alice', 1250n])).toBe('+I[1, Alice, 12.50]');
    expect(formatRow(types, RowKind.UPDATE_BEFORE, [2, null, null])).toBe('-U[2, null, null]');
  });
});
