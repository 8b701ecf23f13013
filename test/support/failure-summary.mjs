// A node:test reporter that prints every failing test again once the run ends. CI keeps only the
// tail of a 1,000-test TAP stream, so without this the name of a failure far above is lost.
// Plain JavaScript: node loads reporters before `--import tsx` can teach it TypeScript.

/** @param {unknown} error @param {number} count */
function firstLines(error, count) {
  const err = /** @type {{ cause?: unknown, message?: unknown } | undefined} */ (error);
  const inner = err?.cause instanceof Error ? err.cause : err;
  const text = inner instanceof Error ? inner.message : String(inner?.message ?? inner ?? '');
  return text.split('\n').slice(0, count).join('\n#     ');
}

/** @param {AsyncIterable<import('node:test/reporters').TestEvent>} source */
export default async function* failureSummary(source) {
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, details } = event.data;
    // A file or suite fails with its failing test inside; list the leaves, not their parents.
    if (details.error?.failureType === 'subtestsFailed') continue;
    failures.push(`# - ${name}${file ? ` (${file})` : ''}\n#     ${firstLines(details.error, 6)}\n`);
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failing test(s):\n`;
  yield* failures;
}
