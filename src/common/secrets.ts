/** Parts of option keys whose values are secrets, as Flink's GlobalConfiguration.isSensitive. */
const SENSITIVE = ['password', 'secret', 'token', 'sasl.jaas.config', 'apikey', 'api-key', 'auth-params'];

/** What a masked value prints as, in EXPLAIN, SHOW, logs and the REST API. */
export const MASKED = '******';

/** True for option keys whose values must never be printed. */
export function isSensitiveKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SENSITIVE.some((s) => lower.includes(s));
}

/** The options with every sensitive value replaced by the mask. */
export function maskSecrets(options: Readonly<Record<string, string>>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) masked[key] = isSensitiveKey(key) ? MASKED : value;
  return masked;
}
