import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelSelectorQuery, labelsMatch, labelTerms, parseLabelSelector } from './label-selector.ts';

test('labelTerms lists key=value and key for every label', () => {
  assert.deepEqual(labelTerms({ app: 'web', 'example.com/tier': 'db' }), ['app', 'app=web', 'example.com/tier', 'example.com/tier=db']);
  assert.deepEqual(labelTerms(undefined), []);
});

const ok: Array<[string, string]> = [
  ['app=web', "CertManagerLabels = 'app=web'"],
  ['app==web', "CertManagerLabels = 'app=web'"],
  ['app!=web', "CertManagerLabels != 'app=web'"],
  ['app', "CertManagerLabels = 'app'"],
  ['!app', "CertManagerLabels != 'app'"],
  ['env in (a, b)', "CertManagerLabels IN ('env=a', 'env=b')"],
  ['env notin (a)', "CertManagerLabels NOT IN ('env=a')"],
  ['app=web,env in (a,b),!legacy', "CertManagerLabels = 'app=web' AND CertManagerLabels IN ('env=a', 'env=b') AND CertManagerLabels != 'legacy'"],
  ['example.com/tier=db', "CertManagerLabels = 'example.com/tier=db'"],
  ['app=', "CertManagerLabels = 'app='"],
  ['', ''],
];
for (const [selector, query] of ok) {
  test(`labelSelector ${JSON.stringify(selector)}`, () => assert.deepEqual(labelSelectorQuery(selector), { ok: true, query }));
}

const bad = ["app='x' OR 1=1", 'app=we b', 'app in (a', '=web', 'a/b/c=d', "app=x'y", `app=${'v'.repeat(64)}`];
for (const selector of bad) {
  test(`labelSelector ${JSON.stringify(selector)} is refused`, () => {
    const r = labelSelectorQuery(selector);
    assert.equal(r.ok, false);
    assert.match((r as { message: string }).message, /^labelSelector: /);
  });
}

const matches: Array<[string, Record<string, string> | undefined, boolean]> = [
  ['', undefined, true],
  ['app=web', { app: 'web' }, true],
  ['app=web', { app: 'api' }, false],
  ['app=web', undefined, false],
  ['app!=web', undefined, true],
  ['app!=web', { app: 'web' }, false],
  ['app', { app: '' }, true],
  ['!app', { app: '' }, false],
  ['!app', { other: 'x' }, true],
  ['env in (a,b)', { env: 'b' }, true],
  ['env in (a,b)', { env: 'c' }, false],
  ['env notin (a,b)', { env: 'c' }, true],
  ['env notin (a,b)', {}, true],
  ['app=web,env in (prod)', { app: 'web', env: 'prod' }, true],
  ['app=web,env in (prod)', { app: 'web', env: 'dev' }, false],
];
for (const [selector, labels, expected] of matches) {
  test(`labelsMatch ${JSON.stringify(selector)} on ${JSON.stringify(labels)} is ${expected}`, () => {
    const parsed = parseLabelSelector(selector);
    assert.ok(parsed.ok);
    assert.equal(labelsMatch(parsed.requirements, labels), expected);
  });
}
