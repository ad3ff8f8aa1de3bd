import { ConfigError, envVariablesFor } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const required = {
  QUIRE_SERVICE_NAME: 'document',
  QUIRE_DATABASE_URL: 'postgresql://u:p@db:5432/quire',
  QUIRE_KAFKA_BROKERS: 'kafka-0:9092',
  QUIRE_AUTH_JWKS_URL: 'https://auth:8080/.well-known/jwks.json',
  QUIRE_S3_ENDPOINT: 'https://s3.example.com',
  QUIRE_S3_BUCKET: 'acme-quire-documents',
};

describe('the Document service configuration', () => {
  it('needs the database, Kafka, the JWKS URL and object storage, and lists every one missing', () => {
    try {
      loadConfig({ QUIRE_SERVICE_NAME: 'document' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'QUIRE_DATABASE_URL: is required',
        'QUIRE_KAFKA_BROKERS: is required',
        'QUIRE_AUTH_JWKS_URL: is required',
        'QUIRE_S3_ENDPOINT: is required',
        'QUIRE_S3_BUCKET: is required',
      ]);
    }
  });

  it('reads exactly the variables the kit says the operator may set', () => {
    const { required: names } = envVariablesFor('document');
    expect(Object.keys(required).sort()).toEqual([...names].sort());
  });

  it('uses the document schema, the SDK credential chain and the upload defaults unless told otherwise', () => {
    const c = loadConfig(required);
    expect(c.postgres.schema).toBe('document');
    expect(c.s3).toEqual({
      endpoint: 'https://s3.example.com',
      bucket: 'acme-quire-documents',
      region: 'us-east-1',
    });
    expect(c.document).toMatchObject({ maxUploadBytes: 100 * 1024 * 1024, contentRetentionSeconds: 86_400 });
    const set = loadConfig({
      ...required,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      QUIRE_DOCUMENT_MAX_UPLOAD_BYTES: '1048576',
    });
    expect(set.s3).toMatchObject({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
    expect(set.document.maxUploadBytes).toBe(1_048_576);
  });

  it('refuses an access key without its secret, and a bucket name S3 would refuse', () => {
    expect(() => loadConfig({ ...required, AWS_ACCESS_KEY_ID: 'id' })).toThrow(
      /AWS_SECRET_ACCESS_KEY: must be set together with AWS_ACCESS_KEY_ID/,
    );
    expect(() => loadConfig({ ...required, QUIRE_S3_BUCKET: 'Bad_Bucket' })).toThrow(
      /QUIRE_S3_BUCKET: must be an S3 bucket name/,
    );
  });
});
