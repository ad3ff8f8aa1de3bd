import { UnsupportedMediaTypeError } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { excerptText, uploadContentType } from './content-types.js';

describe('upload media types', () => {
  it('takes the media type without its parameters, in lower case', () => {
    expect(uploadContentType('Text/Plain; charset=utf-8')).toBe('text/plain');
  });

  it('refuses a missing or unaccepted type with 415', () => {
    expect(() => uploadContentType(undefined)).toThrow(UnsupportedMediaTypeError);
    expect(() => uploadContentType('application/x-msdownload')).toThrow(/not accepted/);
  });
});

describe('the text kept for search', () => {
  it('drops a character cut in half at the end of the excerpt', () => {
    const bytes = Buffer.from('café');
    expect(excerptText('text/plain', bytes.subarray(0, bytes.length - 1))).toBe('caf');
  });

  it('keeps the words of HTML without its tags', () => {
    expect(
      excerptText('text/html', Buffer.from('<h1>Title</h1><p>Body</p>')).replace(/\s+/g, ' ').trim(),
    ).toBe('Title Body');
  });
});
