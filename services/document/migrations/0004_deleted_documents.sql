-- The trash (GET /v1/documents/deleted) walks one owner's deleted documents, newest deletion first.
CREATE INDEX documents_owner_deleted ON documents (owner_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
