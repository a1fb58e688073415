/**
 * Reading an answer from Azure within bounds: at most `maxBytes` of body
 * and done within the request's timeout, whatever the server sends. The
 * SDK's HTTP client otherwise buffers a body whole, however large or slow,
 * and its timeout stops at the headers when the body is streamed.
 */

import { RestError, type PipelinePolicy, type PipelineResponse } from '@azure/core-rest-pipeline';

/**
 * Resource Graph's own limit on one answer: it refuses to send more
 * (`ResponsePayloadTooLarge`, "has exceeded the limit of 16777216"), so a
 * larger body did not come from it. Resource Manager answers are held to it too.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** No single request may hang a scheduled scan: headers and body together. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/**
 * The policy. Placed nearer the wire than the retry policy: a body that
 * stalls fails with `ETIMEDOUT`, which the SDK's retry policy retries like
 * any dropped connection; a body that is too large fails with
 * `RESPONSE_TOO_LARGE`, which it does not (it would be as large again).
 */
export function boundedReadPolicy(timeoutMs: number, maxBytes = MAX_RESPONSE_BYTES): PipelinePolicy {
  return {
    name: 'keyscopeBoundedRead',
    async sendRequest(request, next) {
      const started = Date.now();
      request.timeout = timeoutMs;
      // Streamed, so the body is read here, counted as it comes, never buffered whole by the client.
      request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY]);
      let response: PipelineResponse;
      try {
        response = await next(request);
      } finally {
        request.streamResponseStatusCodes = undefined;
      }
      const stream = response.readableStreamBody;
      if (!stream) return response;
      response.readableStreamBody = undefined;
      // No response on the error: the retry policy skips a failed request that has one with a 200.
      response.bodyAsText = await readBounded(
        stream,
        maxBytes,
        started + timeoutMs,
        (message, code) => new RestError(message, { code, request }),
      );
      return response;
    },
  };
}

function readBounded(
  stream: NodeJS.ReadableStream,
  maxBytes: number,
  deadline: number,
  fail: (message: string, code: string) => Error,
): Promise<string> {
  const source = stream as NodeJS.ReadableStream & { destroy(error?: Error): void };
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      source.removeAllListeners('data');
      if (error) {
        source.destroy();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size).toString('utf8'));
      }
    };
    const timer = setTimeout(
      () => finish(fail('the answer stalled: not complete within the request timeout', 'ETIMEDOUT')),
      Math.max(0, deadline - Date.now()),
    );
    source.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        finish(fail(`the answer is larger than ${maxBytes} bytes: not read further`, 'RESPONSE_TOO_LARGE'));
        return;
      }
      chunks.push(buffer);
    });
    source.on('end', () => finish(undefined));
    source.on('error', (error: Error) => finish(error));
  });
}
