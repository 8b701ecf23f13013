// RFC 8555 section 7.2: the server answers every POST with a fresh Replay-Nonce, which the next
// signed request may use. acme-client throws it away and asks newNonce with a HEAD before every
// signed request, so each ACME call cost two round trips; with the nonces kept it costs one.
// A nonce the server no longer accepts earns badNonce, which acme-client answers by sending the
// request again with the nonce of that error (section 6.5), so a stale one costs a round trip,
// never a failure.

interface NonceResponse {
  status: number;
  headers: Record<string, unknown>;
}

/** The part of acme-client's HttpClient this touches. */
export interface NonceHttp<R extends NonceResponse = NonceResponse> {
  request(url: string, method: 'get' | 'head' | 'post', opts?: object): Promise<R>;
  getNonce(): Promise<string>;
}

interface Kept {
  nonce: string;
  at: number;
}

/** Nonces older than this are not used: servers expire them (Boulder after about an hour). */
export const NONCE_MAX_AGE_MS = 60_000;
/** More than this in hand means more requests finished than start: the oldest are dropped. */
export const MAX_KEPT_NONCES = 32;

/**
 * Keeps the Replay-Nonce of each successful POST and hands it to the next signed request.
 * An error answer's nonce is left alone: acme-client uses a badNonce answer's nonce itself.
 */
export function keepNonces<R extends NonceResponse>(http: NonceHttp<R>, now: () => number = Date.now): void {
  const kept: Kept[] = [];
  const request = http.request.bind(http);
  const getNonce = http.getNonce.bind(http);
  http.request = async (url, method, opts) => {
    const resp = await request(url, method, opts);
    const nonce = resp.headers['replay-nonce'];
    if (method === 'post' && resp.status < 400 && typeof nonce === 'string' && nonce) {
      kept.push({ nonce, at: now() });
      if (kept.length > MAX_KEPT_NONCES) kept.shift();
    }
    return resp;
  };
  http.getNonce = async () => {
    // Newest first: the one least likely to have expired.
    for (let k = kept.pop(); k; k = kept.pop()) {
      if (now() - k.at <= NONCE_MAX_AGE_MS) return k.nonce;
    }
    return getNonce();
  };
}
