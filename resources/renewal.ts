// When to renew: cert-manager's rule. renewBefore, or renewBeforePercentage of the issued
// lifetime, or by default a third of it; a renewBefore as long as the lifetime falls back to 1/3.
import { parseGoDuration } from './duration.ts';

export interface RenewalInput {
  notBefore: Date;
  notAfter: Date;
  renewBefore?: string;
  renewBeforePercentage?: number;
}

export function renewalTime({ notBefore, notAfter, renewBefore, renewBeforePercentage }: RenewalInput): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  let before: number | undefined;
  if (renewBeforePercentage !== undefined) before = (lifetime * renewBeforePercentage) / 100;
  else if (renewBefore !== undefined) before = parseGoDuration(renewBefore);
  if (before === undefined || before <= 0 || before >= lifetime) before = lifetime / 3;
  const at = notAfter.getTime() - before;
  return new Date(Math.floor(at / 1000) * 1000);
}
