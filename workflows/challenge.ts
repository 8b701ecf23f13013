// Challenge: one ACME authorization. Pick the solver, present, self-check, accept, wait for the
// CA's verdict, and always clean up, even when cancelled.
import { ApplicationFailure, CancellationScope, isCancellation, setHandler } from '@temporalio/workflow';
import { isPatched, refuseRunsAboveLevel } from './patches.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import type { AcmeAuthorizationState as Authz } from '../resources/acme-order-state.ts';
import { getChallenge } from '../resources/messages.ts';
import { challengeLabels } from '../resources/owner-labels.ts';
import type { ChallengeObject } from '../resources/objects.ts';
import { selectSolver } from '../resources/solver.ts';
import type { IssuerRef } from '../resources/types.ts';
import { acme, quickSelfCheck, selfCheck } from './activities.ts';
import { pollUntil } from './poll.ts';
import { objectPublisher } from './publish.ts';

export { getChallenge };

export interface ChallengeInput {
  namespace: string;
  name: string;
  orderName: string;
  issuerRef: IssuerRef;
  issuer: AcmeIssuerContext;
  authorization: Authz;
  labels: Record<string, string>;
}

export async function challengeWorkflow(input: ChallengeInput): Promise<void> {
  refuseRunsAboveLevel();
  const { authorization: authz, issuer } = input;
  const dnsName = authz.identifier.value;
  const picked = selectSolver(issuer.acme.solvers, dnsName, input.labels);
  const http01 = authz.challenges.find((c) => c.type === 'http-01');
  const object: ChallengeObject = {
    apiVersion: 'acme.cert-manager.io/v1',
    kind: 'Challenge',
    metadata: { name: input.name, namespace: input.namespace, labels: challengeLabels(input.orderName) },
    spec: {
      url: http01?.url ?? '',
      authorizationURL: authz.url,
      dnsName,
      wildcard: authz.wildcard,
      type: 'HTTP-01',
      token: http01?.token ?? '',
      key: '',
      solver: picked?.solver ?? null,
      issuerRef: input.issuerRef,
    },
    status: { processing: true, presented: false, reason: '', state: authz.status },
  };
  setHandler(getChallenge, () => object);
  const publish = objectPublisher<ChallengeObject>();
  publish(object);

  const fail = (reason: string): never => {
    object.status = { ...object.status, processing: false, reason, state: 'invalid' };
    publish(object);
    throw ApplicationFailure.nonRetryable(`Challenge for ${dnsName} failed: ${reason}`, 'ChallengeFailed');
  };
  if (!picked) fail(`no solver in issuer ${input.issuerRef.name} matches ${dnsName}`);
  if (!picked!.solver.http01) fail(`solver ${picked!.index} has no http01 configuration`);
  if (authz.wildcard) fail('HTTP-01 cannot validate a wildcard name; a dns01 solver is required');
  if (!http01) fail(`the ACME server offered no http-01 challenge (offered: ${authz.challenges.map((c) => c.type).join(', ')})`);
  const challenge = http01!;

  try {
    object.spec.key = await acme.presentHttp01(issuer, challenge.token);
    object.status.presented = true;
    object.status.reason = 'Waiting for HTTP-01 challenge propagation';
    publish(object);
    await selfCheckUntilReached(dnsName, challenge.token, object.spec.key);
    object.status.reason = 'Challenge accepted, waiting for the ACME server to validate it';
    publish(object);
    await acme.acceptAcmeChallenge(issuer, challenge.url);
    const final = await pollUntil<Authz>(
      () => acme.getAcmeAuthorization(issuer, authz.url),
      (a) => a.status !== 'pending' && a.challenges.find((c) => c.url === challenge.url)?.status !== 'processing',
      { what: `authorization of ${dnsName}` },
    );
    object.status.state = final.status;
    if (final.status !== 'valid') {
      const error = final.challenges.find((c) => c.url === challenge.url)?.error;
      fail(error ?? `authorization is ${final.status}`);
    }
    object.status.reason = 'Successfully authorized domain';
  } catch (err) {
    if (object.status.processing && object.status.state !== 'invalid') {
      object.status.reason = (err as Error).message;
      object.status.state = 'errored';
    }
    throw err;
  } finally {
    object.status.processing = false;
    // Clean up even when the order is cancelled: a stale response must not stay served.
    await CancellationScope.nonCancellable(() => acme.cleanupHttp01(challenge.token));
    object.status.presented = false;
    publish(object);
  }
}

async function selfCheckUntilReached(dnsName: string, token: string, keyAuthorization: string): Promise<void> {
  if (isPatched('quick-local-self-check')) {
    try {
      return await quickSelfCheck.selfCheckHttp01(dnsName, token, keyAuthorization);
    } catch (err) {
      if (isCancellation(err)) throw err;
    }
  }
  await selfCheck.selfCheckHttp01(dnsName, token, keyAuthorization);
}
