// Turns the secret store's change reports into secretChanged signals for the Certificates
// concerned, so an idle Certificate costs nothing until its Secret really changes. Which ones:
//   - the owner record names a Certificate: that one (others naming the Secret keep waiting);
//   - otherwise (nobody owns it: its owner gave it up, or a user deleted the record by hand; or a
//     user or an Issuer owns it): every running Certificate whose spec.secretName is it
//     (CertManagerSecretName in visibility), and the one its certificate-name annotation names.
//     They claim a free Secret at once, or say at once that someone else holds it;
//   - nobody, when the change was made as a Certificate (its own issuance: it knows).
// Reports for one Secret coalesce while it is queued or being handled; a few are handled at once.
import type { Client } from '@temporalio/client';
import { GRPC_NOT_FOUND, grpcCode } from '../platform/grpc-code.ts';
import type { Logger } from '../platform/logger.ts';
import { KIND, NAMESPACE, SECRET_NAME } from '../resources/search-attributes.ts';
import type { SecretStore } from '../platform/secret-store.ts';
import { certificateWorkflowId } from '../resources/ids.ts';
import { secretChanged } from '../resources/messages.ts';
import { certificateOf } from '../resources/secret-owner.ts';
import { Annotation } from '../resources/annotations.ts';

const CONCURRENCY = 8;

export interface SecretChangeRelayDeps {
  secrets: SecretStore;
  client: Client;
  log: Logger;
}

/** Starts relaying; returns the function that stops it. */
export function relaySecretChanges(deps: SecretChangeRelayDeps): () => void {
  const queued = new Set<string>();
  const inFlight = new Set<string>();
  let stopped = false;

  const pump = () => {
    for (const key of queued) {
      if (stopped || inFlight.size >= CONCURRENCY) return;
      if (inFlight.has(key)) continue; // reported again while handled: handled again after
      queued.delete(key);
      inFlight.add(key);
      const [namespace, name] = key.split('/') as [string, string];
      void wake(deps, namespace, name)
        .catch((err) => deps.log.warn({ secret: key, err: (err as Error).message }, 'could not wake the Certificates of a changed Secret; their resync will'))
        .finally(() => {
          inFlight.delete(key);
          pump();
        });
    }
  };
  const unwatch = deps.secrets.watch(
    (namespace, name, detail) => {
      // Written or claimed as a Certificate: by that Certificate's own issuance (or by the apply
      // that starts it), on whichever worker or API replica. It knows; waking it is a wasted
      // task, once per other worker. (The file store cannot say; it drops its own writes only.)
      if (certificateOf(detail?.madeAs)) return;
      queued.add(`${namespace}/${name}`);
      pump();
    },
    { onError: (err) => deps.log.warn({ err: err.message }, 'secret store watch') },
  );
  return () => {
    stopped = true;
    unwatch();
  };
}

async function wake(deps: SecretChangeRelayDeps, namespace: string, name: string): Promise<void> {
  const certificates = await certificatesFor(deps, namespace, name);
  for (const certificate of certificates) {
    try {
      await deps.client.workflow.getHandle(certificateWorkflowId(namespace, certificate)).signal(secretChanged);
    } catch (err) {
      if (grpcCode(err) !== GRPC_NOT_FOUND && (err as Error).name !== 'WorkflowNotFoundError') throw err;
    }
  }
  if (certificates.length > 0) deps.log.debug({ secret: `${namespace}/${name}`, certificates }, 'Secret changed: woke its Certificates');
}

async function certificatesFor(deps: SecretChangeRelayDeps, namespace: string, name: string): Promise<string[]> {
  const owner = certificateOf(await deps.secrets.owner(namespace, name));
  if (owner) return [owner];
  const found = new Set<string>();
  const annotated = (await deps.secrets.read(namespace, name))?.meta.annotations?.[Annotation.CertificateName];
  if (annotated) found.add(annotated);
  for await (const wf of deps.client.workflow.list({ query: certificatesUsingQuery(namespace, name) })) {
    const certificate = wf.workflowId.slice(certificateWorkflowId(namespace, '').length);
    if (certificate) found.add(certificate);
  }
  return [...found];
}

/** Running Certificates in `namespace` whose spec.secretName is `secretName` (names are [-._a-zA-Z0-9]). */
export function certificatesUsingQuery(namespace: string, secretName: string): string {
  const quote = (v: string) => `'${v.replace(/[\\']/g, '\\$&')}'`;
  return `${KIND.name} = 'Certificate' AND ${NAMESPACE.name} = ${quote(namespace)} AND ${SECRET_NAME.name} = ${quote(secretName)} AND ExecutionStatus = 'Running'`;
}
