// What the scale bench applies: one ClusterIssuer (so every namespace shares one ACME account, as
// the floor does) with its EAB Secret, and the N Certificates in requests of applyBatch documents.
import { stringify } from 'yaml';
import type { TestEnv } from '../../test/support/env.ts';
import type { CertRef, Layout } from './scale-params.ts';

export const CLUSTER_ISSUER = 'pebble';

export function clusterIssuerYaml(env: TestEnv): string {
  const ns = env.config.clusterResourceNamespace;
  return [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pebble-eab', namespace: ns }, stringData: { secret: env.eab.hmacKey } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: CLUSTER_ISSUER },
      spec: {
        acme: {
          email: 'ops@example.com',
          server: env.pebble.directoryUrl,
          caBundle: Buffer.from(env.pebble.tlsCaPem).toString('base64'),
          externalAccountBinding: { keyID: env.eab.kid, keySecretRef: { name: 'pebble-eab', key: 'secret' }, keyAlgorithm: 'HS256' },
          privateKeySecretRef: { name: 'pebble-account-key' },
          solvers: [{ http01: { ingress: { class: 'nginx' } } }],
        },
      },
    },
  ]
    .map((d) => stringify(d))
    .join('---\n');
}

export function certificatesYaml(layout: Layout, certs: CertRef[]): string {
  return certs
    .map((c) =>
      stringify({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: c.name, namespace: c.namespace, labels: { bench: 'scale', shard: layout.shard(c.index), 'bench-id': String(c.index) } },
        spec: { dnsNames: [`${c.name}.${c.namespace}.example.test`], secretName: c.secretName, issuerRef: { name: CLUSTER_ISSUER, kind: 'ClusterIssuer' } },
      }),
    )
    .join('---\n');
}
