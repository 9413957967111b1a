// The rotation function of the origin-verify secret, run against an in-memory model of Secrets
// Manager, the load balancer rules and CloudFront (the AWS SDK is replaced by these fakes).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rotate } = require('../../src/origin-verify/rotation-handler/index.js');

const SECRET = 'secure-container-chatbot/chat.example.com/origin-verify';
const HEADER = 'X-Origin-Verify';
const RULES = ['arn:rule/logout', 'arn:rule/app'];
const LOGOUT_PATH = { Field: 'path-pattern', PathPatternConfig: { Values: ['/signout/cognito'] } };
const PARAMETER = '/secure-container-chatbot/chat.example.com/distribution-id';
const ENV = {
  HEADER_NAME: HEADER,
  DOMAIN_NAME: 'chat.example.com',
  RULES: JSON.stringify([{ RuleArn: RULES[0], OtherConditions: [LOGOUT_PATH] }, { RuleArn: RULES[1], OtherConditions: [] }]),
  DISTRIBUTION_ID_PARAMETER: PARAMETER,
  DISTRIBUTION_ID_PARAMETER_REGION: 'us-east-1',
};

class NotFound extends Error {
  public readonly name = 'ResourceNotFoundException';
}

class ParameterNotFound extends Error {
  public readonly name = 'ParameterNotFound';
}

class Throttling extends Error {
  public readonly name = 'ThrottlingException';
}

/**
 * Secrets Manager, two listener rules, two distributions and the SSM parameter with the ID of the
 * chatbot's distribution, with a log of every call. The fakes offer only the calls the function's
 * role allows: no DescribeRules, no ListDistributions.
 */
class World {
  public versions: { [id: string]: { value: string; stages: string[] } } = { v1: { value: 'first', stages: ['AWSCURRENT'] } };
  public rules: { [arn: string]: any[] } = {
    'arn:rule/logout': [
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: ['first'] } },
      LOGOUT_PATH,
    ],
    'arn:rule/app': [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: ['first'] } }],
  };
  public distributions: { [id: string]: { aliases: string[]; header: string; etag: number } } = {
    OTHER: { aliases: ['other.example.com'], header: 'unrelated', etag: 1 },
    MINE: { aliases: ['chat.example.com'], header: 'first', etag: 1 },
  };
  /** The value of the SSM parameter, once the distribution's stack wrote it. */
  public parameter?: string = 'MINE';
  /** How many GetDistribution answers say InProgress after each UpdateDistribution. */
  public pollsUntilDeployed = 2;
  private inProgressPolls = 0;
  /** How many GetDistribution calls are throttled first. */
  public throttledPolls = 0;
  /** The function's remaining time, in ms of a virtual clock that the fake sleep advances. */
  public remainingMs = 600_000;
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
        modifyRule: async (input: any) => {
          call('modifyRule');
          expect(Object.keys(this.rules)).toContain(input.RuleArn);
          for (const c of input.Conditions) {
            // The API refuses a condition with both the legacy Values and a typed config.
            expect(c.Values !== undefined && Object.keys(c).some((k) => k.endsWith('Config'))).toBe(false);
          }
          const header = input.Conditions.find((c: any) => c.Field === 'http-header').HttpHeaderConfig.Values;
          expect(new Set(header).size).toBe(header.length);
          // ModifyRule replaces the whole list of conditions, and answers with the rule as it is now.
          this.rules[input.RuleArn] = JSON.parse(JSON.stringify(input.Conditions));
          check(`modifyRule ${input.RuleArn}`);
          return { Rules: [{ RuleArn: input.RuleArn, Conditions: JSON.parse(JSON.stringify(input.Conditions)) }] };
        },
      },
      ssm: {
        getParameter: async (input: any) => {
          call('getParameter');
          expect(input.Name).toBe(PARAMETER);
          if (this.parameter === undefined) {
            throw new ParameterNotFound('no such parameter');
          }
          return { Parameter: { Name: input.Name, Value: this.parameter } };
        },
      },
      cloudFront: {
        getDistribution: async (input: any) => {
          call('getDistribution');
          expect(input.Id).toBe('MINE');
          if (this.throttledPolls > 0) {
            this.throttledPolls--;
            throw new Throttling('Rate exceeded');
          }
          const status = this.inProgressPolls > 0 ? 'InProgress' : 'Deployed';
          this.inProgressPolls = Math.max(0, this.inProgressPolls - 1);
          return { Distribution: { Id: input.Id, Status: status } };
        },
        getDistributionConfig: async (input: any) => {
          call('getDistributionConfig');
          const d = this.distributions[input.Id];
          return {
            ETag: `E${d.etag}`,
            DistributionConfig: {
              Aliases: { Quantity: d.aliases.length, Items: d.aliases },
              Origins: { Quantity: 1, Items: [{ Id: 'origin', CustomHeaders: d.header === undefined ? { Quantity: 0, Items: [] } : { Quantity: 1, Items: [{ HeaderName: HEADER, HeaderValue: d.header }] } }] },
            },
          };
        },
        updateDistribution: async (input: any) => {
          call('updateDistribution');
          const d = this.distributions[input.Id];
          expect(input.IfMatch).toBe(`E${d.etag}`);
          d.header = input.DistributionConfig.Origins.Items[0].CustomHeaders.Items[0].HeaderValue;
          d.etag++;
          this.inProgressPolls = this.pollsUntilDeployed;
          check(`updateDistribution ${input.Id}`);
        },
      },
      timing: {
        remainingMs: () => this.remainingMs,
        pollMs: 15_000,
        marginMs: 60_000,
        sleep: async (ms: number) => {
          call('sleep');
          this.remainingMs -= ms;
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
    expect(world.rules['arn:rule/logout'][0]).toEqual({ Field: 'path-pattern', PathPatternConfig: { Values: ['/signout/cognito'] } });
    // Only the calls the role allows.
    expect([...new Set(world.calls)].filter((c) => c !== 'sleep').sort()).toEqual(['describeSecret', 'getDistribution', 'getDistributionConfig',
      'getParameter', 'getSecretValue', 'modifyRule', 'putSecretValue', 'updateDistribution', 'updateSecretVersionStage']);
    expect(world.refusals).toEqual([]);
    // Both rules changed before CloudFront did (testSecret writes them once more afterwards).
    expect(world.calls.slice(0, world.calls.indexOf('updateDistribution')).filter((c) => c === 'modifyRule').length).toBe(RULES.length);
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
    // Secrets Manager does not go on after a failed step: the current value stays current and is
    // still accepted. (testSecret on its own only checks, whatever CloudFront sends.)
    const calls = world.calls.length;
    await run('testSecret');
    expect(world.calls.slice(calls)).not.toContain('modifyRule');
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

  test('before the edge stack wrote the distribution ID, the rotation stops without changing anything, and succeeds once it did', async () => {
    const world = new World();
    world.parameter = undefined;
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, world.clients(), ENV);
    await run('createSecret');
    const before = JSON.stringify(world.rules);
    await expect(run('setSecret')).rejects.toThrow(
      'No CloudFront distribution ID in /secure-container-chatbot/chat.example.com/distribution-id for chat.example.com; deploy the edge stack before rotating');
    expect(world.calls).not.toContain('modifyRule');
    expect(JSON.stringify(world.rules)).toBe(before);
    expect(world.versions.v1.stages).toEqual(['AWSCURRENT']);

    // Secrets Manager retries the rotation later; by then the edge stack is deployed.
    world.parameter = 'MINE';
    for (const step of ['setSecret', 'testSecret', 'finishSecret']) {
      await run(step);
    }
    expect(world.distributions.MINE.header).toBe(world.versions.v2.value);
    expect(world.versions.v2.stages).toEqual(['AWSCURRENT']);
    expect(world.refusals).toEqual([]);
  });

  test('testSecret alone, as Secrets Manager runs it to test a new schedule, passes without changing anything, also before the edge stack exists', async () => {
    const world = new World();
    world.versions.v2 = { value: 'test-version', stages: ['AWSPENDING'] };
    const before = JSON.stringify({ rules: world.rules, distributions: world.distributions });
    await rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: 'testSecret' }, world.clients(), ENV);
    world.parameter = undefined;
    await rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: 'testSecret' }, world.clients(), ENV);
    expect(JSON.stringify({ rules: world.rules, distributions: world.distributions })).toBe(before);
    expect(world.calls).not.toContain('modifyRule');
    expect(world.calls).not.toContain('updateDistribution');
    expect(world.calls).toContain('getDistributionConfig');
  });

  test('testSecret alone fails when the distribution sends no origin-verify header: the setup is wrong', async () => {
    const world = new World();
    world.versions.v2 = { value: 'test-version', stages: ['AWSPENDING'] };
    world.distributions.MINE.header = undefined as any;
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: 'testSecret' }, world.clients(), ENV))
      .rejects.toThrow('Distribution MINE sends no X-Origin-Verify header');
  });

  test('other errors of SSM are not taken for a missing parameter', async () => {
    const world = new World();
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const clients = world.clients();
    clients.ssm.getParameter = async () => {
      throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    };
    await rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: 'createSecret' }, clients, ENV);
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: 'setSecret' }, clients, ENV)).rejects.toThrow('not allowed');
  });

  test('a parameter that names a distribution without the domain as alias changes nothing', async () => {
    const world = new World();
    world.parameter = 'OTHER';
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, world.clients(), ENV);
    await run('createSecret');
    await expect(run('setSecret')).rejects.toThrow('Distribution OTHER (from /secure-container-chatbot/chat.example.com/distribution-id) does not have the alias chat.example.com');
    expect(world.calls).not.toContain('modifyRule');
    expect(world.calls).not.toContain('updateDistribution');
    expect(world.distributions.OTHER.header).toBe('unrelated');
  });

  test('each rule gets its whole condition list: its other conditions from the environment, then the header with pending and current', async () => {
    const world = new World();
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, world.clients(), ENV);
    await run('createSecret');
    await run('setSecret');
    const pending = world.versions.v2.value;
    const header = { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: [pending, 'first'] } };
    expect(world.rules).toEqual({ 'arn:rule/logout': [LOGOUT_PATH, header], 'arn:rule/app': [header] });
  });

  test('testSecret puts back a rule that a stack update reset to the current value only, and fails when the load balancer does not take the pending value', async () => {
    const world = new World();
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const clients = world.clients();
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, clients, ENV);
    await run('createSecret');
    await run('setSecret');
    const pending = world.versions.v2.value;
    // CloudFormation resolves the dynamic reference to the current value when it updates the rule.
    world.rules['arn:rule/app'] = [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: ['first'] } }];
    await run('testSecret');
    expect(values(world, 'arn:rule/app')).toEqual([pending, 'first']);

    // A load balancer answering with conditions that do not accept the pending value fails the test step.
    const modifyRule = clients.elb.modifyRule;
    clients.elb.modifyRule = async (input: any) => {
      await modifyRule(input);
      return { Rules: [{ RuleArn: input.RuleArn, Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: HEADER, Values: ['first'] } }] }] };
    };
    await expect(run('testSecret')).rejects.toThrow('Rule arn:rule/logout does not accept the pending value');
    await expect(run('setSecret')).rejects.toThrow('does not accept the pending value');
    expect(world.versions.v1.stages).toEqual(['AWSCURRENT']);
  });

  test('testSecret alone passes and changes nothing when the pending version has no value yet, or holds the current value', async () => {
    for (const value of [undefined, 'first']) {
      const world = new World();
      world.versions.v2 = { value: value as any, stages: ['AWSPENDING'] };
      const before = JSON.stringify({ rules: world.rules, distributions: world.distributions });
      await rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: 'testSecret' }, world.clients(), ENV);
      expect(JSON.stringify({ rules: world.rules, distributions: world.distributions })).toBe(before);
      expect(world.calls).not.toContain('modifyRule');
      expect(world.calls).not.toContain('getParameter');
    }
  });

  test('the new value becomes current only after CloudFront reports the distribution Deployed, throttled polls waited out', async () => {
    const world = new World();
    world.pollsUntilDeployed = 3;
    world.throttledPolls = 1;
    await rotation(world, 'v2');
    const polls = world.calls.filter((c) => c === 'getDistribution').length;
    expect(polls).toBe(5); // one throttled, three InProgress, one Deployed
    // Every poll came after the switch, and the version moved only after the last one.
    expect(world.calls.indexOf('getDistribution')).toBeGreaterThan(world.calls.indexOf('updateDistribution'));
    expect(world.calls.lastIndexOf('getDistribution')).toBeLessThan(world.calls.indexOf('updateSecretVersionStage'));
    expect(world.versions.v2.stages).toEqual(['AWSCURRENT']);
    expect(world.refusals).toEqual([]);
  });

  test('a deployment still in progress near the timeout fails testSecret with the current value kept, and a later run completes', async () => {
    const world = new World();
    world.pollsUntilDeployed = 1_000;
    world.remainingMs = 120_000;
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, world.clients(), ENV);
    await run('createSecret');
    await run('setSecret');
    await expect(run('testSecret')).rejects.toThrow('Distribution MINE is still InProgress; the new value stays pending until CloudFront has deployed it to every edge');
    // It stopped with at least the margin left, so the error is logged rather than cut off.
    expect(world.remainingMs).toBeGreaterThanOrEqual(60_000);
    expect(world.versions.v1.stages).toEqual(['AWSCURRENT']);
    expect(world.refusals).toEqual([]);

    // Secrets Manager runs the rotation again with the same token: nothing is done twice.
    world.pollsUntilDeployed = 0;
    (world as any).inProgressPolls = 0;
    world.remainingMs = 600_000;
    const updates = world.calls.filter((c) => c === 'updateDistribution').length;
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await run(step);
    }
    expect(world.calls.filter((c) => c === 'updateDistribution').length).toBe(updates);
    expect(world.versions.v2.stages).toEqual(['AWSCURRENT']);
  });

  test('other CloudFront errors while waiting are not taken for throttling', async () => {
    const world = new World();
    world.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
    const clients = world.clients();
    clients.cloudFront.getDistribution = async () => {
      throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
    };
    const run = (step: string) => rotate({ SecretId: SECRET, ClientRequestToken: 'v2', Step: step }, clients, ENV);
    await run('createSecret');
    await run('setSecret');
    await expect(run('testSecret')).rejects.toThrow('denied');
  });

  test('refuses a version that is not pending, and does nothing for one already current', async () => {
    const world = new World();
    world.versions.v0 = { value: 'old', stages: [] };
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'v0', Step: 'createSecret' }, world.clients(), ENV)).rejects.toThrow(/not pending/);
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'nope', Step: 'createSecret' }, world.clients(), ENV)).rejects.toThrow(/has no stage/);
    world.calls = [];
    await rotate({ SecretId: SECRET, ClientRequestToken: 'v1', Step: 'setSecret' }, world.clients(), ENV);
    expect(world.calls).toEqual(['describeSecret']);
    for (const env of [{ ...ENV, RULES: '[]' }, { ...ENV, RULES: JSON.stringify(RULES) }, { ...ENV, DISTRIBUTION_ID_PARAMETER: '' }]) {
      await expect(rotate({ SecretId: SECRET, ClientRequestToken: 'v1', Step: 'createSecret' }, world.clients(), env))
        .rejects.toThrow('HEADER_NAME, DOMAIN_NAME, DISTRIBUTION_ID_PARAMETER and RULES must be set');
    }
  });
});
