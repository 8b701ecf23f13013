// One spelling per IP address (RFC 5952 for IPv6), so "2001:db8::1" in a spec equals the
// "2001:DB8:0:0:0:0:0:1" that node prints for an issued certificate. Pure: runs in workflows.
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const v4 = /^\d+\.\d+\.\d+\.\d+$/.exec(right.at(-1) ?? left.at(-1) ?? '');
  if (v4) {
    const parts = v4[0].split('.').map(Number);
    const groups = [((parts[0]! << 8) | parts[1]!).toString(16), ((parts[2]! << 8) | parts[3]!).toString(16)];
    (right.length ? right : left).splice(-1, 1, ...groups);
  }
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array(zeros).fill('0'), ...right].map((g) => parseInt(g, 16).toString(16));
  if (groups.length !== 8 || groups.some((g) => g === 'NaN')) return ip.toLowerCase();
  // Compress the longest run (length >= 2) of zero groups, the first one on a tie.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}
