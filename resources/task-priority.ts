// Task queue priority (Temporal's priorityKey: 1 runs first, 3 is the default). When the queue is
// backlogged (thousands of Certificates applied or falling due at once), the deeper a workflow
// sits in an issuance the sooner its tasks run, so issuances already under way finish before new
// ones take the worker: depth first. Without it the queue is first in, first out, and with 10,000
// Certificates applied at once no Challenge ran for over 20 minutes (npm run bench:scale).
// Activities and children inherit their workflow's priority.
import type { Priority } from '@temporalio/common';

/** Certificates (and Issuers) keep the default, 3. */
export const REQUEST_PRIORITY: Priority = { priorityKey: 2 };
export const ORDER_PRIORITY: Priority = { priorityKey: 1 };
export const CHALLENGE_PRIORITY: Priority = { priorityKey: 1 };
/** The order gate hands out slots: a grant waiting behind new work would hold its Order up. */
export const ORDER_GATE_PRIORITY: Priority = { priorityKey: 1 };
