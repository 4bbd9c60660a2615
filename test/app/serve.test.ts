/**
 * The `npm start` server (app/server/serve.mjs): COOP/COEP on every response (threads need a
 * cross-origin isolated page), MIME types, caching, gzip, no files outside the served folder,
 * $PORT, the local and LAN URLs it prints, and --https with a certificate generated at start.
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, runAppServer, startAppServer } from './helpers/app_server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  cert?: X509Certificate;
}

/** GETs `path` raw (no URL normalisation by the client). */
function get(port: number, path: string, headers: Record<string, string> = {}, tls = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(
      {
        host: '127.0.0.1',
        port,
        path,
        headers,
        ...(tls ? { rejectUnauthorized: false, servername: 'localhost' } : {}),
      },
      (res) => {
        const peer = tls ? (res.socket as TLSSocket).getPeerX509Certificate() : undefined;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            ...(peer ? { cert: peer } : {}),
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('npm start server', () => {
  let dir: string;
  let root: string;
  let server: RunningServer;
  const js = 'export const hello = "world";\n'.repeat(200);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tflite-ts-serve-'));
    root = join(dir, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    mkdirSync(join(root, 'models'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), js);
    writeFileSync(join(root, 'manifest.webmanifest'), '{"name":"t"}');
    writeFileSync(join(root, 'models', 'm.tflite'), Buffer.alloc(3000, 7));
    writeFileSync(join(dir, 'secret.txt'), 'outside the served folder');
    server = await startAppServer(['--port', '0', '--host', '127.0.0.1', '--dir', root]);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the local URL and serves index.html with COOP/COEP, revalidated', async () => {
    expect(server.output()).toMatch(/Local:\s+http:\/\/localhost:\d+\//);
    expect(server.output()).toMatch(/needs https .*--https/);
    const r = await get(server.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body.toString()).toContain('<title>t</title>');
  });

  it('serves hashed assets immutable, gzipped when asked, and models as bytes', async () => {
    const plain = await get(server.port, '/assets/index-abc123.js');
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body.toString()).toBe(js);
    const zipped = await get(server.port, '/assets/index-abc123.js', { 'accept-encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(js.length / 10);
    expect(gunzipSync(zipped.body).toString()).toBe(js);
    const manifest = await get(server.port, '/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    const model = await get(server.port, '/models/m.tflite', { 'accept-encoding': 'gzip' });
    expect(model.headers['content-type']).toBe('application/octet-stream');
    expect(model.headers['content-encoding']).toBeUndefined();
    expect(model.body.length).toBe(3000);
    expect(model.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('answers 404 for missing files and never serves files outside its folder', async () => {
    expect((await get(server.port, '/nope.js')).status).toBe(404);
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const r = await get(server.port, path);
      expect(r.status, path).not.toBe(200);
      expect(r.body.toString(), path).not.toContain('outside the served folder');
    }
  });

  it('takes the port from $PORT and refuses to start without a built app', async () => {
    const port = await freePort();
    const s = await startAppServer(['--host', '127.0.0.1', '--dir', root], { PORT: String(port) });
    try {
      expect(s.port).toBe(port);
      expect((await get(port, '/')).status).toBe(200);
    } finally {
      await s.stop();
    }
    const missing = await runAppServer(['--port', '0', '--dir', join(dir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/npm run build:app/);
  });

  it('lists LAN URLs when listening on all interfaces', async () => {
    const s = await startAppServer(['--port', '0', '--dir', root]);
    try {
      expect(s.output()).toMatch(/Local:\s+http:\/\/localhost:\d+\//);
      const { networkInterfaces } = await import('node:os');
      const lan = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address);
      for (const a of lan) expect(s.output()).toContain(`Network: http://${a}:${s.port}/`);
    } finally {
      await s.stop();
    }
  });

  it('--https serves TLS with a fresh self-signed certificate for localhost and the LAN addresses', async () => {
    const s = await startAppServer(['--https', '--port', '0', '--host', '127.0.0.1', '--dir', root]);
    try {
      expect(s.local).toMatch(/^https:\/\/localhost:\d+\/$/);
      expect(s.output()).toMatch(/self-signed/);
      const r = await get(s.port, '/', {}, true);
      expect(r.status).toBe(200);
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
      const cert = r.cert!;
      expect(cert.verify(cert.publicKey)).toBe(true); // self-signed
      expect(cert.subject).toBe('CN=localhost');
      expect(cert.subjectAltName).toContain('DNS:localhost');
      expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
      expect(cert.checkHost('localhost')).toBe('localhost');
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(cert.publicKey.asymmetricKeyType).toBe('ec');
      const now = Date.now();
      expect(Date.parse(cert.validFrom)).toBeLessThan(now);
      expect(Date.parse(cert.validTo)).toBeGreaterThan(now + 7 * 86_400_000);
      expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    } finally {
      await s.stop();
    }
  });
});
