import { Slot, type Template } from './walls-matrix.ts';
import { RAW_BODIES } from './walls-rules.ts';
import type { Objects } from './walls-seed.ts';

/**
 * The requests of a template (walls-matrix.ts): which tenant fills each slot, and the request
 * that results.
 */

/** Which tenant fills a slot: the caller's own (`self`), the other (`other`), or none. */
export type Side = 'self' | 'other' | 'omit';

export interface Variant {
  readonly name: string;
  readonly choose: (slot: Slot) => Side;
}

const isNarrowing = (slot: Slot) => slot.role === 'filter' || slot.role === 'scoped';

/**
 * The variants of a template that put the other tenant's objects in: all of them at once
 * (`foreign`), and each reference alone while the rest is the caller's own (so an answer is
 * about that one reference). Credential slots always hold the caller's own.
 */
export function variantsOf(template: Template): Variant[] {
  const targets = template.slots.filter((slot) => slot.role !== 'credential');
  const variants: Variant[] = [
    { name: 'foreign', choose: (slot) => (slot.role === 'credential' ? 'self' : 'other') },
  ];
  for (const one of targets) {
    if (one.role === 'tenant') continue;
    variants.push({
      name: one.label,
      choose: (slot) => {
        if (slot === one) return 'other';
        return isNarrowing(slot) && !slot.required ? 'omit' : 'self';
      },
    });
  }
  return variants;
}

/** Everything the caller's own (the control that a refusal does not depend on the tenant). */
export const ownVariant: Variant = {
  name: 'own',
  choose: (slot) => (isNarrowing(slot) && !slot.required ? 'omit' : 'self'),
};

export interface Built {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | undefined;
  /** The slots filled with the other tenant's objects. */
  readonly other: readonly Slot[];
}

/** The request of a variant: `self` and `other` are the two tenants' (or ghost) objects. */
export function build(template: Template, variant: Variant, self: Objects, other: Objects): Built {
  const filled: Slot[] = [];
  const pick = (slot: Slot): string | number | undefined => {
    const side = variant.choose(slot);
    if (side === 'omit') return undefined;
    if (side === 'other') filled.push(slot);
    return (side === 'self' ? self : other)[slot.kind];
  };
  const value = (slot: Slot): unknown => {
    const raw = pick(slot);
    return raw !== undefined && slot.list ? [raw] : raw;
  };
  const fill = (node: unknown): unknown => {
    if (node instanceof Slot) return value(node);
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        const filledChild = fill(child);
        if (filledChild !== undefined) out[key] = filledChild;
      }
      return out;
    }
    return node;
  };
  let path = template.path;
  for (const [name, slot] of template.pathParams) {
    const raw = slot instanceof Slot ? pick(slot) : slot;
    path = path.replace(`{${name}}`, encodeURIComponent(String(raw)));
  }
  const search = new URLSearchParams();
  for (const [name, slot] of template.query) {
    const raw = slot instanceof Slot ? pick(slot) : slot;
    if (raw !== undefined) search.append(name, String(raw));
  }
  const headers: Record<string, string> = {};
  for (const [name, slot] of template.headers) {
    const raw = pick(slot);
    if (raw !== undefined) headers[name] = String(raw);
  }
  const raw = RAW_BODIES[template.operationId];
  const body = raw
    ? raw.body
    : template.body === undefined
      ? undefined
      : JSON.stringify(fill(template.body));
  if (raw) {
    headers['content-type'] = raw.contentType;
    headers['content-length'] = String(raw.body.length);
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    // Node's client neither frames a DELETE body by default (no chunking) nor sizes it: without
    // a length the server reads a malformed request (the do-not-contact DELETE takes a body).
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const query = search.toString();
  return {
    method: template.method,
    url: query ? `${path}?${query}` : path,
    headers,
    body,
    other: filled,
  };
}
