// Proves the users domain on both faces: the flat AdminStorage methods (CONTRACT §5A) and the
// seed's UsersPG domain object (`storage.users`, §5B), with the decided behaviours of §2 and §5A.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, native, rejection, sideQuery } from './helpers';

let s: PostgresAdminStorage;
beforeAll(async () => {
  s = createStorage();
  await s.init();
});
afterAll(cleanupStorages);

let n = 0;
/** A fresh unique email. */
const email = (tag = 'u') => `${tag}.${Date.now().toString(36)}.${++n}@example.com`;

const USER_KEYS = ['avatarUrl', 'createdAt', 'email', 'externalId', 'id', 'metadata', 'name', 'updatedAt'];

describe('flat face: createUser / getUser / getUserByEmail / updateUser', () => {
  it('createUser keeps the caller-supplied id and returns every column, camelCased, with Dates', async () => {
    const id = randomUUID();
    const e = email();
    const u = await s.createUser({ id, email: e, name: 'Ada', avatarUrl: 'https://img/ada.png' });
    expect(Object.keys(u).sort()).toEqual(USER_KEYS);
    expect(u).toMatchObject({ id, email: e, name: 'Ada', avatarUrl: 'https://img/ada.png', externalId: null, metadata: {} });
    expect(u.createdAt).toBeInstanceOf(Date);
    expect(u.updatedAt).toBeInstanceOf(Date);
  });

  it('createUser without an id generates a UUID; name and avatarUrl default to null', async () => {
    const u = await s.createUser({ email: email() });
    expect(u.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(u.name).toBeNull();
    expect(u.avatarUrl).toBeNull();
  });

  it('createUser with a duplicate email rejects with UNIQUE_VIOLATION and "User with email <email> already exists"', async () => {
    const e = email('dup');
    await s.createUser({ email: e });
    const err = await rejection(s.createUser({ email: e }));
    expect(err.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
    expect(err.message).toBe(`User with email ${e} already exists`);
    expect(err.pgCode).toBe('23505');
    expect(err.constraint).toMatch(/email/);
  });

  it('createUser with a duplicate id rejects with UNIQUE_VIOLATION', async () => {
    const u = await s.createUser({ email: email() });
    const err = await rejection(s.createUser({ id: u.id, email: email() }));
    expect(err.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
  });

  it.each(['not-an-email', 'a@b', '@example.com', 'a b@example.com', 'a@@example.com', ''])(
    'createUser rejects the invalid email %j with INVALID_ARGUMENT mentioning "email"',
    async (bad) => {
      const err = await rejection(s.createUser({ email: bad }));
      expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
      expect(err.message).toMatch(/email/);
    },
  );

  it('createUser without an email rejects with INVALID_ARGUMENT mentioning "email"', async () => {
    const err = await rejection(s.createUser({} as never));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toMatch(/email/);
  });

  it('createUser with an unknown field rejects with INVALID_ARGUMENT naming the field (and writes nothing)', async () => {
    const e = email();
    const err = await rejection(s.createUser({ email: e, favouriteColour: 'blue' } as never));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('favouriteColour');
    expect(await s.getUserByEmail(e)).toBeNull();
  });

  it('createUser with a malformed id rejects with INVALID_ARGUMENT', async () => {
    const err = await rejection(s.createUser({ id: 'not-a-uuid', email: email() }));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('getUser returns the user, or null for an unknown or malformed id', async () => {
    const u = await s.createUser({ email: email() });
    expect(await s.getUser(u.id)).toEqual(u);
    expect(await s.getUser(randomUUID())).toBeNull();
    expect(await s.getUser('abc')).toBeNull();
    expect(await s.getUser("'; drop table admin_users; --")).toBeNull();
  });

  it('getUser with a non-string id rejects with INVALID_ARGUMENT (not a throw)', async () => {
    const p = (s.getUser as (id: unknown) => Promise<unknown>)(42);
    expect(p).toBeInstanceOf(Promise);
    expect((await rejection(p)).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('getUserByEmail matches case-insensitively and keeps the stored casing', async () => {
    const e = `Mixed.Case.${++n}@Example.COM`;
    const u = await s.createUser({ email: e });
    expect((await s.getUserByEmail(e.toLowerCase()))?.id).toBe(u.id);
    expect((await s.getUserByEmail(e.toUpperCase()))?.email).toBe(e);
    expect(await s.getUserByEmail(`nobody.${n}@example.com`)).toBeNull();
  });

  it('getUserByEmail prefers the exact-case row when several casings exist', async () => {
    const base = `Case.Twins.${++n}@example.com`;
    const lower = await s.createUser({ email: base.toLowerCase() });
    const mixed = await s.createUser({ email: base });
    expect((await s.getUserByEmail(base))?.id).toBe(mixed.id);
    expect((await s.getUserByEmail(base.toLowerCase()))?.id).toBe(lower.id);
    expect((await s.users.getUserByEmail(base))?.id).toBe(mixed.id);
  });

  it('updateUser changes the given fields, bumps updatedAt and returns the row', async () => {
    const u = await s.createUser({ email: email(), name: 'Old' });
    await new Promise((r) => setTimeout(r, 5));
    const updated = await s.updateUser(u.id, { name: 'New', avatarUrl: 'https://img/new.png' });
    expect(updated).toMatchObject({ id: u.id, email: u.email, name: 'New', avatarUrl: 'https://img/new.png' });
    expect(updated.createdAt).toEqual(u.createdAt);
    expect(updated.updatedAt.getTime()).toBeGreaterThan(u.updatedAt.getTime());
    expect(await s.getUser(u.id)).toEqual(updated);
  });

  it('updateUser ignores id, createdAt and updatedAt in the updates (whole entity spread back in)', async () => {
    const u = await s.createUser({ email: email(), name: 'Spread' });
    const updated = await s.updateUser(u.id, {
      ...u,
      id: randomUUID(),
      createdAt: new Date('2000-01-01T00:00:00Z'),
      updatedAt: new Date('2000-01-01T00:00:00Z'),
      name: 'Spread 2',
    });
    expect(updated.id).toBe(u.id);
    expect(updated.name).toBe('Spread 2');
    expect(updated.createdAt).toEqual(u.createdAt);
    expect(updated.updatedAt.getFullYear()).toBeGreaterThan(2000);
  });

  it('updateUser with an empty object returns the row unchanged', async () => {
    const u = await s.createUser({ email: email(), name: 'Same' });
    expect(await s.updateUser(u.id, {})).toEqual(u);
    expect(await s.getUser(u.id)).toEqual(u);
  });

  it('updateUser of a missing or malformed id rejects with ERR_ADMIN_PG_NOT_FOUND', async () => {
    for (const id of [randomUUID(), 'abc', '']) {
      const err = await rejection(s.updateUser(id, { name: 'x' }));
      expect(err.code).toBe('ERR_ADMIN_PG_NOT_FOUND');
    }
    expect((await rejection(s.updateUser(randomUUID(), {}))).code).toBe('ERR_ADMIN_PG_NOT_FOUND');
  });

  it('updateUser with an unknown field rejects with INVALID_ARGUMENT naming it', async () => {
    const u = await s.createUser({ email: email() });
    const err = await rejection(s.updateUser(u.id, { nickname: 'x' } as never));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('nickname');
  });

  it('updateUser to an invalid email rejects mentioning "email"; to a taken one, with the duplicate message', async () => {
    const a = await s.createUser({ email: email() });
    const b = await s.createUser({ email: email() });
    const bad = await rejection(s.updateUser(a.id, { email: 'nope' }));
    expect(bad.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(bad.message).toMatch(/email/);
    const dup = await rejection(s.updateUser(a.id, { email: b.email }));
    expect(dup.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
    expect(dup.message).toBe(`User with email ${b.email} already exists`);
  });

  it('updateUser can set a nullable column to null', async () => {
    const u = await s.createUser({ email: email(), name: 'Named' });
    expect((await s.updateUser(u.id, { name: null })).name).toBeNull();
  });
});

describe('domain face: storage.users (UsersPG)', () => {
  it('storage.users is a UsersPG instance', () => {
    expect(s.users).toBeInstanceOf(native().UsersPG);
  });

  it('createUser + getUserById round trip, with externalId and metadata', async () => {
    const u = await s.users.createUser({ email: email('d'), name: 'Dom', externalId: `ext-${++n}`, metadata: { plan: 'pro' } });
    expect(await s.users.getUserById(u.id)).toEqual(u);
    expect(u.metadata).toEqual({ plan: 'pro' });
  });

  it('getUserById returns null for unknown and malformed ids', async () => {
    expect(await s.users.getUserById(randomUUID())).toBeNull();
    expect(await s.users.getUserById('abc')).toBeNull();
  });

  it('getUserByExternalId finds by the identity provider id, or null', async () => {
    const ext = `github|${++n}`;
    const u = await s.users.createUser({ email: email('x'), externalId: ext });
    expect((await s.users.getUserByExternalId(ext))?.id).toBe(u.id);
    expect(await s.users.getUserByExternalId('github|none')).toBeNull();
  });

  it('a duplicate externalId rejects with UNIQUE_VIOLATION', async () => {
    const ext = `dup-ext-${++n}`;
    await s.users.createUser({ email: email(), externalId: ext });
    const err = await rejection(s.users.createUser({ email: email(), externalId: ext }));
    expect(err.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
    expect(err.message).toContain(ext);
  });

  it('createUser on the domain face also rejects a duplicate email with the contract message', async () => {
    const e = email();
    await s.users.createUser({ email: e });
    const err = await rejection(s.users.createUser({ email: e }));
    expect(err.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
    expect(err.message).toBe(`User with email ${e} already exists`);
  });

  it('getUserByEmail is case-insensitive', async () => {
    const u = await s.users.createUser({ email: `Dom.${++n}@Example.org` });
    expect((await s.users.getUserByEmail(u.email.toLowerCase()))?.id).toBe(u.id);
  });

  it('updateUser returns the updated row, or null for an unknown / malformed id', async () => {
    const u = await s.users.createUser({ email: email() });
    expect(await s.users.updateUser(u.id, { name: 'Renamed' })).toMatchObject({ id: u.id, name: 'Renamed' });
    expect(await s.users.updateUser(randomUUID(), { name: 'x' })).toBeNull();
    expect(await s.users.updateUser('abc', { name: 'x' })).toBeNull();
  });

  it('updateUser ignores id/createdAt/updatedAt and rejects unknown fields', async () => {
    const u = await s.users.createUser({ email: email() });
    const same = await s.users.updateUser(u.id, { id: randomUUID(), createdAt: new Date(0) });
    expect(same).toEqual(u);
    const err = await rejection(s.users.updateUser(u.id, { bogusField: 1 } as never));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('bogusField');
  });

  it('deleteUser returns true once, then false; false for malformed ids', async () => {
    const u = await s.users.createUser({ email: email() });
    expect(await s.users.deleteUser(u.id)).toBe(true);
    expect(await s.users.deleteUser(u.id)).toBe(false);
    expect(await s.users.getUserById(u.id)).toBeNull();
    expect(await s.users.deleteUser('abc')).toBe(false);
  });

  describe('listUsers', () => {
    let listed: PostgresAdminStorage;
    const ids: string[] = [];
    beforeAll(async () => {
      listed = createStorage();
      await listed.init();
      for (let i = 0; i < 5; i++) {
        const u = await listed.users.createUser({ email: `list${i}@example.com` });
        ids.push(u.id);
      }
      // Two users share one created_at: id breaks the tie.
      await sideQuery(`update "${listed.schemaName}".admin_users set created_at = '2030-01-01T00:00:00Z' where id = any($1)`, [
        ids.slice(3),
      ]);
    });

    it('lists newest first, id breaking ties', async () => {
      const all = await listed.users.listUsers();
      expect(all).toHaveLength(5);
      const tied = ids.slice(3).sort();
      expect(all.slice(0, 2).map((u) => u.id)).toEqual(tied);
      for (let i = 1; i < all.length; i++) {
        expect(all[i - 1].createdAt.getTime()).toBeGreaterThanOrEqual(all[i].createdAt.getTime());
      }
    });

    it('honours limit and offset', async () => {
      const all = await listed.users.listUsers();
      expect(await listed.users.listUsers({ limit: 2 })).toEqual(all.slice(0, 2));
      expect(await listed.users.listUsers({ limit: 2, offset: 2 })).toEqual(all.slice(2, 4));
      expect(await listed.users.listUsers({ offset: 4 })).toEqual(all.slice(4));
      expect(await listed.users.listUsers({ limit: 0 })).toEqual([]);
      expect(await listed.users.listUsers({ offset: 10 })).toEqual([]);
    });

    it.each([{ limit: -1 }, { limit: 1.5 }, { offset: -3 }, { limit: Number.NaN }, { limit: '5' as unknown as number }])(
      'rejects %j with INVALID_ARGUMENT',
      async (opts) => {
        expect((await rejection(listed.users.listUsers(opts))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
      },
    );
  });
});

describe('both faces share one table', () => {
  it('a user created on one face is visible and updatable on the other', async () => {
    const u = await s.createUser({ email: email('both') });
    expect(await s.users.getUserById(u.id)).toEqual(u);
    const viaDomain = await s.users.updateUser(u.id, { name: 'Domain' });
    expect(await s.getUser(u.id)).toEqual(viaDomain);
  });

  it('exported UsersPG is the class of storage.users', () => {
    const { UsersPG } = native();
    expect(Object.getPrototypeOf(s.users)).toBe(UsersPG.prototype);
  });
});
