#!/usr/bin/env node
// @ts-check
/**
 * Serves the built app (app/dist) for `npm start`:
 *
 *   node app/server/serve.mjs [--https] [--port N] [--host H] [--dir DIR] [--cors]
 *
 * Listens on 0.0.0.0 (all interfaces) at $PORT or 8080 and prints the local and LAN URLs. Every
 * response carries COOP/COEP, which make the page cross-origin isolated so inference can use
 * threads (SharedArrayBuffer). --https serves TLS with a self-signed certificate generated at
 * start (self_signed_cert.mjs): phones need https (or localhost) for the live camera. --cors adds
 * Access-Control-Allow-Origin: * (to serve model files to the app from another origin, e.g. a LAN
 * mirror for ?mirror=). Hashed files under assets/ are cached for a year, the rest revalidated.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { selfSignedCertificate } from './self_signed_cert.mjs';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.tflite': 'application/octet-stream',
  '.tgz': 'application/gzip',
};
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.webmanifest',
  '.svg',
  '.txt',
  '.wasm',
]);

/** @returns {string[]} the machine's non-internal IPv4 addresses */
export function lanAddresses() {
  const out = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

/**
 * Starts the server; resolves when it listens.
 * @param {{ dir: string, port: number, host: string, https: boolean, cors: boolean }} o
 * @returns {Promise<{ server: import('node:http').Server, port: number, urls: { local: string, network: string[] } }>}
 */
export async function startServer(o) {
  const root = resolve(o.dir);
  /** @type {Map<string, { mtime: number, body: Buffer }>} */
  const gzipped = new Map();

  /** @type {import('node:http').RequestListener} */
  const handler = (req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', o.cors ? 'cross-origin' : 'same-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (o.cors) res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end(); // outside the served folder
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    const ext = extname(file).toLowerCase();
    const stat = statSync(file);
    res.setHeader('content-type', TYPES[ext] ?? 'application/octet-stream');
    res.setHeader(
      'cache-control',
      path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    res.setHeader('last-modified', stat.mtime.toUTCString());
    if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      let hit = gzipped.get(file);
      if (!hit || hit.mtime !== stat.mtimeMs) {
        hit = { mtime: stat.mtimeMs, body: gzipSync(readFileSync(file), { level: 9 }) };
        gzipped.set(file, hit);
      }
      res.writeHead(200, {
        'content-encoding': 'gzip',
        'content-length': hit.body.length,
        vary: 'accept-encoding',
      });
      res.end(req.method === 'HEAD' ? undefined : hit.body);
      return;
    }
    res.writeHead(200, { 'content-length': stat.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const lan = lanAddresses();
  const server = o.https
    ? createHttpsServer(selfSignedCertificate(['localhost', '127.0.0.1', '::1', hostname(), ...lan]), handler)
    : createHttpServer(handler);
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => ok(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const scheme = o.https ? 'https' : 'http';
  const everywhere = o.host === '0.0.0.0' || o.host === '::';
  return {
    server,
    port,
    urls: {
      local: `${scheme}://localhost:${port}/`,
      network: everywhere ? lan.map((a) => `${scheme}://${a}:${port}/`) : [`${scheme}://${o.host}:${port}/`],
    },
  };
}

async function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const { values } = parseArgs({
    options: {
      https: { type: 'boolean', default: false },
      cors: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string', default: '0.0.0.0' },
      dir: { type: 'string', default: join(here, '..', 'dist') },
    },
  });
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid port ${values.port ?? process.env.PORT}: use a number from 0 to 65535`);
    process.exit(2);
  }
  const dir = resolve(values.dir);
  if (!existsSync(join(dir, 'index.html')) && !values.cors) {
    console.error(`nothing to serve: ${dir} has no index.html. Build the app first: npm run build:app`);
    process.exit(1);
  }
  try {
    const { urls } = await startServer({
      dir,
      port,
      host: values.host,
      https: values.https,
      cors: values.cors,
    });
    // One write, so that a reader of the first line has the rest too.
    console.log(
      [
        `tflite-ts app: serving ${dir}`,
        `  Local:   ${urls.local}`,
        ...urls.network.map((u) => `  Network: ${u}`),
        values.https
          ? 'The certificate is self-signed (made just now): accept the browser warning once per start.'
          : 'A phone needs https (or localhost) for the live camera: npm start -- --https',
      ].join('\n'),
    );
  } catch (err) {
    const code = /** @type {{ code?: string }} */ (err).code;
    console.error(
      code === 'EADDRINUSE'
        ? `port ${port} is in use: set another with PORT=8081 npm start (or --port 8081)`
        : `cannot start the server: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
