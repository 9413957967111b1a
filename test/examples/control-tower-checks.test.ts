import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ControlTowerChecks } from '../../examples/control-tower-checks';
import { createServiceLogBucket } from '../../src/shared/log-bucket';

describe('the library\'s Control Tower exceptions hold for their own resource only', () => {
  test('a bucket without the exceptions still fails the controls its neighbour is excused from', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Buckets', { env: { region: 'eu-west-1' } });
    createServiceLogBucket(stack, 'Excused', s3.ObjectOwnership.BUCKET_OWNER_ENFORCED);
    new s3.Bucket(stack, 'Plain', { enforceSSL: true, versioned: true });
    Validations.of(app).addPlugins(new ControlTowerChecks(app));
    expect(() => app.synth()).toThrow();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
    const failing = report.pluginReports.flatMap((p: any) => p.violations)
      .flatMap((v: any) => v.violatingConstructs.map((c: any) => `${v.ruleName} ${c.constructPath}`));
    // Object Lock is excused on the log bucket, so only the plain bucket may fail it.
    expect(failing).toContain('s3_bucket_object_lock_enabled_check Buckets/Plain/Resource');
    expect(failing.filter((f: string) => f.includes('Excused'))).toEqual([]);
  });
});
