// The API's DNS check of ACME server names, after schema validation (which refuses literal
// link-local/metadata addresses and names): a name that resolves to a refused address is a 422
// naming spec.acme.server, before any workflow starts. The worker checks again at connect time,
// since DNS can change; a name that does not resolve yet is left to that check.
import type { OutboundOptions } from '../../platform/config.ts';
import { checkHost } from '../../platform/outbound-dns.ts';
import type { FieldCause, IssuerManifest, Manifest } from '../../resources/types.ts';

// An apply waits this long at most for DNS; a slow resolver must not hold the API.
const LOOKUP_DEADLINE_MS = 5_000;

export async function outboundCauses(manifests: Manifest[], outbound: OutboundOptions): Promise<FieldCause[]> {
  const issuers = manifests.filter((m): m is IssuerManifest => m.kind === 'Issuer' || m.kind === 'ClusterIssuer');
  const causes = await Promise.all(
    issuers.map(async (m): Promise<FieldCause | undefined> => {
      const refusal = await refusalFor(m.spec.acme.server, outbound);
      if (!refusal) return undefined;
      const who = m.kind === 'ClusterIssuer' ? `${m.kind} ${m.metadata.name}` : `${m.kind} ${m.metadata.namespace ?? 'default'}/${m.metadata.name}`;
      const message = `Forbidden: ${refusal}`;
      return { field: 'spec.acme.server', message: manifests.length > 1 ? `${who}: ${message}` : message, reason: 'FieldValueForbidden' };
    }),
  );
  return causes.filter((c): c is FieldCause => c !== undefined);
}

async function refusalFor(server: string, outbound: OutboundOptions): Promise<string | undefined> {
  const check = checkHost(new URL(server).hostname, outbound.policy, outbound.nameservers).then(
    (r) => r.refusal,
    () => undefined, // unresolvable now: the worker's connect-time check decides
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), LOOKUP_DEADLINE_MS);
  });
  try {
    return await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
