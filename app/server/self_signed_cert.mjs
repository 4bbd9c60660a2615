// @ts-check
/**
 * A self-signed TLS certificate made at start with Node's crypto alone: an EC P-256 key pair
 * and an X.509 v3 certificate encoded by hand in DER (ITU-T X.690), signed with ECDSA-SHA256.
 * It names localhost, 127.0.0.1, ::1 and the given LAN addresses, so a phone on the same network
 * can open https://<LAN address>:<port>/ (after accepting the browser's warning) and use the
 * camera, which browsers allow only on https or localhost.
 *
 * Certificate layout (RFC 5280 section 4.1):
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] version(v3 = 2), serialNumber, signature, issuer, validity,
 *                                 subject, subjectPublicKeyInfo, [3] extensions }
 */
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** @param {number} tag @param {Buffer[]} parts @returns {Buffer} a DER TLV */
function tlv(tag, ...parts) {
  const body = Buffer.concat(parts);
  const n = body.length;
  let len;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (/** @type {Buffer[]} */ ...p) => tlv(0x30, ...p);
const set = (/** @type {Buffer[]} */ ...p) => tlv(0x31, ...p);

/** @param {string} dotted @returns {Buffer} an OBJECT IDENTIFIER */
function oid(dotted) {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * /** @type {number} */ (a) + /** @type {number} */ (b)];
  for (const v of rest) {
    // base 128, most significant group first, continuation bit on all but the last
    const groups = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) groups.unshift((x & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** @param {Buffer} bytes @returns {Buffer} a positive INTEGER */
function integer(bytes) {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1] ?? 0) < 0x80) b = b.subarray(1);
  return tlv(0x02, (b[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/** @param {Date} d @returns {Buffer} UTCTime (years 1950-2049) or GeneralizedTime */
function time(d) {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

/** @param {string} cn @returns {Buffer} a Name with one CN */
const name = (cn) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));

/** @param {string} ip @returns {Buffer} the address bytes (4 or 16) */
function ipBytes(ip) {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 2 * i));
  return out;
}

/**
 * Returns a PEM certificate and private key for `hosts` (DNS names and IP addresses; the first
 * one is the subject's CN), valid from a day ago for `days` days.
 * @param {string[]} hosts
 * @param {number} [days]
 * @returns {{ cert: string, key: string }}
 */
export function selfSignedCertificate(hosts, days = 30) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const now = Date.now();
  const altNames = hosts.map((h) =>
    isIPv4(h) || isIPv6(h) ? tlv(0x87, ipBytes(h)) : tlv(0x82, Buffer.from(h, 'ascii')),
  );
  const extensions = tlv(
    0xa3,
    seq(
      // basicConstraints: not a CA
      seq(oid('2.5.29.19'), tlv(0x04, seq())),
      // keyUsage (critical): digitalSignature
      seq(oid('2.5.29.15'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, tlv(0x03, Buffer.from([0x07, 0x80])))),
      // extKeyUsage: serverAuth
      seq(oid('2.5.29.37'), tlv(0x04, seq(oid('1.3.6.1.5.5.7.3.1')))),
      // subjectAltName
      seq(oid('2.5.29.17'), tlv(0x04, seq(...altNames))),
    ),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaSha256,
    name(hosts[0] ?? 'localhost'),
    seq(time(new Date(now - 86_400_000)), time(new Date(now + days * 86_400_000))),
    name(hosts[0] ?? 'localhost'),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  const der = seq(tbs, ecdsaSha256, tlv(0x03, Buffer.from([0]), signature));
  const cert = new X509Certificate(der); // parses it: a malformed encoding throws here, not in the browser
  if (!cert.verify(publicKey)) throw new Error('self-signed certificate: signature does not verify');
  return {
    cert: cert.toString(),
    key: /** @type {string} */ (privateKey.export({ type: 'pkcs8', format: 'pem' })),
  };
}
