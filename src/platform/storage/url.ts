import path from 'node:path';

/** Where STORAGE_URL says uploaded files live. Parsed without loading any storage client. */
export type StorageLocation =
  | { kind: 'file'; root: string }
  | { kind: 's3'; bucket: string; endpoint?: string; region?: string; forcePathStyle: boolean };

const S3_PARAMS = new Set(['endpoint', 'region', 'forcePathStyle']);

/**
 * `file:/path/to/folder`, or
 * `s3://<bucket>?endpoint=http://127.0.0.1:9000&region=us-east-1&forcePathStyle=true`
 * (every parameter optional; without `endpoint`, Amazon S3 itself). Credentials never go in the
 * URL: the AWS SDK's standard chain finds them (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`,
 * `AWS_PROFILE`, or an instance/task role). Throws a message naming what is wrong.
 */
export function parseStorageUrl(url: string): StorageLocation {
  if (url.startsWith('file:')) {
    const root = url.slice('file:'.length);
    if (!root) throw new Error('STORAGE_URL file: needs a folder, e.g. file:./data/files');
    return { kind: 'file', root: path.resolve(root) };
  }
  if (!url.startsWith('s3:')) {
    throw new Error(`STORAGE_URL must start with file: or s3:// (got "${url}")`);
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`STORAGE_URL is not a valid s3:// URL (got "${url}")`);
  }
  if (u.username || u.password) {
    throw new Error('STORAGE_URL must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead');
  }
  const bucket = decodeURIComponent(u.hostname);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`STORAGE_URL must name a bucket: s3://<bucket>?endpoint=… (got "${url}")`);
  }
  if (u.port) throw new Error('STORAGE_URL: put the host and port of an S3-compatible server in ?endpoint=, not after the bucket');
  if (u.pathname && u.pathname !== '/') {
    throw new Error(`STORAGE_URL: files are kept at the top of the bucket; a path is not supported (got "${u.pathname}")`);
  }
  for (const name of u.searchParams.keys()) {
    if (!S3_PARAMS.has(name)) throw new Error(`STORAGE_URL: unknown parameter "${name}" (known: ${[...S3_PARAMS].join(', ')})`);
  }
  const endpoint = u.searchParams.get('endpoint') || undefined;
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new Error(`STORAGE_URL: endpoint must be an http:// or https:// address (got "${endpoint}")`);
  }
  const style = u.searchParams.get('forcePathStyle');
  if (style !== null && style !== 'true' && style !== 'false') {
    throw new Error(`STORAGE_URL: forcePathStyle must be true or false (got "${style}")`);
  }
  return {
    kind: 's3',
    bucket,
    endpoint,
    region: u.searchParams.get('region') || undefined,
    forcePathStyle: style === 'true',
  };
}
