// Scoped Secret readers (API_SECRET_READERS_FILE): bearer tokens that may read, list and watch
// only some Secrets, for a sync agent on a web server host. A leaked agent token then leaks only
// the keys that host serves anyway. YAML or JSON:
//
//   - name: web-1                      # shown in logs and in 403 answers
//     tokenFile: /etc/certmgr/web-1.token   # or token: ...
//     rules:                           # a Secret is in scope when any rule matches it
//       - namespace: team-a
//         names: [web-tls, api-tls]    # optional: only these
//       - namespace: team-b
//         labelSelector: app=web       # optional: only Secrets with these labels
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { labelsMatch, parseLabelSelector, type Requirement } from '../resources/label-selector.ts';
import { dns1123LabelError, dns1123SubdomainError } from '../resources/names.ts';
import { fieldPath } from '../resources/zod-causes.ts';

export interface SecretReadRule {
  namespace: string;
  names?: string[];
  labelSelector?: string;
  requirements: Requirement[];
}

export interface SecretReader {
  name: string;
  token: string;
  rules: SecretReadRule[];
}

const dnsLabel = z.string().superRefine((v, ctx) => {
  const why = dns1123LabelError(v);
  if (why) ctx.addIssue({ code: 'custom', message: why });
});
const objectName = z.string().superRefine((v, ctx) => {
  const why = dns1123SubdomainError(v);
  if (why) ctx.addIssue({ code: 'custom', message: why });
});

const ruleSchema = z.strictObject({
  namespace: dnsLabel,
  names: z.array(objectName).min(1).optional(),
  labelSelector: z.string().optional(),
});

const readerSchema = z
  .strictObject({
    name: dnsLabel,
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    rules: z.array(ruleSchema).min(1),
  })
  .refine((r) => (r.token === undefined) !== (r.tokenFile === undefined), { message: 'set token or tokenFile, exactly one' });

const fileSchema = z.array(readerSchema);

/** The readers in `text` (the file's content); `readToken` reads a tokenFile. Throws naming the field. */
export function parseSecretReaders(text: string, readToken: (file: string) => string = (f) => readFileSync(f, 'utf8')): SecretReader[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new Error(`not YAML or JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw ?? []);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${fieldPath(i.path) || '(top level)'}: ${i.message}`).join('; '));
  const readers = parsed.data.map((r, i): SecretReader => {
    let token = r.token;
    if (r.tokenFile !== undefined) {
      try {
        token = readToken(r.tokenFile).trim();
      } catch (err) {
        throw new Error(`[${i}].tokenFile: cannot read ${r.tokenFile}: ${(err as Error).message}`);
      }
      if (token === '') throw new Error(`[${i}].tokenFile: ${r.tokenFile} is empty`);
    }
    if (/\s/.test(token!)) throw new Error(`[${i}].token: the token must not contain whitespace`);
    const rules = r.rules.map((rule, j): SecretReadRule => {
      const selector = parseLabelSelector(rule.labelSelector ?? '');
      if (!selector.ok) throw new Error(`[${i}].rules[${j}].${selector.message}`);
      return { namespace: rule.namespace, names: rule.names, labelSelector: rule.labelSelector, requirements: selector.requirements };
    });
    return { name: r.name, token: token!, rules };
  });
  const seenNames = new Set<string>();
  const seenTokens = new Set<string>();
  readers.forEach((r, i) => {
    if (seenNames.has(r.name)) throw new Error(`[${i}].name: "${r.name}" is used twice`);
    if (seenTokens.has(r.token)) throw new Error(`[${i}].token: the same token is given to two readers`);
    seenNames.add(r.name);
    seenTokens.add(r.token);
  });
  return readers;
}

/** Whether the reader may see this Secret. */
export function readerAllows(reader: SecretReader, namespace: string, name: string, labels: Record<string, string> | undefined): boolean {
  return reader.rules.some((r) => r.namespace === namespace && (!r.names || r.names.includes(name)) && labelsMatch(r.requirements, labels));
}

/** Whether any Secret of `namespace` (undefined: any namespace) could be in scope. */
export function readerCoversNamespace(reader: SecretReader, namespace: string | undefined): boolean {
  return namespace === undefined || reader.rules.some((r) => r.namespace === namespace);
}

/** The scope in words, for 403 answers: `web-1 (team-a/{web-tls,api-tls}; team-b with app=web)`. */
export function describeReader(reader: SecretReader): string {
  const rules = reader.rules.map((r) => {
    const names = r.names ? (r.names.length === 1 ? `/${r.names[0]}` : `/{${r.names.join(',')}}`) : '/*';
    return `${r.namespace}${names}${r.labelSelector ? ` with labels ${r.labelSelector}` : ''}`;
  });
  return `secret reader "${reader.name}" (${rules.join('; ')})`;
}
