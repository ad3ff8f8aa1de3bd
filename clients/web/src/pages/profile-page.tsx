/**
 * The profile: display name and locale. Saves carry the ETag read; when someone else changed the
 * profile meanwhile (412), their version is shown and nothing is overwritten until the user saves again.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { Profile } from '../api/api.ts';
import { ApiError, messageOf } from '../api/problem.ts';
import { useApi, useSession } from '../ui/api-context.tsx';
import { Field } from '../ui/field.tsx';
import { ErrorState, Loading } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';

export function ProfilePage() {
  const api = useApi();
  const session = useSession();
  const heading = usePageHeading('Profile');
  const id = session?.accountId ?? '';
  const [loaded, setLoaded] = useState<{ profile?: Profile; etag: string }>();
  const [form, setForm] = useState({ displayName: '', locale: 'en' });
  // Only asked for when the session does not know it: after a reload, until the next login.
  const [email, setEmail] = useState('');
  const [loadError, setLoadError] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [conflict, setConflict] = useState<Profile>();
  const [saved, setSaved] = useState(false);

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      const found = await api.profile.get(id);
      setLoaded(found ?? { etag: '' });
      if (found) setForm({ displayName: found.profile.displayName, locale: found.profile.locale });
    } catch (e) {
      setLoadError(messageOf(e));
    }
  }, [api, id]);
  useEffect(() => {
    void load();
  }, [load]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      const result = loaded?.profile
        ? await api.profile.update(id, loaded.etag, form)
        : await api.profile.create({ ...form, email: session?.email || email.trim() });
      setLoaded(result);
      setConflict(undefined);
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        // Keep the user's edits; show theirs; the next save (with the new ETag) is a deliberate choice.
        const latest = await api.profile.get(id);
        if (latest) {
          setLoaded(latest);
          setConflict(latest.profile);
        }
      } else setError(e);
    }
  }

  if (loadError) return <ErrorState message={loadError} onRetry={() => void load()} />;
  const fieldError = (f: string) => (error instanceof ApiError ? error.fieldError(f) : undefined);
  const formError =
    error && !fieldError('displayName') && !fieldError('locale') && !fieldError('email')
      ? messageOf(error)
      : undefined;
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Profile
      </h1>
      <p>
        Your user ID (give it to people who want to share documents with you; once this profile is saved, they
        can use your email instead): <code>{id}</code>
      </p>
      {!loaded ? (
        <Loading label="Loading the profile" />
      ) : (
        <form onSubmit={save} className="profile">
          {conflict && (
            <div className="conflict" role="alert">
              This profile was changed elsewhere while you edited it: the display name is now “
              {conflict.displayName}” and the locale “{conflict.locale}”. Your changes were not saved; save
              again to replace them with yours.
            </div>
          )}
          <Field
            label="Display name"
            required
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
            error={fieldError('displayName')}
          />
          {!loaded.profile && !session?.email && (
            <Field
              label="Email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={fieldError('email')}
            />
          )}
          <Field
            label="Locale"
            hint="A language tag such as en, fr or pt-BR"
            value={form.locale}
            onChange={(e) => setForm({ ...form, locale: e.target.value })}
            error={fieldError('locale')}
          />
          <p className="form-error" role={formError ? 'alert' : undefined}>
            {formError ?? ''}
          </p>
          <button type="submit">{loaded.profile ? 'Save' : 'Create profile'}</button>
          <p aria-live="polite">{saved ? 'Saved' : ''}</p>
        </form>
      )}
    </>
  );
}
