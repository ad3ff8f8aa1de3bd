/** Sign up or log in; the Auth service's field errors appear under the fields they concern. */
import { type FormEvent, useState } from 'react';
import { ApiError, messageOf } from '../api/problem.ts';
import { useApi } from '../ui/api-context.tsx';
import { Field } from '../ui/field.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';

type Mode = 'login' | 'signup';

export function AuthPage() {
  const api = useApi();
  const [mode, setMode] = useState<Mode>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const title = mode === 'login' ? 'Log in' : 'Create an account';
  const heading = usePageHeading(title);

  const fieldError = (field: string) => (error instanceof ApiError ? error.fieldError(field) : undefined);
  // A conflict on sign-up is about the email; other problems without a field go above the form.
  const emailError =
    fieldError('email') ?? (error instanceof ApiError && error.status === 409 ? error.message : undefined);
  const formError = error && !emailError && !fieldError('password') ? messageOf(error) : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await (mode === 'login' ? api.logIn(email, password) : api.signUp(email, password));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <main id="main" className="auth">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <form onSubmit={submit} noValidate aria-describedby={formError ? 'form-error' : undefined}>
        <p id="form-error" className="form-error" role={formError ? 'alert' : undefined}>
          {formError ?? ''}
        </p>
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={emailError}
        />
        <Field
          label="Password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError('password')}
          {...(mode === 'signup' ? { hint: 'At least 12 characters' } : {})}
        />
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Sign up'}
        </button>
      </form>
      <p>
        {mode === 'login' ? 'New to Quire? ' : 'Already have an account? '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'login' ? 'signup' : 'login');
            setError(undefined);
          }}
        >
          {mode === 'login' ? 'Create an account' : 'Log in instead'}
        </button>
      </p>
    </main>
  );
}
