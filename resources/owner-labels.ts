// Labels cert-manager puts on the objects it creates for an issuance, shared by the workflow that
// builds each object and the one that starts it (its search attributes carry the same labels).
import { Label } from './annotations.ts';

export const orderLabels = (requestName: string) => ({ [Label.CertificateRequestName]: requestName });
export const challengeLabels = (orderName: string) => ({ [Label.OrderName]: orderName });
