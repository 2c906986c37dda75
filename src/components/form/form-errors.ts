/**
 * The errors of one launcher form: the shared validator's as you type (they block submit), the server's mapped
 * back onto fields (they do not block a retry), a banner for what has no field; and the create in flight.
 */
import { IFieldError } from '../../../contract/errors';
import { ProxyError } from '../../api/errors';

export interface IBanner {
  message: string;
  details: string[];
}

/** Maps a JSON pointer of the spec to the form field that shows it; `placed` false: no field shows it. */
export interface IFieldMapping {
  fieldOf(path: string): string;
  placed(field: string): boolean;
}

export class FormErrors {
  private _client = new Map<string, string>();
  private _server = new Map<string, string>();
  banner: IBanner | null = null;
  /** A create is in flight (the submit button says so and a second one is ignored). */
  submitting = false;

  constructor(private readonly mapping: IFieldMapping) {}

  /** Valid by the shared schema. */
  get valid(): boolean {
    return this._client.size === 0;
  }
  get count(): number {
    return this._client.size;
  }

  /** The message shown at `field` (validator first, then the server's), if any. */
  error(field: string): string | undefined {
    return this._client.get(field) ?? this._server.get(field);
  }

  /** The validator's result for the current values; an unplaced error keeps its path in the message. */
  validated(result: { ok: true } | { ok: false; fields: IFieldError[] }): void {
    this._client = new Map();
    if (!result.ok) {
      for (const f of result.fields) {
        const field = this.mapping.fieldOf(f.path);
        if (!this._client.has(field)) {
          this._client.set(
            field,
            this.mapping.placed(field) ? f.message : `${f.path}: ${f.message}`
          );
        }
      }
    }
  }

  /** A field was edited: the server's word on it no longer holds. */
  edited(field: string): void {
    this._server.delete(field);
  }

  /** Rows shifted or the form changed shape: the server's field errors no longer point at the right place. */
  clearServer(): void {
    this._server.clear();
  }

  /** A failed create: field errors at their fields, the banner says so and carries whatever has no field. */
  serverError(e: unknown): void {
    const fields = e instanceof ProxyError ? e.fields : [];
    this._server.clear();
    const unplaced: string[] = [];
    for (const f of fields) {
      const field = this.mapping.fieldOf(f.path);
      if (!this.mapping.placed(field)) {
        unplaced.push(`${f.path}: ${f.message}`);
      } else if (!this._server.has(field)) {
        this._server.set(field, f.message);
      }
    }
    const message = e instanceof Error ? e.message : String(e);
    this.banner = {
      message: fields.length > unplaced.length ? `${message} (see the marked fields)` : message,
      details: unplaced
    };
  }

  /**
   * Runs a create: `submitting` while it runs (`changed` called at each step), the server's errors mapped onto
   * the fields when it fails. Resolves with what `create` gave, or undefined when it failed or one is in flight.
   */
  async submit<T>(create: () => Promise<T>, changed: () => void): Promise<T | undefined> {
    if (this.submitting) {
      return undefined;
    }
    this.submitting = true;
    this.banner = null;
    changed();
    try {
      return await create();
    } catch (e) {
      this.serverError(e);
      return undefined;
    } finally {
      this.submitting = false;
      changed();
    }
  }
}
