// Starts what a client test talks to, as real processes: two `switchback upstream-sim` model servers and one
// `switchback serve` on a throwaway SQLite store, with the deployment `svc` registered through `switchback apply`
// (svc@1 on the first simulator, svc@2 on the second). The same steps as test/Switchback.FunctionalTests
// (Infrastructure/Sim.cs, ServerProcess.cs, Svc.cs), written again here because these tests run under node.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const adminKey = 'sb_node_clients_admin_key_0123456789abcdef';

/** The CLI to run: SWITCHBACK_CLI_DLL, else the Debug build that scripts/test.sh makes. */
export const cliDll = process.env.SWITCHBACK_CLI_DLL ?? join(repo, 'src/Switchback.Cli/bin/Debug/net10.0/switchback.dll');

/** The deployment every client test calls. */
export const deployment = 'svc';

/** What a client sends as its API key: the gateway ignores it for a deployment without client keys, and never forwards it. */
export const clientKey = 'sk-any-client-key';

function start(args, readyPrefix, env = {}) {
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBACK_')));
  const child = spawn(process.env.DOTNET_HOST_PATH || 'dotnet', [cliDll, ...args], {
    env: { ...childEnv, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`'${args[0]}' printed no '${readyPrefix}' within 90 s\n${out}\n${err}`)), 90_000);
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith(readyPrefix));
      if (line) {
        clearTimeout(timer);
        resolveReady(line.trim());
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`'${args[0]}' exited with ${code} before '${readyPrefix}'\n${out}\n${err}`));
    });
  });
  return { child, ready, output: () => out + err };
}

function run(args, env) {
  return new Promise((resolveRun) => {
    const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBACK_')));
    const child = spawn(process.env.DOTNET_HOST_PATH || 'dotnet', [cliDll, ...args], { env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => resolveRun({ code, out }));
  });
}

function bundle(version, temperature, endpoint) {
  return `kind: Bundle
deployment: ${deployment}
version: ${version}
model:
  provider: openai
  endpoint: ${endpoint}/v1
  name: llama-3.1-8b-instruct
  api_key_env: VLLM_API_KEY
prompt:
  engine: liquid
  system: "You are the support assistant of {{ company }}."
  variables: { company: Acme }
serving: { temperature: ${temperature}, max_tokens: 512, timeout_ms: 20000 }
labels: { owner: support-ml }
`;
}

/**
 * Starts two simulators, a server and registers svc@1 (stable) and svc@2. Returns the gateway's OpenAI base URL
 * (`…/v1`), an admin `fetch` helper and `stop()`.
 */
export async function startStack() {
  const dir = mkdtempSync(join(tmpdir(), 'switchback-node-'));
  const processes = [];
  const stop = () => {
    for (const p of processes) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // Also when the test process ends without running its after() hooks (a crash, an uncaught error).
  process.once('exit', stop);
  try {
    const sims = [1, 2].map((seed) => start(
      ['upstream-sim', '--listen', 'http://127.0.0.1:0', '--profile', 'healthy', '--latency-ms', '1', '--seed', String(seed)],
      'upstream-sim'));
    const server = start(['serve', '--listen', 'http://127.0.0.1:0', '--store', 'sqlite:' + join(dir, 's.db')],
      'Switchback listening on ', { SWITCHBACK_ADMIN_KEY: adminKey });
    processes.push(...sims, server);
    const simUrls = (await Promise.all(sims.map((s) => s.ready))).map((line) => line.slice(line.lastIndexOf(' on ') + 4).trim().replace(/\/$/, ''));
    const url = (await server.ready).slice('Switchback listening on '.length).trim();

    const manifest = join(dir, 'bundles.yaml');
    writeFileSync(manifest, bundle(1, 0.2, simUrls[0]) + '---\n' + bundle(2, 0.3, simUrls[1]));
    const apply = await run(['apply', '-f', manifest], { SWITCHBACK_URL: url, SWITCHBACK_API_KEY: adminKey });
    if (apply.code !== 0) throw new Error(`switchback apply failed (${apply.code}):\n${apply.out}`);

    const admin = async (method, path, body) => {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    };
    return { url, baseURL: url + '/v1', admin, stop, serverOutput: server.output };
  } catch (e) {
    stop();
    throw e;
  }
}
