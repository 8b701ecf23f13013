// RFC 9773 certificate identifier: base64url(AKI keyIdentifier) "." base64url(DER serial).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export function ariCertId(certPem: string | Buffer): string | undefined {
  const cert = new x509.X509Certificate(certPem.toString());
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  if (!aki?.keyId) return undefined;
  // The serial as DER INTEGER content: big-endian, with a leading zero byte if the top bit is set.
  let hex = cert.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, '');
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return `${Buffer.from(aki.keyId, 'hex').toString('base64url')}.${Buffer.from(hex, 'hex').toString('base64url')}`;
}
