// Kubernetes label selectors (`?labelSelector=app=web,tier!=db,env in (a,b),!legacy`) turned into
// a Temporal visibility query on the CertManagerLabels keyword list, which holds "key=value" and
// "key" for every label. Keys and values are checked against Kubernetes' label syntax, which also
// keeps quotes out of the query.

export const LABELS_ATTRIBUTE = 'CertManagerLabels';

/** The keyword-list entries that represent a set of labels. */
export function labelTerms(labels: Record<string, string> | undefined): string[] {
  return Object.entries(labels ?? {})
    .flatMap(([k, v]) => [`${k}=${v}`, k])
    .sort();
}

export type SelectorResult = { ok: true; query: string } | { ok: false; message: string };

/** One parsed requirement: `exists`/`!exists`, `=`/`!=` one value, `in`/`notin` a set. */
export type Requirement = { key: string; op: 'exists' } | { key: string; op: 'notexists' } | { key: string; op: 'in' | 'notin'; values: string[]; set: boolean };

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

// One requirement: `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`.
const REQUIREMENT = /^\s*(?:(!)\s*([^\s=!(),]+)|([^\s=!(),]+)\s*(?:(==|=|!=)\s*([^\s=!(),]*)|\s(in|notin)\s*\(([^()]*)\))?)\s*$/;

export function parseLabelSelector(selector: string): { ok: true; requirements: Requirement[] } | { ok: false; message: string } {
  if (selector.length > 4096) return { ok: false, message: 'labelSelector: must be no more than 4096 characters' };
  const requirements: Requirement[] = [];
  for (const part of splitRequirements(selector)) {
    if (part.trim() === '') continue;
    const m = REQUIREMENT.exec(part);
    if (!m) return { ok: false, message: `labelSelector: unable to parse requirement "${part.trim()}"` };
    const [, not, notKey, key, op, value, setOp, set] = m;
    const k = (notKey ?? key)!;
    if (k.length > 316 || !KEY.test(k)) return { ok: false, message: `labelSelector: invalid label key "${k}"` };
    if (not) requirements.push({ key: k, op: 'notexists' });
    else if (op || setOp) {
      const values = op ? [value!] : set!.split(',').map((v) => v.trim());
      for (const v of values) {
        const bad = valueError(v);
        if (bad) return bad;
      }
      requirements.push({ key: k, op: op === '!=' || setOp === 'notin' ? 'notin' : 'in', values, set: !op });
    } else requirements.push({ key: k, op: 'exists' });
  }
  return { ok: true, requirements };
}

export function labelSelectorQuery(selector: string): SelectorResult {
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) return parsed;
  const clauses = parsed.requirements.map((r) => {
    if (r.op === 'exists') return `${LABELS_ATTRIBUTE} = '${r.key}'`;
    if (r.op === 'notexists') return `${LABELS_ATTRIBUTE} != '${r.key}'`;
    const terms = r.values.map((v) => `'${r.key}=${v}'`);
    if (!r.set) return `${LABELS_ATTRIBUTE} ${r.op === 'in' ? '=' : '!='} ${terms[0]}`;
    return `${LABELS_ATTRIBUTE} ${r.op === 'in' ? 'IN' : 'NOT IN'} (${terms.join(', ')})`;
  });
  return { ok: true, query: clauses.join(' AND ') };
}

/** Kubernetes' semantics: `k!=v` and `k notin (...)` also match objects without the label. */
export function labelsMatch(requirements: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    if (r.op === 'exists') return has;
    if (r.op === 'notexists') return !has;
    if (r.op === 'in') return has && r.values.includes(l[r.key]!);
    return !has || !r.values.includes(l[r.key]!);
  });
}

function valueError(v: string): { ok: false; message: string } | undefined {
  return v.length > 63 || !VALUE.test(v) ? { ok: false, message: `labelSelector: invalid label value "${v}"` } : undefined;
}

/** Splits on commas outside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts;
}
