// The floor: the same Pebble driven by a bare acme-client loop, no Temporal. Same key + CSR code
// and default spec as the service (RSA 2048, digital signature + key encipherment), HTTP-01 key
// authorizations written with the service's Http01Store so the service's responder serves them.
import * as acme from 'acme-client';
import { AcmeHttp } from '../../activities/acme-http.ts';
import { createCsr, generatePrivateKey } from '../../activities/private-key.ts';
import { Http01Store } from '../../platform/http01-store.ts';
import { certificateSchema } from '../../resources/certificate-schema.ts';
import type { TestEnv } from '../../test/support/env.ts';
import type { IssueFn } from './measure.ts';

export async function floorIssuer(env: TestEnv): Promise<IssueFn> {
  // Every acme-client request must run inside AcmeHttp.run (the service's trust and outbound policy).
  const http = new AcmeHttp(env.config.outbound);
  const trust = { server: env.pebble.directoryUrl, caBundle: Buffer.from(env.pebble.tlsCaPem).toString('base64') };
  (acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number } }).acmeSettings.retryMaxAttempts = 0;
  const store = new Http01Store(env.config.dataDir);
  const client = new acme.Client({
    directoryUrl: env.pebble.directoryUrl,
    accountKey: await acme.crypto.createPrivateRsaKey(2048), // the service's account key type too
    externalAccountBinding: { kid: env.eab.kid, hmacKey: env.eab.hmacKey },
    backoffMin: 20,
    backoffMax: 500,
  });
  await http.run(trust, () => client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:ops@example.com'] }));

  return async (name: string) => {
    const { spec } = certificateSchema.parse({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name, namespace: 'default' },
      spec: { dnsNames: [`${name}.example.test`], secretName: `${name}-tls`, issuerRef: { name: 'pebble' } },
    });
    const key = await generatePrivateKey(spec.privateKey);
    const csr = await createCsr(spec, key);
    const cert = await http.run(trust, () =>
      client.auto({
        csr,
        termsOfServiceAgreed: true,
        skipChallengeVerification: true,
        challengePriority: ['http-01'],
        challengeCreateFn: (_authz, challenge, keyAuthorization) => store.present(challenge.token, keyAuthorization),
        challengeRemoveFn: (_authz, challenge) => store.cleanup(challenge.token),
      }),
    );
    if (!cert.includes('BEGIN CERTIFICATE')) throw new Error(`floor: no certificate for ${name}`);
  };
}
