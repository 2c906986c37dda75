/**
 * Who the proxy is to Kubeflow Pipelines, in the order KFP's own SDK and the Kubeflow notebook setup use:
 * 1. a projected ServiceAccount token (audience `pipelines.kubeflow.org`) from `KF_PIPELINES_SA_TOKEN_PATH`, else
 *    the PodDefault's `/var/run/secrets/kubeflow/pipelines/token`, sent as `Authorization: Bearer`. The kubelet
 *    rotates it, so the file is read again whenever it changes;
 * 2. the `kubeflow-userid` header (behind the Kubeflow gateway): `KFWB_KUBEFLOW_USERID`, else the user the proxy
 *    already acts for (`KFWB_IMPERSONATE_USER`);
 * 3. through the kube-apiserver's service proxy, the kubeconfig's credentials (the transport adds them). The
 *    apiserver consumes the `Authorization` header itself, so a token cannot ride along there; the userid
 *    header can.
 */
import { readFileSync, statSync } from 'node:fs';
import { KfpAuthMode, KfpEndpointSource } from '../../../../contract/kfp';

export const DEFAULT_TOKEN_PATH = '/var/run/secrets/kubeflow/pipelines/token';
export const DEFAULT_USERID_HEADER = 'kubeflow-userid';

export interface IKfpAuthOptions {
  tokenPath?: string;
  userid?: string;
  useridHeader?: string;
}

export function authOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  impersonateUser?: string
): IKfpAuthOptions {
  return {
    tokenPath: env.KF_PIPELINES_SA_TOKEN_PATH || DEFAULT_TOKEN_PATH,
    userid: env.KFWB_KUBEFLOW_USERID || impersonateUser || undefined,
    useridHeader: env.KFWB_KUBEFLOW_USERID_HEADER || DEFAULT_USERID_HEADER
  };
}

/** The `sub` claim of a JWT, read without verifying (only to name the identity in messages). */
export function tokenSubject(token: string): string | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
    );
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

export class KfpAuth {
  private cached?: { key: string; token: string };

  constructor(readonly options: IKfpAuthOptions) {}

  /** The token, re-read when the file changed (inode, size or mtime: the kubelet swaps a symlink). */
  token(): string | undefined {
    const path = this.options.tokenPath;
    if (!path) {
      return undefined;
    }
    try {
      const info = statSync(path);
      const key = `${info.ino}:${info.size}:${info.mtimeMs}`;
      if (this.cached?.key !== key) {
        this.cached = { key, token: readFileSync(path, 'utf8').trim() };
      }
      return this.cached.token || undefined;
    } catch {
      this.cached = undefined;
      return undefined;
    }
  }

  mode(via: KfpEndpointSource): KfpAuthMode {
    if (via !== 'service-proxy' && this.token()) {
      return 'service-account-token';
    }
    if (this.options.userid) {
      return 'userid-header';
    }
    return via === 'service-proxy' ? 'kubeconfig' : 'none';
  }

  headers(via: KfpEndpointSource): Record<string, string> {
    switch (this.mode(via)) {
      case 'service-account-token':
        return { authorization: `Bearer ${this.token()}` };
      case 'userid-header':
        return { [this.options.useridHeader ?? DEFAULT_USERID_HEADER]: this.options.userid! };
      default:
        return {};
    }
  }

  /** The user KFP sees, when the proxy knows it. */
  identity(via: KfpEndpointSource, kubeUser?: string): string | undefined {
    switch (this.mode(via)) {
      case 'service-account-token':
        return tokenSubject(this.token()!) ?? 'the ServiceAccount of the token';
      case 'userid-header':
        return this.options.userid;
      case 'kubeconfig':
        return kubeUser;
      default:
        return undefined;
    }
  }

  /** The identity in words, for 401/403 messages. */
  describe(via: KfpEndpointSource, kubeUser?: string): string {
    const who = this.identity(via, kubeUser);
    switch (this.mode(via)) {
      case 'service-account-token':
        return `${who}, the ServiceAccount token in ${this.options.tokenPath}`;
      case 'userid-header':
        return `user "${who}" in the ${this.options.useridHeader} header`;
      case 'kubeconfig':
        return `the kubeconfig's credentials${who ? ` (${who})` : ''}, with no KFP user`;
      default:
        return `no identity (no token at ${this.options.tokenPath}, no KFWB_KUBEFLOW_USERID)`;
    }
  }

  /** What to change when KFP refuses the identity. */
  fix(via: KfpEndpointSource): string {
    switch (this.mode(via)) {
      case 'service-account-token':
        return 'give that ServiceAccount access to the profile (a Kubeflow contributor binding), or mount a token with audience pipelines.kubeflow.org (PodDefault access-ml-pipeline)';
      case 'userid-header':
        return 'add that user as a contributor of the profile, or set KFWB_KUBEFLOW_USERID to a user who is one';
      case 'kubeconfig':
        return 'the apiserver must let your kubeconfig user proxy to services in namespace kubeflow (RBAC services/proxy); in multi-user mode also set KFWB_KUBEFLOW_USERID to your Kubeflow user';
      default:
        return 'mount a ServiceAccount token with audience pipelines.kubeflow.org (PodDefault access-ml-pipeline, or KF_PIPELINES_SA_TOKEN_PATH), or set KFWB_KUBEFLOW_USERID behind the Kubeflow gateway';
    }
  }
}
