import { WeirError } from '../common/errors.js';

/**
 * One request to a weir REST API (a foreground `weir run` or a session cluster). Failures become
 * WeirErrors: unreachable → JOB_UNREACHABLE; an error answer keeps the server's code and hint
 * when it sent them (a user's mistake found on the other side reads as if found here).
 */
export async function restCall(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  what: string,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  } catch (err) {
    throw new WeirError('JOB_UNREACHABLE', `Cannot reach ${what} at ${baseUrl}: ${(err as Error).message}`, {
      kind: 'external',
    });
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const errors = (json.errors as string[] | undefined)?.join('; ') ?? response.statusText;
    if (typeof json.code === 'string')
      throw new WeirError(json.code, errors.replace(`${json.code}: `, ''), {
        hint: typeof json.hint === 'string' ? json.hint : undefined,
      });
    throw new WeirError('JOB_REQUEST_FAILED', `${what}: ${errors}`, { kind: 'external' });
  }
  return json;
}
