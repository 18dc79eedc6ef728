import type { StaffRole } from '../db/schema.js';
import { prepared } from '../db/prepared.js';
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/kysely.js';
import type { Clock } from '../clock.js';
import { sha256 } from '../ids.js';

export const SESSION_COOKIE = 'sp_sid';

export interface SessionUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  language: string;
}

/** A signed-in member of a district's staff (a session is a parent's or a staff member's, never both). */
export interface SessionStaff {
  id: string;
  districtId: string;
  email: string;
  firstName: string;
  lastName: string;
  role: StaffRole;
}

export interface Session {
  idHash: string;
  csrfToken: string;
  user: SessionUser | null;
  staff: SessionStaff | null;
  createdAt: string;
  data: Record<string, unknown>;
}

export interface SessionOptions {
  idleMs: number;
  absoluteMs: number;
  secureCookie: boolean;
}

/**
 * Server-side sessions in the database so that any instance can serve any request.
 * The cookie holds a random id; the table holds only its hash. Sessions rotate at
 * sign-in and end after an idle or an absolute time-out.
 */
export class SessionStore {
  constructor(private db: Db, private clock: Clock, private opts: SessionOptions) {}

  async load(rawId: string | undefined): Promise<Session | null> {
    if (!rawId || rawId.length > 100) return null;
    const idHash = sha256(rawId);
    const now = this.clock.now();
    const row = (await loadSession(this.db, { idHash })).rows[0];
    if (!row) return null;
    const idleLimit = new Date(now.getTime() - this.opts.idleMs).toISOString();
    if (row.expires_at <= now.toISOString() || row.last_seen_at < idleLimit) {
      await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      return null;
    }
    // Touch at most once a minute: the idle time-out does not need more precision.
    if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
      await this.db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id_hash', '=', idHash).execute();
    }
    return {
      idHash,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      data: JSON.parse(row.data) as Record<string, unknown>,
      user: row.user_id
        ? { id: row.user_id, email: row.email!, firstName: row.first_name!, lastName: row.last_name!, language: row.language! }
        : null,
      staff: row.staff_id
        ? { id: row.staff_id, districtId: row.staff_district!, email: row.staff_email!, firstName: row.staff_first!, lastName: row.staff_last!, role: row.staff_role! }
        : null,
    };
  }

  async create(userId: string | null, data: Record<string, unknown> = {}, staffId: string | null = null): Promise<{ rawId: string; session: Session }> {
    const rawId = randomBytes(32).toString('base64url');
    const idHash = sha256(rawId);
    const now = this.clock.now();
    const csrfToken = randomBytes(24).toString('base64url');
    const nowIso = now.toISOString();
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: idHash,
        user_id: userId,
        csrf_token: csrfToken,
        created_at: nowIso,
        last_seen_at: nowIso,
        expires_at: new Date(now.getTime() + this.opts.absoluteMs).toISOString(),
        data: JSON.stringify(data),
        staff_id: staffId,
      })
      .execute();
    return { rawId, session: { idHash, csrfToken, createdAt: nowIso, user: null, staff: null, data } };
  }

  async destroy(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async destroyAllForStaff(staffId: string, exceptIdHash?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('staff_id', '=', staffId);
    if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
    await q.execute();
  }

  async destroyAllForUser(userId: string, exceptIdHash?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
    await q.execute();
  }

  async saveData(session: Session): Promise<void> {
    await this.db.updateTable('sessions').set({ data: JSON.stringify(session.data) }).where('id_hash', '=', session.idHash).execute();
  }

  async purgeExpired(): Promise<number> {
    const res = await this.db.deleteFrom('sessions').where('expires_at', '<=', this.clock.now().toISOString()).executeTakeFirst();
    return Number(res.numDeletedRows ?? 0);
  }

  setCookie(reply: FastifyReply, rawId: string): void {
    reply.setCookie(SESSION_COOKIE, rawId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.opts.secureCookie,
      maxAge: Math.floor(this.opts.absoluteMs / 1000),
    });
  }

  clearCookie(reply: FastifyReply): void {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
    /** Returns the session, creating an anonymous one (and its cookie) when there is none. */
    ensureSession(): Promise<Session>;
    /** Starts a fresh session for a user (rotation at sign-in). */
    signIn(userId: string): Promise<void>;
    /** Starts a fresh staff session (the staff entrance). */
    signInStaff(staffId: string): Promise<void>;
    signOut(): Promise<void>;
  }
}

export function attachSessionMethods(req: FastifyRequest, reply: FastifyReply, store: SessionStore): void {
  req.ensureSession = async () => {
    if (req.session) return req.session;
    const { rawId, session } = await store.create(null);
    store.setCookie(reply, rawId);
    req.session = session;
    return session;
  };
  req.signIn = async (userId: string) => {
    if (req.session) await store.destroy(req.session.idHash);
    const { rawId } = await store.create(userId);
    store.setCookie(reply, rawId);
    req.session = await store.load(rawId);
  };
  req.signInStaff = async (staffId: string) => {
    if (req.session) await store.destroy(req.session.idHash);
    const { rawId } = await store.create(null, {}, staffId);
    store.setCookie(reply, rawId);
    req.session = await store.load(rawId);
  };
  req.signOut = async () => {
    if (req.session) await store.destroy(req.session.idHash);
    store.clearCookie(reply);
    req.session = null;
  };
}

/** Every request with a cookie reads its session: the statement is built once (platform/db/prepared.ts). */
const loadSession = prepared((db, p: { idHash: string }) =>
  db
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('staff', 'staff.id', 'sessions.staff_id')
    .select([
      'sessions.staff_id', 'staff.district_id as staff_district', 'staff.email as staff_email', 'staff.first_name as staff_first',
      'staff.last_name as staff_last', 'staff.role as staff_role',
      'sessions.id_hash', 'sessions.csrf_token', 'sessions.created_at', 'sessions.last_seen_at', 'sessions.expires_at',
      'sessions.data', 'sessions.user_id', 'users.email', 'users.first_name', 'users.last_name', 'users.language',
    ])
    .where('sessions.id_hash', '=', p.idHash),
);
