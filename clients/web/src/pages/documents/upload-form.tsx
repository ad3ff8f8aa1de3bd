/** Upload a file by choosing it or dropping it, with a title, tags and a progress bar. */
import { type DragEvent, type FormEvent, useRef, useState } from 'react';
import type { DocumentView } from '../../api/api.ts';
import { ApiError, messageOf } from '../../api/problem.ts';
import { useApi } from '../../ui/api-context.tsx';
import { Field } from '../../ui/field.tsx';

/** Tags typed as "a, b": the service lower-cases and de-duplicates them too. */
export const parseTags = (text: string): string[] =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

export function UploadForm({ onUploaded }: { onUploaded: (doc: DocumentView) => void }) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState('');
  const [tags, setTags] = useState('');
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [dragging, setDragging] = useState(false);

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    if (!title) setTitle(chosen.name);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setError(new Error('Choose a file to upload'));
      return;
    }
    setError(undefined);
    setProgress(0);
    try {
      const doc = await api.documents.upload(file, title || file.name, parseTags(tags), setProgress);
      onUploaded(doc);
      setFile(undefined);
      setTitle('');
      setTags('');
      if (input.current) input.current.value = '';
    } catch (e) {
      setError(e);
    } finally {
      setProgress(undefined);
    }
  }

  const fieldError = (f: string) => (error instanceof ApiError ? error.fieldError(f) : undefined);
  const formError = error && !fieldError('title') && !fieldError('tags') ? messageOf(error) : undefined;
  return (
    <form className="upload" onSubmit={submit} aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a document</h2>
      <section
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        aria-label="Drop a file here"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor="upload-file">
          {file ? `Chosen: ${file.name}` : 'Drop a file here, or choose one'}
        </label>
        <input id="upload-file" ref={input} type="file" onChange={(e) => choose(e.target.files?.[0])} />
      </section>
      <Field
        label="Title"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={fieldError('title')}
      />
      <Field
        label="Tags"
        hint="Separated by commas"
        value={tags}
        onChange={(e) => setTags(e.target.value)}
        error={fieldError('tags')}
      />
      <div className="progress-row">
        {progress !== undefined && (
          <progress max={1} value={progress} aria-label="Upload progress">
            {Math.round(progress * 100)}%
          </progress>
        )}
      </div>
      <p className="form-error" role={formError ? 'alert' : undefined}>
        {formError ?? ''}
      </p>
      <button type="submit" disabled={progress !== undefined}>
        Upload
      </button>
    </form>
  );
}
