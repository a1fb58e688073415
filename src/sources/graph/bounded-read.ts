/**
 * Reading an answer from Azure within bounds: at most `maxBytes` of body
 * and the whole answer, headers and body, within the request timeout,
 * whatever the server sends. The SDK's HTTP client otherwise buffers a body
 * whole, however large; its own timeout ends in an AbortError, which its
 * retry policy does not retry, and stops counting once a body is streamed.
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
 * The policy, nearest the wire. An answer not complete in time fails with
 * `ETIMEDOUT`, which the SDK's retry policy retries like a dropped
 * connection; a body that is too large fails with `RESPONSE_TOO_LARGE`,
 * which it does not (it would be as large again). Neither error carries the
 * response: the retry policy skips a failed request that has one with a 200.
 */
export function boundedReadPolicy(timeoutMs: number, maxBytes = MAX_RESPONSE_BYTES): PipelinePolicy {
  return {
    name: 'keyscopeBoundedRead',
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const controller = new AbortController();
      const forward = (): void => controller.abort();
      outer?.addEventListener('abort', forward);
      let timedOut = false;
      let stream: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
        stream?.destroy();
      }, timeoutMs);
      request.abortSignal = controller.signal;
      // Streamed, so the body is read here, counted as it comes, never buffered whole by the client.
      request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY]);
      try {
        const response: PipelineResponse = await next(request);
        stream = response.readableStreamBody as typeof stream;
        if (!stream) return response;
        response.readableStreamBody = undefined;
        response.bodyAsText = await readBounded(
          stream,
          maxBytes,
          () => new RestError(`the answer is larger than ${maxBytes} bytes: not read further`, { code: 'RESPONSE_TOO_LARGE', request }),
        );
        return response;
      } catch (error) {
        if (timedOut)
          throw new RestError(`no complete answer within the request timeout (${timeoutMs} ms)`, { code: 'ETIMEDOUT', request });
        throw error;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', forward);
        request.abortSignal = outer;
        request.streamResponseStatusCodes = undefined;
      }
    },
  };
}

function readBounded(stream: NodeJS.ReadableStream & { destroy(): void }, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      stream.removeAllListeners('data');
      if (error) {
        stream.destroy();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size).toString('utf8'));
      }
    };
    stream.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) return finish(tooLarge());
      chunks.push(buffer);
    });
    stream.on('end', () => finish(undefined));
    stream.on('error', (error: Error) => finish(error));
    // Destroyed without an error (the timeout): not complete.
    stream.on('close', () => finish(new Error('the connection closed before the answer was complete')));
  });
}
