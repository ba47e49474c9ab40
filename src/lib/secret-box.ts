import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Sealing outbound secrets at rest: a webhook's signing secret or a connection's API key must be
 * usable (to sign, to authenticate to Braze), so it cannot be stored as a hash. It is stored as
 * `v1.<key id>.<iv>.<ciphertext+tag>` (AES-256-GCM, base64url), and opened only to send.
 * The key id (8 hex digits of the key's SHA-256) makes a wrong key a clear error, not garbage.
 */

const VERSION = 'v1';

export class SecretBoxError extends Error {}

export interface SecretBox {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
  /**
   * A short tag proving PlayLoop wrote `data` for `purpose` (HMAC-SHA256 under a key derived
   * from the box's key, 128 bits, base64url): links that must not be forged but need no secret
   * inside (a tracked click's target) are signed, not sealed.
   */
  sign(purpose: string, data: string): Promise<string>;
  /** Whether `tag` is sign(purpose, data), compared in constant time. */
  verify(purpose: string, data: string, tag: string): Promise<boolean>;
}

/**
 * Per key: its id and a KeyObject. Node builds a key object from a raw Buffer on every cipher
 * or HMAC call, which is most of a seal's cost; a campaign seals and signs per recipient.
 */
const prepared = new WeakMap<Buffer, { id: string; object: KeyObject }>();

function preparedKey(key: Buffer): { id: string; object: KeyObject } {
  let found = prepared.get(key);
  if (!found) {
    found = {
      id: createHash('sha256').update(key).digest('hex').slice(0, 8),
      object: createSecretKey(key),
    };
    prepared.set(key, found);
  }
  return found;
}

const keyId = (key: Buffer): string => preparedKey(key).id;

export function sealWith(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', preparedKey(key).object, iv);
  const body = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return [VERSION, keyId(key), iv.toString('base64url'), body.toString('base64url')].join('.');
}

export function openWith(key: Buffer, sealed: string): string {
  const [version, id, iv, body] = sealed.split('.');
  if (version !== VERSION || !id || !iv || !body) {
    throw new SecretBoxError('not a sealed secret');
  }
  if (id !== keyId(key)) {
    throw new SecretBoxError(
      `sealed under another key (${id}); SECRETS_KEY must be the key it was sealed with`,
    );
  }
  const bytes = Buffer.from(body, 'base64url');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    preparedKey(key).object,
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(0, bytes.length - 16)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SecretBoxError('sealed secret failed its integrity check');
  }
}

const derivedKeys = new Map<string, KeyObject>();

function signWith(key: Buffer, purpose: string, data: string): Buffer {
  const name = `${keyId(key)}:${purpose}`;
  let derived = derivedKeys.get(name);
  if (!derived) {
    derived = createSecretKey(
      Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `playloop:${purpose}`, 32)),
    );
    derivedKeys.set(name, derived);
  }
  return createHmac('sha256', derived).update(data).digest().subarray(0, 16);
}

/** A box over a key known now, or one loaded on first use (then kept). */
export function createSecretBox(key: Buffer | (() => Promise<Buffer>)): SecretBox {
  let loaded: Promise<Buffer> | undefined = Buffer.isBuffer(key) ? Promise.resolve(key) : undefined;
  const load = (): Promise<Buffer> => {
    if (!loaded) {
      loaded = (key as () => Promise<Buffer>)().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
    }
    return loaded;
  };
  return {
    async seal(plaintext) {
      return sealWith(await load(), plaintext);
    },
    async open(sealed) {
      return openWith(await load(), sealed);
    },
    async sign(purpose, data) {
      return signWith(await load(), purpose, data).toString('base64url');
    },
    async verify(purpose, data, tag) {
      const expected = signWith(await load(), purpose, data);
      const given = Buffer.from(tag, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
