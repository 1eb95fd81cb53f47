// The dashboard speaks only the REST API `weir run` and `weir cluster` serve on the same port.

export async function getJson(path) {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText} for ${path}`);
  return res.json();
}

async function send(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new Error(json.errors?.join('; ') ?? `${res.status} ${res.statusText}`);
  return json;
}

/** Flink's trigger-and-poll protocol: resolves to the savepoint's location, or rejects with its failure. */
async function awaitSavepoint(jobId, requestId) {
  for (;;) {
    const status = await getJson(`/jobs/${jobId}/savepoints/${requestId}`);
    if (status.status.id === 'COMPLETED') {
      const cause = status.operation['failure-cause'];
      if (cause) throw new Error(cause['stack-trace']);
      return status.operation.location;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function triggerSavepoint(jobId, targetDirectory) {
  const body = targetDirectory ? { 'target-directory': targetDirectory, 'cancel-job': false } : {};
  const { 'request-id': requestId } = await send('POST', `/jobs/${jobId}/savepoints`, body);
  return awaitSavepoint(jobId, requestId);
}

export async function stopWithSavepoint(jobId, targetDirectory) {
  const body = targetDirectory ? { targetDirectory, drain: false } : { drain: false };
  const { 'request-id': requestId } = await send('POST', `/jobs/${jobId}/stop`, body);
  return awaitSavepoint(jobId, requestId);
}

export function cancelJob(jobId) {
  return send('PATCH', `/jobs/${jobId}?mode=cancel`);
}
