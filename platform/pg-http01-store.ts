// HTTP-01 key authorizations in PostgreSQL: a worker on one machine presents, the API replica
// the CA happens to reach answers. Key authorizations are public, so they are stored as they are.
import type pg from 'pg';
import { TOKEN, type Http01TokenStore } from './http01-store.ts';

export class PostgresHttp01Store implements Http01TokenStore {
  constructor(private readonly pool: pg.Pool) {}

  async present(token: string, keyAuthorization: string): Promise<void> {
    if (!TOKEN.test(token)) throw new Error(`invalid ACME token "${token}"`);
    await this.pool.query(
      `INSERT INTO http01_tokens (token, key_authorization) VALUES ($1, $2)
       ON CONFLICT (token) DO UPDATE SET key_authorization = EXCLUDED.key_authorization, created_at = now()`,
      [token, keyAuthorization],
    );
  }

  async get(token: string): Promise<string | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const { rows } = await this.pool.query<{ key_authorization: string }>('SELECT key_authorization FROM http01_tokens WHERE token = $1', [token]);
    return rows[0]?.key_authorization;
  }

  async cleanup(token: string): Promise<void> {
    if (!TOKEN.test(token)) throw new Error(`invalid ACME token "${token}"`);
    await this.pool.query('DELETE FROM http01_tokens WHERE token = $1', [token]);
  }

  async presentedTokens(): Promise<string[]> {
    const { rows } = await this.pool.query<{ token: string }>('SELECT token FROM http01_tokens ORDER BY token');
    return rows.map((r) => r.token);
  }
}
