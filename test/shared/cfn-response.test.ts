import { EventEmitter } from 'events';
// The module object the handler requires, whose request can be replaced.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const https = require('https');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { respond } = require('../../src/shared/deploy-time-handlers/cfn-response.js');

describe('the answer of the deploy-time handlers to CloudFormation', () => {
  afterEach(() => jest.restoreAllMocks());

  test('a PUT of the result to the pre-signed URL, with an empty content type and the reason cut to 1000 characters', async () => {
    const sent: { options?: any; body?: string } = {};
    jest.spyOn(https, 'request').mockImplementation(((options: any, onResponse: (response: EventEmitter & { resume(): void }) => void) => {
      sent.options = options;
      const request = new EventEmitter() as EventEmitter & { end(body: string): void };
      request.end = (body: string) => {
        sent.body = body;
        const response = Object.assign(new EventEmitter(), { resume: () => undefined });
        onResponse(response);
        response.emit('end');
      };
      return request;
    }) as any);
    const event = { ResponseURL: 'https://cloudformation-custom-resource-response.example/path?X-Amz-Signature=abc', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Check' };
    await respond(event, 'FAILED', 'id-1', 'x'.repeat(1200), { ImageDigest: 'sha256:1' });
    expect(sent.options).toEqual(expect.objectContaining({
      hostname: 'cloudformation-custom-resource-response.example',
      path: '/path?X-Amz-Signature=abc',
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(sent.body!) },
    }));
    const body = JSON.parse(sent.body!);
    expect(body).toEqual({
      Status: 'FAILED',
      Reason: 'x'.repeat(1000),
      PhysicalResourceId: 'id-1',
      StackId: 'stack',
      RequestId: 'req',
      LogicalResourceId: 'Check',
      Data: { ImageDigest: 'sha256:1' },
    });
  });

  test('without data, the answer has no Data member', async () => {
    let body = '';
    jest.spyOn(https, 'request').mockImplementation(((_options: any, onResponse: (response: any) => void) => {
      const request = new EventEmitter() as any;
      request.end = (sentBody: string) => {
        body = sentBody;
        const response = Object.assign(new EventEmitter(), { resume: () => undefined });
        onResponse(response);
        response.emit('end');
      };
      return request;
    }) as any);
    await respond({ ResponseURL: 'https://example.com/r', StackId: 's', RequestId: 'r', LogicalResourceId: 'l' }, 'SUCCESS', 'id', 'OK');
    expect(Object.keys(JSON.parse(body))).not.toContain('Data');
  });
});
