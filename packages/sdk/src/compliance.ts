/** Consent, the pre-send check and privacy requests (PlayerOS, pk_ keys). */
import type { RequestOptions, Transport } from './http.ts';
import { data } from './resource.ts';
import type {
  ComplianceCheckInput,
  ComplianceDecision,
  ConsentInput,
  ConsentRecord,
  PrivacyDeletion,
  PrivacyExport,
  PrivacyInput,
} from './types.ts';

export class Consent {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** Records consent given or withdrawn (one, or `{ consents: [...] }`). */
  record(input: ConsentInput, o?: RequestOptions): Promise<ConsentRecord> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/record-consent',
      body: input,
      ...o,
    });
  }
  /** The pre-send compliance check (consent, quiet hours, do-not-contact) per recipient. */
  check(input: ComplianceCheckInput, o?: RequestOptions): Promise<ComplianceDecision> {
    return data(this.#t, { method: 'POST', path: '/api/functions/tcpa-check', body: input, ...o });
  }
}

export class Privacy {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** Everything held about a player (GDPR/CCPA access request), recorded as a request. */
  export(input: PrivacyInput, o?: RequestOptions): Promise<PrivacyExport> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/export-player-data',
      body: input,
      ...o,
    });
  }
  /** Erases a player's data (destructive), recorded as a request. */
  delete(input: PrivacyInput, o?: RequestOptions): Promise<PrivacyDeletion> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/delete-player-data',
      body: input,
      ...o,
    });
  }
}
