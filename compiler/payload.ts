/**
 * The files a notebook/script/function step carries inside the IR: JSON → UTF-8 → zlib → base64, split into
 * command-line arguments below Linux's per-argument limit (128 KiB), so no object store is needed.
 */
import { strToU8, zlibSync } from 'fflate';

/** Characters per argument: well below MAX_ARG_STRLEN (131072 bytes). */
export const CHUNK_CHARS = 96 * 1024;
/** Above this the step still compiles, with a warning: pods and Argo workflows carry the command in etcd. */
export const EMBED_WARN_BYTES = 512 * 1024;

export interface IPortTypes {
  /** `default`: the input's default, used when the launcher passes no value (KFP fills it in; not every runner does). */
  [name: string]: { type?: string; artifact?: string; default?: unknown };
}

export interface IStepPayload {
  /** Path (from the step's working root) → text. */
  files: Record<string, string>;
  /** Where the pipeline's folder is inside the step's working root (`.`, or `_/_` when files live above it). */
  home: string;
  inputs: IPortTypes;
  outputs: IPortTypes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

/** The payload as base64 chunks (deterministic: the same files give the same IR, so caching keys hold). */
export function encodePayload(payload: IStepPayload): string[] {
  const encoded = toBase64(zlibSync(strToU8(JSON.stringify(payload)), { level: 9 }));
  const chunks: string[] = [];
  for (let i = 0; i < encoded.length; i += CHUNK_CHARS) {
    chunks.push(encoded.slice(i, i + CHUNK_CHARS));
  }
  return chunks.length ? chunks : [''];
}

/** A notebook without outputs and execution counts: they do not affect the run, and they can be large. */
export function stripNotebook(text: string): string {
  const nb = JSON.parse(text) as { cells?: Record<string, unknown>[] };
  for (const cell of nb.cells ?? []) {
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  return JSON.stringify(nb);
}
