// The workflow bundle's entry: every workflow type the worker registers.
export { issuerWorkflow } from './issuer.ts';
export { certificateWorkflow } from './certificate.ts';
export { certificateRequestWorkflow } from './certificate-request.ts';
export { orderWorkflow } from './order.ts';
export { challengeWorkflow } from './challenge.ts';
export { orderGateWorkflow } from './order-gate.ts';
