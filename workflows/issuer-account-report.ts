// A Certificate whose request the CA refused because of the issuer's account tells the Issuer
// workflow (an external signal), which verifies the account and registers it again if it is gone.
import { getExternalWorkflowHandle, isCancellation } from '@temporalio/workflow';
import { issuerWorkflowId } from '../resources/ids.ts';
import { accountRejected, type AccountRejectedReport } from '../resources/messages.ts';
import type { IssuerRef } from '../resources/types.ts';

export async function reportAccountRejection(namespace: string, ref: IssuerRef, report: AccountRejectedReport): Promise<void> {
  const id = issuerWorkflowId(ref.kind, namespace, ref.name);
  try {
    await getExternalWorkflowHandle(id).signal(accountRejected, report);
  } catch (err) {
    // An issuer deleted meanwhile: the Certificate waits for it with IssuerNotFound anyway.
    if (isCancellation(err)) throw err;
  }
}
