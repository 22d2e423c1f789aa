import http from 'node:http';
import https from 'node:https';
import { checkUrl, pinnedLookup, UnsafeUrlError, type AddressPolicy } from '../../../platform/net/ssrf-guard.js';

export interface SendSettings extends AddressPolicy {
  /** The whole request, connection to last byte (short: a slow receiver must not hold a worker). */
  timeoutMs: number;
  /** What is read of a response body; the rest is discarded and the socket closed. */
  maxResponseBytes: number;
}

export type SendResult =
  | { kind: 'delivered'; statusCode: number; body: string }
  | { kind: 'failed'; statusCode: number | null; error: string; body: string | null }
  /** The URL may not be called (SSRF guard): retrying cannot help. */
  | { kind: 'refused'; error: string };

// Keep-alive sockets per host: a busy endpoint is not a TCP (and TLS) handshake per event.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * POSTs `body` to `url` with `headers`, after checking where the URL resolves to now (DNS
 * rebinding: the address checked is the one connected to). 2xx is delivered; anything else,
 * a timeout or a network error is a failure to retry.
 */
export async function sendWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  settings: SendSettings,
): Promise<SendResult> {
  let checked;
  try {
    checked = await checkUrl(rawUrl, settings);
  } catch (error) {
    if (error instanceof UnsafeUrlError) return { kind: 'refused', error: `URL refused: ${error.message}` };
    throw error;
  }
  const { url } = checked;
  const secure = url.protocol === 'https:';
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const done = (result: SendResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const request = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        lookup: pinnedLookup(checked) as never,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Clutch-Webhooks/1',
          ...headers,
        },
        timeout: settings.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size >= settings.maxResponseBytes) return;
          chunks.push(chunk.subarray(0, settings.maxResponseBytes - size));
          size += chunk.length;
          if (size >= settings.maxResponseBytes) response.destroy();
        });
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) done({ kind: 'delivered', statusCode: status, body: text });
          else done({ kind: 'failed', statusCode: status, error: `HTTP ${status}`, body: text });
        };
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
      },
    );
    const deadline = setTimeout(() => {
      request.destroy(new Error(`timed out after ${settings.timeoutMs} ms`));
    }, settings.timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`timed out after ${settings.timeoutMs} ms`)));
    request.on('error', (error) => done({ kind: 'failed', statusCode: null, error: error.message, body: null }));
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}
