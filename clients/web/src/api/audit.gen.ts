// Generated from the audit service's OpenAPI document by dev/delivery/web-api-types.ts.
// Do not edit: run `make generate` (`dev/delivery/check.sh sync` fails when this is stale).

export type paths = {
    "/v1/audit/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Entries by actor, subject, action and time range, newest first, a page at a time */
        get: operations["queryAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check the checkpoints against the chain and walk its links, from the last checkpoint or from the start
         * @description Answers 200 either way. Every stored checkpoint is checked against the entry at its seq (`checkpoints.firstFailed` names the first that no longer matches: a truncated log or a rewritten prefix); then the links are walked from the last checkpoint that matches, or from the first entry with `full=true`, and `firstBroken` names the entry where the walk stopped. `valid` is true when both hold. Checkpoints are also published on quire.audit.events: compare `checkpoints.latest` with a copy kept there.
         */
        get: operations["verifyAuditChain"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        AuditCheckpointCheck: {
            /** @description Stored checkpoints checked against the chain */
            checked: number;
            /** @description How many no longer match */
            failed: number;
            firstFailed?: components["schemas"]["AuditCheckpointFailure"];
            /** @description The newest stored checkpoint: compare it with the copy published on quire.audit.events */
            latest?: {
                /**
                 * Format: date-time
                 * @description When the checkpoint was recorded
                 */
                at: string;
                /** @description That entry's hash, which covers every entry up to it */
                hash: string;
                /** @description The entry whose hash was recorded */
                seq: number;
            };
        };
        AuditCheckpointFailure: {
            /**
             * Format: date-time
             * @description When the checkpoint was recorded
             */
            at: string;
            /** @description What was found, in a sentence */
            detail: string;
            /** @description That entry's hash, which covers every entry up to it */
            hash: string;
            /**
             * @description truncated: the log ends before the checkpoint; missing-entry: its entry was removed; hash-mismatch: the entries up to it were rewritten
             * @enum {string}
             */
            reason: "truncated" | "missing-entry" | "hash-mismatch";
            /** @description The entry whose hash was recorded */
            seq: number;
        };
        AuditEntry: {
            action: string;
            actor: string | null;
            data?: unknown;
            eventId: string;
            /** @description SHA-256 of the canonical JSON of the entry and prevHash */
            hash: string;
            /** Format: date-time */
            occurredAt: string;
            prevHash: string;
            /** Format: date-time */
            recordedAt: string;
            /** @description Position in the chain, from 1, without gaps */
            seq: number;
            source: string;
            subject: string;
        };
        AuditEntryPage: {
            items: components["schemas"]["AuditEntry"][];
            nextCursor?: string;
        };
        AuditVerification: {
            /** @description Entries the walk checked, up to the first broken one */
            checked: number;
            checkpoints: components["schemas"]["AuditCheckpointCheck"];
            firstBroken?: {
                eventId: string;
                /** @enum {string} */
                reason: "hash-mismatch" | "previous-hash-mismatch" | "missing-entry";
                seq: number;
            };
            /** @description The walk checked the entries after this seq (0: all) */
            from: number;
            head?: {
                hash: string;
                seq: number;
            };
            /**
             * @description incremental walks from the last checkpoint that matches; full from the first entry
             * @enum {string}
             */
            mode: "incremental" | "full";
            /** @description Every link walked held and every checkpoint matched */
            valid: boolean;
        };
        /** @description An RFC 9457 problem document */
        Problem: {
            detail: string;
            errors?: {
                field: string;
                /** @enum {string} */
                in?: "body" | "query" | "params" | "header";
                message: string;
                rule: string;
            }[];
            instance: string;
            requestId?: string;
            status: number;
            title: string;
            type: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    queryAuditEntries: {
        parameters: {
            query?: {
                /** @description An event type, such as document.shared */
                action?: string;
                actor?: string;
                cursor?: string;
                /** @description Entries that occurred at or after */
                from?: string;
                limit?: number;
                subject?: string;
                /** @description Entries that occurred before */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page; follow nextCursor for the next */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntryPage"];
                };
            };
            /** @description The request is invalid; `errors` lists each field and the rule it broke */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials are missing, invalid or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency does not answer; see Retry-After */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    verifyAuditChain: {
        parameters: {
            query?: {
                /** @description Walk every entry from the first, re-hashing the ones checkpoints cover, instead of only those after the last checkpoint that matches */
                full?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The outcome of the walk */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerification"];
                };
            };
            /** @description The request is invalid; `errors` lists each field and the rule it broke */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credentials are missing, invalid or expired */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency does not answer; see Retry-After */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
