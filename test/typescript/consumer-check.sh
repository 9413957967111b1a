#!/usr/bin/env bash
# A real TypeScript consumer: installs the packed library (dist/js, from jsii-pacmak) into a fresh
# CDK app with aws-cdk-lib, constructs and the AWS CDK CLI from the npm registry, writes the
# README's minimal usage (this folder's app.ts: image + domain only, a stack in eu-west-1),
# type-checks it and runs `cdk synth`, then checks what the assembly holds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tarball=$(ls "$root"/dist/js/*.tgz | head -n 1)
cdk_lib=$(node -p "require('$root/package.json').devDependencies['aws-cdk-lib']")
cdk_cli=$(node -p "require('$root/package.json').devDependencies['aws-cdk']")
constructs=$(node -p "require('$root/package.json').devDependencies['constructs']")

work=$(mktemp -d /tmp/scc-ts-consumer-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tarball" "aws-cdk-lib@$cdk_lib" "constructs@$constructs" "aws-cdk@$cdk_cli" \
  typescript@5 ts-node@10 @types/node@20 >/dev/null
cp "$root/test/typescript/app.ts" main.ts
mkdir app && printf 'FROM public.ecr.aws/docker/library/python:3.12-slim\n' > app/Dockerfile
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "esModuleInterop": true, "skipLibCheck": true, "noEmit": true }, "include": ["main.ts"] }
JSON
printf '{ "app": "npx ts-node --transpile-only main.ts" }\n' > cdk.json
npx tsc -p tsconfig.json
CDK_DISABLE_CLI_TELEMETRY=true npx cdk synth --quiet --no-notices --output cdk.out >/dev/null

node - <<'JS'
const fs = require('fs');
const manifest = JSON.parse(fs.readFileSync('cdk.out/manifest.json', 'utf-8'));
const stacks = Object.values(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
const types = {};
for (const s of stacks) {
  const t = JSON.parse(fs.readFileSync(`cdk.out/${s.properties.templateFile}`, 'utf-8'));
  for (const r of Object.values(t.Resources)) {
    (types[r.Type] ??= []).push(s.environment.split('/').pop());
  }
}
const checks = [
  ['two stacks, in eu-west-1 and us-east-1', stacks.map((s) => s.environment.split('/').pop()).sort().join() === 'eu-west-1,us-east-1'],
  ['the distribution and the web ACL in us-east-1', types['AWS::CloudFront::Distribution']?.join() === 'us-east-1' && types['AWS::WAFv2::WebACL']?.join() === 'us-east-1'],
  ['the load balancer and the Fargate service in eu-west-1', types['AWS::ElasticLoadBalancingV2::LoadBalancer']?.join() === 'eu-west-1' && types['AWS::ECS::Service']?.join() === 'eu-west-1'],
  ['a Cognito user pool', (types['AWS::Cognito::UserPool'] ?? []).length === 1],
];
let failed = 0;
for (const [name, ok] of checks) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) failed++;
}
console.log(`typescript consumer: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
JS
