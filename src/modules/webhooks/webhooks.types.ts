/** One HTTP request to a receiver, fully built (provider shape, auth, signature). */
export interface OutboundRequest {
  method: 'POST';
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Sent as UTF-8, byte for byte what was signed. */
  body: string;
}

/** Why an attempt failed, for the delivery log and the retry decision. */
export type DeliveryErrorKind =
  | 'refused_url' // the SSRF guard refused the target (message says which rule)
  | 'timeout' // no complete answer within the time budget
  | 'network' // DNS, connection, TLS or socket error
  | 'redirect' // a 3xx answer: redirects are never followed
  | 'http_status' // any other non-2xx answer
  | 'unsendable'; // the event gives this target nothing to send (Braze without an identity)

export interface DeliveryResult {
  /** A 2xx answer arrived. */
  ok: boolean;
  /** HTTP status, or null when no answer arrived. */
  status: number | null;
  /** From the start of the attempt (DNS included) to the end of the answer or the failure. */
  latencyMs: number;
  error?: string;
  errorKind?: DeliveryErrorKind;
  /** The first bytes of the answer (UTF-8), for the log. */
  bodyExcerpt: string;
  /** The answer was longer than the excerpt. */
  bodyTruncated: boolean;
}
