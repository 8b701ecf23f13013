// Which ACME solver answers the challenge for a name: cert-manager's rule. An exact dnsNames match
// beats a dnsZones match (longest zone wins), which beats matchLabels (most labels wins), which
// beats a solver with no selector; ties go to the earlier solver.
import type { AcmeSolver } from './types.ts';

export function selectSolver(solvers: AcmeSolver[], dnsName: string, labels: Record<string, string> = {}): { solver: AcmeSolver; index: number } | undefined {
  let best: { solver: AcmeSolver; index: number; score: number[] } | undefined;
  const name = dnsName.toLowerCase().replace(/^\*\./, '');
  solvers.forEach((solver, index) => {
    const score = scoreSolver(solver, name, labels);
    if (!score) return;
    if (!best || compare(score, best.score) > 0) best = { solver, index, score };
  });
  return best && { solver: best.solver, index: best.index };
}

// [exact name, zone length, label count]; undefined when the selector excludes the name.
function scoreSolver(solver: AcmeSolver, name: string, labels: Record<string, string>): number[] | undefined {
  const sel = solver.selector ?? {};
  const matchLabels = Object.entries(sel.matchLabels ?? {});
  if (!matchLabels.every(([k, v]) => labels[k] === v)) return undefined;
  const exact = sel.dnsNames?.some((n) => n.toLowerCase() === name) ?? false;
  const zones = (sel.dnsZones ?? []).map((z) => z.toLowerCase()).filter((z) => name === z || name.endsWith(`.${z}`));
  const zoneLen = Math.max(0, ...zones.map((z) => z.length));
  const hasNameSelector = (sel.dnsNames?.length ?? 0) > 0 || (sel.dnsZones?.length ?? 0) > 0;
  if (hasNameSelector && !exact && zoneLen === 0) return undefined;
  return [exact ? 1 : 0, zoneLen, matchLabels.length];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
