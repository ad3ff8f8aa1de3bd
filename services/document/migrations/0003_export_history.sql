-- GET /v1/exports pages through one user's exports, newest first: those they requested and those of
-- their documents (an admin's export of them). These find both without reading everyone's exports.
CREATE INDEX exports_requested_by_created ON exports (requested_by, created_at, id);
CREATE INDEX exports_owner_created ON exports (owner_id, created_at, id);
