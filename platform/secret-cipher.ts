// Encryption at rest for Secret values kept in a database: AES-256-GCM, a random 12-byte nonce
// per value, and the key's id stored beside each value so keys can be rotated (old keys keep
// decrypting until `npm run reencrypt` has rewritten every row with the current one). The
// authenticated data binds a value to its place (store, namespace, name, key): a value copied to
// another row does not decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface Sealed {
  keyId: string;
  nonce: Buffer;
  /** Ciphertext followed by the 16-byte GCM tag. */
  ciphertext: Buffer;
}

const TAG_BYTES = 16;

/** A key's id: a hash prefix, so the id names a key without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('secret-encryption-key-id\0').update(key).digest('hex').slice(0, 16);
}

export class SecretCipher {
  readonly currentKeyId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new Error(`an encryption key must be 32 bytes, got ${key.length}`);
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyIdOf(current);
  }

  seal(plaintext: Buffer, aad: string): Sealed {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { keyId: this.currentKeyId, nonce, ciphertext };
  }

  open(sealed: Sealed, aad: string): Buffer {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`value encrypted with key ${sealed.keyId}, which is not configured (SECRET_ENCRYPTION_KEY / SECRET_ENCRYPTION_OLD_KEYS)`);
    if (sealed.ciphertext.length < TAG_BYTES) throw new Error(`cannot decrypt ${aad}: value too short`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.ciphertext.subarray(-TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.ciphertext.subarray(0, -TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`cannot decrypt ${aad}: authentication failed (tampered, moved, or wrong key)`);
    }
  }
}

/** Where a value sits, as authenticated data. */
export const valuePlace = (store: string, namespace: string, name: string, key: string): string => `${store}\0${namespace}\0${name}\0${key}`;
