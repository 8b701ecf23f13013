// Converts zod issues into Kubernetes-style field causes: paths like `spec.dnsNames[0]`
// and messages like `Required value` / `Invalid value: "x": ...`.
import type { z } from 'zod';
import type { FieldCause } from './types.ts';
import { invalidValue, showValue, type Reason } from './field-checks.ts';

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function issuesToCauses(issues: readonly z.core.$ZodIssue[]): FieldCause[] {
  return issues.flatMap((issue): FieldCause[] => {
    const field = fieldPath(issue.path);
    const cause = (message: string, reason: Reason): FieldCause => ({ field, message, reason });
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), message: `unknown field "${key}"`, reason: 'FieldValueInvalid' }));
      case 'invalid_type':
        if (issue.input === undefined) return [cause('Required value', 'FieldValueRequired')];
        return [cause(invalidValue(issue.input, `must be ${typeName(issue.expected)}`), 'FieldValueTypeInvalid')];
      case 'invalid_value':
        return [cause(`Unsupported value: ${showValue(issue.input)}: supported values: ${issue.values.map((v) => showValue(v)).join(', ')}`, 'FieldValueNotSupported')];
      case 'too_small':
        if (issue.origin === 'array' && Number(issue.minimum) === 1) return [cause('Required value: must have at least one item', 'FieldValueRequired')];
        return [
          cause(invalidValue(issue.input, `must be ${issue.inclusive ? 'greater than or equal to' : 'greater than'} ${issue.minimum}${unit(issue.origin)}`), 'FieldValueInvalid'),
        ];
      case 'too_big':
        // Kubernetes' wording (field.TooMany / field.TooLong); a long value is not echoed back.
        if (issue.origin === 'array')
          return [cause(`Too many: ${Array.isArray(issue.input) ? issue.input.length : 'too many'}: must have at most ${issue.maximum} items`, 'FieldValueTooMany')];
        if (issue.origin === 'string') return [cause(`Too long: must have at most ${issue.maximum} characters`, 'FieldValueTooLong')];
        return [cause(invalidValue(issue.input, `must be ${issue.inclusive ? 'less than or equal to' : 'less than'} ${issue.maximum}${unit(issue.origin)}`), 'FieldValueInvalid')];
      case 'custom':
        return [cause(issue.message, (issue.params?.['reason'] as Reason | undefined) ?? 'FieldValueInvalid')];
      default:
        return [cause(invalidValue(issue.input, issue.message), 'FieldValueInvalid')];
    }
  });
}

function typeName(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'record' || expected === 'object') return 'an object';
  if (expected === 'array') return 'a list';
  return `of type ${expected}`;
}

function unit(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array') return ' items';
  return '';
}
