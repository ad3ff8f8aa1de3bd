import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem.ts';
import { renderWithApi } from '../testing/render-with-api.tsx';
import { AuthPage } from './auth-page.tsx';

describe('the sign-in page', () => {
  it('logs in with the email and password typed into the labelled fields', async () => {
    const logIn = vi.fn(async () => undefined);
    renderWithApi(<AuthPage />, { logIn }, false);
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(logIn).toHaveBeenCalledWith('ada@example.com', 'correct horse');
  });

  it('shows the Auth service’s field errors next to the field they concern', async () => {
    const signUp = vi.fn(async () => {
      throw new ApiError(400, {
        detail: 'The request is invalid',
        errors: [
          { field: 'password', rule: 'too_small', message: 'Too small: expected at least 12 characters' },
        ],
      });
    });
    renderWithApi(<AuthPage />, { signUp }, false);
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    const password = screen.getByLabelText('Password');
    expect(password).toHaveProperty('ariaInvalid', 'true');
    expect(await screen.findByText('Too small: expected at least 12 characters')).toBeTruthy();
    expect(password.getAttribute('aria-describedby')).toContain(
      screen.getByText('Too small: expected at least 12 characters').id,
    );
  });

  it('says an email is taken under the email field when sign-up conflicts', async () => {
    const signUp = vi.fn(async () => {
      throw new ApiError(409, { detail: 'An account with this email already exists' });
    });
    renderWithApi(<AuthPage />, { signUp }, false);
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    await userEvent.type(screen.getByLabelText('Email'), 'taken@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'long enough password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect((await screen.findByRole('alert')).textContent).toBe('An account with this email already exists');
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
  });

  it('shows a wrong password as a form error, not under a field', async () => {
    const logIn = vi.fn(async () => {
      throw new ApiError(401, { detail: 'The email or password is wrong' });
    });
    renderWithApi(<AuthPage />, { logIn }, false);
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The email or password is wrong');
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBeNull();
  });
});
