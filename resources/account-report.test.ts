import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issuerAnswer, REPORT_ANSWER_WAIT_MS, type ReportAnswer } from './account-report.ts';

const at = Date.parse('2026-11-30T10:00:05.400Z');
const OLD = 'https://ca.test/acct/1';
const NEW = 'https://ca.test/acct/2';

test('issuerAnswer: what the Issuer has made of a report of a refused account', () => {
  const table: [string, { accountUrl?: string; at?: number }, { accountUrl?: string; readySince?: string }, number, ReportAnswer][] = [
    ['registered again: another URL', { accountUrl: OLD, at }, { accountUrl: NEW, readySince: '2026-11-30T10:00:06Z' }, at + 900, 'reregistered'],
    ['another URL, even before Ready moved', { accountUrl: OLD, at }, { accountUrl: NEW, readySince: '2026-11-30T09:00:00Z' }, at + 10, 'reregistered'],
    ['same URL, Ready older than the report: not read yet', { accountUrl: OLD, at }, { accountUrl: OLD, readySince: '2026-11-30T09:59:00Z' }, at + 5, 'unread'],
    ['same URL, Ready moved after the report: verified fine', { accountUrl: OLD, at }, { accountUrl: OLD, readySince: '2026-11-30T10:00:07Z' }, at + 2000, 'accountFine'],
    ['same URL, Ready moved in the report’s second', { accountUrl: OLD, at }, { accountUrl: OLD, readySince: '2026-11-30T10:00:05Z' }, at + 300, 'accountFine'],
    ['same URL, no Ready time, still waiting', { accountUrl: OLD, at }, { accountUrl: OLD }, at + 1, 'unread'],
    ['unread for the whole wait: taken as fine', { accountUrl: OLD, at }, { accountUrl: OLD, readySince: '2026-11-30T09:59:00Z' }, at + REPORT_ANSWER_WAIT_MS, 'accountFine'],
    ['a report from a run that kept no time: as before', { accountUrl: OLD }, { accountUrl: OLD, readySince: '2026-11-30T09:59:00Z' }, at, 'accountFine'],
  ];
  for (const [name, report, issuer, now, want] of table) {
    assert.equal(issuerAnswer({ ...report, message: 'accountDoesNotExist' }, issuer, now), want, name);
  }
});
