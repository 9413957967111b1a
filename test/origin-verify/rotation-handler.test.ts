// The rotation function of the origin-verify secret, run against an in-memory model of Secrets
// Manager, the load balancer rules and CloudFront (the AWS SDK is replaced by these fakes).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rotate } = require('../../src/origin-verify/rotation-handler/index.js');

const SECRET = 'secure-container-chatbot/chat.example.com/origin-verify';
const HEADER = 'X-Origin-Verify';
const RULES = ['arn:rule/logout', 'arn:rule/app'];
const ENV = { HEADER_NAME: HEADER, DOMAIN_NAME: 'chat.example.com', RULE_ARNS: JSON.stringify(RULES) };

class NotFound extends Error {
  public readonly name = 'ResourceNotFoundException';
}

/** Secrets Manager, two listener rules and two distributions, with a log of every change. */
class World {
  public versions: { [id: string]: { value: string; stages: string[] } } = { v1: { value: 'first', stages: ['AWSCURRENT'] } };
  public rules: { [arn: string]: any[] } = {
    'arn:rule/logout': [
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: ['first'] } },
      { Field: 'path-pattern', Values: ['/signout/cognito'], PathPatternConfig: { Values: ['/signout/cognito'] } },
    ],
    'arn:rule/app': [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: ['first'] } }],
  };
  public distributions: { [id: string]: { aliases: string[]; header: string; etag: number } } = {
    OTHER: { aliases: ['other.example.com'], header: 'unrelated', etag: 1 },
    MINE: { aliases: ['chat.example.com'], header: 'first', etag: 1 },
  };
  /** After each change: does the load balancer accept what CloudFront sends? */
  public refusals: string[] = [];
  public calls: string[] = [];
  public failOn?: string;

  public clients() {
    const call = (name: string) => {
      this.calls.push(name);
      if (this.failOn === name) {
        throw new Error(`injected failure in ${name}`);
      }
    };
    const check = (after: string) => {
      if (!this.distributions.MINE) {
        return;
      }
      const sent = this.distributions.MINE.header;
      for (const [arn, conditions] of Object.entries(this.rules)) {
        const accepted = conditions.find((c) => c.Field === 'http-header').HttpHeaderConfig.Values;
        if (!accepted.includes(sent)) {
          this.refusals.push(`${after}: ${arn} refuses ${sent}`);
        }
      }
    };
    return {
      sm: {
        describeSecret: async (input: any) => {
          call('describeSecret');
          expect(input.SecretId).toBe(SECRET);
          const stages: { [id: string]: string[] } = {};
          for (const [id, v] of Object.entries(this.versions)) {
            stages[id] = [...v.stages];
          }
          return { RotationEnabled: true, VersionIdsToStages: stages };
        },
        getSecretValue: async (input: any) => {
          call('getSecretValue');
          const entry = Object.entries(this.versions).find(([id, v]) =>
            (input.VersionId === undefined || id === input.VersionId) && (input.VersionStage === undefined || v.stages.includes(input.VersionStage)));
          // A pending version has no value until createSecret puts one, as in Secrets Manager.
          if (!entry || entry[1].value === undefined) {
            throw new NotFound('no such version');
          }
          return { VersionId: entry[0], SecretString: JSON.stringify({ value: entry[1].value }) };
        },
        putSecretValue: async (input: any) => {
          call('putSecretValue');
          this.versions[input.ClientRequestToken].value = JSON.parse(input.SecretString).value;
          this.versions[input.ClientRequestToken].stages = input.VersionStages;
        },
        updateSecretVersionStage: async (input: any) => {
          call('updateSecretVersionStage');
          expect(input.VersionStage).toBe('AWSCURRENT');
          const from = this.versions[input.RemoveFromVersionId];
          from.stages = from.stages.filter((s) => s !== 'AWSCURRENT').concat('AWSPREVIOUS');
          for (const v of Object.values(this.versions)) {
            v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS' || v === from);
          }
          this.versions[input.MoveToVersionId].stages = ['AWSCURRENT'];
        },
      },
      elb: {
        describeRules: async (input: any) => {
          call('describeRules');
          return { Rules: input.RuleArns.map((arn: string) => ({ RuleArn: arn, Conditions: JSON.parse(JSON.stringify(this.rules[arn])) })) };
        },
        modifyRule: async (input: any) => {
          call('modifyRule');
          for (const c of input.Conditions) {
            // The API refuses a condition with both the legacy Values and a typed config.
            expect(c.Values !== undefined && Object.keys(c).some((k) => k.endsWith('Config'))).toBe(false);
          }
          this.rules[input.RuleArn] = input.Conditions;
          check(`modifyRule ${input.RuleArn}`);
        },
      },
      cloudFront: {
        listDistributions: async (input: any) => {
          call('listDistributions');
          // Two pages, to exercise the marker.
          const ids = Object.keys(this.distributions);
          const page = input.Marker === undefined ? [ids[0]] : ids.slice(1);
          return {
            DistributionList: {
              Items: page.map((id) => ({ Id: id, Aliases: { Quantity: 1, Items: this.distributions[id].aliases } })),
              IsTruncated: input.Marker === undefined,
              NextMarker: input.Marker === undefined ? 'page-2' : undefined,
            },
          };
        },
        getDistributionConfig: async (input: any) => {
          call('getDistributionConfig');
          const d = this.distributions[input.Id];
          return {
            ETag: `E${d.etag}`,
            DistributionConfig: {
              Aliases: { Quantity: d.aliases.length, Items: d.aliases },
              Origins: { Quantity: 1, Items: [{ Id: 'origin', CustomHeaders: { Quantity: 1, Items: [{ HeaderName: HEADER, HeaderValue: d.header }] } }] },
            },
          };
        },
        updateDistribution: async (input: any) => {
          call('updateDistribution');
          const d = this.distributions[input.Id];
          expect(input.IfMatch).toBe(`E${d.etag}`);
          d.header = input.DistributionConfig.Origins.Items[0].CustomHeaders.Items[0].HeaderValue;
          d.etag++;
          check(`updateDistribution ${input.Id}`);
        },
      },
    };
  }
}

/** What Secrets Manager does for one rotation: a new pending version, then the four steps. */
async function rotation(world: World, token: string) {
  world.versions[token] = { value: undefined as any, stages: ['AWSPENDING'] };
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    await rotate({ SecretId: SECRET, ClientRequestToken: token, Step: step }, world.clients(), ENV);
  }
}

const values = (world: World, arn: string) => world.rules[arn].find((c) => c.Field === 'http-header').HttpHeaderConfig.Values;

describe('origin-verify rotation', () => {
  test('a rotation switches CloudFront to a new value that the load balancer accepted first, and never refuses CloudFront', async () => {
    const world = new World();
    await rotation(world, 'v2');
    const next = world.versions.v2.value;
    expect(next).toMatch(/^[0-9a-f]{48}$/);
    expect(world.versions.v2.stages).toEqual(['AWSCURRENT']);
    expect(world.versions.v1.stages).toEqual(['AWSPREVIOUS']);
    expect(world.distributions.MINE.header).toBe(next);
    expect(world.distributions.OTHER.header).toBe('unrelated');
    for (const arn of RULES) {
      // The previous value stays accepted while CloudFront's edges pick up the new one.
      expect(values(world, arn)).toEqual([next, 'first']);
    }
    // The path condition of the logout rule is kept, in the form ModifyRule accepts.
    expect(world.rules['arn:rule/logout'][1]).toEqual({ Field: 'path-pattern', PathPatternConfig: { Values: ['/signout/cognito'] } });
    expect(world.refusals).toEqual([]);
    // The load balancer changed before CloudFront did.
    expect(world.calls.lastIndexOf('modifyRule')).toBeLessThan(world.calls.indexOf('updateDistribution'));
  });

  test('a second rotation drops the oldest value and keeps the one CloudFront used until then', async () => {
    const world = new World();
    await rotation(world, 'v2');
    const second = world.versions.v2.value;
    await rotation(world, 'v3');
    const third = world.versions.v3.value;
    expect(third).not.toBe(second);
    for (const arn of RULES) {
      expect(values(world, arn)).toEqual([third, second]);
    }
    expect(world.distributions.MINE.header).toBe(third);
    expect(world.refusals).toEqual([]);
  });

  test('a step that fails and is retried leaves CloudFront accepted and creates no second value', async () => {
    const world = new World();
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, world.clients(), ENV);
    await run('createSecret');
    const pending = world.versions.v2.value;
    await run('createSecret');
    expect(world.versions.v2.value).toBe(pending);

    world.failOn = 'updateDistribution';
    await expect(run('setSecret')).rejects.toThrow(/injected failure/);
    // Secrets Manager does not finish a rotation whose step failed: the current value stays current
    // and is still accepted.
    await expect(run('testSecret')).rejects.toThrow(/does not send the pending value/);
    expect(world.versions.v1.stages).toEqual(['AWSCURRENT']);
    expect(world.refusals).toEqual([]);

    world.failOn = undefined;
    await run('setSecret');
    await run('testSecret');
    await run('finishSecret');
    await run('finishSecret');
    expect(world.distributions.MINE.header).toBe(pending);
    expect(world.versions.v2.stages).toEqual(['AWSCURRENT']);
    expect(world.refusals).toEqual([]);
  });

  test('without a distribution for the domain the rotation stops before anything becomes current', async () => {
    const world = new World();
    delete (world.distributions as any).MINE;
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, world.clients(), ENV);
    await run('createSecret');
    await expect(run('setSecret')).rejects.toThrow(/No CloudFront distribution has the alias chat.example.com/);
    expect(world.versions.v1.stages).toEqual(['AWSCURRENT']);
  });

  test('refuses a version that is not pending, and does nothing for one already current', async () => {
    const world = new World();
    world.versions.v0 = { value: 'old', stages: [] };
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'v0', Step: 'createSecret' }, world.clients(), ENV)).rejects.toThrow(/not pending/);
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'nope', Step: 'createSecret' }, world.clients(), ENV)).rejects.toThrow(/has no stage/);
    world.calls = [];
    await rotate({ SecretId: SECRET, ClientRequestToken: 'v1', Step: 'setSecret' }, world.clients(), ENV);
    expect(world.calls).toEqual(['describeSecret']);
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'v1', Step: 'createSecret' }, world.clients(), { ...ENV, RULE_ARNS: '[]' }))
      .rejects.toThrow(/RULE_ARNS must be set/);
  });
});
