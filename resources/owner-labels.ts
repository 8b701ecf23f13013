// Labels cert-manager puts on the objects it creates for an issuance, shared by the workflow that
// builds each object and the one that starts it (its search attributes carry the same labels).
export const orderLabels = (requestName: string) => ({ 'cert-manager.io/certificate-request-name': requestName });
export const challengeLabels = (orderName: string) => ({ 'acme.cert-manager.io/order-name': orderName });
