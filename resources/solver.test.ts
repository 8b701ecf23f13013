import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectSolver } from './solver.ts';
import type { AcmeSolver } from './types.ts';

const s = (selector?: AcmeSolver['selector']): AcmeSolver => (selector ? { selector, http01: {} } : { http01: {} });

const cases: Array<[string, AcmeSolver[], string, Record<string, string>, number | undefined]> = [
  ['no solvers selects nothing', [], 'a.example.com', {}, undefined],
  ['a solver without selector is used for any name', [s()], 'a.example.com', {}, 0],
  ['exact dnsNames beats dnsZones listed first', [s({ dnsZones: ['example.com'] }), s({ dnsNames: ['a.example.com'] })], 'a.example.com', {}, 1],
  ['exact dnsNames beats a longer zone', [s({ dnsZones: ['a.example.com'] }), s({ dnsNames: ['a.example.com'] })], 'a.example.com', {}, 1],
  ['the longest matching zone wins', [s({ dnsZones: ['example.com'] }), s({ dnsZones: ['sub.example.com'] }), s({ dnsZones: ['com'] })], 'a.sub.example.com', {}, 1],
  ['a zone matches its apex', [s(), s({ dnsZones: ['example.com'] })], 'example.com', {}, 1],
  ['a zone does not match a name that only shares a suffix string', [s({ dnsZones: ['example.com'] }), s()], 'badexample.com', {}, 1],
  ['dnsZones beats matchLabels', [s({ matchLabels: { team: 'a' } }), s({ dnsZones: ['example.com'] })], 'a.example.com', { team: 'a' }, 1],
  ['more matchLabels win', [s({ matchLabels: { team: 'a' } }), s({ matchLabels: { team: 'a', env: 'prod' } })], 'x.test', { team: 'a', env: 'prod' }, 1],
  ['matchLabels beat no selector', [s(), s({ matchLabels: { team: 'a' } })], 'x.test', { team: 'a' }, 1],
  ['with equal zone, more labels win', [s({ dnsZones: ['example.com'] }), s({ dnsZones: ['example.com'], matchLabels: { team: 'a' } })], 'a.example.com', { team: 'a' }, 1],
  ['non-matching labels exclude the solver', [s({ dnsNames: ['a.example.com'], matchLabels: { team: 'b' } }), s()], 'a.example.com', { team: 'a' }, 1],
  ['non-matching labels exclude even without other candidates', [s({ matchLabels: { team: 'b' } })], 'x.test', { team: 'a' }, undefined],
  ['non-matching dnsNames exclude the solver', [s({ dnsNames: ['b.example.com'] }), s()], 'a.example.com', {}, 1],
  ['non-matching dnsZones exclude the solver', [s({ dnsZones: ['example.org'] })], 'a.example.com', {}, undefined],
  ['no selector is the fallback when nothing else matches', [s({ dnsNames: ['b.example.com'] }), s({ dnsZones: ['example.org'] }), s()], 'a.example.com', {}, 2],
  ['ties go to the earlier solver (no selector)', [s(), s()], 'a.example.com', {}, 0],
  ['ties go to the earlier solver (same zone)', [s({ dnsZones: ['example.com'] }), s({ dnsZones: ['example.com'] })], 'a.example.com', {}, 0],
  ['ties go to the earlier solver (same exact name)', [s({ dnsNames: ['a.example.com'] }), s({ dnsNames: ['a.example.com'] })], 'a.example.com', {}, 0],
  ['name matching is case-insensitive', [s(), s({ dnsNames: ['A.Example.COM'] })], 'a.EXAMPLE.com', {}, 1],
  ['zone matching is case-insensitive', [s(), s({ dnsZones: ['Example.COM'] })], 'A.example.com', {}, 1],
  ['wildcard name matches dnsNames on the base name', [s(), s({ dnsNames: ['example.com'] })], '*.example.com', {}, 1],
  ['wildcard name matches a zone on the base name', [s({ dnsZones: ['other.com'] }), s({ dnsZones: ['example.com'] })], '*.example.com', {}, 1],
];

for (const [name, solvers, dnsName, labels, expected] of cases) {
  test(`selectSolver: ${name}`, () => {
    const picked = selectSolver(solvers, dnsName, labels);
    assert.equal(picked?.index, expected);
    if (expected !== undefined) assert.equal(picked?.solver, solvers[expected]);
  });
}
