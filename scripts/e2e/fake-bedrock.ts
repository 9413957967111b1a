/**
 * A local stand-in for Amazon Bedrock Runtime's ConverseStream, enough for botocore: it answers
 * `POST /model/<id>/converse-stream` with the AWS event-stream binary framing (each frame: a
 * prelude of total and header lengths with its CRC32, string headers `:event-type`,
 * `:content-type` and `:message-type`, a JSON payload, and the CRC32 of the whole frame).
 *
 * The answer names the question and how many questions the request carried, so a test can tell
 * that a later turn was sent with the earlier ones (the conversation continued).
 */
import * as http from 'http';
import { AddressInfo } from 'net';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One event-stream frame with string headers (type 7) and the given payload. */
export function eventFrame(headers: Record<string, string>, payload: Buffer): Buffer {
  const headerBytes = Buffer.concat(Object.entries(headers).map(([name, value]) => {
    const nameBytes = Buffer.from(name, 'utf-8');
    const valueBytes = Buffer.from(value, 'utf-8');
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(7, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    return Buffer.concat([head, valueBytes]);
  }));
  const total = 12 + headerBytes.length + payload.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude), 0);
  const body = Buffer.concat([prelude, preludeCrc, headerBytes, payload]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([body, messageCrc]);
}

/** A ConverseStream event, framed as Bedrock sends it. */
export function converseEvent(eventType: string, payload: object): Buffer {
  return eventFrame(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(payload), 'utf-8'),
  );
}

interface ConverseRequest {
  readonly messages?: { role: string; content: { text?: string }[] }[];
}

/** The fake's answer to a request: deterministic, and says which question of the conversation it is. */
export function fakeAnswer(request: ConverseRequest): string {
  const questions = (request.messages ?? []).filter((m) => m.role === 'user');
  const last = questions[questions.length - 1]?.content.map((c) => c.text ?? '').join('') ?? '';
  return `Fake answer to "${last}" (question ${questions.length} of this conversation).`;
}

export interface FakeBedrock {
  readonly url: string;
  /** The ConverseStream requests received, in order (model id and body). */
  readonly requests: { modelId: string; body: ConverseRequest }[];
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 (a free port unless one is given). */
export async function startFakeBedrock(port = 0): Promise<FakeBedrock> {
  const requests: { modelId: string; body: ConverseRequest }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/model\/([^/]+)\/converse-stream$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
        res.end(JSON.stringify({ message: `not faked: ${req.method} ${req.url}` }));
        return;
      }
      let body: ConverseRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf-8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' });
        res.end(JSON.stringify({ message: 'body is not JSON' }));
        return;
      }
      requests.push({ modelId: decodeURIComponent(match[1]), body });
      const words = fakeAnswer(body).split(/(?<= )/);
      res.writeHead(200, {
        'content-type': 'application/vnd.amazon.eventstream',
        'x-amzn-requestid': `fake-${requests.length}`,
      });
      res.write(converseEvent('messageStart', { role: 'assistant' }));
      // A few deltas, a little apart, so the page really streams.
      let i = 0;
      const step = () => {
        if (i < words.length) {
          const text = words.slice(i, i + 3).join('');
          i += 3;
          res.write(converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }));
          setTimeout(step, 20);
          return;
        }
        res.write(converseEvent('contentBlockStop', { contentBlockIndex: 0 }));
        res.write(converseEvent('messageStop', { stopReason: 'end_turn' }));
        res.end(converseEvent('metadata', {
          usage: { inputTokens: 10, outputTokens: words.length, totalTokens: 10 + words.length },
          metrics: { latencyMs: 20 * words.length },
        }));
      };
      step();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
