// The CLI's sessions are the library's (src/api/session.ts); this name stays for code written against it.
export { createSession } from '../api/session.js';
