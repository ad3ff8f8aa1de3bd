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
         * Walk the hash chain from the first entry and report the first broken link
         * @description Answers 200 either way: `valid` says whether every link held, `firstBroken` names the entry where it stopped. Keep `head.hash` somewhere else to detect a truncated tail later.
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
            checked: number;
            firstBroken?: {
                eventId: string;
                /** @enum {string} */
                reason: "hash-mismatch" | "previous-hash-mismatch" | "missing-entry";
                seq: number;
            };
            head?: {
                hash: string;
                seq: number;
            };
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
            query?: never;
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
