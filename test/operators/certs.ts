/**
 * One webhook serving certificate per machine, shared by every test run. Both operators hard-code where they
 * read it from (the training operator: /tmp/k8s-webhook-server/serving-certs, written by its cert rotator from
 * a Secret; katib-controller: /tmp/cert), so two test runs at once would overwrite each other's certificates.
 * With one stable pair they write the same bytes. It is valid for:
 * - IP 127.0.0.1: kube-apiserver calls the webhooks on loopback (clientConfig.url);
 * - DNS training-operator.kubeflow.svc: the training operator's rotator verifies the Secret's certificate
 *   against that name and would replace it (and its CA) with one lacking the IP otherwise;
 * and the CA carries DNS training-operator-ca, which the rotator checks on the CA.
 * Validity 10 years: the rotator renews anything expiring within 90 days.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface IWebhookCerts {
  caCrt: string;
  caKey: string;
  tlsCrt: string;
  tlsKey: string;
}

const VERSION = 'v2'; // bump when the names or SANs below change
export const TRAINING_OPERATOR_DNS = 'training-operator.kubeflow.svc';
const CA_NAME = 'training-operator-ca';

export function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubeflow-workbench');
}

export function webhookCerts(): IWebhookCerts {
  const dir = join(cacheRoot(), 'webhook-certs', VERSION);
  if (!existsSync(join(dir, 'tls.key'))) {
    mkdirSync(join(cacheRoot(), 'webhook-certs'), { recursive: true });
    const tmp = mkdtempSync(`${dir}.tmp-`);
    generate(tmp);
    try {
      renameSync(tmp, dir); // atomic; a concurrent run that got there first wins and we use its pair
    } catch {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    caCrt: read('ca.crt'),
    caKey: read('ca.key'),
    tlsCrt: read('tls.crt'),
    tlsKey: read('tls.key')
  };
}

function generate(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  // RSA, like the certificates both operators would generate themselves.
  const rsa = ['-newkey', 'rsa:2048', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...rsa,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '3650',
    '-subj',
    `/O=training-operator/CN=${CA_NAME}`,
    '-addext',
    `subjectAltName=DNS:${CA_NAME}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,digitalSignature'
  );
  openssl(
    'req',
    ...rsa,
    '-keyout',
    'tls.key',
    '-out',
    'tls.csr',
    '-subj',
    `/CN=${TRAINING_OPERATOR_DNS}`
  );
  writeFileSync(
    join(dir, 'tls.ext'),
    `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:${TRAINING_OPERATOR_DNS}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n`
  );
  // The rotator parses keys as PKCS#1 ("RSA PRIVATE KEY"); openssl 3 writes PKCS#8.
  for (const key of ['ca.key', 'tls.key']) {
    openssl('rsa', '-in', key, '-out', key, '-traditional');
  }
  openssl(
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tls.crt',
    '-days',
    '3650',
    '-extfile',
    'tls.ext'
  );
}

/** Writes tls.crt/tls.key into dir unless it already holds exactly these bytes (another run's copy). */
export function installServingPair(dir: string, certs: IWebhookCerts): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, body] of [
    ['tls.crt', certs.tlsCrt],
    ['tls.key', certs.tlsKey]
  ] as const) {
    const path = join(dir, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== body) {
      const tmp = `${path}.${process.pid}`;
      writeFileSync(tmp, body, { mode: 0o600 });
      renameSync(tmp, path);
    }
  }
}
