// Starts Pebble (a test ACME server) plus pebble-challtestsrv as its DNS resolver, loopback only.
import { webcrypto } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @peculiar/x509 2.x needs a Reflect metadata polyfill loaded first (it uses tsyringe).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { freePorts } from '../../platform/ports.ts';
import { spawnTool, waitUntilReady, type ToolProcess } from '../../platform/tools.ts';

export interface PebbleOptions {
  /** kid -> base64url HMAC key. Given = EAB required. */
  eabKeys?: Record<string, string>;
  /** Port Pebble's VA connects to for HTTP-01; default a free port nothing listens on. */
  httpPort?: number;
  /** Ports picked by the caller for its own servers, not bound yet: Pebble takes none of them. */
  avoidPorts?: number[];
  /** Extra env for pebble, e.g. PEBBLE_WFE_NONCEREJECT (default here 0), PEBBLE_AUTHZREUSE (Pebble default 50). */
  env?: Record<string, string>;
  profiles?: Record<string, { description: string; validityPeriod: number }>;
  /** Seconds Pebble tells clients to wait (Retry-After) while an authz/order is processing. */
  retryAfter?: { authz: number; order: number };
  /** Names Pebble refuses with rejectedIdentifier (to exercise failures). */
  domainBlocklist?: string[];
  /** Key type of Pebble's issuing CA; Pebble itself defaults to rsa, we default to ecdsa (faster start). */
  keyAlgorithm?: 'rsa' | 'ecdsa';
}

export interface Pebble {
  directoryUrl: string;
  managementUrl: string;
  /** CA that signed Pebble's listener cert: what a client must trust to talk to Pebble. */
  tlsCaPem: string;
  /** "127.0.0.1:port" of challtestsrv: answers every A query with 127.0.0.1, no AAAA. */
  dnsServer: string;
  /** challtestsrv's management API (add TXT records for DNS-01 etc.). */
  challtestsrvUrl: string;
  httpPort: number;
  /** The root that issued certificates chain to (generated fresh on every Pebble start). */
  rootPem(): Promise<string>;
  intermediatePem(): Promise<string>;
  /**
   * Stops Pebble and starts it again on the same ports with the same listener certificate and EAB
   * keys (challtestsrv keeps running): every account, order and root is gone, as in a CA reset.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startPebble(opts: PebbleOptions = {}): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), 'pebble-'));
  const procs: ToolProcess[] = [];
  let pebbleProc: ToolProcess | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([...procs, ...(pebbleProc ? [pebbleProc] : [])].map((p) => p.stop(5_000)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Not the caller's ports: picked a moment ago and maybe not bound yet, one of them was
    // picked again here once, and Pebble's HTTPS listener took the HTTP-01 port (npm run bench).
    const avoid = [...(opts.avoidPorts ?? []), ...(opts.httpPort === undefined ? [] : [opts.httpPort])];
    const [listen, mgmt, tlsPort, dnsPort, challMgmt, defaultHttp] = (await freePorts(6, avoid)) as [number, number, number, number, number, number];
    const httpPort = opts.httpPort ?? defaultHttp;
    const { caPem, certPem, keyPem } = await listenerCert();
    await writeFile(join(dir, 'cert.pem'), certPem);
    await writeFile(join(dir, 'key.pem'), keyPem, { mode: 0o600 });

    // Empty addresses disable challtestsrv's HTTP-01/TLS-ALPN/DoH listeners, so nothing answers on
    // the HTTP-01 port unless the test starts its own solver there.
    const chall = spawnTool('pebble-challtestsrv', [
      '-dnsserver',
      `127.0.0.1:${dnsPort}`,
      '-http01',
      '',
      '-https01',
      '',
      '-tlsalpn01',
      '',
      '-doh',
      '',
      '-management',
      `127.0.0.1:${challMgmt}`,
      '-defaultIPv4',
      '127.0.0.1',
      '-defaultIPv6',
      '',
    ]);
    procs.push(chall);
    const dnsServer = `127.0.0.1:${dnsPort}`;
    const resolver = new Resolver({ timeout: 500, tries: 1 });
    resolver.setServers([dnsServer]);
    await waitUntilReady(chall, 'pebble-challtestsrv', async () => (await resolver.resolve4('ready.test')).includes('127.0.0.1'), START_TIMEOUT_MS);

    const eab = opts.eabKeys !== undefined && Object.keys(opts.eabKeys).length > 0;
    const config = {
      pebble: {
        listenAddress: `127.0.0.1:${listen}`,
        managementListenAddress: `127.0.0.1:${mgmt}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: eab,
        externalAccountMACKeys: opts.eabKeys ?? {},
        domainBlocklist: opts.domainBlocklist ?? [],
        retryAfter: opts.retryAfter ?? { authz: 1, order: 1 },
        keyAlgorithm: opts.keyAlgorithm ?? 'ecdsa',
        // Pebble matches JSON keys case-insensitively (Go encoding/json); validityPeriod is seconds.
        profiles: opts.profiles ?? { default: { description: 'The default profile', validityPeriod: 7_776_000 } },
      },
    };
    const configFile = join(dir, 'pebble-config.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const directoryUrl = `https://127.0.0.1:${listen}/dir`;
    const managementUrl = `https://127.0.0.1:${mgmt}`;
    const launch = async () => {
      pebbleProc = spawnTool('pebble', ['-config', configFile, '-dnsserver', dnsServer], {
        cwd: dir,
        env: { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', ...opts.env },
      });
      await waitUntilReady(
        pebbleProc,
        'pebble',
        async () => {
          await httpsGet(directoryUrl, caPem);
          await httpsGet(`${managementUrl}/roots/0`, caPem);
          return true;
        },
        START_TIMEOUT_MS,
      );
    };
    await launch();

    return {
      directoryUrl,
      managementUrl,
      tlsCaPem: caPem,
      dnsServer,
      challtestsrvUrl: `http://127.0.0.1:${challMgmt}`,
      httpPort,
      rootPem: () => httpsGet(`${managementUrl}/roots/0`, caPem),
      intermediatePem: () => httpsGet(`${managementUrl}/intermediates/0`, caPem),
      async restart() {
        await pebbleProc?.stop(5_000);
        pebbleProc = undefined;
        await launch();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Pebble rejects requests without a User-Agent (RFC 8555 section 6.1).
    const req = get(url, { ca, timeout: 2_000, headers: { 'user-agent': 'cert-manager-test-harness' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}: ${body}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
  });
}

/** A throwaway CA and a listener cert for localhost/127.0.0.1 signed by it. */
export async function listenerCert(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Pebble listener test CA',
    keys: caKeys as CryptoKeyPair,
    signingAlgorithm: alg,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as CryptoKey),
    ],
  });
  const leafKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: ca.subject,
    publicKey: leafKeys.publicKey as CryptoKey,
    signingKey: caKeys.privateKey as CryptoKey,
    signingAlgorithm: alg,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey as CryptoKey);
  return {
    caPem: ca.toString('pem'),
    certPem: leaf.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}
