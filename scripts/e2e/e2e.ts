/**
 * npm run e2e: the reference image (examples/app) run as the synthesized task definition of
 * examples/basic says, two tasks A and B behind a local nginx that plays the ALB, with moto for
 * DynamoDB and a fake Bedrock Runtime, driven by a real browser (Debian's chromium through
 * playwright-core). It proves that a user's conversation survives the task that served it.
 *
 * Steps: Docker daemon (started when none runs, stopped again at the end) -> Python base (the
 * Dockerfile's pinned one, else a stand-in bootstrapped from Debian's packages, cached by tag) ->
 * image build -> template of examples/basic -> moto with the conversations table as the template
 * declares it -> fake Bedrock -> containers A and B -> nginx with two users -> the browser checks.
 *
 * Everything listens on 127.0.0.1. Every process and container started here is stopped again,
 * also on failure. Screenshots and logs go to e2e-artifacts/.
 *
 * Needs root and Debian's docker.io, debootstrap (only without a reachable registry), nginx and
 * chromium (.ci/run installs them).
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncOptions } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { FakeBedrock, startFakeBedrock } from './fake-bedrock';
import { BasicContract, createTableRequest, readContract, synthesizeBasic } from './task-definition';

const ROOT = path.resolve(__dirname, '..', '..');
const APP_DIR = path.join(ROOT, 'examples', 'app');
// Kept between runs and clones: moto's virtualenv, the stand-in's scratch root, nginx's files.
const CACHE = process.env.E2E_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'secure-container-chatbot-e2e');
const ARTIFACTS = path.join(ROOT, 'e2e-artifacts');
const LOGS = path.join(ARTIFACTS, 'logs');
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const IMAGE_TAG = 'secure-container-chatbot-app:e2e';
const STAND_IN_REPOSITORY = 'secure-container-chatbot-e2e/python-standin';
// Debian's packages that make the stand-in base: the Python the Dockerfile runs, venv and pip.
const STAND_IN_PACKAGES = ['python3', 'python3-venv', 'python3-pip', 'ca-certificates'];
// The local table's name: on AWS it is the stack's table (the template's value is a Ref).
const LOCAL_TABLE = 'e2e-conversations';

// From the process's start, so that the wall time includes compiling this script.
const started = Date.now() - Math.round(process.uptime() * 1000);
const figures: [string, string][] = [];
const cleanups: { name: string; run: () => Promise<void> | void }[] = [];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function figure(name: string, value: string): void {
  figures.push([name, value]);
  log(`${name}: ${value}`);
}

function log(message: string): void {
  console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

function onCleanup(name: string, run: () => Promise<void> | void): void {
  cleanups.push({ name, run });
}

async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const { name, run } = cleanups.pop()!;
    try {
      await run();
    } catch (err) {
      console.error(`[e2e] cleanup of ${name} failed: ${(err as Error).message}`);
    }
  }
}

/** Runs a command to its end; throws with its output when it fails. */
function run(cmd: string, args: string[], options: SpawnSyncOptions & { logFile?: string } = {}): string {
  const result = spawnSync(cmd, args, { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (options.logFile) {
    fs.appendFileSync(options.logFile, `$ ${cmd} ${args.join(' ')}\n${output}\n`);
  }
  if (result.error || result.status !== 0) {
    const tail = output.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} ... failed (${result.error?.message ?? `exit ${result.status}`})\n${tail}`);
  }
  return String(result.stdout ?? '');
}

function succeeds(cmd: string, args: string[], timeoutMs = 60_000): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore', timeout: timeoutMs }).status === 0;
}

/** Starts a long-running process whose output goes to e2e-artifacts/logs/<name>.log. */
function background(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const out = fs.openSync(path.join(LOGS, `${name}.log`), 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env: env ?? process.env });
  fs.closeSync(out);
  child.on('error', (err) => log(`${name}: ${err.message}`));
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${seconds(timeoutMs)} waiting for ${what}`);
    }
    await sleep(everyMs);
  }
}

function httpGet(url: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf-8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function which(cmd: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf-8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function need(cmd: string, debianPackage: string): string {
  const found = which(cmd);
  if (!found) {
    throw new Error(`${cmd} is missing: apt-get install ${debianPackage} (.ci/run does)`);
  }
  return found;
}

// ---- Docker -----------------------------------------------------------------------------------

async function ensureDocker(): Promise<void> {
  need('docker', 'docker.io');
  if (succeeds('docker', ['info'], 20_000)) {
    log('Docker daemon: already running (left as it is)');
    return;
  }
  const dockerd = need('dockerd', 'docker.io');
  // Every container of this run uses the host's network, so the daemon needs no bridge and
  // touches no firewall rule of the host.
  const daemon = background('dockerd', dockerd, ['--iptables=false', '--ip-forward=false', '--bridge=none']);
  onCleanup('dockerd', async () => {
    log('stopping the Docker daemon this run started');
    await stopProcess(daemon, 'SIGTERM', 30_000);
  });
  await waitFor('the Docker daemon', 60_000, () => (succeeds('docker', ['info'], 10_000) ? true : undefined), 500);
  log('Docker daemon: started (it is stopped again at the end)');
}

function imageExists(tag: string): boolean {
  return succeeds('docker', ['image', 'inspect', tag], 20_000);
}

/** The Dockerfile's pinned base, else a stand-in built from Debian's packages (cached by its tag). */
function pythonBase(): { image: string; standIn: boolean } {
  const dockerfile = fs.readFileSync(path.join(APP_DIR, 'Dockerfile'), 'utf-8');
  const pinned = /^ARG PYTHON_IMAGE=(\S+)/m.exec(dockerfile)?.[1];
  if (!pinned) {
    throw new Error('examples/app/Dockerfile has no ARG PYTHON_IMAGE=<image>');
  }
  if (imageExists(pinned)) {
    log(`Python base: ${pinned} (present)`);
    return { image: pinned, standIn: false };
  }
  if (succeeds('docker', ['pull', '--quiet', pinned], 90_000)) {
    log(`Python base: ${pinned} (pulled)`);
    return { image: pinned, standIn: false };
  }
  // No registry: a stand-in from Debian's packages. Its tag names what it is made of, so a
  // changed recipe or host certificate store makes a new one and an unchanged one is reused.
  const recipe = crypto.createHash('sha256')
    .update(STAND_IN_PACKAGES.join(','))
    .update(fs.readFileSync(HOST_CA_BUNDLE))
    .update('python-symlink,pip.conf')
    .digest('hex').slice(0, 12);
  const tag = `${STAND_IN_REPOSITORY}:bookworm-${recipe}`;
  if (imageExists(tag)) {
    log(`Python base: ${pinned} cannot be pulled; stand-in ${tag} (cached)`);
    figure('stand-in base build', 'cached (0 s)');
    return { image: tag, standIn: true };
  }
  log(`Python base: ${pinned} cannot be pulled; building the stand-in ${tag} from Debian's packages`);
  const t0 = Date.now();
  const debootstrap = need('debootstrap', 'debootstrap');
  const rootfs = path.join(CACHE, 'standin-root');
  fs.rmSync(rootfs, { recursive: true, force: true });
  fs.mkdirSync(CACHE, { recursive: true });
  const logFile = path.join(LOGS, 'standin-base.log');
  try {
    // Debian's default mirror, as apt on this host uses it.
    run(debootstrap, ['--variant=minbase', `--include=${STAND_IN_PACKAGES.join(',')}`, 'bookworm', rootfs], { logFile });
    // pip inside the build must trust the host's certificate store: the host's CA bundle, named
    // in the system-wide pip configuration that every pip (also the venv's) reads.
    fs.copyFileSync(HOST_CA_BUNDLE, path.join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));
    fs.writeFileSync(path.join(rootfs, 'etc/pip.conf'), '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n');
    // The Dockerfile calls `python` (the official image has it); Debian names it python3.
    fs.symlinkSync('/usr/bin/python3', path.join(rootfs, 'usr/local/bin/python'));
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      run('find', [path.join(rootfs, dir), '-mindepth', '1', '-delete'], { logFile });
    }
    run('sh', ['-c', 'tar -C "$1" -c . | docker import '
      + '--change "ENV LANG=C.UTF-8" '
      + '--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" '
      + '--change \'CMD ["python3"]\' - "$2"', 'sh', rootfs, tag], { logFile });
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
  figure('stand-in base build', seconds(Date.now() - t0));
  return { image: tag, standIn: true };
}

function buildImage(base: string): void {
  const existed = imageExists(IMAGE_TAG);
  const t0 = Date.now();
  // The classic builder: Debian's docker.io ships no buildx. Host network, as every RUN needs PyPI.
  const output = run('docker', ['build', '--network', 'host', '--build-arg', `PYTHON_IMAGE=${base}`, '--tag', IMAGE_TAG, APP_DIR], {
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    logFile: path.join(LOGS, 'image-build.log'),
  });
  // Every step but ARG and FROM can come from the layer cache.
  const steps = (output.match(/^Step \d+\/\d+ : (?!ARG |FROM )/gm) ?? []).length;
  const cached = (output.match(/Using cache/g) ?? []).length;
  const kind = cached === 0 ? 'cold' : cached === steps ? 'warm' : 'partly cached';
  figure(`image build (${kind}: ${cached} of ${steps} steps from the layer cache${existed ? '' : ', no earlier image'})`, seconds(Date.now() - t0));
}

// ---- the task definition's container -----------------------------------------------------------

interface Task {
  readonly name: string;
  readonly port: number;
}

function runTask(contract: BasicContract, name: string, port: number, overrides: Record<string, string>): Task {
  const c = contract.container;
  if (c.secrets.length) {
    throw new Error(`the task definition injects secrets (${c.secrets.join(', ')}); this run has no stand-in for them`);
  }
  const unresolved = Object.keys(c.unresolved).filter((k) => !(k in overrides));
  if (unresolved.length) {
    throw new Error(`the task definition sets ${unresolved.join(', ')} from CloudFormation values that this run does not override`);
  }
  const args = ['run', '--detach', '--name', name, '--network', 'host'];
  if (c.user) {
    args.push('--user', c.user);
  }
  if (c.readonlyRootFilesystem) {
    args.push('--read-only');
  }
  // Fargate's task volumes are empty, per task, seeded from the image's VOLUME directories: an
  // anonymous Docker volume at each mount point does the same.
  for (const m of c.mounts) {
    args.push('--mount', `type=volume,destination=${m.containerPath}${m.readOnly ? ',readonly' : ''}`);
  }
  if (c.cpu) {
    args.push('--cpus', String(c.cpu / 1024));
  }
  if (c.memoryMiB) {
    args.push('--memory', `${c.memoryMiB}m`);
  }
  if (c.initProcessEnabled) {
    args.push('--init');
  }
  args.push('--stop-timeout', String(c.stopTimeout));
  for (const [k, v] of Object.entries({ ...c.environment, ...overrides })) {
    args.push('--env', `${k}=${v}`);
  }
  args.push(IMAGE_TAG);
  onCleanup(`container ${name}`, () => {
    spawnSync('sh', ['-c', `docker logs ${name} > "${path.join(LOGS, `${name}.log`)}" 2>&1`]);
    spawnSync('docker', ['rm', '--force', '--volumes', name], { stdio: 'ignore' });
  });
  spawnSync('docker', ['rm', '--force', '--volumes', name], { stdio: 'ignore' });
  run('docker', args, { logFile: path.join(LOGS, 'docker-run.log') });
  return { name, port };
}

async function waitHealthy(task: Task, since: number): Promise<number> {
  await waitFor(`${task.name}'s /_stcore/health`, 120_000, async () => {
    const state = spawnSync('docker', ['inspect', '--format', '{{.State.Running}}', task.name], { encoding: 'utf-8' }).stdout.trim();
    if (state !== 'true') {
      throw new Error(`${task.name} is not running: ${spawnSync('docker', ['logs', '--tail', '30', task.name], { encoding: 'utf-8' }).stderr}`);
    }
    const res = await httpGet(`http://127.0.0.1:${task.port}/_stcore/health`);
    return res?.status === 200 ? true : undefined;
  }, 100);
  return Date.now() - since;
}

// ---- moto ----------------------------------------------------------------------------------------

interface Moto {
  readonly url: string;
  readonly python: string;
}

/** Installs moto (when its cached virtualenv is not complete) in the background; resolves to its venv. */
function installMoto(): Promise<string> {
  // moto at the version the app's tests pin, with its server extra, in a cached virtualenv.
  const pins = fs.readFileSync(path.join(APP_DIR, 'requirements-dev.txt'), 'utf-8');
  const version = /^moto\[[^\]]*\]==(\S+)/m.exec(pins)?.[1];
  if (!version) {
    return Promise.reject(new Error('examples/app/requirements-dev.txt pins no moto version'));
  }
  const venv = path.join(CACHE, `moto-${version}`);
  const done = path.join(venv, '.installed');
  if (fs.existsSync(done)) {
    return Promise.resolve(venv);
  }
  const t0 = Date.now();
  fs.rmSync(venv, { recursive: true, force: true });
  const logFile = path.join(LOGS, 'moto-install.log');
  const script = 'set -e; python3 -m venv "$1"; "$1/bin/python" -m pip install --quiet "moto[server]==$2"';
  const child = background('moto-install', 'sh', ['-c', script, 'sh', venv, version]);
  onCleanup('moto install', () => stopProcess(child));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`installing moto ${version} failed (exit ${code}); see ${path.relative(ROOT, logFile)}`));
        return;
      }
      fs.writeFileSync(done, `moto[server]==${version}\n`);
      log(`moto ${version} installed in ${seconds(Date.now() - t0)} (in the background, beside the image build)`);
      resolve(venv);
    });
  });
}

async function startMoto(contract: BasicContract, region: string, installed: Promise<string>): Promise<Moto> {
  const venv = await installed;
  const python = path.join(venv, 'bin', 'python');
  const port = await freePort();
  const server = background('moto', path.join(venv, 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)]);
  onCleanup('moto', () => stopProcess(server));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('moto', 60_000, async () => ((await httpGet(`${url}/moto-api/`)) ? true : undefined));
  const request = createTableRequest(contract.conversationsTable, LOCAL_TABLE);
  run(python, [path.join(__dirname, 'table.py'), 'create', url, region, JSON.stringify(request)]);
  log(`moto on ${url}: table ${LOCAL_TABLE} with the key schema and indexes of ${contract.conversationsTable.logicalId}`);
  return { url, python };
}

function storedKeys(moto: Moto, contract: BasicContract, region: string, userId: string): string[] {
  const schema = contract.conversationsTable.keySchema;
  const pk = schema.find((k) => k.KeyType === 'HASH')!.AttributeName;
  const sk = schema.find((k) => k.KeyType === 'RANGE')!.AttributeName;
  return JSON.parse(run(moto.python, [path.join(__dirname, 'table.py'), 'keys', moto.url, region, LOCAL_TABLE, pk, sk, userId]));
}

// ---- nginx: the load balancer ---------------------------------------------------------------------

interface User {
  readonly sub: string;
  readonly email: string;
  readonly name: string;
  port?: number;
}

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** The x-amzn-oidc-* headers the ALB adds after a Cognito login. The app does not check the ALB's
 * signature (chatbot/identity.py says why), so these tokens carry a placeholder one. */
function albHeaders(user: User, region: string): Record<string, string> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const iss = `https://cognito-idp.${region}.amazonaws.com/${region}_e2e`;
  const header = { typ: 'JWT', kid: 'e2e', alg: 'ES256', iss, client: 'e2e-client', signer: 'arn:aws:elasticloadbalancing:e2e', exp };
  const data = [base64url(header), base64url({ sub: user.sub, email: user.email, email_verified: 'true', name: user.name, username: user.sub, exp, iss }), 'e2e-unsigned'].join('.');
  const access = [base64url({ kid: 'e2e', alg: 'RS256' }), base64url({ sub: user.sub, username: user.sub, token_use: 'access', exp, iss }), 'e2e-unsigned'].join('.');
  return { 'x-amzn-oidc-identity': user.sub, 'x-amzn-oidc-data': data, 'x-amzn-oidc-accesstoken': access };
}

async function startNginx(a: Task, b: Task, users: User[], region: string, idleTimeout: number): Promise<void> {
  const nginx = need('nginx', 'nginx');
  const dir = fs.mkdtempSync(path.join(CACHE, 'nginx-'));
  fs.chmodSync(dir, 0o755);
  onCleanup('nginx files', () => fs.rmSync(dir, { recursive: true, force: true }));
  const servers = users.map((user) => {
    const headers = Object.entries(albHeaders(user, region))
      .map(([k, v]) => `      proxy_set_header ${k} "${v}";`).join('\n');
    return `
  # ${user.email}: every request gets this user's identity headers, as the ALB adds them after its
  # login (overwriting any the browser sent).
  server {
    listen 127.0.0.1:${user.port};
    location / {
      proxy_pass http://tasks;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout ${idleTimeout}s;
      proxy_send_timeout ${idleTimeout}s;
      proxy_buffering off;
${headers}
    }
  }`;
  }).join('\n');
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${LOGS}/nginx-error.log notice;
events { worker_connections 256; }
http {
  log_format upstream '$time_iso8601 $server_port "$request" $status upstream=$upstream_addr $request_time';
  access_log ${LOGS}/nginx-access.log upstream;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  # Task A takes the traffic; B is there for when A is gone (a refused connection moves the
  # request on to B, and A is not tried again for a minute).
  upstream tasks {
    server 127.0.0.1:${a.port} max_fails=1 fail_timeout=60s;
    server 127.0.0.1:${b.port} backup;
  }
${servers}
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  run(nginx, ['-t', '-q', '-p', dir, '-e', path.join(LOGS, 'nginx-error.log'), '-c', path.join(dir, 'nginx.conf')]);
  const child = background('nginx', nginx, ['-p', dir, '-e', path.join(LOGS, 'nginx-error.log'), '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;']);
  onCleanup('nginx', () => stopProcess(child));
  for (const user of users) {
    await waitFor(`nginx on ${user.port}`, 20_000, async () => ((await httpGet(`http://127.0.0.1:${user.port}/_stcore/health`))?.status === 200 ? true : undefined));
  }
  log(`nginx: ${users.map((u) => `127.0.0.1:${u.port} as ${u.email}`).join(', ')}; upstream A :${a.port}, then B :${b.port}`);
}

// ---- the browser ------------------------------------------------------------------------------------

const CHAT_INPUT = '[data-testid="stChatInput"] textarea';

async function idle(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="stApp"][data-test-script-state="notRunning"]', { timeout: 60_000 });
}

async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForSelector(CHAT_INPUT, { timeout: 90_000 });
  await idle(page);
}

async function messages(page: Page): Promise<string[]> {
  return page.locator('[data-testid="stChatMessageContent"]').allInnerTexts().then((texts) => texts.map((t) => t.trim()));
}

/** The sidebar's conversations, in order: id (from the widget key) and title. */
async function listed(page: Page): Promise<{ id: string; title: string }[]> {
  return page.locator('[data-testid="stSidebar"] [class*="st-key-open_"]').evaluateAll((nodes) => nodes.map((n) => ({
    id: (/st-key-open_([0-9a-f]+)/.exec(n.className) ?? [])[1] ?? '',
    // The label's own paragraph (the button holds more text nodes than the label).
    title: (n.querySelector('button p')?.textContent ?? '').trim(),
  })));
}

function answerTo(question: string, n: number): string {
  return `Fake answer to "${question}" (question ${n} of this conversation).`;
}

async function ask(page: Page, question: string, n: number): Promise<void> {
  await page.fill(CHAT_INPUT, question);
  await page.press(CHAT_INPUT, 'Enter');
  const expected = answerTo(question, n);
  await page.locator('[data-testid="stChatMessage"]', { hasText: expected }).waitFor({ timeout: 60_000 });
  await idle(page);
}

function check(condition: unknown, message: string, seen?: unknown): asserts condition {
  if (!condition) {
    throw new Error(`check failed: ${message}${seen === undefined ? '' : ` (seen: ${JSON.stringify(seen)})`}`);
  }
  log(`ok: ${message}`);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  await page.locator('[data-testid="stSidebar"]').screenshot({ path: path.join(ARTIFACTS, `${name}-sidebar.png`) });
}

// ---- the run ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(LOGS, { recursive: true });
  fs.mkdirSync(CACHE, { recursive: true });
  need('chromium', 'chromium');

  // moto installs from PyPI while the image builds.
  const motoInstalled = installMoto();
  motoInstalled.catch(() => undefined); // awaited below; never an unhandled rejection
  await ensureDocker();
  const base = pythonBase();
  buildImage(base.image);

  let t0 = Date.now();
  const { stackName, template } = synthesizeBasic();
  const contract = readContract(template, stackName);
  const c = contract.container;
  log(`examples/basic synthesized in ${seconds(Date.now() - t0)}: container ${c.name}, user ${c.user}, read-only root ${c.readonlyRootFilesystem}, `
    + `volumes at ${c.mounts.map((m) => m.containerPath).join(' and ')}, port ${c.containerPort}, environment ${Object.keys(c.environment).concat(Object.keys(c.unresolved)).join(', ')}`);
  // The stack's region (ECS puts AWS_REGION into every task itself; the template does not list it).
  const region = /"awslogs-region":"([a-z0-9-]+)"/.exec(JSON.stringify(template))?.[1] ?? 'eu-west-1';
  const idleTimeout = Number(/"Key":"idle_timeout.timeout_seconds","Value":"(\d+)"/.exec(JSON.stringify(template))?.[1] ?? 60);

  const moto = await startMoto(contract, region, motoInstalled);
  const bedrock: FakeBedrock = await startFakeBedrock();
  onCleanup('fake Bedrock', () => bedrock.close());
  log(`fake Bedrock Runtime on ${bedrock.url}`);

  // A listens on the template's port when it is free; B next to it. Host networking shares one
  // port space, where on Fargate each task has its own network interface.
  const portA = (await portIsFree(c.containerPort)) ? c.containerPort : await freePort();
  const portB = await freePort();
  // Only what must point at the local stand-ins is overridden; the rest is the template's.
  const overrides = (port: number): Record<string, string> => ({
    // The stack's table is a Ref in the template: here, the moto table of the same schema.
    [contract.tableVariable]: LOCAL_TABLE,
    AWS_REGION: region,
    // The SDK's standard per-service endpoint variables: moto and the fake Bedrock.
    AWS_ENDPOINT_URL_DYNAMODB: moto.url,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    // Dummy credentials (Fargate gives the task role's through the ECS credentials endpoint).
    AWS_ACCESS_KEY_ID: 'e2e',
    AWS_SECRET_ACCESS_KEY: 'e2e',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Host networking: each task on its own port, and on the loopback interface only.
    STREAMLIT_SERVER_PORT: String(port),
    STREAMLIT_SERVER_ADDRESS: '127.0.0.1',
  });
  t0 = Date.now();
  const a = runTask(contract, 'e2e-app-a', portA, overrides(portA));
  const b = runTask(contract, 'e2e-app-b', portB, overrides(portB));
  const [healthA, healthB] = await Promise.all([waitHealthy(a, t0), waitHealthy(b, t0)]);
  figure('first /_stcore/health answer (A, B started together)', `${seconds(healthA)}, ${seconds(healthB)}`);

  const users: User[] = [
    { sub: '11111111-1111-4111-8111-111111111111', email: 'ada@example.com', name: 'Ada' },
    { sub: '22222222-2222-4222-8222-222222222222', email: 'grace@example.com', name: 'Grace' },
  ];
  for (const user of users) {
    user.port = await freePort();
  }
  await startNginx(a, b, users, region, idleTimeout);

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  onCleanup('chromium', () => browser.close());
  const pages: Page[] = [];
  onCleanup('failure screenshots', async () => {
    if (failed) {
      for (const [i, p] of pages.entries()) {
        await p.screenshot({ path: path.join(ARTIFACTS, `failure-page-${i + 1}.png`), fullPage: true }).catch(() => undefined);
      }
    }
  });
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    pages.push(page);
    return page;
  };

  // User 1 chats two turns, on A.
  const ada = await newPage();
  const adaUrl = `http://127.0.0.1:${users[0].port}/`;
  await openApp(ada, adaUrl);
  check((await ada.locator('[data-testid="stSidebar"]').innerText()).includes(users[0].email), 'user 1 is signed in as the ALB headers say');
  const q1 = 'What is the capital of France?';
  const q2 = 'And which river runs through it?';
  await ask(ada, q1, 1);
  const listedFirst = await listed(ada);
  const first = listedFirst[0];
  check(listedFirst.length === 1 && first.title === q1, 'a new conversation is listed in the sidebar right after its first answer', listedFirst);
  await ask(ada, q2, 2);
  await shoot(ada, '01-user1-two-turns-on-A');
  const twoTurns = [q1, answerTo(q1, 1), q2, answerTo(q2, 2)];
  const shown = await messages(ada);
  check(JSON.stringify(shown) === JSON.stringify(twoTurns), 'user 1 sees both turns', shown);
  check(storedKeys(moto, contract, region, users[0].sub).length === 5, 'the store holds the conversation: a header and four messages');

  // A stops as a rolling deploy stops it: SIGTERM, then SIGKILL after the stop timeout.
  t0 = Date.now();
  run('docker', ['stop', '--time', String(c.stopTimeout), a.name]);
  const stopped = Date.now();
  const exit = run('docker', ['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}}', a.name]).trim();
  figure(`SIGTERM to exit of A (exit code ${exit.split(' ')[0]}; stop timeout ${c.stopTimeout} s)`, seconds(stopped - t0));
  check(stopped - t0 < c.stopTimeout * 1000, 'A exits on SIGTERM before the stop timeout (no SIGKILL)');

  // Streamlit 1.67 reconnects its WebSocket (now to B) but does not rerun the page: one reload.
  await ada.reload({ waitUntil: 'domcontentloaded' });
  await ada.waitForSelector(CHAT_INPUT, { timeout: 90_000 });
  await waitFor('both turns on B', 60_000, async () => (JSON.stringify(await messages(ada)) === JSON.stringify(twoTurns) ? true : undefined));
  const restored = Date.now() - stopped;
  await idle(ada);
  await shoot(ada, '02-user1-restored-on-B');
  console.log(`conversation restored on B after A stopped: ${seconds(restored)} from A's exit to both turns on screen (one reload)`);
  figure('restore latency after A stopped (one reload)', seconds(restored));

  const q3 = 'How long is that river?';
  await ask(ada, q3, 3);
  check(bedrock.requests[bedrock.requests.length - 1].body.messages?.length === 5, 'the third question went to Bedrock with the two earlier turns (same conversation)');
  const afterThird = await listed(ada);
  check(afterThird.length === 1 && afterThird[0].id === first.id, 'the third question continues the same conversation', afterThird);
  await shoot(ada, '03-user1-third-turn-on-B');

  // User 2: none of user 1's conversations.
  const grace = await newPage();
  await openApp(grace, `http://127.0.0.1:${users[1].port}/`);
  const graceSidebar = await grace.locator('[data-testid="stSidebar"]').innerText();
  check(graceSidebar.includes(users[1].email) && !graceSidebar.includes(users[0].email), 'user 2 is signed in as user 2');
  check((await messages(grace)).length === 0 && (await listed(grace)).length === 0 && !(await grace.content()).includes(q1),
    'user 2 sees none of user 1\'s conversations');
  const g1 = 'Hello from the second user';
  await ask(grace, g1, 1);
  check((await listed(grace)).map((x) => x.title).join('|') === g1, 'user 2 sees only their own conversation');
  await shoot(grace, '04-user2-own-conversation');

  // Delete: user 1 starts a second conversation, deletes the first, reloads.
  await ada.reload({ waitUntil: 'domcontentloaded' });
  await ada.waitForSelector(CHAT_INPUT, { timeout: 60_000 });
  await idle(ada);
  check(!(await listed(ada)).some((x) => x.title === g1), 'user 1 sees none of user 2\'s conversations');
  await ada.locator('.st-key-new_conversation button').locator('visible=true').first().click();
  await waitFor('an empty chat', 30_000, async () => ((await messages(ada)).length === 0 ? true : undefined));
  await idle(ada);
  const q4 = 'A second conversation, to keep';
  await ask(ada, q4, 1);
  const two = await listed(ada);
  check(two.map((x) => x.title).join('|') === `${q4}|${q1}`, 'both of user 1\'s conversations are listed, newest first', two);
  await shoot(ada, '05-user1-two-conversations');
  // The key's element holds the button and, for its tooltip, a copy of it: click the first visible one.
  await ada.locator(`.st-key-delete_${first.id} button`).locator('visible=true').first().click();
  await waitFor('the deleted conversation to leave the sidebar', 30_000, async () => ((await listed(ada)).some((x) => x.id === first.id) ? undefined : true));
  await idle(ada);
  await ada.reload({ waitUntil: 'domcontentloaded' });
  await ada.waitForSelector(CHAT_INPUT, { timeout: 60_000 });
  await idle(ada);
  const afterDelete = await listed(ada);
  check(afterDelete.length === 1 && afterDelete[0].title === q4, 'the deleted conversation is gone after a reload; the other one stays', afterDelete);
  check(!storedKeys(moto, contract, region, users[0].sub).some((k) => k.includes(first.id)), 'none of the deleted conversation\'s items is left in the store');
  check(storedKeys(moto, contract, region, users[1].sub).length === 3, 'user 2\'s conversation is untouched');
  await shoot(ada, '06-user1-after-delete');

  // The WebSocket upgrades (101) that nginx passed on, with the task that took each.
  const sockets = fs.readFileSync(path.join(LOGS, 'nginx-access.log'), 'utf-8').split('\n')
    .filter((line) => line.includes('"GET /_stcore/stream ') && line.includes('" 101 '))
    .map((line) => /upstream=127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
  const firstOnB = sockets.indexOf(String(b.port));
  check(sockets[0] === String(a.port) && firstOnB > 0 && !sockets.slice(firstOnB).includes(String(a.port)),
    'the load balancer held the WebSockets on A, then on B once A had stopped', sockets);
}

let failed = false;

async function entry(): Promise<void> {
  const stop = (signal: string) => {
    console.error(`[e2e] ${signal}: stopping what this run started`);
    failed = true;
    void cleanupAll().then(() => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    await main();
  } catch (err) {
    failed = true;
    console.error(`\n[e2e] FAILED: ${(err as Error).stack ?? err}`);
  } finally {
    await cleanupAll();
  }
  figure('e2e wall time', seconds(Date.now() - started));
  fs.writeFileSync(path.join(ARTIFACTS, 'figures.json'), JSON.stringify(Object.fromEntries(figures), null, 2) + '\n');
  console.log('\n=== e2e figures ===');
  for (const [name, value] of figures) {
    console.log(`  ${name}: ${value}`);
  }
  console.log(`  screenshots and logs: ${path.relative(ROOT, ARTIFACTS)}/`);
  if (failed) {
    console.log('e2e FAILED');
    process.exit(1);
  }
  console.log('e2e passed');
}

void entry();
