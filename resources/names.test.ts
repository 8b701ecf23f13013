import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dns1123LabelError, dns1123SubdomainError, dnsNameError, labelValueError, qualifiedNameError, secretKeyError } from './names.ts';

type Validator = (s: string) => string | undefined;
const long = (n: number) => 'a'.repeat(n);

const cases: Array<[Validator, string, boolean]> = [
  [qualifiedNameError, 'team', true],
  [qualifiedNameError, 'app.kubernetes.io/name', true],
  [qualifiedNameError, 'cert-manager.io/issuer-name', true],
  [qualifiedNameError, 'My_Key.1', true],
  [qualifiedNameError, long(63), true],
  [qualifiedNameError, long(64), false],
  [qualifiedNameError, `${long(254)}/x`, false],
  [qualifiedNameError, '/x', false],
  [qualifiedNameError, 'example.com/', false],
  [qualifiedNameError, 'Example.com/x', false],
  [qualifiedNameError, '-x', false],
  [qualifiedNameError, 'a/b/c', false],
  [qualifiedNameError, '', false],
  [labelValueError, '', true],
  [labelValueError, 'payments', true],
  [labelValueError, 'v1.2_3-x', true],
  [labelValueError, long(63), true],
  [labelValueError, long(64), false],
  [labelValueError, 'a b', false],
  [labelValueError, 'x-', false],
  [dnsNameError, 'www.example.com', true],
  [dnsNameError, 'WWW.Example.COM', true],
  [dnsNameError, 'localhost', true],
  [dnsNameError, '*.example.com', true],
  [dnsNameError, 'xn--bcher-kva.example', true],
  [dnsNameError, `${long(63)}.com`, true],
  [dnsNameError, `${long(64)}.com`, false],
  [dnsNameError, `${long(63)}.${long(63)}.${long(63)}.${long(63)}`, false], // 255 chars
  [dnsNameError, '', false],
  [dnsNameError, 'example.com.', false],
  [dnsNameError, 'bad_name.example.com', false],
  [dnsNameError, '-web.example.com', false],
  [dnsNameError, 'web-.example.com', false],
  [dnsNameError, 'www..example.com', false],
  [dnsNameError, '*', false],
  [dnsNameError, 'www.*.example.com', false],
  [dnsNameError, '*web.example.com', false],
  [dnsNameError, '*.*.example.com', false],
  [dns1123SubdomainError, 'web-tls', true],
  [dns1123SubdomainError, 'acme.account.key', true],
  [dns1123SubdomainError, 'Web', false],
  [dns1123SubdomainError, 'web_tls', false],
  [dns1123SubdomainError, '-web', false],
  [dns1123SubdomainError, '', false],
  [dns1123SubdomainError, long(254), false],
  [dns1123LabelError, 'team-a', true],
  [dns1123LabelError, 'default', true],
  [dns1123LabelError, 'team.a', false],
  [dns1123LabelError, 'Team', false],
  [dns1123LabelError, long(64), false],
  [secretKeyError, 'tls.crt', true],
  [secretKeyError, 'KEY_NAME', true],
  [secretKeyError, '.hidden', true],
  [secretKeyError, 'a/b', false],
  [secretKeyError, 'a b', false],
  [secretKeyError, '', false],
  [secretKeyError, '..', false],
  [secretKeyError, '..x', false],
];

for (const [validate, input, valid] of cases) {
  test(`${validate.name}(${JSON.stringify(input.length > 40 ? `${input.slice(0, 20)}…(${input.length})` : input)}) is ${valid ? 'valid' : 'invalid'}`, () => {
    const err = validate(input);
    if (valid) assert.equal(err, undefined);
    else assert.equal(typeof err, 'string');
  });
}

test('name checks on hostile lengths stay fast', () => {
  const t = performance.now();
  for (const v of [dnsNameError, dns1123SubdomainError, dns1123LabelError, secretKeyError, qualifiedNameError, labelValueError]) {
    for (const s of ['a.'.repeat(100_000), `${'a'.repeat(200_000)}-`, `${'a-'.repeat(100_000)}_`]) assert.notEqual(v(s), undefined);
  }
  assert.ok(performance.now() - t < 200, `${performance.now() - t} ms`);
});
