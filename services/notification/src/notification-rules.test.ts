import { describe, expect, it } from 'vitest';
import { documentDrafts } from './notification-rules.js';

const ada = 'ada-account';
const bob = 'bob-account';
const cyd = 'cyd-account';
const admin = 'admin-account';

/** A document of Ada's as document events carry it, shared with Bob (write) and Cyd (read). */
const airshipPlans = {
  id: 'doc-1',
  version: 7,
  title: 'Airship plans',
  ownerId: ada,
  shares: [
    { userId: bob, permission: 'write' },
    { userId: cyd, permission: 'read' },
  ],
};

const recipients = (drafts: { userId: string }[]) => drafts.map((d) => d.userId);

describe('who hears of a restored document', () => {
  it('when the owner restores a shared document, each sharee is told they have it back and the owner is not', () => {
    const drafts = documentDrafts('document.restored', ada, airshipPlans, [bob, cyd]);
    expect(recipients(drafts)).toEqual([bob, cyd]);
    expect(drafts[0]).toEqual({
      userId: bob,
      kind: 'document.restored',
      title: '"Airship plans" is back',
      body: '"Airship plans" was deleted and has been restored: you can read and edit it again.',
      data: { documentId: 'doc-1', title: 'Airship plans', restoredBy: ada, permission: 'write' },
    });
    expect(drafts[1]?.body).toBe('"Airship plans" was deleted and has been restored: you can read it again.');
  });

  it('when an admin restores it, the owner is told too, and the admin is not', () => {
    const drafts = documentDrafts('document.restored', admin, airshipPlans, [bob, cyd]);
    expect(recipients(drafts)).toEqual([ada, bob, cyd]);
    expect(drafts[0]).toMatchObject({
      kind: 'document.restored',
      title: '"Airship plans" was restored',
      data: { documentId: 'doc-1', restoredBy: admin },
    });
  });

  it('when a sharee is the one who restored it, that sharee is not told', () => {
    const drafts = documentDrafts('document.restored', bob, airshipPlans, [bob, cyd]);
    expect(recipients(drafts)).toEqual([ada, cyd]);
  });

  it('when the owner restores a document shared with nobody, nobody is told', () => {
    expect(documentDrafts('document.restored', ada, { ...airshipPlans, shares: [] }, [])).toEqual([]);
  });

  it('when the service has no earlier state of the document, every sharee is still told', () => {
    expect(recipients(documentDrafts('document.restored', ada, airshipPlans, []))).toEqual([bob, cyd]);
  });
});

describe('who hears of a deleted document', () => {
  it('when an admin deletes a document, its owner is told how to get it back, and nobody else', () => {
    expect(documentDrafts('document.deleted', admin, airshipPlans, [bob, cyd])).toEqual([
      {
        userId: ada,
        kind: 'document.deleted',
        title: '"Airship plans" was deleted',
        body: 'Your document "Airship plans" was deleted by someone else. You can restore it, with its sharing, from Trash in the web app or with `quire docs restore doc-1`, until its content is removed.',
        data: { documentId: 'doc-1', title: 'Airship plans', deletedBy: admin },
      },
    ]);
  });

  it('when the owner deletes their own document, nobody is told', () => {
    expect(documentDrafts('document.deleted', ada, airshipPlans, [bob, cyd])).toEqual([]);
  });
});

describe('who hears of a share', () => {
  it('when a document is shared with one more user, only that user is told', () => {
    const drafts = documentDrafts('document.shared', ada, airshipPlans, [bob]);
    expect(drafts).toEqual([
      {
        userId: cyd,
        kind: 'document.shared',
        title: '"Airship plans" was shared with you',
        body: 'You can now read "Airship plans".',
        data: { documentId: 'doc-1', title: 'Airship plans', permission: 'read', sharedBy: ada },
      },
    ]);
  });
});

describe('document events that concern nobody', () => {
  it.each(['document.created', 'document.updated', 'document.unshared'])(
    'when a document event is %s, nobody is told',
    (type) => {
      expect(documentDrafts(type, admin, airshipPlans, [])).toEqual([]);
    },
  );
});
