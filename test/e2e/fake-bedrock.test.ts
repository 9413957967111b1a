import { converseEvent, crc32, fakeAnswer } from '../../scripts/e2e/fake-bedrock';

test('crc32 is the IEEE CRC-32 that the AWS event-stream framing uses', () => {
  expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  expect(crc32(Buffer.alloc(0))).toBe(0);
});

test('an event frame has the prelude, its CRC, the string headers, the payload and the message CRC', () => {
  const frame = converseEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } });
  const total = frame.readUInt32BE(0);
  const headersLength = frame.readUInt32BE(4);
  expect(total).toBe(frame.length);
  expect(frame.readUInt32BE(8)).toBe(crc32(frame.subarray(0, 8)));
  expect(frame.readUInt32BE(total - 4)).toBe(crc32(frame.subarray(0, total - 4)));

  const headers: Record<string, string> = {};
  let at = 12;
  while (at < 12 + headersLength) {
    const nameLength = frame.readUInt8(at);
    const name = frame.subarray(at + 1, at + 1 + nameLength).toString();
    expect(frame.readUInt8(at + 1 + nameLength)).toBe(7); // string
    const valueLength = frame.readUInt16BE(at + 2 + nameLength);
    headers[name] = frame.subarray(at + 4 + nameLength, at + 4 + nameLength + valueLength).toString();
    at += 4 + nameLength + valueLength;
  }
  expect(headers).toEqual({ ':event-type': 'contentBlockDelta', ':content-type': 'application/json', ':message-type': 'event' });
  expect(JSON.parse(frame.subarray(12 + headersLength, total - 4).toString())).toEqual({ contentBlockIndex: 0, delta: { text: 'Hi' } });
});

test('the fake answer names the last question and how many questions the request carried', () => {
  const messages = [
    { role: 'user', content: [{ text: 'one' }] },
    { role: 'assistant', content: [{ text: 'a' }] },
    { role: 'user', content: [{ text: 'two' }] },
  ];
  expect(fakeAnswer({ messages })).toBe('Fake answer to "two" (question 2 of this conversation).');
});
