import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Profile } from '../api/api.ts';
import { ApiError } from '../api/problem.ts';
import { me, renderWithApi } from '../testing/render-with-api.tsx';
import { ProfilePage } from './profile-page.tsx';

const profile = (displayName: string, locale = 'en'): Profile => ({
  id: me,
  displayName,
  email: 'me@example.com',
  locale,
  createdAt: '2026-02-01T10:00:00.000Z',
  updatedAt: '2026-02-01T10:00:00.000Z',
});

describe('the profile page', () => {
  it('saves the display name and locale with the ETag it read', async () => {
    const update = vi.fn(async () => ({ profile: profile('Ada L.', 'fr'), etag: '"2"' }));
    renderWithApi(<ProfilePage />, {
      profile: { get: async () => ({ profile: profile('Ada'), etag: '"1"' }), update },
    });
    const name = await screen.findByLabelText('Display name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Ada L.');
    await userEvent.clear(screen.getByLabelText('Locale'));
    await userEvent.type(screen.getByLabelText('Locale'), 'fr');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(update).toHaveBeenCalledWith(me, '"1"', { displayName: 'Ada L.', locale: 'fr' });
    expect(await screen.findByText('Saved')).toBeTruthy();
  });

  it('shows a concurrent change instead of overwriting it, and keeps the user’s edits', async () => {
    const get = vi
      .fn()
      .mockResolvedValueOnce({ profile: profile('Ada'), etag: '"1"' })
      .mockResolvedValue({ profile: profile('Countess Lovelace'), etag: '"2"' });
    const update = vi.fn(async () => {
      throw new ApiError(412, { detail: 'The profile changed since it was read' });
    });
    renderWithApi(<ProfilePage />, { profile: { get, update } });
    const name = await screen.findByLabelText('Display name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Ada L.');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Countess Lovelace');
    expect(screen.getByLabelText('Display name')).toHaveProperty('value', 'Ada L.');
    expect(update).toHaveBeenCalledTimes(1);
  });

  it('shows the User service’s field error under the locale', async () => {
    const update = vi.fn(async () => {
      throw new ApiError(400, {
        errors: [{ field: 'locale', rule: 'invalid_format', message: 'Invalid locale' }],
      });
    });
    renderWithApi(<ProfilePage />, {
      profile: { get: async () => ({ profile: profile('Ada'), etag: '"1"' }), update },
    });
    await userEvent.type(await screen.findByLabelText('Locale'), '!!');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid locale');
  });

  it('creates the profile with the email typed at login, without asking for it', async () => {
    const create = vi.fn(async () => ({ profile: profile('Ada'), etag: '"1"' }));
    renderWithApi(<ProfilePage />, { profile: { get: async () => undefined, create } });
    await userEvent.type(await screen.findByLabelText('Display name'), 'Ada');
    expect(screen.queryByLabelText('Email')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Create profile' }));
    expect(create).toHaveBeenCalledWith({ displayName: 'Ada', locale: 'en', email: 'me@example.com' });
  });

  it('after a reload, when the session no longer knows the email, asks for it to create the profile', async () => {
    const create = vi.fn(async () => ({ profile: profile('Ada'), etag: '"1"' }));
    const { session } = renderWithApi(<ProfilePage />, { profile: { get: async () => undefined, create } });
    // A session resumed from the refresh cookie: the tokens carry no email.
    act(() =>
      session.set({ accountId: me, accessToken: 'h.e30.s', tokenType: 'Bearer', expiresIn: 900 }, ''),
    );
    await userEvent.type(await screen.findByLabelText('Display name'), 'Ada');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Create profile' }));
    expect(create).toHaveBeenCalledWith({ displayName: 'Ada', locale: 'en', email: 'ada@example.com' });
  });
});
