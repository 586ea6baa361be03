// Teams, members, invites and installations: the flat AdminStorage face (CONTRACT §5A) and the
// seed's TeamsPG domain object (§5B), on a real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage, Team, User } from '../index.js';
import { cleanupStorages, createStorage, pgClient } from './helpers';

let s: PostgresAdminStorage;

beforeAll(async () => {
  s = createStorage();
  await s.init();
});
afterAll(cleanupStorages);

const unique = () => randomUUID().slice(0, 8);
const newUser = (email = `u-${unique()}@example.com`): Promise<User> => s.createUser({ email, name: 'U' });
const newTeam = (name = `Team ${unique()}`): Promise<Team> =>
  s.createTeam({ id: randomUUID(), name, slug: `t-${unique()}`, settings: { plan: 'free' } });
const inAnHour = () => new Date(Date.now() + 3_600_000);

/** Statements the storage sends while `fn` runs. */
async function statementsOf(fn: () => Promise<unknown>): Promise<number> {
  const before = s.statementCount;
  await fn();
  return s.statementCount - before;
}

describe('flat teams', () => {
  it('createTeam stores the caller id and returns every field, settings as an object and dates as Date', async () => {
    const id = randomUUID();
    const team = await s.createTeam({ id, name: 'Acme', slug: `acme-${unique()}`, settings: { a: [1, 2] } });
    expect(team).toMatchObject({ id, name: 'Acme', settings: { a: [1, 2] } });
    expect(team.createdAt).toBeInstanceOf(Date);
    expect(team.updatedAt).toBeInstanceOf(Date);
    expect(await s.getTeam(id)).toEqual(team);
    expect(await s.getTeamBySlug(team.slug)).toEqual(team);
  });

  it('createTeam generates an id when none is given', async () => {
    const team = await s.createTeam({ name: 'No id', slug: `noid-${unique()}` });
    expect(team.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(team.settings).toEqual({});
  });

  it('getters give null for a missing or malformed id and an unknown slug', async () => {
    expect(await s.getTeam(randomUUID())).toBeNull();
    expect(await s.getTeam('not-a-uuid')).toBeNull();
    expect(await s.getTeamBySlug('no-such-slug')).toBeNull();
  });

  it('a duplicate slug rejects with ERR_ADMIN_PG_UNIQUE_VIOLATION naming the slug', async () => {
    const team = await newTeam();
    await expect(s.createTeam({ name: 'Other', slug: team.slug })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
      pgCode: '23505',
      message: `Team with slug ${team.slug} already exists`,
    });
  });

  it('updateTeam changes fields, ignores id/createdAt/updatedAt, and returns the row unchanged for empty updates', async () => {
    const team = await newTeam();
    const updated = await s.updateTeam(team.id, { ...team, name: 'Renamed', id: randomUUID() });
    expect(updated).toMatchObject({ id: team.id, name: 'Renamed', slug: team.slug });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(team.updatedAt.getTime());
    expect(await s.updateTeam(team.id, {})).toEqual(updated);
  });

  it('updateTeam / deleteTeam of a missing or malformed id reject with ERR_ADMIN_PG_NOT_FOUND', async () => {
    await expect(s.updateTeam(randomUUID(), { name: 'x' })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
    await expect(s.updateTeam('bad', {})).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
    await expect(s.deleteTeam(randomUUID())).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
  });

  it('updateTeam rejects an unknown field by name', async () => {
    const team = await newTeam();
    await expect(s.updateTeam(team.id, { colour: 'red' } as never)).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_INVALID_ARGUMENT',
      message: expect.stringContaining('colour'),
    });
  });

  it('deleteTeam resolves void and the team is gone', async () => {
    const team = await newTeam();
    expect(await s.deleteTeam(team.id)).toBeUndefined();
    expect(await s.getTeam(team.id)).toBeNull();
  });

  describe('listTeamsForUser', () => {
    let user: User;
    const names = ['Echo', 'Alpha', 'Delta', 'Bravo', 'Charlie'];
    beforeAll(async () => {
      user = await newUser();
      for (const name of names) {
        const team = await newTeam(name);
        await s.addTeamMember({ teamId: team.id, userId: user.id, role: 'developer' });
      }
      await newTeam('Not mine');
    });

    it('pages the user’s teams by name with totals and hasMore, in one statement', async () => {
      let page!: Awaited<ReturnType<typeof s.listTeamsForUser>>;
      expect(await statementsOf(async () => (page = await s.listTeamsForUser(user.id, { page: 1, perPage: 2 })))).toBe(1);
      expect(page).toMatchObject({ total: 5, page: 1, perPage: 2, hasMore: true });
      expect(page.data.map((t) => t.name)).toEqual(['Alpha', 'Bravo']);
      const last = await s.listTeamsForUser(user.id, { page: 3, perPage: 2 });
      expect(last).toMatchObject({ total: 5, hasMore: false });
      expect(last.data.map((t) => t.name)).toEqual(['Echo']);
    });

    it('a page beyond the end is empty but keeps the total', async () => {
      expect(await s.listTeamsForUser(user.id, { page: 9, perPage: 2 })).toEqual({
        data: [],
        total: 5,
        page: 9,
        perPage: 2,
        hasMore: false,
      });
    });

    it('perPage 1 walks every team once; defaults are page 1, perPage 20', async () => {
      const seen: string[] = [];
      for (let page = 1; page <= 5; page++) {
        const r = await s.listTeamsForUser(user.id, { page, perPage: 1 });
        expect(r.data).toHaveLength(1);
        expect(r.hasMore).toBe(page < 5);
        seen.push(r.data[0].name);
      }
      expect(seen).toEqual([...names].sort());
      const all = await s.listTeamsForUser(user.id);
      expect(all).toMatchObject({ total: 5, page: 1, perPage: 20, hasMore: false });
      expect(all.data[0].settings).toEqual({ plan: 'free' });
    });

    it('invalid pagination rejects with ERR_ADMIN_PG_INVALID_ARGUMENT', async () => {
      for (const bad of [{ page: 0 }, { perPage: 0 }, { page: 1.5 }, { perPage: -1 }]) {
        await expect(s.listTeamsForUser(user.id, bad)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_INVALID_ARGUMENT' });
      }
    });

    it('a user without teams (or a malformed id) gets an empty page', async () => {
      expect(await s.listTeamsForUser(randomUUID())).toMatchObject({ data: [], total: 0, hasMore: false });
      expect(await s.listTeamsForUser('nope')).toMatchObject({ data: [], total: 0 });
    });
  });
});

describe('flat members', () => {
  it('addTeamMember stores createdAt as joinedAt; members report createdAt and updatedAt', async () => {
    const [team, user] = await Promise.all([newTeam(), newUser()]);
    const createdAt = new Date('2024-05-01T10:00:00.000Z');
    const id = randomUUID();
    const member = await s.addTeamMember({ id, teamId: team.id, userId: user.id, role: 'admin', createdAt, updatedAt: createdAt });
    expect(member).toMatchObject({ id, teamId: team.id, userId: user.id, role: 'admin', createdAt, joinedAt: createdAt });
    expect(member.updatedAt).toBeInstanceOf(Date);
    expect(await s.getTeamMember(team.id, user.id)).toEqual(member);
  });

  it('getTeamMember gives null for a non-member or malformed ids', async () => {
    const team = await newTeam();
    expect(await s.getTeamMember(team.id, randomUUID())).toBeNull();
    expect(await s.getTeamMember('x', 'y')).toBeNull();
  });

  it('a duplicate member rejects with ERR_ADMIN_PG_UNIQUE_VIOLATION', async () => {
    const [team, user] = await Promise.all([newTeam(), newUser()]);
    await s.addTeamMember({ teamId: team.id, userId: user.id, role: 'viewer' });
    await expect(s.addTeamMember({ teamId: team.id, userId: user.id, role: 'admin' })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
      constraint: 'admin_team_members_team_id_user_id_key',
    });
  });

  it('a member of a missing team rejects with ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION; a malformed teamId with INVALID_ARGUMENT', async () => {
    const user = await newUser();
    await expect(s.addTeamMember({ teamId: randomUUID(), userId: user.id, role: 'viewer' })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION',
      pgCode: '23503',
    });
    await expect(s.addTeamMember({ teamId: 'nope', userId: user.id, role: 'viewer' })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_INVALID_ARGUMENT',
    });
  });

  it('listTeamMembers pages members in joining order, each with its user, in one statement', async () => {
    const team = await newTeam();
    const users: User[] = [];
    for (let i = 0; i < 3; i++) {
      const u = await newUser(`Member${i}-${unique()}@Example.com`);
      users.push(u);
      await s.addTeamMember({ teamId: team.id, userId: u.id, role: 'viewer', createdAt: new Date(Date.UTC(2024, 0, 1 + i)) });
    }
    let page!: Awaited<ReturnType<typeof s.listTeamMembers>>;
    expect(await statementsOf(async () => (page = await s.listTeamMembers(team.id, { perPage: 2 })))).toBe(1);
    expect(page).toMatchObject({ total: 3, page: 1, perPage: 2, hasMore: true });
    expect(page.data.map((m) => m.userId)).toEqual([users[0].id, users[1].id]);
    const first = page.data[0];
    expect(first.createdAt).toEqual(new Date(Date.UTC(2024, 0, 1)));
    expect(first.user).toEqual(users[0]);
    expect(first.user.createdAt).toBeInstanceOf(Date);
    const rest = await s.listTeamMembers(team.id, { page: 2, perPage: 2 });
    expect(rest).toMatchObject({ total: 3, hasMore: false });
    expect(rest.data.map((m) => m.user.email)).toEqual([users[2].email]);
    expect(await s.listTeamMembers(team.id, { page: 3, perPage: 2 })).toMatchObject({ data: [], total: 3, hasMore: false });
  });

  it('updateTeamMemberRole changes the role and bumps updatedAt; a non-member rejects with NOT_FOUND', async () => {
    const [team, user] = await Promise.all([newTeam(), newUser()]);
    const m = await s.addTeamMember({ teamId: team.id, userId: user.id, role: 'viewer', createdAt: new Date('2024-01-01') });
    const updated = await s.updateTeamMemberRole(team.id, user.id, 'admin');
    expect(updated).toMatchObject({ id: m.id, role: 'admin', createdAt: m.createdAt });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(m.updatedAt.getTime());
    await expect(s.updateTeamMemberRole(team.id, randomUUID(), 'admin')).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
  });

  it('removeTeamMember resolves void; a non-member rejects with NOT_FOUND', async () => {
    const [team, user] = await Promise.all([newTeam(), newUser()]);
    await s.addTeamMember({ teamId: team.id, userId: user.id, role: 'viewer' });
    expect(await s.removeTeamMember(team.id, user.id)).toBeUndefined();
    expect(await s.getTeamMember(team.id, user.id)).toBeNull();
    await expect(s.removeTeamMember(team.id, user.id)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
  });
});

describe('flat invites', () => {
  it('createTeamInvite generates a random token when none is given and keeps a given one', async () => {
    const [team, inviter] = await Promise.all([newTeam(), newUser()]);
    const id = randomUUID();
    const invite = await s.createTeamInvite({ id, teamId: team.id, email: 'a@b.co', role: 'developer', invitedBy: inviter.id, expiresAt: inAnHour() });
    expect(invite).toMatchObject({ id, teamId: team.id, email: 'a@b.co', role: 'developer', invitedBy: inviter.id, acceptedAt: null });
    expect(invite.token).toMatch(/^[0-9a-f]{64}$/);
    expect(invite.expiresAt).toBeInstanceOf(Date);
    const other = await s.createTeamInvite({ teamId: team.id, email: 'c@d.co', invitedBy: inviter.id, expiresAt: inAnHour() });
    expect(other.token).not.toBe(invite.token);
    const given = await s.createTeamInvite({ teamId: team.id, email: 'e@f.co', invitedBy: inviter.id, expiresAt: inAnHour(), token: 'my-token' });
    expect(given.token).toBe('my-token');
    expect(await s.getTeamInvite(id)).toEqual(invite);
    expect(await s.getTeamInvite(randomUUID())).toBeNull();
    expect(await s.getTeamInvite('bad')).toBeNull();
  });

  it('getTeamInviteByEmail matches case-insensitively, exact case first, keeping the stored casing', async () => {
    const [team, inviter] = await Promise.all([newTeam(), newUser()]);
    const mixed = await s.createTeamInvite({ teamId: team.id, email: 'Jane.Doe@Example.com', invitedBy: inviter.id, expiresAt: inAnHour() });
    expect(await s.getTeamInviteByEmail(team.id, 'jane.doe@example.com')).toMatchObject({ id: mixed.id, email: 'Jane.Doe@Example.com' });
    const lower = await s.createTeamInvite({ teamId: team.id, email: 'jane.doe@example.com', invitedBy: inviter.id, expiresAt: inAnHour() });
    expect((await s.getTeamInviteByEmail(team.id, 'jane.doe@example.com'))?.id).toBe(lower.id);
    expect((await s.getTeamInviteByEmail(team.id, 'Jane.Doe@Example.com'))?.id).toBe(mixed.id);
    expect(await s.getTeamInviteByEmail(team.id, 'other@example.com')).toBeNull();
    expect(await s.getTeamInviteByEmail((await newTeam()).id, 'jane.doe@example.com')).toBeNull();
  });

  it('listTeamInvites returns pending invites only (not accepted, not expired), newest first', async () => {
    const [team, inviter] = await Promise.all([newTeam(), newUser()]);
    const base = Date.now();
    const mk = (email: string, createdAt: number, expiresAt: Date) =>
      s.createTeamInvite({ teamId: team.id, email, invitedBy: inviter.id, expiresAt, createdAt: new Date(createdAt) });
    const older = await mk('older@x.io', base - 2000, inAnHour());
    const newer = await mk('newer@x.io', base - 1000, inAnHour());
    await mk('expired@x.io', base - 500, new Date(base - 1000));
    const accepted = await mk('accepted@x.io', base, inAnHour());
    await s.teams.acceptInvite(accepted.token);
    expect((await s.listTeamInvites(team.id)).map((i) => i.id)).toEqual([newer.id, older.id]);
    expect(await s.listTeamInvites(randomUUID())).toEqual([]);
  });

  it('deleteTeamInvite resolves void; a missing invite rejects with NOT_FOUND', async () => {
    const [team, inviter] = await Promise.all([newTeam(), newUser()]);
    const invite = await s.createTeamInvite({ teamId: team.id, email: 'x@y.io', invitedBy: inviter.id, expiresAt: inAnHour() });
    expect(await s.deleteTeamInvite(invite.id)).toBeUndefined();
    await expect(s.deleteTeamInvite(invite.id)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
  });
});

describe('TeamsPG', () => {
  it('storage.teams is a TeamsPG over the same storage', async () => {
    const { TeamsPG } = await import('../index.js');
    expect(s.teams).toBeInstanceOf(TeamsPG);
  });

  it('team CRUD follows the seed: null / false for missing rows', async () => {
    const t = s.teams;
    const team = await t.createTeam({ name: 'Domain', slug: `domain-${unique()}` });
    expect(await t.getTeamById(team.id)).toEqual(team);
    expect(await t.getTeamBySlug(team.slug)).toEqual(team);
    expect(await t.updateTeam(team.id, { name: 'Domain 2' })).toMatchObject({ name: 'Domain 2' });
    expect(await t.updateTeam(randomUUID(), { name: 'x' })).toBeNull();
    expect(await t.getTeamById('bad')).toBeNull();
    expect(await t.deleteTeam(team.id)).toBe(true);
    expect(await t.deleteTeam(team.id)).toBe(false);
    expect(await t.deleteTeam('bad')).toBe(false);
  });

  it('listTeamsForUser orders by name then id', async () => {
    const user = await newUser();
    const ids: string[] = [];
    for (const name of ['Same', 'Same', 'Aaa']) {
      const team = await newTeam(name);
      ids.push(team.id);
      await s.teams.addTeamMember({ teamId: team.id, userId: user.id, role: 'viewer' });
    }
    const list = await s.teams.listTeamsForUser(user.id);
    expect(list.map((t) => t.name)).toEqual(['Aaa', 'Same', 'Same']);
    expect(list.slice(1).map((t) => t.id)).toEqual([ids[0], ids[1]].sort());
  });

  it('member operations: add, get, list in joining order, update role, remove → boolean', async () => {
    const t = s.teams;
    const [team, a, b] = await Promise.all([newTeam(), newUser(), newUser()]);
    const ma = await t.addTeamMember({ teamId: team.id, userId: a.id, role: 'owner', joinedAt: new Date('2024-01-01') });
    const mb = await t.addTeamMember({ teamId: team.id, userId: b.id, role: 'viewer', joinedAt: new Date('2024-02-01') });
    expect(ma.createdAt).toEqual(ma.joinedAt);
    expect(await t.getTeamMember(team.id, b.id)).toEqual(mb);
    expect((await t.listTeamMembers(team.id)).map((m) => m.id)).toEqual([ma.id, mb.id]);
    expect(await t.updateTeamMemberRole(team.id, b.id, 'developer')).toMatchObject({ id: mb.id, role: 'developer' });
    expect(await t.updateTeamMemberRole(team.id, randomUUID(), 'developer')).toBeNull();
    expect(await t.removeTeamMember(team.id, b.id)).toBe(true);
    expect(await t.removeTeamMember(team.id, b.id)).toBe(false);
    expect(await t.getTeamMember(team.id, b.id)).toBeNull();
    expect(await t.listTeamMembers('bad')).toEqual([]);
  });

  describe('invites', () => {
    it('createInvite generates a token; getInviteByToken finds it', async () => {
      const [team, inviter] = await Promise.all([newTeam(), newUser()]);
      const invite = await s.teams.createInvite({ teamId: team.id, email: 'x@y.io', role: 'viewer', invitedBy: inviter.id, expiresAt: inAnHour() });
      expect(invite.token).toMatch(/^[0-9a-f]{64}$/);
      expect(await s.teams.getInviteByToken(invite.token)).toEqual(invite);
      expect(await s.teams.getInviteByToken('nope')).toBeNull();
    });

    it('acceptInvite sets acceptedAt and adds the invitee (matched by email, any case) with the invite’s role', async () => {
      const [team, inviter] = await Promise.all([newTeam(), newUser()]);
      const invitee = await newUser(`Invitee-${unique()}@Example.com`);
      const invite = await s.teams.createInvite({
        teamId: team.id,
        email: invitee.email.toLowerCase(),
        role: 'developer',
        invitedBy: inviter.id,
        expiresAt: inAnHour(),
      });
      const accepted = await s.teams.acceptInvite(invite.token);
      expect(accepted).toMatchObject({ id: invite.id, token: invite.token });
      expect(accepted?.acceptedAt).toBeInstanceOf(Date);
      expect(await s.getTeamMember(team.id, invitee.id)).toMatchObject({ role: 'developer' });
      expect(await s.teams.listPendingInvites(team.id)).toEqual([]);
    });

    it('acceptInvite of an unknown token gives null', async () => {
      expect(await s.teams.acceptInvite('no-such-token')).toBeNull();
    });

    it('acceptInvite of an expired invite rejects with ERR_ADMIN_PG_INVITE_EXPIRED and changes nothing', async () => {
      const [team, inviter, invitee] = await Promise.all([newTeam(), newUser(), newUser()]);
      const invite = await s.teams.createInvite({ teamId: team.id, email: invitee.email, invitedBy: inviter.id, expiresAt: new Date(Date.now() - 1000) });
      await expect(s.teams.acceptInvite(invite.token)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_INVITE_EXPIRED' });
      expect((await s.teams.getInviteByToken(invite.token))?.acceptedAt).toBeNull();
      expect(await s.getTeamMember(team.id, invitee.id)).toBeNull();
    });

    it('accepting twice rejects the second time with ERR_ADMIN_PG_INVITE_ACCEPTED', async () => {
      const [team, inviter, invitee] = await Promise.all([newTeam(), newUser(), newUser()]);
      const invite = await s.teams.createInvite({ teamId: team.id, email: invitee.email, invitedBy: inviter.id, expiresAt: inAnHour() });
      const first = await s.teams.acceptInvite(invite.token);
      await expect(s.teams.acceptInvite(invite.token)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_INVITE_ACCEPTED' });
      expect((await s.teams.getInviteByToken(invite.token))?.acceptedAt).toEqual(first?.acceptedAt);
    });

    it('of concurrent accepts of one token exactly one succeeds, and the invitee is a member once', async () => {
      const [team, inviter, invitee] = await Promise.all([newTeam(), newUser(), newUser()]);
      const invite = await s.teams.createInvite({ teamId: team.id, email: invitee.email, role: 'admin', invitedBy: inviter.id, expiresAt: inAnHour() });
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => s.teams.acceptInvite(invite.token)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toMatchObject({ code: 'ERR_ADMIN_PG_INVITE_ACCEPTED' });
      }
      expect((await s.listTeamMembers(team.id)).data.map((m) => [m.userId, m.role])).toEqual([[invitee.id, 'admin']]);
    });

    it('accepting when no user has the email still accepts; an existing member keeps their role', async () => {
      const [team, inviter, member] = await Promise.all([newTeam(), newUser(), newUser()]);
      const nobody = await s.teams.createInvite({ teamId: team.id, email: `nobody-${unique()}@x.io`, invitedBy: inviter.id, expiresAt: inAnHour() });
      expect((await s.teams.acceptInvite(nobody.token))?.acceptedAt).toBeInstanceOf(Date);
      expect((await s.listTeamMembers(team.id)).total).toBe(0);
      await s.addTeamMember({ teamId: team.id, userId: member.id, role: 'owner' });
      const again = await s.teams.createInvite({ teamId: team.id, email: member.email, role: 'viewer', invitedBy: inviter.id, expiresAt: inAnHour() });
      await s.teams.acceptInvite(again.token);
      expect(await s.getTeamMember(team.id, member.id)).toMatchObject({ role: 'owner' });
    });

    it('listPendingInvites excludes accepted and expired invites; deleteInvite → boolean', async () => {
      const [team, inviter] = await Promise.all([newTeam(), newUser()]);
      const pending = await s.teams.createInvite({ teamId: team.id, email: 'p@x.io', invitedBy: inviter.id, expiresAt: inAnHour() });
      await s.teams.createInvite({ teamId: team.id, email: 'e@x.io', invitedBy: inviter.id, expiresAt: new Date(Date.now() - 1) });
      const acc = await s.teams.createInvite({ teamId: team.id, email: 'a@x.io', invitedBy: inviter.id, expiresAt: inAnHour() });
      await s.teams.acceptInvite(acc.token);
      expect((await s.teams.listPendingInvites(team.id)).map((i) => i.id)).toEqual([pending.id]);
      expect(await s.teams.deleteInvite(pending.id)).toBe(true);
      expect(await s.teams.deleteInvite(pending.id)).toBe(false);
      expect(await s.teams.listPendingInvites(team.id)).toEqual([]);
    });
  });

  it('installations: create, get, list oldest first, duplicate → UNIQUE_VIOLATION, delete → boolean', async () => {
    const t = s.teams;
    const team = await newTeam();
    const one = await t.createInstallation({ teamId: team.id, provider: 'github', installationId: '111', accountName: 'acme', accountType: 'Organization', permissions: { contents: 'read' } });
    expect(one).toMatchObject({ provider: 'github', installationId: '111', permissions: { contents: 'read' }, metadata: {} });
    const two = await t.createInstallation({ teamId: team.id, provider: 'github', installationId: '222' });
    expect(await t.getInstallation(team.id, 'github', '111')).toEqual(one);
    expect(await t.getInstallation(team.id, 'gitlab', '111')).toBeNull();
    expect((await t.listInstallations(team.id)).map((i) => i.id)).toEqual([one.id, two.id]);
    await expect(t.createInstallation({ teamId: team.id, provider: 'github', installationId: '111' })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
    });
    expect(await t.deleteInstallation(one.id)).toBe(true);
    expect(await t.deleteInstallation(one.id)).toBe(false);
    expect((await t.listInstallations(team.id)).map((i) => i.id)).toEqual([two.id]);
  });

  describe('createTeamWithOwner', () => {
    it('creates the team and its owner member together', async () => {
      const owner = await newUser();
      const team = await s.teams.createTeamWithOwner({ name: 'Owned', slug: `owned-${unique()}` }, owner.id);
      expect(await s.getTeam(team.id)).toEqual(team);
      expect(await s.getTeamMember(team.id, owner.id)).toMatchObject({ role: 'owner' });
    });

    it('rolls back entirely when the owner does not exist', async () => {
      const slug = `orphan-${unique()}`;
      await expect(s.teams.createTeamWithOwner({ name: 'Orphan', slug }, randomUUID())).rejects.toMatchObject({
        code: 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION',
      });
      expect(await s.getTeamBySlug(slug)).toBeNull();
      await expect(s.teams.createTeamWithOwner({ name: 'Orphan', slug }, 'not-a-uuid')).rejects.toMatchObject({
        code: 'ERR_ADMIN_PG_INVALID_ARGUMENT',
      });
      expect(await s.getTeamBySlug(slug)).toBeNull();
    });

    it('a duplicate slug creates nothing either', async () => {
      const [owner, team] = await Promise.all([newUser(), newTeam()]);
      await expect(s.teams.createTeamWithOwner({ name: 'Dup', slug: team.slug }, owner.id)).rejects.toMatchObject({
        code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
      });
      expect(await s.listTeamsForUser(owner.id)).toMatchObject({ total: 0 });
    });
  });
});

describe('deleting a team', () => {
  it('cascades to members, invites, installations, projects, env vars and API tokens', async () => {
    const [owner, team] = await Promise.all([newUser(), newTeam()]);
    await s.addTeamMember({ teamId: team.id, userId: owner.id, role: 'owner' });
    await s.createTeamInvite({ teamId: team.id, email: 'x@y.io', invitedBy: owner.id, expiresAt: inAnHour() });
    await s.teams.createInstallation({ teamId: team.id, provider: 'github', installationId: '1' });
    const project = await s.createProject({
      teamId: team.id,
      name: 'P',
      slug: 'p',
      sourceType: 'github',
      sourceConfig: {},
      envVars: [{ key: 'A', encryptedValue: 'enc', isSecret: true }],
    });
    await s.projects.setEnvVar({ projectId: project.id, deploymentType: 'preview', key: 'B', encryptedValue: 'enc' });
    await s.createProjectApiToken({ projectId: project.id, name: 't', tokenPrefix: 'mk_', tokenHash: `h-${unique()}`, createdBy: owner.id });

    const client = await pgClient();
    const q = (table: string, col: string, id: string) =>
      client.query(`select count(*)::int as n from ${client.escapeIdentifier(s.schemaName)}.${table} where ${col} = $1`, [id]).then((r) => r.rows[0].n as number);
    const counts = async () => [
      await q('admin_team_members', 'team_id', team.id),
      await q('admin_team_invites', 'team_id', team.id),
      await q('admin_team_installations', 'team_id', team.id),
      await q('admin_projects', 'team_id', team.id),
      await q('admin_project_env_vars', 'project_id', project.id),
      await q('admin_project_api_tokens', 'project_id', project.id),
    ];
    try {
      expect(await counts()).toEqual([1, 1, 1, 1, 2, 1]);
      await s.deleteTeam(team.id);
      expect(await counts()).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await s.getUser(owner.id)).not.toBeNull();
    } finally {
      await client.end();
    }
  });
});
