// Linear scans that bound how deeply a body nests BEFORE any recursive parser or validator sees
// it: deep input otherwise overflows the stack (JSON, YAML flow) or exhausts memory (the yaml
// library compiles a RegExp per indentation level; 5,000 compact "- - - ..." levels abort node).

/** Deepest [ / { nesting of a JSON text, strings skipped; stops counting once past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}

const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][-+0-9]*\s*(?:#.*)?$/;
const TOKEN_START = new Set([undefined, ' ', '\t', '[', '{', ',', ':', '-']);

/**
 * An upper bound on a YAML text's nesting depth: open block levels (an indentation stack, plus
 * compact "- " / "? " / ": " indicators) plus open flow brackets. It over-counts rather than
 * under-counts (brackets in plain scalars, block-scalar lines starting with "- "), which is the
 * safe side: real manifests nest about a dozen levels.
 */
export function yamlDepth(text: string, limit = Infinity): number {
  const indents: number[] = [];
  let flow = 0;
  let max = 0;
  let scalarParent: number | undefined; // inside a block scalar (| or >) opened at this indentation
  for (const line of text.split(/\r?\n/)) {
    const indent = line.length - line.trimStart().length;
    const rest = line.slice(indent);
    if (scalarParent !== undefined) {
      if (rest === '' || indent > scalarParent) continue;
      scalarParent = undefined;
    }
    let start = indent;
    if (flow === 0) {
      if (rest === '' || rest.startsWith('#') || rest.startsWith('---') || rest.startsWith('...') || rest.startsWith('%')) continue;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // Compact nesting on one line: "- - - x", "- ? a", "- key: - ..." each opens a level.
      while (/^[-?:](?:[ \t]|$)/.test(line.slice(start, start + 2))) {
        start += 1;
        while (line[start] === ' ' || line[start] === '\t') start++;
        indents.push(start);
      }
      if (indents.length > max && (max = indents.length) > limit) return max;
    }
    flow = scanFlow(line, start, flow, indents.length, (d) => {
      if (d > max) max = d;
    });
    if (max > limit) return max;
    if (flow <= 0) {
      flow = 0;
      if (BLOCK_SCALAR_HEADER.test(rest)) scalarParent = indent;
    }
  }
  return max;
}

/** Counts flow brackets on one line from `from`, skipping quoted scalars and comments. */
function scanFlow(line: string, from: number, flow: number, base: number, seen: (depth: number) => void): number {
  let quote: string | undefined;
  for (let i = from; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (quote === '"' && ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if ((ch === '"' || ch === "'") && TOKEN_START.has(line[i - 1])) quote = ch;
    else if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
    else if (ch === '[' || ch === '{') seen(base + ++flow);
    else if (ch === ']' || ch === '}') flow--;
  }
  return flow;
}
