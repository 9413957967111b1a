import { awscdk, github, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

// The AWS CDK CLI must stay on 2.x: the 3.0.0 CLI cannot read the assemblies that aws-cdk-lib 2.x writes.
const CDK_CLI_VERSION = '2.1148.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'secure-container-chatbot',
  description:
    'One AWS CDK construct for a containerized chat web app behind CloudFront, WAF, Cognito login and a CloudFront-only ALB, on Fargate in private subnets with VPC endpoints.',
  author: 'secure-container-chatbot developers',
  authorAddress: 'maintainers@secure-container-chatbot.dev',
  repositoryUrl: 'https://github.com/secure-container-chatbot/secure-container-chatbot.git',
  homepage: 'https://github.com/secure-container-chatbot/secure-container-chatbot',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'cloudfront', 'waf', 'cognito', 'fargate', 'streamlit', 'bedrock', 'chatbot'],
  stability: 'experimental',

  // cdk-nag 3 runs as a policy-validation plugin and needs aws-cdk-lib 2.257 or newer; the Python
  // package requires the same minimum from PyPI, so this must be a release published there too.
  cdkVersion: '2.270.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // Releases: projen's workflow on main bumps the version from conventional commits, writes the
  // changelog, tags, then publishes with OIDC trusted publishing (no long-lived tokens).
  release: true,
  npmTrustedPublishing: true,
  npmProvenance: true,
  publishToPypi: {
    distName: 'secure-container-chatbot',
    module: 'secure_container_chatbot',
    trustedPublishing: true,
  },
  // Breaking changes to the public API fail the build unless the commit says so (see scripts/api-compat.sh).
  compat: false,

  devDeps: [
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    `aws-cdk@${CDK_CLI_VERSION}`,
    // npm run e2e drives Debian's chromium with it (Playwright's own browser download is not used).
    'playwright-core@^1.65.2',
    // Integration tests (test/integ): the newest published releases; see test/integ/README.md for why
    // these and not the versions matching cdkVersion.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@2.197.10',
  ],

  jestOptions: {
    passWithNoTests: false,
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // Coverage of src/ only; examples and scripts are exercised through their own tests.
      coveragePathIgnorePatterns: ['/node_modules/', '/examples/', '/scripts/'],
      // Besides projen's TypeScript patterns: plain JavaScript tests (bad input without a compiler).
      testMatch: ['<rootDir>/test/**/*.test.js'],
    },
  },

  gitignore: [
    'cdk.out/',
    '.venv/',
    '__pycache__/',
    '.pytest_cache/',
    '/.tmp/',
    '/.venv-tools/',
    // npm run e2e: screenshots and logs of the last run.
    '/e2e-artifacts/',
  ],
});

// unrs-resolver 1.13.0 (pulled in by the ESLint import resolver) lists native bindings that are
// not all published, so its lock entries break `npm ci`; 1.12.2 has every binding.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The consumer apps import the published package name; they are type-checked in their own fresh app.
project.eslint?.addIgnorePattern('test/typescript/');

// Examples and scripts are TypeScript run by ts-node; type-check them with the tests.
project.addTask('typecheck', {
  description: 'Type-check tests, examples and scripts (ts-jest only transpiles)',
  exec: 'tsc --noEmit -p tsconfig.examples.json',
});
project.testTask.prependSpawn(project.tasks.tryFind('typecheck')!);

project.addTask('synth:examples', {
  description: 'Synthesize every app under examples/ with the AWS CDK CLI and print a summary per example',
  exec: 'ts-node --project tsconfig.examples.json scripts/synth-examples.ts',
  receiveArgs: true,
});

project.addTask('cost', {
  description: 'Idle monthly cost of each synthesized example, from the committed price table (run synth:examples first)',
  exec: 'ts-node --project tsconfig.examples.json scripts/cost/cost.ts',
  receiveArgs: true,
});

project.addTask('e2e', {
  description: 'The reference image as examples/basic runs it, in Docker behind a local nginx, with moto and a fake Bedrock, driven by chromium (needs root, docker.io, debootstrap, nginx, chromium)',
  // Transpile only: the typecheck task (part of npm test) type-checks scripts/, and compiling
  // here would add half a minute on a busy 2-core machine.
  exec: 'ts-node --transpile-only --project tsconfig.examples.json scripts/e2e/e2e.ts',
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Synth time of examples/basic against the same architecture hand-written with stock aws-cdk-lib (not a test)',
  exec: 'ts-node --project tsconfig.examples.json bench/bench.ts',
  receiveArgs: true,
});

// Integration tests, the CDK way (test/integ, see its README): one integ-tests-alpha app per
// example, with assertions that hold only on a working deployment, and committed snapshots.
// Not projen's experimentalIntegRunner: it pins both packages to @latest and runs the apps without
// the schema relabel that the pinned runner needs (test/integ/run-app.ts says why).
const INTEG_RUNNER = 'integ-runner --directory test/integ --language typescript '
  + '--app "ts-node --project tsconfig.examples.json --transpile-only test/integ/run-app.ts {filePath}"';
// The tester's zone and image never reach a snapshot: the snapshots hold the placeholders.
const PLACEHOLDERS = { INTEG_HOSTED_ZONE_ID: '', INTEG_ZONE_NAME: '', INTEG_IMAGE: '' };
const integ = project.addTask('integ', {
  description: 'Compare every integ app under test/integ with its committed snapshot, offline: no credentials, no AWS call',
  exec: INTEG_RUNNER,
  // The policy checks change no template; the snapshot and update tasks run them (test/integ/support.ts).
  env: { ...PLACEHOLDERS, INTEG_SKIP_POLICY_CHECKS: '1' },
  receiveArgs: true,
});
project.addTask('integ:snapshot', {
  description: 'Rewrite the committed snapshots of the integ apps, offline (deploys nothing)',
  exec: `${INTEG_RUNNER} --dry-run --update-on-failed --force`,
  env: PLACEHOLDERS,
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'With an AWS account: deploy each deployable example, run its assertions, destroy it, then refresh the snapshots (env: AWS_PROFILE, INTEG_HOSTED_ZONE_ID, INTEG_ZONE_NAME, INTEG_IMAGE)',
  exec: 'bash scripts/integ-update.sh',
  receiveArgs: true,
});
project.testTask.spawn(integ);
project.gitignore.exclude('/test/integ/cdk-integ.out.*', '/test/integ/*.snapshot/asset.*');

// Lambda handlers are plain JavaScript beside their construct; jsii compiles only TypeScript.
project.compileTask.exec('mkdir -p lib/origin-verify && cp -r src/origin-verify/rotation-handler lib/origin-verify/');
project.compileTask.exec('mkdir -p lib/shared && cp -r src/shared/deploy-time-handlers lib/shared/');

// Only the compiled library goes into the npm package.
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/tsconfig.examples.json');
project.addPackageIgnore('/.ci/');
// Local tool environments and caches that CI creates before packaging.
project.addPackageIgnore('/.venv-tools/');
project.addPackageIgnore('/.tmp/');
project.addPackageIgnore('/e2e-artifacts/');
project.addPackageIgnore('/.cfnlintrc');
project.addPackageIgnore('/.compatignore');

project.addTask('compat:released', {
  description: 'jsii-diff against the last version published on npm; skipped (with a notice) before the first release',
  exec: 'bash scripts/api-compat.sh',
});

project.addTask('release:dry-run', {
  description: 'Bump the version in a scratch copy, build the npm and Python packages and validate them, publishing nothing',
  exec: 'bash scripts/release-dry-run.sh',
});

// Pull requests run exactly what CI runs on a submission: .ci/run, from a clean checkout.
const ci = new github.GithubWorkflow(project.github!, 'ci');
ci.on({ pullRequest: {}, workflowDispatch: {} });
ci.addJob('ci', {
  runsOn: ['ubuntu-latest'],
  permissions: { contents: github.workflows.JobPermission.READ },
  steps: [
    { uses: 'actions/checkout@v5' },
    { uses: 'actions/setup-node@v5', with: { 'node-version': '20' } },
    { uses: 'actions/setup-python@v6', with: { 'python-version': '3.11' } },
    { name: 'CI', run: 'bash .ci/run', env: { CI: 'true' } },
    // npm run e2e's screenshots and logs, also (and above all) when it failed.
    {
      name: 'Keep the e2e screenshots and logs',
      if: 'always()',
      uses: 'actions/upload-artifact@v4',
      with: { 'name': 'e2e-artifacts', 'path': 'e2e-artifacts/', 'if-no-files-found': 'ignore' },
    },
  ],
});

project.synth();
