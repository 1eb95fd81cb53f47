// JavaScript functions for sql-examples/udf.sql. Each export declares what Flink infers from a
// Java class: the result type (and, optionally, the argument types), and an eval method.

/** The price band of an order: 'low' under 10, 'mid' under 100, else 'high'. */
export const priceBand = {
  resultType: 'STRING NOT NULL',
  argumentTypes: ['DECIMAL(10, 2)'],
  eval(price) {
    // DECIMAL arrives as exact text, e.g. '12.50'.
    const value = Number(price ?? 0);
    return value < 10 ? 'low' : value < 100 ? 'mid' : 'high';
  },
};

/** An e-mail address with its local part hidden: 'b***@shop1.example'. */
export default {
  resultType: 'STRING',
  eval(email) {
    if (email == null) return null;
    const at = email.indexOf('@');
    return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
  },
};
