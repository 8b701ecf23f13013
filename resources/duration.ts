// Go's time.ParseDuration / Duration.String, because cert-manager manifests carry durations in that syntax
// ("2160h", "1h30m") and users expect the same strings echoed back.

const NS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC greek mu; Go accepts both
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_NS = 9_223_372_036_854_775_807n; // Go's Duration is an int64 of nanoseconds
const SEGMENT = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

/** Milliseconds (possibly fractional), or undefined when Go would reject the string. */
export function parseGoDuration(s: string): number | undefined {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const m = SEGMENT.exec(rest);
    if (!m) return undefined;
    const [all, whole = '', frac = '', unit = ''] = m;
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined || (whole === '' && frac === '')) return undefined;
    total += BigInt(whole || '0') * perUnit;
    if (frac !== '') total += (BigInt(frac) * perUnit) / 10n ** BigInt(frac.length);
    if (total > MAX_NS) return undefined;
    rest = rest.slice(all.length);
  }
  return (sign * Number(total)) / 1e6;
}

/** Go's Duration.String(): "2160h0m0s", "1m30s", "300ms", "0s". */
export function formatGoDuration(ms: number): string {
  const whole = Math.trunc(ms);
  let ns = BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns === 0n) return '0s';
  if (ns < 1_000n) return `${sign}${ns}ns`;
  if (ns < 1_000_000n) return `${sign}${decimal(ns, 1_000n)}µs`;
  if (ns < 1_000_000_000n) return `${sign}${decimal(ns, 1_000_000n)}ms`;
  const h = ns / NS_PER_UNIT.h!;
  const m = (ns % NS_PER_UNIT.h!) / NS_PER_UNIT.m!;
  let out = `${decimal(ns % NS_PER_UNIT.m!, NS_PER_UNIT.s!)}s`;
  if (h > 0n || m > 0n) out = `${m}m${out}`;
  if (h > 0n) out = `${h}h${out}`;
  return sign + out;
}

function decimal(value: bigint, unit: bigint): string {
  const frac = value % unit;
  if (frac === 0n) return `${value / unit}`;
  const digits = String(unit).length - 1;
  return `${value / unit}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
