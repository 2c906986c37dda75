/**
 * A real, throw-away Kubernetes API for tests: etcd + kube-apiserver on free loopback ports, data and
 * certificates in a temp dir, static-token users, RBAC on. No controllers, scheduler or kubelet (see
 * docs/test-cluster.md for what that means for tests).
 */
import { ChildProcess, execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, stopProcess, waitFor } from './processes';

export interface ITestCluster {
  server: string;
  adminKubeconfig: string;
  aliceKubeconfig: string;
  adminToken: string;
  aliceToken: string;
  caFile: string;
  /** kube-apiserver's gitVersion, e.g. v1.34.4. */
  version: string;
  /** The temp dir holding data, certificates, kubeconfigs and the two logs (etcd.log, kube-apiserver.log). */
  dir: string;
  etcdUrl: string;
  /** Kubeconfig files of the extra users (IStartOptions.users), by user name. */
  userKubeconfigs: Record<string, string>;
  /** Process ids of etcd and the current kube-apiserver (for tests that check nothing is left behind). */
  pids(): number[];
  /** Stops kube-apiserver and starts it again on the same port against the same etcd. */
  restartApiserver(): Promise<void>;
  stop(): Promise<void>;
}

/** The same, under the name the task brief used. */
export type TestCluster = ITestCluster;

export interface IStartOptions {
  /** Directory with kube-apiserver and etcd; default $KFWB_APISERVER_BIN or the output of build.sh. */
  binDir?: string;
  /** false serves watches straight from etcd (kube-apiserver --watch-cache=false). */
  watchCache?: boolean;
  extraApiserverArgs?: string[];
  /** More static-token users (no groups: they get only what RBAC grants them), e.g. an operator's identity. */
  users?: string[];
}

const STARTUP_TIMEOUT_MS = 90_000;

// Temp dirs of clusters not stopped yet. A crashed or interrupted run removes them on exit (after processes.ts,
// imported first, has killed the processes using them).
const liveDirs = new Set<string>();
process.on('exit', () => {
  if (!process.env.KFWB_KEEP_CLUSTER_DIR) {
    liveDirs.forEach(dir => rmSync(dir, { recursive: true, force: true }));
  }
});

/** The directory holding the binaries, building them first if this machine has none for the pinned versions. */
export function binaries(): string {
  if (process.env.KFWB_APISERVER_BIN) {
    return process.env.KFWB_APISERVER_BIN;
  }
  const out = execFileSync(join(__dirname, 'build.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  });
  return out.trim().split('\n').pop()!;
}

export async function startCluster(opts: IStartOptions = {}): Promise<ITestCluster> {
  const bin = opts.binDir ?? binaries();
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-cluster-'));
  liveDirs.add(dir);
  const adminToken = randomBytes(16).toString('hex');
  const aliceToken = randomBytes(16).toString('hex');
  const userTokens = Object.fromEntries(
    (opts.users ?? []).map(u => [u, randomBytes(16).toString('hex')])
  );
  writeCredentials(dir, adminToken, aliceToken, userTokens);
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const server = `https://127.0.0.1:${apiPort}`;
  const caFile = join(dir, 'ca.crt');

  const etcdLog = join(dir, 'etcd.log');
  const etcd = startProcess(
    join(bin, 'etcd'),
    [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync=true', // throw-away data: no fsync makes writes ~10x faster on a VM disk
      '--log-level=warn'
    ],
    etcdLog
  );
  let apiserver: ChildProcess | undefined;
  const stopAll = async () => {
    if (apiserver) {
      await stopProcess(apiserver);
    }
    await stopProcess(etcd);
  };

  // The same flags on every (re)start, so a restart changes nothing but the process.
  const apiserverArgs = [
    `--etcd-servers=${etcdUrl}`,
    `--secure-port=${apiPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--cert-dir=${join(dir, 'certs')}`,
    `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    // No ServiceAccount controller runs, so pods must not need a token volume.
    '--disable-admission-plugins=ServiceAccount',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    `--service-account-issuer=${server}`,
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    `--watch-cache=${opts.watchCache ?? true}`,
    ...(opts.extraApiserverArgs ?? [])
  ];
  const apiserverLog = join(dir, 'kube-apiserver.log');
  const startApiserver = async () => {
    apiserver = startProcess(join(bin, 'kube-apiserver'), apiserverArgs, apiserverLog);
    await waitFor(
      'kube-apiserver',
      () => readyz(server, adminToken, caFile),
      STARTUP_TIMEOUT_MS,
      apiserver,
      apiserverLog
    );
    await waitFor(
      'kube-apiserver watch caches',
      () => servable(server, adminToken, caFile),
      STARTUP_TIMEOUT_MS,
      apiserver,
      apiserverLog
    );
  };

  try {
    await waitFor('etcd', () => etcdHealthy(etcdUrl), STARTUP_TIMEOUT_MS, etcd, etcdLog);
    await startApiserver();
  } catch (e) {
    await stopAll();
    throw e;
  }

  const adminKubeconfig = writeKubeconfig(dir, 'admin', server, caFile, adminToken, 'default');
  const aliceKubeconfig = writeKubeconfig(dir, 'alice', server, caFile, aliceToken, 'team-a');
  const userKubeconfigs = Object.fromEntries(
    Object.entries(userTokens).map(([u, t]) => [
      u,
      writeKubeconfig(dir, u, server, caFile, t, 'default')
    ])
  );
  const version = execFileSync(join(bin, 'kube-apiserver'), ['--version'], {
    encoding: 'utf8'
  })
    .trim()
    .split(' ')
    .pop()!;
  return {
    server,
    adminKubeconfig,
    aliceKubeconfig,
    userKubeconfigs,
    adminToken,
    aliceToken,
    caFile,
    version,
    dir,
    etcdUrl,
    pids: () => [etcd.pid!, apiserver!.pid!],
    async restartApiserver() {
      await stopProcess(apiserver!);
      await startApiserver();
    },
    async stop() {
      await stopAll();
      liveDirs.delete(dir);
      if (!process.env.KFWB_KEEP_CLUSTER_DIR) {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  };
}

/** A CA, a serving certificate for 127.0.0.1/localhost, the service-account key pair and the token file. */
function writeCredentials(
  dir: string,
  adminToken: string,
  aliceToken: string,
  userTokens: Record<string, string>
): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']; // EC: instant, unlike RSA
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kfwb-test-ca'
  );
  openssl(
    'req',
    ...ec,
    '-keyout',
    'apiserver.key',
    '-out',
    'apiserver.csr',
    '-subj',
    '/CN=kube-apiserver'
  );
  writeFileSync(
    join(dir, 'apiserver.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n'
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'apiserver.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'apiserver.crt',
    '-days',
    '2',
    '-extfile',
    'apiserver.ext'
  );
  const sa = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600
  });
  writeFileSync(join(dir, 'sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));
  // token,user,uid,"groups": admin is a cluster admin through system:masters; alice gets only what RBAC grants.
  writeFileSync(
    join(dir, 'tokens.csv'),
    `${adminToken},admin,uid-admin,"system:masters"\n${aliceToken},alice,uid-alice,"kfwb:users"\n` +
      Object.entries(userTokens)
        .map(([user, token]) => `${token},${user},uid-${user}\n`)
        .join(''),
    { mode: 0o600 }
  );
}

function writeKubeconfig(
  dir: string,
  user: string,
  server: string,
  caFile: string,
  token: string,
  namespace: string
): string {
  const path = join(dir, `${user}.kubeconfig`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': `${user}@test`,
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: `${user}@test`, context: { cluster: 'test', user, namespace } }]
  };
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 }); // JSON is valid kubeconfig YAML
  return path;
}

async function etcdHealthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/health`);
  return res.ok && (await res.json()).health === 'true';
}

/** /readyz passes once every post-start hook ran, including the RBAC bootstrap roles. */
async function readyz(server: string, token: string, caFile: string): Promise<boolean> {
  return (await get(server, '/readyz', token, caFile)).status === 200;
}

/**
 * /readyz does not cover the watch caches: for a moment after every (re)start, lists of a type whose cache is
 * still filling answer 429 "storage is (re)initializing". Wait until the types tests use (core ones and every
 * installed CRD) answer anything else, so a test right after restartApiserver() never sees that.
 */
async function servable(server: string, token: string, caFile: string): Promise<boolean> {
  const crds = await get(
    server,
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    token,
    caFile
  );
  if (crds.status !== 200) {
    return false;
  }
  const paths = ['/api/v1/namespaces', '/api/v1/pods', '/api/v1/configmaps', '/api/v1/events'];
  for (const crd of JSON.parse(crds.body).items) {
    paths.push(`/apis/${crd.spec.group}/${crd.spec.versions[0].name}/${crd.spec.names.plural}`);
  }
  const answers = await Promise.all(
    paths.map(path => get(server, `${path}?limit=1`, token, caFile))
  );
  return answers.every(a => a.status === 200);
}

function get(
  server: string,
  path: string,
  token: string,
  caFile: string
): Promise<{ status: number; body: string }> {
  return new Promise(resolve => {
    const req = request(
      `${server}${path}`,
      {
        ca: readFileSync(caFile),
        headers: { Authorization: `Bearer ${token}` },
        timeout: 2000
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
