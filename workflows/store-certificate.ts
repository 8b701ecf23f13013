// After the CA has signed, the certificate is never dropped: the order is spent, and throwing
// the chain away would mean a new order an hour later. Storing it is retried, with a growing
// wait, until the write lands (disk full, EACCES, a Secret taken by another owner...), and the
// Issuing condition says so meanwhile. The pending private key stays in the next-keys store until
// then, so a retry on another worker after a crash still has it. Also here: the status of a
// Certificate whose Secret belongs to someone else, which waits instead of ordering.
import { isCancellation, sleep } from '@temporalio/workflow';
import { isPatched } from './patches.ts';
import type { CertificateRef, IssuedChain, StoredCertificate } from '../resources/certificate-ref.ts';
import { Reason } from '../resources/condition-reasons.ts';
import { ConditionType } from '../resources/condition-types.ts';
import { setCondition } from '../resources/conditions.ts';
import { describeOwner, SECRET_OWNED_BY_OTHER } from '../resources/secret-owner.ts';
import type { CertificateStatusBook } from './certificate-status.ts';
import { storeRound } from './activities.ts';
import { failureType, rootMessage } from './failure.ts';

/** Failures no retry can fix: the key for this chain is gone, or the chain is not for it. */
const FATAL = new Set(['KeyLost', 'KeyMismatch']);
const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 5 * 60_000;

export async function storeIssuedCertificate(
  book: CertificateStatusBook,
  ref: CertificateRef,
  issued: IssuedChain,
  publish: (book: CertificateStatusBook) => void,
): Promise<StoredCertificate> {
  for (let waitMs = FIRST_WAIT_MS; ; waitMs = Math.min(waitMs * 2, MAX_WAIT_MS)) {
    try {
      return await storeRound.storeCertificate(ref, issued);
    } catch (err) {
      if (isCancellation(err) || FATAL.has(failureType(err) ?? '')) throw err;
      // Runs started before this retry loop failed the issuance here; they keep replaying that way.
      if (!isPatched('store-until-stored')) throw err;
      const message = `storing the issued certificate failed: ${rootMessage(err)}; retrying in ${waitMs / 1000}s`;
      setStatus(book, ConditionType.Issuing, 'True', Reason.StoreFailed, message);
      publish(book);
      await sleep(waitMs, { summary: 'retry storing the issued certificate' });
    }
  }
}

/** The Secret belongs to another owner: say so, and issue nothing until that changes. */
export function secretOwnedByOther(book: CertificateStatusBook, ref: CertificateRef, owner: string): void {
  const message = `Secret ${ref.namespace}/${ref.secretName} is owned by ${describeOwner(owner)}, not Certificate/${ref.certificateName}: nothing is issued until it is released or spec.secretName changes`;
  setStatus(book, ConditionType.Ready, 'False', SECRET_OWNED_BY_OTHER, message);
  setStatus(book, ConditionType.Issuing, 'False', SECRET_OWNED_BY_OTHER, message);
}

function setStatus(book: CertificateStatusBook, type: string, status: 'True' | 'False', reason: string, message: string): void {
  const cert = book.object!;
  cert.status.conditions = setCondition(cert.status.conditions, { type, status, reason, message, observedGeneration: cert.metadata.generation }, new Date());
}
