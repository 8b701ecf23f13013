import assert from 'node:assert/strict';
import { test } from 'node:test';
import proto from '@temporalio/proto';
import { INDEXED_VALUE_TYPES, missingMessage } from './search-attribute-setup.ts';

test('indexed value types match Temporal’s enum', () => {
  const { IndexedValueType } = proto.temporal.api.enums.v1;
  assert.equal(INDEXED_VALUE_TYPES.Keyword, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
  assert.equal(INDEXED_VALUE_TYPES.Datetime, IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
  assert.equal(INDEXED_VALUE_TYPES.KeywordList, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
});

test('the missing-attributes message gives one CLI command with a --type for each --name, and the Cloud form', () => {
  const msg = missingMessage({ namespace: 'prod', namespaceExists: true, missing: ['CertManagerKind', 'CertManagerName', 'CertManagerNotAfter'] });
  assert.match(
    msg,
    /`temporal operator search-attribute create --namespace prod --name CertManagerKind --type Keyword --name CertManagerName --type Keyword --name CertManagerNotAfter --type Datetime`/,
  );
  assert.match(msg, /tcld namespace search-attributes add .*--search-attribute CertManagerNotAfter=Datetime/);
});
