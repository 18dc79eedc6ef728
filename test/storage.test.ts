import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { FileTooLargeError, StorageError, type FileStorage } from '../src/platform/storage/storage.js';
import { DiskStorage } from '../src/platform/storage/disk.js';
import { openStorage } from '../src/platform/storage/open-storage.js';
import { S3Storage } from '../src/platform/storage/s3.js';
import { parseStorageUrl } from '../src/platform/storage/url.js';
import { loadConfig } from '../src/config.js';

// s3rver ships no types: the little of it used here.
type S3rverServer = { run(): Promise<net.AddressInfo>; close(): Promise<void> };
const S3rver = createRequire(import.meta.url)('s3rver') as new (opts: Record<string, unknown>) => S3rverServer;
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tmpFolder = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `sp-storage-${name}-`));

/** A source that sends `data` in chunks of `size`, as a request body would. */
const chunked = (data: Buffer, size = 16 * 1024) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Every file below `dir`, as relative paths. */
function walk(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

interface Harness {
  storage: FileStorage;
  /** The keys of every stored file. */
  stored(): Promise<string[]>;
  /** Temporary files not cleaned up. */
  leftovers(): string[];
  /** A store of the same kind that cannot be reached. */
  unreachable(): Promise<FileStorage>;
  /** Where the store keeps its temporary files. */
  tmpDir: string;
  /** Puts something that is not a content key into the store (a stray file, another tool's object). */
  stray(name: string): Promise<void>;
  close(): Promise<void>;
}

async function diskHarness(): Promise<Harness> {
  const root = tmpFolder('disk');
  return {
    storage: new DiskStorage(root),
    stored: async () => walk(root).filter((p) => !p.startsWith('tmp/')),
    leftovers: () => walk(path.join(root, 'tmp')),
    tmpDir: path.join(root, 'tmp'),
    stray: async (name) => {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), 'not a blob');
    },
    unreachable: async () => {
      const gone = tmpFolder('gone');
      const s = new DiskStorage(gone);
      fs.rmSync(gone, { recursive: true, force: true });
      return s;
    },
    close: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** An in-process S3 server (s3rver) on a free port, with its data in a temporary folder. */
async function startS3rver() {
  const directory = tmpFolder('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function s3Harness(): Promise<Harness> {
  const s3 = await startS3rver();
  const spool = tmpFolder('spool');
  const bucket = 'permits-test';
  const storage = new S3Storage({ bucket, endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true }, { credentials: S3RVER_CREDENTIALS, tmpDir: spool });
  await storage.client.send(new CreateBucketCommand({ Bucket: bucket }));
  const others: S3Storage[] = [];
  return {
    storage,
    stored: async () => {
      const res = await storage.client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (res.Contents ?? []).map((o) => o.Key!);
    },
    leftovers: () => walk(spool),
    tmpDir: spool,
    stray: async (name) => {
      await storage.client.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: 'not a blob' }));
    },
    unreachable: async () => {
      const s = new S3Storage(
        { bucket, endpoint: `http://127.0.0.1:${await closedPort()}`, forcePathStyle: true },
        { credentials: S3RVER_CREDENTIALS, tmpDir: spool, checkTimeoutMs: 2000 },
      );
      others.push(s);
      return s;
    },
    close: async () => {
      storage.destroy();
      for (const s of others) s.destroy();
      await s3.close();
      fs.rmSync(spool, { recursive: true, force: true });
    },
  };
}

describe.each([
  { name: 'DiskStorage (folder)', make: diskHarness },
  { name: 'S3Storage (s3rver)', make: s3Harness },
])('$name', ({ make }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(() => {
    // Whatever happened, no temporary file stays behind.
    expect(h.leftovers()).toEqual([]);
  });

  it('stores a file under its SHA-256 and gives back exactly its bytes', async () => {
    const data = randomBytes(300_000);
    const saved = await h.storage.put(chunked(data), { maxBytes: 1_000_000 });
    const digest = sha256(data);
    expect(saved).toEqual({ key: `${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest}`, sha256: digest, size: data.length });
    expect((await readAll(h.storage.read(saved.key))).equals(data)).toBe(true);
    expect(await h.storage.exists(saved.key)).toBe(true);
    expect(await h.stored()).toContain(saved.key);
  });

  it('stores the same bytes once, under one key', async () => {
    const data = randomBytes(50_000);
    const before = (await h.stored()).length;
    const a = await h.storage.put(chunked(data, 4096), { maxBytes: 100_000 });
    const b = await h.storage.put(chunked(data, 7000), { maxBytes: 100_000 });
    expect(b).toEqual(a);
    expect((await h.stored()).length).toBe(before + 1);
  });

  it('stores the prefix first, then the rest of the stream', async () => {
    const head = Buffer.from('%PDF-1.7\n');
    const rest = randomBytes(10_000);
    const whole = Buffer.concat([head, rest]);
    const saved = await h.storage.put(chunked(rest), { maxBytes: 100_000, prefix: head });
    expect(saved.sha256).toBe(sha256(whole));
    expect(saved.size).toBe(whole.length);
    expect((await readAll(h.storage.read(saved.key))).equals(whole)).toBe(true);
  });

  it('stores a prefix alone when the stream has nothing after it', async () => {
    const head = Buffer.from('%PDF-1.7\n%%EOF\n');
    const saved = await h.storage.put(Readable.from([], { objectMode: false }), { maxBytes: 100, prefix: head });
    expect(saved).toMatchObject({ sha256: sha256(head), size: head.length });
    expect((await readAll(h.storage.read(saved.key))).equals(head)).toBe(true);
  });

  it('takes the rest of a stream whose start was already read and paused, as the upload route leaves it', async () => {
    const data = randomBytes(200_000);
    const source = chunked(data);
    const head: Buffer[] = [];
    await new Promise<void>((resolve) => {
      source.on('data', function first(c: Buffer) {
        head.push(c);
        source.pause();
        source.off('data', first);
        resolve();
      });
    });
    const saved = await h.storage.put(source, { maxBytes: 1_000_000, prefix: Buffer.concat(head) });
    expect(saved.sha256).toBe(sha256(data));
    expect((await readAll(h.storage.read(saved.key))).equals(data)).toBe(true);
  });

  it('takes a file of exactly the limit and refuses one byte more, keeping nothing of it', async () => {
    const exact = randomBytes(20_000);
    expect((await h.storage.put(chunked(exact), { maxBytes: 20_000 })).size).toBe(20_000);
    const before = await h.stored();
    const over = randomBytes(20_001);
    const refused = h.storage.put(chunked(over), { maxBytes: 20_000 });
    await expect(refused).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(refused).rejects.toMatchObject({ limit: 20_000 });
    // The prefix counts towards the limit too.
    await expect(h.storage.put(chunked(randomBytes(19_999)), { maxBytes: 20_000, prefix: Buffer.from('ab') })).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await h.stored()).toEqual(before);
  });

  it('fails with the source’s own error when the source breaks off, keeping nothing', async () => {
    const before = await h.stored();
    const broken = new Error('client went away');
    const source = Readable.from(
      (async function* () {
        yield randomBytes(64 * 1024);
        yield randomBytes(64 * 1024);
        throw broken;
      })(),
    );
    await expect(h.storage.put(source, { maxBytes: 10_000_000 })).rejects.toBe(broken);
    // Already destroyed when handed over (the request went away while its type was checked).
    const gone = chunked(randomBytes(10_000));
    gone.destroy();
    await expect(h.storage.put(gone, { maxBytes: 10_000_000, prefix: Buffer.from('%PDF') })).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(await h.stored()).toEqual(before);
  });

  it('reads a missing file as an ENOENT error, and refuses a key that is not a content key', async () => {
    const missing = `00/00/${'0'.repeat(64)}`;
    expect(await h.storage.exists(missing)).toBe(false);
    await expect(readAll(h.storage.read(missing))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => h.storage.read('../etc/passwd')).toThrow(/Bad storage key/);
    expect(await h.storage.exists('ab/cd/not-a-hash')).toBe(false);
  });

  it('takes 5 files of 5 MB at once, streamed (never whole in memory)', async () => {
    const size = 5 * 1024 * 1024;
    const chunk = 64 * 1024;
    // Each file is generated on the fly (different bytes per file) and hashed as it is sent.
    const expected: string[] = [];
    const sources = Array.from({ length: 5 }, (_, i) => {
      const hash = createHash('sha256');
      const block = Buffer.alloc(chunk, i + 1);
      block.write(`file ${i} ${Date.now()} ${Math.random()}`);
      return {
        stream: Readable.from(
          (function* () {
            for (let sent = 0; sent < size; sent += chunk) {
              const c = Buffer.from(block);
              c.writeUInt32BE(sent, 60_000);
              hash.update(c);
              yield c;
            }
            expected[i] = hash.digest('hex');
          })(),
        ),
      };
    });
    const rssBefore = process.memoryUsage().rss;
    const saved = await Promise.all(sources.map((s) => h.storage.put(s.stream, { maxBytes: size })));
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    saved.forEach((s, i) => {
      expect(s.size).toBe(size);
      expect(s.sha256).toBe(expected[i]);
    });
    // Read back as streams, hashed on the way.
    for (const s of saved) {
      const hash = createHash('sha256');
      for await (const c of h.storage.read(s.key)) hash.update(c as Buffer);
      expect(hash.digest('hex')).toBe(s.sha256);
    }
    // Very loose on purpose (GC timing): buffering all five whole would be 25 MB on top of copies.
    expect(growthMb).toBeLessThan(200);
  });

  it('DOC-6 PRV-3 a staged file is nowhere under its key until committed, and discarding it leaves nothing', async () => {
    const before = await h.stored();
    const data = randomBytes(30_000);
    const staged = await h.storage.stage(chunked(data), { maxBytes: 100_000 });
    expect(staged).toMatchObject({ key: `${sha256(data).slice(0, 2)}/${sha256(data).slice(2, 4)}/${sha256(data)}`, size: data.length });
    expect(h.leftovers()).toHaveLength(1);
    expect(await h.storage.exists(staged.key)).toBe(false);
    await staged.discard();
    await staged.discard(); // twice is harmless
    expect(await h.stored()).toEqual(before);
    // Over the limit, staging itself fails and keeps nothing (the afterEach checks the temporary place).
    await expect(h.storage.stage(chunked(randomBytes(2000)), { maxBytes: 1000 })).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await h.stored()).toEqual(before);
  });

  it('DOC-6 a committed file is under its key; bytes already stored are not sent again, and ensure() puts them back if the clean-up took them meanwhile', async () => {
    const data = randomBytes(40_000);
    const fresh = await h.storage.stage(chunked(data), { maxBytes: 100_000 });
    await fresh.commit();
    await fresh.ensure();
    await fresh.discard();
    expect((await readAll(h.storage.read(fresh.key))).equals(data)).toBe(true);

    const again = await h.storage.stage(chunked(data, 5000), { maxBytes: 100_000 });
    await again.commit(); // the store has these bytes: nothing written, the temporary copy kept
    expect(h.leftovers()).toHaveLength(1);
    // An old unreferenced copy of the same bytes is removed between the commit and the record…
    expect(await h.storage.removeIfOlder(again.key, new Date(Date.now() + 60_000))).toBe(true);
    expect(await h.storage.exists(again.key)).toBe(false);
    // …and ensure(), which the upload runs under the blob lock, writes it again.
    await again.ensure();
    await again.discard();
    expect((await readAll(h.storage.read(again.key))).equals(data)).toBe(true);
  });

  it('PRV-3 lists every blob, a page at a time, in key order, and nothing that is not a content key', async () => {
    for (let i = 0; i < 5; i++) await h.storage.put(chunked(randomBytes(1000 + i)), { maxBytes: 10_000 });
    await h.stray('notes.txt');
    await h.stray(`ab/cd/${'e'.repeat(64)}`); // a key whose name is not the hash of its folders
    const all = (await h.stored()).filter((k) => k !== 'notes.txt' && !k.startsWith('ab/cd/eeee'));
    const pages: string[][] = [];
    for await (const page of h.storage.list(2)) pages.push(page.map((b) => b.key));
    expect(pages.every((p) => p.length >= 1 && p.length <= 2)).toBe(true);
    expect(pages.flat()).toEqual([...all].sort());
    expect(pages.flat().length).toBeGreaterThanOrEqual(5);
    expect(pages.flat().every((k) => /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(k))).toBe(true);
  });

  it('PRV-3 removeIfOlder removes a blob last written before the time given, and keeps one written since', async () => {
    const old = await h.storage.put(chunked(randomBytes(3000)), { maxBytes: 10_000 });
    // S3 gives times to the second: the cut-off is the next whole second, the new blob after it.
    const cutoff = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
    while (Date.now() < cutoff.getTime() + 50) await new Promise((r) => setTimeout(r, 50));
    const fresh = await h.storage.put(chunked(randomBytes(3000)), { maxBytes: 10_000 });
    expect(await h.storage.removeIfOlder(fresh.key, cutoff)).toBe(false);
    expect(await h.storage.exists(fresh.key)).toBe(true);
    expect(await h.storage.removeIfOlder(old.key, cutoff)).toBe(true);
    expect(await h.storage.exists(old.key)).toBe(false);
    // Again, or a key that was never there: nothing to do, no error.
    expect(await h.storage.removeIfOlder(old.key, cutoff)).toBe(false);
    expect(await h.storage.removeIfOlder(`00/00/${'0'.repeat(64)}`, cutoff)).toBe(false);
  });

  it('PRV-3 removes temporary files of unfinished uploads last written before the time given, and only those', async () => {
    const day = 24 * 60 * 60_000;
    const stale = path.join(h.tmpDir, `upload-${Date.now() - 2 * day}-${'a'.repeat(16)}`);
    const older = path.join(h.tmpDir, `${Date.now() - 2 * day}-${'b'.repeat(16)}`); // as earlier versions named them
    const current = path.join(h.tmpDir, `upload-${Date.now()}-${'c'.repeat(16)}`);
    for (const f of [stale, older, current]) fs.writeFileSync(f, 'part of an upload');
    const twoDaysAgo = new Date(Date.now() - 2 * day);
    fs.utimesSync(stale, twoDaysAgo, twoDaysAgo);
    fs.utimesSync(older, twoDaysAgo, twoDaysAgo);
    const cutoff = new Date(Date.now() - day);
    expect(await h.storage.removeStaleTemporaryFiles(cutoff)).toBe(2);
    expect(h.leftovers()).toEqual([path.basename(current)]);
    expect(await h.storage.removeStaleTemporaryFiles(cutoff)).toBe(0);
    fs.rmSync(current);
  });

  it('check() passes while the store is reachable', async () => {
    await expect(h.storage.check()).resolves.toBeUndefined();
    expect(await h.storage.ping()).toBe(true);
  });

  it('check() fails, and a put fails as the store’s outage, when it is not reachable', async () => {
    const down = await h.unreachable();
    await expect(down.check()).rejects.toThrow();
    expect(await down.ping()).toBe(false);
    // An outage carries a syscall, like a disk error: the upload service reports it as ours (a 500).
    const err = await down.put(chunked(randomBytes(1000)), { maxBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { syscall?: string }).syscall).toBeTruthy();
  });
});

describe('S3Storage, beyond the shared cases', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  const bucket = 'permits-extra';
  beforeAll(async () => {
    s3 = await startS3rver();
    const admin = new S3Storage({ bucket, endpoint: s3.endpoint, forcePathStyle: true }, { credentials: S3RVER_CREDENTIALS });
    await admin.client.send(new CreateBucketCommand({ Bucket: bucket }));
    admin.destroy();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
  });

  it('retries an upload the server failed, with the whole file again', async () => {
    // A proxy in front of s3rver that answers the first PUT with 503 SlowDown.
    let puts = 0;
    const target = new URL(s3.endpoint);
    const proxy = http.createServer((req, res) => {
      if (req.method === 'PUT' && ++puts === 1) {
        req.resume();
        req.on('end', () => {
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Slow down</Message></Error>');
        });
        return;
      }
      const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const storage = new S3Storage(
      { bucket, endpoint: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`, forcePathStyle: true },
      { credentials: S3RVER_CREDENTIALS },
    );
    try {
      const data = randomBytes(200_000);
      const saved = await storage.put(chunked(data), { maxBytes: 1_000_000 });
      expect(puts).toBe(2);
      expect((await readAll(storage.read(saved.key))).equals(data)).toBe(true);
    } finally {
      storage.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('is what STORAGE_URL=s3://… opens, with credentials from the AWS_* variables', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', S3RVER_CREDENTIALS.secretAccessKey);
    const url = `s3://${bucket}?endpoint=${s3.endpoint}&region=us-east-1&forcePathStyle=true`;
    expect(loadConfig({ STORAGE_URL: url } as NodeJS.ProcessEnv).storageUrl).toBe(url);
    const storage = await openStorage(url);
    expect(storage).toBeInstanceOf(S3Storage);
    try {
      await storage.check();
      const saved = await storage.put(chunked(Buffer.from('hello')), { maxBytes: 100 });
      expect((await readAll(storage.read(saved.key))).toString()).toBe('hello');
    } finally {
      (storage as S3Storage).destroy();
    }
  });

  it('reports a missing bucket on check()', async () => {
    const storage = new S3Storage({ bucket: 'no-such-bucket', endpoint: s3.endpoint, forcePathStyle: true }, { credentials: S3RVER_CREDENTIALS });
    try {
      await expect(storage.check()).rejects.toBeInstanceOf(StorageError);
      await expect(storage.check()).rejects.toThrow(/no-such-bucket.*404/);
    } finally {
      storage.destroy();
    }
  });
});

describe('STORAGE_URL', () => {
  it('opens a folder for file: and a bucket for s3:', async () => {
    const dir = tmpFolder('url');
    try {
      expect(await openStorage(`file:${dir}`)).toBeInstanceOf(DiskStorage);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(parseStorageUrl('s3://permits?endpoint=http://127.0.0.1:9000&region=us-east-1&forcePathStyle=true')).toEqual({
      kind: 's3',
      bucket: 'permits',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    expect(parseStorageUrl('s3://permits')).toEqual({ kind: 's3', bucket: 'permits', endpoint: undefined, region: undefined, forcePathStyle: false });
  });

  it('is refused at start-up when it cannot work, saying why', () => {
    const refused = (url: string) => () => loadConfig({ STORAGE_URL: url } as NodeJS.ProcessEnv);
    expect(refused('ftp://files.example.org/permits')).toThrow(/STORAGE_URL.*file: or s3:/);
    expect(refused('s3://key:secret@permits')).toThrow(/AWS_ACCESS_KEY_ID/);
    expect(refused('s3://permits?endpoint=127.0.0.1:9000')).toThrow(/endpoint must be/);
    expect(refused('s3://permits?pathStyle=true')).toThrow(/unknown parameter "pathStyle"/);
    expect(refused('s3://permits/some/folder')).toThrow(/path is not supported/);
    expect(refused('s3://?endpoint=http://127.0.0.1:9000')).toThrow(/must name a bucket/);
  });
});
