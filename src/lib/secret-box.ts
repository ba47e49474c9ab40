import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

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
}

const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

export function sealWith(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
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
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
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
  };
}
