/**
 * One document in the list: download, upload a new version, share with a user (by email, which the
 * User service resolves, or by user ID), delete.
 */
import { type FormEvent, useRef, useState } from 'react';
import type { DocumentView } from '../../api/api.ts';
import { ApiError, messageOf } from '../../api/problem.ts';
import { useApi } from '../../ui/api-context.tsx';
import { Field } from '../../ui/field.tsx';
import { saveBlob } from '../../ui/save-blob.ts';

const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

interface RowProps {
  doc: DocumentView;
  isOwner: boolean;
  onChanged: (doc: DocumentView) => void;
  onDelete: (doc: DocumentView) => void;
}

export function DocumentRow({ doc, isOwner, onChanged, onDelete }: RowProps) {
  const api = useApi();
  const versionInput = useRef<HTMLInputElement>(null);
  const [sharing, setSharing] = useState(false);
  const [shareWith, setShareWith] = useState('');
  const [shareError, setShareError] = useState<string>();
  const [status, setStatus] = useState('');
  const [progress, setProgress] = useState<number>();

  const run = async (label: string, action: () => Promise<void>) => {
    setStatus(`${label}…`);
    try {
      await action();
    } catch (e) {
      setStatus(`${label} failed: ${messageOf(e)}`);
    }
  };
  const download = () =>
    run('Downloading', async () => {
      saveBlob(await api.documents.download(doc.id), doc.title);
      setStatus('');
    });
  const newVersion = (file: File | undefined) =>
    file &&
    run('Uploading a new version', async () => {
      try {
        onChanged(await api.documents.newVersion(doc, file, setProgress));
        setStatus(`Version ${doc.version + 1} uploaded`);
      } finally {
        setProgress(undefined);
      }
    });
  const share = (event: FormEvent) => {
    event.preventDefault();
    const to = shareWith.trim();
    setShareError(undefined);
    void run('Sharing', async () => {
      let userId = to;
      let whom = to;
      // Anything with an @ is an email: user IDs are UUIDs.
      if (to.includes('@')) {
        try {
          const match = await api.profile.findByEmail(to);
          userId = match.id;
          whom = `${match.displayName} (${to})`;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
          // Only people who saved a profile can be found by email; their user ID always works.
          setShareError(
            `No user has the email ${to}. They may need to save their profile first, or share with their user ID instead.`,
          );
          setStatus('');
          return;
        }
      }
      onChanged(await api.documents.share(doc.id, userId, 'read'));
      setStatus(`Shared with ${whom}`);
      setShareWith('');
      setSharing(false);
    });
  };

  return (
    <li className="doc-row">
      <div className="doc-main">
        <span className="doc-title">{doc.title}</span>
        <span className="doc-meta">
          {doc.contentType} · {sizeText(doc.size)} · version {doc.version} ·{' '}
          {new Date(doc.updatedAt).toLocaleDateString()}
          {doc.tags.length > 0 && ` · ${doc.tags.join(', ')}`}
          {doc.shares.length > 0 && ` · shared with ${doc.shares.length}`}
        </span>
      </div>
      <div className="doc-actions">
        <button type="button" onClick={download} aria-label={`Download ${doc.title}`}>
          Download
        </button>
        {isOwner && (
          <>
            <button
              type="button"
              onClick={() => versionInput.current?.click()}
              aria-label={`Upload a new version of ${doc.title}`}
            >
              New version
            </button>
            <input
              ref={versionInput}
              type="file"
              hidden
              aria-hidden="true"
              tabIndex={-1}
              onChange={(e) => void newVersion(e.target.files?.[0])}
            />
            <button
              type="button"
              aria-expanded={sharing}
              aria-label={`Share ${doc.title}`}
              onClick={() => setSharing(!sharing)}
            >
              Share
            </button>
            <button
              type="button"
              className="danger"
              aria-label={`Delete ${doc.title}`}
              onClick={() => onDelete(doc)}
            >
              Delete
            </button>
          </>
        )}
      </div>
      {sharing && (
        <form className="share-form" onSubmit={share}>
          <Field
            label="Email or user ID to share with (read access)"
            required
            // The field the user just asked to open.
            autoFocus
            value={shareWith}
            onChange={(e) => setShareWith(e.target.value)}
            error={shareError}
          />
          <button type="submit">Share</button>
        </form>
      )}
      {progress !== undefined && <progress max={1} value={progress} aria-label="New version progress" />}
      <p className="row-status" aria-live="polite">
        {status}
      </p>
    </li>
  );
}
