// Generated from the search service's OpenAPI document by dev/delivery/web-api-types.ts.
// Do not edit: run `make generate` (`dev/delivery/check.sh sync` fails when this is stale).

export type paths = {
    "/v1/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the documents the caller may read, most relevant first */
        get: operations["searchDocuments"];
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
        SearchPage: {
            items: components["schemas"]["SearchResult"][];
            nextCursor?: string;
        };
        SearchResult: {
            contentType: string;
            createdAt: string;
            /** @description Matching fragments by field, the matches marked with <mark> */
            highlights: {
                [key: string]: string[];
            };
            id: string;
            ownerId: string;
            score?: number;
            size: number;
            tags: string[];
            title: string;
            updatedAt: string;
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
    searchDocuments: {
        parameters: {
            query?: {
                cursor?: string;
                /** @description Updated at or after */
                from?: string;
                limit?: number;
                owner?: string;
                /** @description Words to find in title, tags and text, all required; "quoted phrases", -excluded, prefix*, a | b. Without it, the newest documents first. */
                q?: string;
                /** @description Only documents with every one of these tags */
                tags?: string | string[];
                /** @description Updated before */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of results; follow nextCursor for the next */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchPage"];
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
