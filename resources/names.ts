// Name validators with Kubernetes' wording, so errors read like `kubectl apply` errors.
// Each returns a human-readable reason, or undefined when the name is valid.

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A certificate DNS SAN: RFC 1123 hostname, optionally with a `*.` wildcard as the whole first label. */
export function dnsNameError(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > 253) return 'must be no more than 253 characters';
  if (name.endsWith('.')) return 'must not end with a dot';
  const labels = name.split('.');
  if (labels[0] === '*' && labels.length > 1) labels.shift();
  if (labels.some((l) => l.includes('*'))) return "a wildcard '*' is only allowed as the whole first label (e.g. '*.example.com')";
  for (const label of labels) {
    if (label === '') return 'must not contain empty labels';
    if (label.length > 63) return `label "${label}" must be no more than 63 characters`;
    if (!DNS_LABEL.test(label)) {
      return "a DNS name must consist of alphanumeric characters, '-' or '.', and each label must start and end with an alphanumeric character (e.g. 'www.example.com')";
    }
  }
  return undefined;
}

/** metadata.name of most Kubernetes objects. */
export function dns1123SubdomainError(name: string): string | undefined {
  if (name.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
  return undefined;
}

/** metadata.namespace. */
export function dns1123LabelError(ns: string): string | undefined {
  if (ns.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(ns)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  }
  return undefined;
}

/** A key in a Secret's data (it becomes a file name when mounted, hence '.' and '..' are refused). */
export function secretKeyError(key: string): string | undefined {
  if (key.length > 253) return 'must be no more than 253 characters';
  if (!SECRET_KEY.test(key)) {
    return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
  }
  if (key === '.' || key === '..') return `must not be '${key}'`;
  if (key.startsWith('..')) return "must not start with '..'";
  return undefined;
}

/** A label or annotation key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export function qualifiedNameError(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix === '') return 'prefix part must be non-empty';
    const bad = dns1123SubdomainError(prefix);
    if (bad) return `prefix part ${bad}`;
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  }
  return undefined;
}

/** A label value: empty, or at most 63 characters of the qualified-name alphabet. */
export function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  }
  return undefined;
}
