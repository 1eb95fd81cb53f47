// User-defined functions for udf.q: each export is one function declaration.

export const shout = {
  resultType: 'STRING',
  eval(text) {
    return text == null ? null : `${text.toUpperCase()}!`;
  },
};

/** DECIMAL arrives as exact text and may be returned as text. */
export const addTax = {
  resultType: 'DECIMAL(10, 2)',
  argumentTypes: ['DECIMAL(10, 2)'],
  eval(price) {
    if (price == null) return null;
    const cents = BigInt(price.replace('.', ''));
    const withTax = (cents * 120n + 50n) / 100n;
    return `${withTax / 100n}.${String(withTax % 100n).padStart(2, '0')}`;
  },
};

/** TIMESTAMP arrives as a Date holding the wall-clock time in UTC. */
export const dayOfMonth = {
  resultType: 'INT NOT NULL',
  argumentTypes: ['TIMESTAMP(3)'],
  eval(ts) {
    return ts.getUTCDate();
  },
};

export const failing = {
  resultType: 'INT',
  eval(x) {
    throw new Error(`cannot handle ${x}`);
  },
};

export const untyped = {
  eval() {
    return 1;
  },
};

/** A plain function is its own eval. */
function length(text) {
  return text == null ? null : [...text].length;
}
length.resultType = 'INT';
export default length;
